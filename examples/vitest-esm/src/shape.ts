// Shapes: the base class is exercised through the subclass the tests construct.
export abstract class Shape {
  abstract area(): number

  describe(): string {
    const a = this.area()
    return `${this.constructor.name} of area ${a < 10 ? a.toFixed(2) : Math.round(a)}`
  }
}

export class Rect extends Shape {
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    super()
  }

  area(): number {
    return this.width * this.height
  }
}

export class Circle extends Shape {
  constructor(readonly radius: number) {
    super()
  }

  area(): number {
    return Math.PI * this.radius ** 2
  }
}
