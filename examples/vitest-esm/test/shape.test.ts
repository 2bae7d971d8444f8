import { expect, it } from "vitest"
import { Rect } from "../src/shape.js"

it("describes a rectangle", () => {
  expect(new Rect(2, 3).describe()).toBe("Rect of area 6.00")
  expect(new Rect(4, 5).area()).toBe(20)
})
