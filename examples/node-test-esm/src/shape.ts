export abstract class Shape {
  constructor(readonly kind: string) {}

  abstract area(): number;

  describe(): string {
    return `${this.kind} of area ${this.area().toFixed(2)}`;
  }
}

export class Square extends Shape {
  constructor(readonly side: number) {
    super('square');
  }

  area(): number {
    return this.side * this.side;
  }
}

export class Circle extends Shape {
  constructor(readonly radius: number) {
    super('circle');
  }

  area(): number {
    return Math.PI * this.radius * this.radius;
  }
}
