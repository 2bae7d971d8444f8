// The project's lint: ESLint's and typescript-eslint's recommended rules (generated tests must add no error).
import js from "@eslint/js"
import { defineConfig, globalIgnores } from "eslint/config"
import tseslint from "typescript-eslint"

export default defineConfig(
  js.configs.recommended,
  tseslint.configs.recommended,
  globalIgnores(["coverage/"]),
)
