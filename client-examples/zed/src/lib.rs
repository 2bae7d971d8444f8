//! Zed extension for the testgap language server (protocol.md is the contract).
//!
//! It only says how to start the server and which settings to hand it; Zed's LSP client does the rest
//! (diagnostics, code actions, `workspace/executeCommand`, `$/progress`).
use zed_extension_api::{self as zed, serde_json, settings::LspSettings, LanguageServerId, Result};

/// The language server's name in extension.toml and in the user's `lsp` settings.
const SERVER_NAME: &str = "testgap";
/// The executable npm links into `node_modules/.bin` (package.json `bin`).
const BINARY: &str = "testgap";
/// protocol.md, "Starting the server".
const ARGS: [&str; 2] = ["lsp", "--stdio"];

struct TestgapExtension;

impl TestgapExtension {
    /// The project's own install first (`npm i -D testgap` puts it in node_modules/.bin), then PATH.
    fn server_path(worktree: &zed::Worktree) -> Option<String> {
        let (os, _) = zed::current_platform();
        let bin = match os {
            zed::Os::Windows => format!("{BINARY}.cmd"),
            _ => BINARY.to_string(),
        };
        let relative = format!("node_modules/.bin/{bin}");
        // The extension runs in a WebAssembly sandbox: the worktree's files are reachable only through the worktree.
        if worktree.read_text_file(&relative).is_ok() {
            return Some(format!("{}/{relative}", worktree.root_path()));
        }
        worktree.which(BINARY)
    }
}

impl zed::Extension for TestgapExtension {
    fn new() -> Self {
        TestgapExtension
    }

    fn language_server_command(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        // `lsp.testgap.binary` in settings.json overrides where the server comes from and its arguments.
        let binary = LspSettings::for_worktree(SERVER_NAME, worktree)
            .ok()
            .and_then(|settings| settings.binary);
        let command = match binary.as_ref().and_then(|b| b.path.clone()) {
            Some(path) => path,
            None => Self::server_path(worktree).ok_or_else(|| {
                format!(
                    "{BINARY} not found in {}/node_modules/.bin nor on PATH: run `npm i -D /path/to/testgap` in the project",
                    worktree.root_path()
                )
            })?,
        };
        let args = binary
            .as_ref()
            .and_then(|b| b.arguments.clone())
            .unwrap_or_else(|| ARGS.iter().map(|a| a.to_string()).collect());
        let mut env = worktree.shell_env();
        if let Some(extra) = binary.and_then(|b| b.env) {
            env.extend(extra);
        }
        Ok(zed::Command { command, args, env })
    }

    /// `initializationOptions`: `lsp.testgap.initialization_options` when given, else `{ "testgap": <lsp.testgap.settings> }`
    /// (the server accepts both the bare object and one nested under `testgap`), so the first analysis already uses them.
    fn language_server_initialization_options(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<serde_json::Value>> {
        let settings = LspSettings::for_worktree(SERVER_NAME, worktree).ok();
        Ok(settings.and_then(|s| {
            s.initialization_options
                .or_else(|| s.settings.map(|v| serde_json::json!({ "testgap": v })))
        }))
    }

    /// The answer to `workspace/configuration`: Zed looks the requested section up in this object, and the server
    /// asks for section `testgap`, so the user's `lsp.testgap.settings` go under that key. Only what the user set
    /// is there (no defaults), so a project's package.json "testgap" field still applies under it.
    fn language_server_workspace_configuration(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<serde_json::Value>> {
        let settings = LspSettings::for_worktree(SERVER_NAME, worktree)
            .ok()
            .and_then(|s| s.settings)
            .unwrap_or_else(|| serde_json::json!({}));
        Ok(Some(serde_json::json!({ "testgap": settings })))
    }
}

zed::register_extension!(TestgapExtension);
