// "Tested" as a reviewer reads a test: members read through an object matcher are used, and a tested subclass
// exercises the base class it inherits from (issue 15: 10 of 23 findings on one public project were these).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtureProject } from '../helpers/project';

const URL_CLASS = `//- /package.json
{}
//- /src/url.ts
export class ParsedUrl {
  constructor(private readonly raw: string) {}
  get hostname(): string { return new URL(this.raw).hostname; }
  get port(): string { return new URL(this.raw).port; }
  get search(): string { return new URL(this.raw).search; }
  get hash(): string { return new URL(this.raw).hash; }
  get origin(): string { return new URL(this.raw).origin; }
  get pathname(): string { return new URL(this.raw).pathname; }
}
`;

test('getters read through toMatchObject, toEqual, deepStrictEqual, toHaveProperty and chai are used', () => {
  const { untested } = fixtureProject(`${URL_CLASS}//- /test/url.test.ts
import assert from 'node:assert/strict';
import { expect as chai } from 'chai';
import { ParsedUrl } from '../src/url';
const url = new ParsedUrl('http://a.test:8080/p?q#h');
it('reads', () => {
  expect(url).toMatchObject({ hostname: 'a.test', nested: [{ port: '8080' }] });
  expect(url).toHaveProperty('search.length');
  assert.deepStrictEqual({ ...url }, expect.objectContaining({ hash: '#h' }));
  chai(url).to.have.property('origin');
});
`);
  assert.equal(untested('src/url.ts'), ['ParsedUrl.pathname']);
});

test('ordinary methods named like matchers count only in an assertion chain', () => {
  const { untested } = fixtureProject(`${URL_CLASS}//- /test/url.test.ts
import { expect as check } from 'chai';
import { ParsedUrl } from '../src/url';
const url = new ParsedUrl('http://a.test/');
const router = { match: (o: object) => o, has: (o: object) => !!o };
it('routes', () => {
  router.match({ hostname: 'a.test', port: '80' });
  router.has({ search: '' });
  check(url).to.include({ hash: '' });
});
`);
  assert.equal(untested('src/url.ts'), ['ParsedUrl.hostname', 'ParsedUrl.port', 'ParsedUrl.search', 'ParsedUrl.origin', 'ParsedUrl.pathname']);
});

test('keys of an object that is not compared by a matcher do not count', () => {
  const { untested } = fixtureProject(`${URL_CLASS}//- /test/url.test.ts
import { ParsedUrl } from '../src/url';
const url = new ParsedUrl('http://a.test/');
const options = { hostname: 'x', port: 1 };
it('builds', () => { expect(url).toBeInstanceOf(ParsedUrl); log(options); });
`);
  assert.equal(untested('src/url.ts'), ['ParsedUrl.hostname', 'ParsedUrl.port', 'ParsedUrl.search', 'ParsedUrl.hash', 'ParsedUrl.origin', 'ParsedUrl.pathname']);
});

test('a tested subclass exercises its base class and the members the test uses, imported or in the same module', () => {
  const { untested } = fixtureProject(`//- /package.json
{}
//- /src/base.ts
export abstract class Registry {
  protected readonly items = new Map<string, number>();
  add(name: string, n: number): this { this.items.set(name, n); return this; }
  get size(): number { return this.items.size; }
  clear(): void { this.items.clear(); }
}
//- /src/registries.ts
import { Registry } from './base';
import * as base from './base';
export class Counters extends Registry {
  total(): number { let t = 0; for (const n of this.items.values()) t += n; return t; }
}
export class Named extends base.Registry {}
export class Local {
  hello(): string { return 'hi'; }
}
export class Greeter extends Local {}
//- /test/counters.test.ts
import { Counters, Greeter } from '../src/registries';
it('counts', () => {
  const c = new Counters().add('a', 1);
  expect(c.total()).toBe(1);
  expect(c.size).toBe(1);
  expect(new Greeter().hello()).toBe('hi');
});
`);
  assert.equal(untested('src/base.ts'), ['Registry.clear']);
  assert.equal(untested('src/registries.ts'), ['Named']);
});

test('the index follows a subclass to its base after an edit, as a fresh project does', () => {
  const f = fixtureProject(`//- /package.json
{}
//- /src/a.ts
export class A { a(): number { return 1; } }
export class B { a(): number { return 2; } }
export class C extends A {}
//- /test/c.test.ts
import { C } from '../src/a';
it('c', () => expect(new C().a()).toBe(1));
`);
  assert.equal(f.untested('src/a.ts'), ['B']);
  const file = f.fixture.path('src/a.ts');
  // The same units before and after: only the base changed.
  f.project.setOverlay(file, 'export class A { a(): number { return 1; } }\nexport class B { a(): number { return 2; } }\nexport class C extends B {}\n');
  assert.equal(f.untested('src/a.ts'), ['A'], 'C now inherits a() from B');
});

test.run();
