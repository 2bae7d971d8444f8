// Types only: nothing to measure.
export interface Point {
  x: number
  y: number
}
export type Size = { width: number; height: number }
