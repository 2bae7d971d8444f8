import { describe, expect, it } from "vitest"
import { Address, joinPath } from "../src/url.js"

describe("Address", () => {
  it("reads its parts", () => {
    expect(new Address("example.org/docs")).toMatchObject({
      hostname: "example.org",
      path: "/docs",
      secure: true,
    })
  })
})

describe("joinPath", () => {
  it.each([
    ["a/", ["b"], "a/b"],
    ["a", ["/b/", "", "c"], "a/b/c"],
  ])("%s + %j", (base, parts, expected) => {
    expect(joinPath(base, ...parts)).toBe(expected)
  })
})
