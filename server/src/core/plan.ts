// Candidate inputs for a unit: what to call it with, and where each input came from. Inputs are JS source text of
// an arguments array (`[1999, 'EUR']`), evaluated only in the sandbox.
//
// Strategy: a base call (the first typical value of every parameter), then one parameter varied at a time through
// its typical, mined, boundary and invalid values (one-factor-at-a-time keeps the count linear in the parameters),
// optional parameters omitted, and the calls written in JSDoc @example lines with their documented results.
import fc from 'fast-check';
import ts from 'typescript';
import type { Param, TypeShape, Unit } from './model';
import { quote } from './values';

/** `search`: proposed by the coverage-guided search (core/search.ts) after the planned inputs ran. */
export type CandidateOrigin = 'example' | 'typical' | 'constant' | 'boundary' | 'invalid' | 'omitted' | 'search';

export interface Candidate {
  /** JS source of the arguments array. */
  args: string;
  origin: CandidateOrigin;
  /** JS source of the documented result, for `@example` calls that state one. */
  expected?: string;
}

/**
 * What every temp-folder fixture starts with, in sandbox runs and in the emitted tests alike: a file, and a folder
 * holding one, so that code walking a directory tree (readdir, recursive copy, glob) has a level to descend into.
 */
export const FIXTURE_FILES: readonly { name: string; text: string }[] = [
  { name: 'existing.txt', text: 'hello\n' },
  { name: 'existing-dir/nested.txt', text: 'nested\n' },
];
export const FIXTURE_FILE = FIXTURE_FILES[0];
export const FIXTURE_DIR = 'existing-dir';

export interface UnitPlan {
  unit: Unit;
  /** `tempDir`: each call runs in a fresh temporary working folder holding FIXTURE_FILE. */
  fixture?: 'tempDir';
  /** For instance members: JS source of the constructor arguments used for every call. */
  ctorArgs?: string;
  /**
   * The unit reports through a Node-style callback, its last parameter: candidates hold the arguments before it, the
   * sandbox passes a real callback and waits for it, and the emitted test awaits it (no dangling async work).
   */
  callback?: true;
  candidates: Candidate[];
}

const CALLBACK_NAME = /^(cb|callback|done|nodeback)$/i;

/** The unit takes a Node-style callback last: `copy(src, dest, cb)`. Not for async functions, which return a promise. */
export function takesCallback(unit: Unit): boolean {
  const last = unit.params[unit.params.length - 1];
  if (!last || last.rest || unit.async || unit.generator) return false;
  if (unit.kind !== 'function' && unit.kind !== 'method' && unit.kind !== 'static-method') return false;
  return CALLBACK_NAME.test(last.name);
}

/** The parameters candidates give values for: all but a Node-style callback, which the sandbox and the test supply. */
export function plannedParams(unit: Unit): Param[] {
  return takesCallback(unit) ? unit.params.slice(0, -1) : unit.params;
}

export const MAX_CANDIDATES = 40;

interface Values {
  typical: string[];
  boundary: string[];
  invalid: string[];
}

const NUMBER: Values = { typical: ['1', '0', '42'], boundary: ['-1', '0.5', '-0', 'Number.MAX_SAFE_INTEGER'], invalid: ['NaN', 'Infinity', '-Infinity'] };
const STRING: Values = { typical: ["'a'", "'hello world'", "'fooBar'"], boundary: ["''", "'foo-bar_baz'", "'ünïcødé 😀'", "'  padded  '", "'x'.repeat(1000)"], invalid: [] };

function uniq(xs: string[]): string[] {
  return [...new Set(xs)];
}

/**
 * A parameter named for a URL: absolute URLs on one host at several depths (same level, below, above), a subdomain,
 * another host, and relative and invalid forms, so comparisons between two such parameters take every path.
 * Hosts are under the reserved `.test` domain: nothing here is ever a real address.
 */
const URL_NAME = /(url|uri|href|link|endpoint)(str|string)?$/i;
const URL_VALUES: Values = {
  typical: ["'http://a.test/dir/page.html'", "'https://a.test/'"],
  boundary: [
    "'http://a.test/dir/other.html'", "'http://a.test/dir/sub/deep.html'", "'http://a.test/top.html'", "'http://www.a.test/dir/page.html'",
    "'https://b.test/x?q=1&r=2#part'", "'//a.test/dir/'", "'/dir/page.html'", "'../up.html'", "'mailto:someone@a.test'", "'not a url'", "''",
  ],
  invalid: [],
};

/**
 * A document parameter in a module that imports an HTML parser (cheerio, jsdom…): pages whose links, relative to a
 * `<base>` and to the URL values above, go to the same level, below, above, to a subdomain and to another host, with
 * duplicates, non-http schemes and elements without the attribute.
 */
const HTML_NAME = /^(html|markup|body|page|content|data|doc|document|source)$|(Html|Markup|Document)$/;
const HTML_LINKS =
  '<a href="other.html">Other</a> <a href="other.html">Other again</a> <a href="sub/deep.html">Deep</a> <a href="/top.html">Top</a> ' +
  '<a href="http://www.a.test/dir/x.html">Www</a> <a href="https://b.test/">B</a> <a href="mailto:x@a.test">Mail</a> <a href="#">Hash</a> ' +
  '<a>No link</a> <img src="pic.png" alt="Pic"> <link rel="stylesheet" href="style.css"> <script src="app.js"></script>';
const HTML_VALUES: Values = {
  typical: [quote(`<html><head><title>Page</title><base href="http://a.test/dir/"></head><body>${HTML_LINKS}</body></html>`), quote(`<html><body>${HTML_LINKS}</body></html>`)],
  boundary: ["'<p>No links</p>'", quote('<a href="http://a.test/dir/page.html">Self</a>'), "''"],
  invalid: [],
};

/** Whether a parameter may take a value of this kind: untyped, `any`/`unknown`, that kind, or a union with it. */
function couldBe(p: Param, kind: 'string' | 'object'): boolean {
  const shape = p.shape;
  return !shape || shape.kind === kind || shape.kind === 'any' || shape.kind === 'unknown' || (shape.kind === 'union' && shape.members.some((m) => m.kind === kind));
}

function isHtmlParam(p: Param, unit: Unit): boolean {
  return !!unit.constants?.moduleHtml && HTML_NAME.test(p.name) && couldBe(p, 'string');
}

/** Values the unit's setting gives a parameter (a path in a module that uses files, a document where HTML is parsed). */
function contextValues(p: Param, unit: Unit | undefined): Values | undefined {
  if (!unit) return undefined;
  if (isPathParam(p, unit)) return pathValues(p);
  if (isHtmlParam(p, unit)) return HTML_VALUES;
  return undefined;
}

/** What a JS parameter with no type probably takes, by its name. */
function guessByName(name: string): Values {
  if (URL_NAME.test(name)) return URL_VALUES;
  if (/^(n|i|j|k|x|y|num|count|size|len|length|index|amount|cents|price|total|max|min|limit|ms|timeout|width|height|age|year|port)$|(Count|Size|Index|Ms|Num)$/i.test(name)) return NUMBER;
  if (/^(s|str|text|name|label|key|id|code|path|url|msg|message|prefix|suffix|word|title|email|input)$|(Name|Text|Str|Path|Url|Key|Id)$/.test(name)) return STRING;
  if (/^(list|arr|array|items|values|xs|elements)$|s$/.test(name) && name.length > 2) return { typical: ['[1, 2, 3]', '[]'], boundary: ["['a', 'b']"], invalid: ['null'] };
  if (/^(is|has|should|can|enable|disable)[A-Z_]|^(flag|force|strict|loose)$/.test(name)) return { typical: ['true', 'false'], boundary: [], invalid: [] };
  if (/^(fn|cb|callback|handler|predicate|iteratee|mapper)$/.test(name)) return { typical: ['(x) => x'], boundary: ['() => undefined'], invalid: [] };
  return { typical: ['1', "'a'"], boundary: ['[1, 2]', '{ a: 1 }', 'null', 'undefined', 'true'], invalid: [] };
}

const PATH_NAME = /^(path|file|filename|filepath|dir|directory|dirname|dest|destination|src|source|target|cwd|folder|p)$|(Path|File|Dir|Directory|Folder)$/i;
const PATH_VALUES: Values = { typical: [`'${FIXTURE_FILE.name}'`, "'new.txt'"], boundary: ["'dir/new.txt'", "'missing/x.txt'", "'.'", `'${FIXTURE_DIR}'`], invalid: [] };
/** A parameter named for a folder starts at the fixture's root, which holds a file and a folder with a file. */
const DIR_NAME = /^(dir|directory|dirname|folder|root|cwd)$|(Dir|Directory|Folder|Root)$/i;
const DIR_VALUES: Values = { typical: ["'.'", `'${FIXTURE_DIR}'`], boundary: ["'missing'", `'${FIXTURE_FILE.name}'`, "'new-dir'"], invalid: [] };

/** A parameter that names a file, for a unit that uses the file system: relative paths in the temp folder. */
function isPathParam(p: Param, unit: Unit): boolean {
  return !!(unit.constants?.fileSystem || unit.constants?.moduleFileSystem) && (PATH_NAME.test(p.name) || PATTERN_NAME.test(p.name)) && couldBe(p, 'string');
}

function pathValues(p: Param): Values {
  return PATTERN_NAME.test(p.name) ? PATTERN_VALUES : DIR_NAME.test(p.name) ? DIR_VALUES : PATH_VALUES;
}

/** A glob pattern over the fixture's files, in a module that reads the file system (`glob(pattern, options, cb)`). */
const PATTERN_NAME = /^(pattern|patterns|glob|globs|pat)$|Pattern$/i;
const PATTERN_VALUES: Values = { typical: ["'*'", "'**/*.txt'"], boundary: [`'${FIXTURE_DIR}/*'`, "'*.md'", "'{existing,new}.txt'", "'**'"], invalid: [] };

/** The unit works on files in a temporary folder: it calls file-system functions, or takes a path in a module that does. */
function usesFiles(unit: Unit): boolean {
  return !!unit.constants?.fileSystem || (!!unit.constants?.moduleFileSystem && unit.params.some((p) => isPathParam(p, unit)));
}

/**
 * An untyped JS parameter can receive anything, and functions taking one often exist to tell kinds apart
 * (is-number, kind-of): after the guessed kind, values of the other kinds.
 */
function untyped(name: string): Values {
  const guess = guessByName(name);
  const others = ["'1'", "'a'", '1', '[1, 2]', '{ a: 1 }', 'null', 'true'].filter((v) => !guess.typical.includes(v));
  return { typical: guess.typical, boundary: [...guess.boundary, ...others], invalid: guess.invalid };
}

export function valuesForShape(shape: TypeShape | undefined, name: string, depth = 0): Values {
  // The checker calls an untyped JS parameter `any`: the same as no type at all.
  if (!shape || ((shape.kind === 'any' || shape.kind === 'unknown') && depth === 0)) return depth === 0 ? untyped(name) : guessByName(name);
  if (depth > 3) return guessByName(name);
  switch (shape.kind) {
    case 'number':
      return NUMBER;
    case 'string':
      return URL_NAME.test(name) ? URL_VALUES : STRING;
    case 'boolean':
      return { typical: ['true', 'false'], boundary: [], invalid: [] };
    case 'bigint':
      return { typical: ['1n', '0n'], boundary: ['-1n', '2n ** 64n'], invalid: [] };
    case 'literal':
      return { typical: [typeof shape.value === 'string' ? quote(shape.value) : String(shape.value)], boundary: [], invalid: [] };
    case 'null':
      return { typical: ['null'], boundary: [], invalid: [] };
    case 'undefined':
    case 'void':
      return { typical: ['undefined'], boundary: [], invalid: [] };
    case 'date':
      return { typical: ["new Date('2024-02-29T12:00:00.000Z')", 'new Date(0)'], boundary: [], invalid: ['new Date(NaN)'] };
    case 'regexp':
      return { typical: ['/a+/'], boundary: ['/^$/g'], invalid: [] };
    case 'function':
      return { typical: ['(x) => x'], boundary: ['() => undefined'], invalid: [] };
    case 'constructor':
      return { typical: ['class {}'], boundary: [], invalid: [] };
    case 'union': {
      const parts = shape.members.map((m) => valuesForShape(m, name, depth + 1));
      return {
        typical: uniq(parts.flatMap((p) => p.typical.slice(0, 1))),
        boundary: uniq(parts.flatMap((p) => [...p.typical.slice(1, 2), ...p.boundary.slice(0, 2)])),
        invalid: uniq(parts.flatMap((p) => p.invalid.slice(0, 1))),
      };
    }
    case 'array': {
      const e = valuesForShape(shape.element, name, depth + 1);
      const [a, b = a, c = b] = [...e.typical, ...e.boundary];
      return { typical: [`[${a}]`, '[]'], boundary: [`[${a}, ${b}, ${c}]`], invalid: [] };
    }
    case 'tuple':
      return { typical: [`[${shape.elements.map((e) => valuesForShape(e, name, depth + 1).typical[0]).join(', ')}]`], boundary: [], invalid: [] };
    case 'set': {
      const e = valuesForShape(shape.element, name, depth + 1);
      return { typical: [`new Set([${e.typical[0]}])`, 'new Set()'], boundary: [], invalid: [] };
    }
    case 'map': {
      const k = valuesForShape(shape.key, 'key', depth + 1);
      const v = valuesForShape(shape.value, name, depth + 1);
      return { typical: [`new Map([[${k.typical[0]}, ${v.typical[0]}]])`, 'new Map()'], boundary: [], invalid: [] };
    }
    case 'object': {
      const props = shape.properties.filter((p) => p.shape.kind !== 'function');
      const render = (pick: (p: (typeof props)[number]) => string | undefined) =>
        `{ ${props
          .map((p) => [p.name, pick(p)] as const)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : quote(k)}: ${v}`)
          .join(', ')} }`.replace('{  }', '{}');
      const full = render((p) => valuesForShape(p.shape, p.name, depth + 1).typical[0]);
      const required = render((p) => (p.optional ? undefined : valuesForShape(p.shape, p.name, depth + 1).typical[0]));
      const edge = render((p) => {
        const v = valuesForShape(p.shape, p.name, depth + 1);
        return p.optional ? undefined : (v.boundary[0] ?? v.typical[0]);
      });
      return { typical: uniq([full, required]), boundary: uniq([edge]).filter((x) => x !== full && x !== required), invalid: [] };
    }
    case 'promise':
      return { typical: [`Promise.resolve(${valuesForShape(shape.value, name, depth + 1).typical[0]})`], boundary: [], invalid: [] };
    default:
      // any, unknown, instance, symbol, never: what the name suggests.
      return guessByName(name);
  }
}

const REGEX_SAMPLES = 6;
const STRING_METHODS = new Set(['length', 'trim', 'split', 'slice', 'substring', 'toLowerCase', 'toUpperCase', 'replace', 'startsWith', 'endsWith', 'includes', 'indexOf', 'match', 'charAt', 'charCodeAt', 'padStart', 'padEnd', 'repeat', 'concat', 'normalize', 'at']);

/** Strings matching the body's regular expressions (seeded: the same plan every time). */
function regexSamples(unit: Unit): string[] {
  const out: string[] = [];
  for (const r of unit.constants?.regexps ?? []) {
    try {
      // fast-check samples case-sensitively only; without `i` the samples still match the original pattern.
      const flags = r.flags.replace(/[gyi]/g, '');
      out.push(...fc.sample(fc.stringMatching(new RegExp(r.source, flags), { size: 'xsmall' }), { seed: 42, numRuns: REGEX_SAMPLES }));
      // Optional groups are where the interesting alternatives hide (units, suffixes); sampling takes the short way
      // round them, so also sample with those groups required. Every such string matches the original too.
      const required = r.source.replace(/\)\?(?![?*+{])/g, ')');
      if (required !== r.source) out.push(...fc.sample(fc.stringMatching(new RegExp(required, flags), { size: 'xsmall' }), { seed: 42, numRuns: REGEX_SAMPLES }));
    } catch {
      // a regex fast-check cannot sample (backreferences, lookbehind): no inputs from it
    }
  }
  return [...new Set(out)].filter((x) => x.length <= 60);
}

function mined(param: Param, unit: Unit): string[] {
  const kind = param.shape?.kind;
  const out: string[] = [];
  if (couldBe(param, 'string')) out.push(...regexSamples(unit).map(quote));
  // Properties the body reads off an options-like parameter: try each one switched on, then all of them.
  const props = (unit.constants?.paramProperties?.[param.name] ?? []).filter((p) => !STRING_METHODS.has(p));
  const objectLike = couldBe(param, 'object');
  if (objectLike && props.length > 0) {
    const key = (p: string) => (/^[A-Za-z_$][\w$]*$/.test(p) ? p : quote(p));
    out.push(...props.map((p) => `{ ${key(p)}: true }`));
    if (props.length > 1) out.push(`{ ${props.map((p) => `${key(p)}: true`).join(', ')} }`);
  }
  if (kind === 'number' || (!param.shape && unit.constants)) {
    for (const n of unit.constants?.numbers ?? []) out.push(String(n), String(n - 1), String(n + 1));
  }
  if (kind === 'string' || (!param.shape && unit.constants)) {
    for (const s of unit.constants?.strings ?? []) out.push(quote(s), quote(s + 'x'));
  }
  return out;
}

/**
 * What a minimal subclass of an abstract class returns from each abstract member: the first typical value of its
 * type (`true` for a boolean, `'a'` for a string, `undefined` for void), a literal kept as that literal's type.
 */
export function stubMembers(cls: Unit): { name: string; kind: 'method' | 'getter' | 'property'; value: string; asConst?: boolean }[] {
  return (cls.abstractMembers ?? []).map((m) => {
    const shape = m.shape;
    const value = !shape || shape.kind === 'void' || shape.kind === 'undefined' ? 'undefined' : (valuesForShape(shape, m.name, 1).typical[0] ?? 'undefined');
    const literal = shape?.kind === 'literal' || (shape?.kind === 'union' && shape.members.some((x) => x.kind === 'literal'));
    return { name: m.name, kind: m.kind, value, ...(literal && /^['"\d-]/.test(value) ? { asConst: true } : {}) };
  });
}

/** The first typical value of each parameter: what the base call and the constructor use. */
export function baseArgs(params: Param[], unit?: Unit): string[] {
  return params.filter((p) => !p.rest).map((p) => (contextValues(p, unit) ?? valuesForShape(p.shape, p.name)).typical[0]);
}

/** Calls to `name` written in the unit's `@example` lines, with the result a trailing comment states. */
export function examplesFor(unit: Unit): Candidate[] {
  const name = unit.memberName ?? (unit.name.includes(' ') ? undefined : unit.name.split('.').pop());
  if (!name) return [];
  const out: Candidate[] = [];
  for (const example of unit.jsDoc?.examples ?? []) {
    for (const line of example.split(/\r?\n/)) {
      const code = line.replace(/^\s*(>|\$)\s*/, '');
      const sf = ts.createSourceFile('example.ts', code, ts.ScriptTarget.Latest, true);
      const call = findCall(sf, name);
      if (!call) continue;
      const args = `[${call.arguments.map((a) => a.getText(sf)).join(', ')}]`;
      const comment = /\/\/\s*(?:=>|→|->|returns?:?|is:?)?\s*(.+?)\s*$/.exec(code.slice(call.getEnd()));
      let expected = comment?.[1];
      if (expected !== undefined && !isExpression(expected)) expected = undefined;
      out.push({ args, origin: 'example', ...(expected !== undefined ? { expected } : {}) });
    }
  }
  return out;
}

function findCall(sf: ts.SourceFile, name: string): ts.CallExpression | undefined {
  let found: ts.CallExpression | undefined;
  const visit = (n: ts.Node) => {
    if (found) return;
    if (ts.isCallExpression(n)) {
      const callee = n.expression;
      const calleeName = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
      if (calleeName === name) {
        found = n;
        return;
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

function isExpression(text: string): boolean {
  const sf = ts.createSourceFile('x.ts', `(${text});`, ts.ScriptTarget.Latest, true);
  const diagnostics = (sf as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics ?? [];
  return diagnostics.length === 0 && sf.statements.length === 1;
}

/** Candidates for one unit; `ctor` is the constructor of the member's class, when it has one. */
export function planUnit(unit: Unit, ctor?: Unit): UnitPlan {
  const isTs = /\.[cm]?tsx?$/.test(unit.file);
  const params = plannedParams(unit);
  const base = baseArgs(params, unit);
  // A documented call of a callback API passes its own callback, which the sandbox's would follow.
  const candidates: Candidate[] = takesCallback(unit) ? [] : [...examplesFor(unit)];
  const seen = new Set(candidates.map((c) => c.args));
  const add = (args: string[], origin: CandidateOrigin) => {
    const src = `[${args.join(', ')}]`;
    if (seen.has(src) || candidates.length >= MAX_CANDIDATES) return;
    seen.add(src);
    candidates.push({ args: src, origin });
  };
  if (unit.kind !== 'getter') {
    add(base, 'typical');
    // A type guard is tried on a value of the type it guards (built from the type's declaration), so that a test
    // sees it say `true`: values of the parameter's own type are mostly the ones it rejects.
    const guarded = unit.guard && params[unit.guard.index] ? unit.guard : undefined;
    if (guarded) {
      for (const v of valuesForShape(guarded.shape, params[guarded.index]!.name, 1).typical) {
        add(base.map((b, i) => (i === guarded.index ? v : b)), 'typical');
      }
    }
    const firstOptional = params.findIndex((p) => p.optional || p.rest);
    if (firstOptional >= 0) add(base.slice(0, firstOptional), 'omitted');
    // A JS function often treats its later parameters as optional without saying so (`known = known || []`,
    // `if (opts === undefined)`), and what the first parameter selects may only work without them: the first
    // parameter's values are also tried alone.
    const untypedTail = !isTs && params.length >= 2 && params.slice(1).every((p) => !p.rest && (!p.shape || p.shape.kind === 'any'));
    if (untypedTail) {
      const first = params[0];
      const values = contextValues(first, unit) ?? valuesForShape(first.shape, first.name);
      for (const v of uniq([...values.typical, ...values.boundary])) add([v], 'omitted');
    }
    params.forEach((p, i) => {
      // A rest parameter takes elements, spread: `of(1)`, `of(1, 0)`, not `of([1])`.
      const elementShape = p.rest && p.shape?.kind === 'array' ? p.shape.element : undefined;
      // A copy: valuesForShape hands out shared tables.
      const values = { ...(contextValues(p, unit) ?? (p.rest ? valuesForShape(elementShape, p.name) : valuesForShape(p.shape, p.name))) };
      if (p.rest) {
        const [a, b = a] = values.typical;
        values.typical = [a, `${a}, ${b}`, ...values.typical.slice(1)];
      }
      const vary = (vs: string[], origin: CandidateOrigin) => {
        for (const v of vs) {
          const args = [...base];
          args[i] = v;
          add(args, origin);
        }
      };
      vary(p.rest ? values.typical : values.typical.slice(1), 'typical');
      const fromBody = mined(p, unit);
      vary(fromBody, 'constant');
      // An option object only matters together with the inputs it changes the handling of: cross each mined object
      // with the other parameters' typical values.
      for (const o of fromBody.filter((v) => v.startsWith('{'))) {
        params.forEach((q, j) => {
          if (j === i || q.rest) return;
          for (const v of valuesForShape(q.shape, q.name).typical) {
            const args = [...base];
            args[i] = o;
            args[j] = v;
            add(args, 'constant');
          }
        });
      }
      vary(values.boundary, 'boundary');
      // In TypeScript, values outside the declared type would not compile in the emitted test; JS has no such limit.
      vary(isTs && p.shape ? values.invalid : [...values.invalid, ...(p.shape ? ['undefined', 'null'] : [])], 'invalid');
    });
  } else {
    add([], 'typical');
  }
  const plan: UnitPlan = { unit, candidates, ...(usesFiles(unit) ? { fixture: 'tempDir' as const } : {}), ...(takesCallback(unit) ? { callback: true as const } : {}) };
  // A constructor that only stores a path (`function Store(file) { this.file = file; }`) for methods that read it:
  // the member's use of the file system decides that the path is a file in the temp folder, not the number 1.
  const pathsFor = ctor && (ctor.constants?.fileSystem || !unit.constants?.fileSystem) ? ctor : unit;
  if (unit.parent && (unit.kind === 'method' || unit.kind === 'getter')) plan.ctorArgs = `[${ctor ? baseArgs(ctor.params, pathsFor).join(', ') : ''}]`;
  return plan;
}

/** Method names that put something into an instance, most telling first (`pushBack`, `set`, `writeFileSync`). */
const ADDERS = ['push', 'add', 'insert', 'set', 'put', 'append', 'enqueue', 'unshift', 'write', 'mkdir', 'store', 'register'];

/**
 * Calls that fill an instance before a member is tried on it: a fresh `new Vector()` only ever takes the empty paths
 * of `front()` or `find(x)`. Two calls of the class's first adder method (by name, see ADDERS) with different
 * typical first arguments; undefined when the class has none besides the member itself.
 */
export function preparingCalls(member: Unit, siblings: readonly Unit[]): { method: string; args: string }[] | undefined {
  if (!member.parent || (member.kind !== 'method' && member.kind !== 'getter')) return undefined;
  const adders = siblings.filter(
    (u) => u.parent === member.parent && u.id !== member.id && u.kind === 'method' && !u.async && !u.generator && !takesCallback(u) && u.params.length > 0 && !u.params[0].rest && adderRank(u.memberName ?? '') >= 0,
  );
  if (adders.length === 0) return undefined;
  const adder = [...adders].sort((a, b) => adderRank(a.memberName!) - adderRank(b.memberName!))[0];
  const base = baseArgs(adder.params, adder);
  const first = adder.params[0];
  const values = contextValues(first, adder) ?? valuesForShape(first.shape, first.name);
  const other = values.typical.find((v) => v !== base[0]) ?? values.boundary[0];
  const calls = [`[${base.join(', ')}]`, ...(other !== undefined ? [`[${[other, ...base.slice(1)].join(', ')}]`] : [])];
  return uniq(calls).map((args) => ({ method: adder.memberName!, args }));
}

function adderRank(name: string): number {
  return ADDERS.findIndex((a) => name.startsWith(a) && (name.length === a.length || /[A-Z0-9_]/.test(name[a.length])));
}
