// Selected cases and properties → test file text, in the dialect of the project's runner: uvu, vitest, jest, node:test
// or mocha (node:assert). One plan of tests, several ways to write it.
//
// Every unit gets one self-contained section: a `// testgap: <unit id>` marker (how a rerun knows what is already
// there), its own suite (a uvu suite, or a `describe` block), parametrized tables of returns and throws, its
// properties; a uvu suite ends with its own `.run()` — uvu copies a suite's tests when `.run()` is called, so tests
// appended after an existing `test.run()` would otherwise never run. New sections are only ever appended and new imports only inserted: existing text is kept
// byte for byte.
import type { Unit } from './model';
import { FIXTURE_FILES } from './plan';
import { checksByModule } from './reexports';
import type { PropertyCase } from './properties';
import type { Case, ReturnCase, ThrowCase } from './select';
import { assertions, tsAtLeast } from './assertions';
import { quote } from './values';

/** The test APIs testgap writes: each runner's own. */
export type Dialect = 'uvu' | 'vitest' | 'jest' | 'node:test' | 'mocha';

export interface EmitStyle {
  /** TypeScript test file: typed tables. */
  ts: boolean;
  /** ES module syntax (`import`); false = CommonJS `require`. */
  esm: boolean;
  /** Whose API the tests call (default: uvu). */
  dialect?: Dialect;
  /** jest: take `describe`, `it`, `expect`… from `@jest/globals` (as the project's tests do) instead of the globals. */
  jestImports?: boolean;
  /**
   * The project's TypeScript version as [major, minor], where it is older than the syntax testgap writes: labeled
   * tuple elements need 4.0, `Awaited` 4.5. Undefined: current.
   */
  typescript?: [number, number];
}

/** vitest and jest: what a function throws, for a predicate to judge (written once per file that needs it). */
const THROWN_BY = `/** What \`fn\` throws (undefined when it returns). */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}`;

export interface UnitSection {
  unit: Unit;
  /** How the test file calls the unit's export: the local binding of the function or class. */
  binding: string;
  /** For instance members and getters: constructor arguments for the `before.each` fixture. */
  ctorArgs?: string;
  cases: Case[];
  properties: PropertyCase[];
  /** `tempDir`: each test runs in a fresh temporary working folder holding FIXTURE_FILES (as the cases were observed). */
  fixture?: 'tempDir';
  /** The unit changes globals: each test puts the global object back afterwards (as the sandbox did between calls). */
  restoreGlobals?: boolean;
  /** A Node-style callback API: each call passes a callback last and the test awaits it (core/plan.ts). */
  callback?: boolean;
  /** Calls made on the fixture instance after it is built (a prepared instance, core/plan.ts preparingCalls). */
  setup?: { method: string; args: string }[];
  /**
   * The class built for instance members takes type parameters (`Box<T>`): its instances are typed
   * `InstanceType<typeof Box>` (the type arguments its constructor infers), since a bare `Box` does not type-check.
   */
  generic?: boolean;
  /**
   * The class is abstract and the module exports no concrete subclass: the test declares a minimal one (`className`)
   * whose abstract members return these values (JS source), and builds that.
   */
  stub?: { className: string; typeArguments?: string[]; members: { name: string; kind: 'method' | 'getter' | 'property'; value: string; asConst?: boolean }[] };
}

export interface ImportNeed {
  specifier: string;
  /**
   * `named`: `import { exportName as local }`; `default`: `import local from`; `whole`: CommonJS `module.exports`;
   * `namespace`: `import * as local` (CommonJS: `module.exports`).
   */
  kind: 'named' | 'default' | 'whole' | 'namespace';
  exportName: string;
  local: string;
}

export interface EmitInput {
  style: EmitStyle;
  sourceLabel: string;
  sections: UnitSection[];
  /** Imports of the units under test. */
  imports: ImportNeed[];
  mode: 'final' | 'verify';
  /**
   * Where the test libraries' imports point instead of their package names (`uvu` → a file URL): an ES-module file
   * being verified in a temp folder resolves bare names from there, where neither the project's packages nor
   * testgap's are (NODE_PATH does not apply to ES modules).
   */
  libraries?: Record<string, string>;
  /** An entry module's re-exports (core/reexports.ts): one suite after the units' sections. */
  reexports?: ReexportSuite;
}

/** The re-export suite of an entry module, with module paths already written as the test file imports them. */
export interface ReexportSuite {
  /** Marker id (core/reexports.ts reexportMarker). */
  id: string;
  /** The entry's path relative to the project root (titles). */
  label: string;
  entry: string;
  checks: { entryKey: string | null; module: string; moduleLabel: string; moduleKey: string | null }[];
}

export interface Emitted {
  /** Import statements this text needs (each a whole line). */
  importLines: string[];
  /** The sections, ready to append. */
  body: string;
  /** Which test name stands for which case or property (verification reports failures by name). */
  names: TestName[];
}

export interface TestName {
  name: string;
  section: number;
  case?: number;
  property?: number;
  /** A test of the re-export suite: the module (as the suite names it) whose values it checks. */
  reexports?: string;
}

/**
 * Verify mode wraps every test: a failure appends `[name, refusal]` to $TESTGAP_FAILURES, where `refusal` is the
 * sandbox's ERR_ACCESS_DENIED behind it (fast-check's error carries it as its cause), so a hazard first met here is
 * classified as one met during candidate runs (run/verify.ts).
 */
const VERIFY_HELPER = `const __testgapCheck = (name: string, body: (context: any) => unknown) => async (context: any) => {
  try {
    await body(context);
  } catch (error) {
    let e: any = error;
    for (let depth = 0; e && e.code !== 'ERR_ACCESS_DENIED' && depth < 8; depth++) e = e.cause;
    const refusal = e && e.code === 'ERR_ACCESS_DENIED' ? { code: e.code, permission: e.permission, resource: e.resource, message: String(e.message) } : null;
    // An ES module has no \`require\`; Node 20.16+ has process.getBuiltinModule everywhere.
    (process as any).getBuiltinModule('node:fs').appendFileSync(process.env.TESTGAP_FAILURES, JSON.stringify([name, refusal]) + '\\n');
    throw error;
  }
};`;

/** A camelCase JS identifier from any name (`Cart.add` → `cartAdd`, `default export` → `defaultExport`). */
export function identifierFrom(text: string, fallback = 'unit'): string {
  const words = text.replace(/[^A-Za-z0-9_$]+/g, ' ').trim().split(/\s+/).filter(Boolean);
  const id = words.map((w, i) => (i === 0 ? lowerFirst(w) : w[0].toUpperCase() + w.slice(1))).join('');
  return !id ? fallback : /^[0-9]/.test(id) ? `_${id}` : id;
}

/** A leading capital, or a leading acronym, in lower case: `Cart` → `cart`, `JSONFile` → `jsonFile`, `URL` → `url`. */
function lowerFirst(word: string): string {
  const caps = /^[A-Z]+/.exec(word)?.[0] ?? '';
  if (caps.length <= 1 || caps.length === word.length) return word.slice(0, caps.length || 1).toLowerCase() + word.slice(caps.length || 1);
  // `JSONFile`: the last capital starts the next word.
  return word.slice(0, caps.length - 1).toLowerCase() + word.slice(caps.length - 1);
}

/** Words of a name that say nothing of what an instance is. */
const GENERIC_WORDS = new Set(['Base', 'Abstract', 'Impl', 'Default', 'Class', 'Instance', 'Object', 'Type']);

/**
 * What a test calls an instance of the class bound as `binding`: its last meaningful word, as people name one
 * (`ShoppingCart` → `cart`, `RegistryBase` → `registry`, `JSONFilePreset` → `preset`, `$URL` → `url`), else the whole
 * name in camel case when that word is taken, reserved or the binding itself.
 */
export function instanceName(binding: string, taken: Set<string>): string {
  const words = binding.replace(/^[$_]+/, '').match(/[A-Z]+(?![a-z])[0-9]*|[A-Z]?[a-z]+[0-9]*|[0-9]+/g) ?? [];
  const word = [...words].reverse().find((w) => !GENERIC_WORDS.has(w)) ?? words[words.length - 1];
  const usable = (n: string) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== binding && !taken.has(n) && !RESERVED_WORDS.includes(n);
  for (const name of [word && lowerFirst(word), identifierFrom(binding.replace(/^[$_]+(?=[A-Za-z])/, ''))]) if (name && usable(name)) return name;
  let name = `${identifierFrom(binding.replace(/^[$_]+(?=[A-Za-z])/, ''), 'subject')}Instance`;
  while (!usable(name)) name += '_';
  return name;
}

/** The TypeScript type of the instance a section's members run on. */
function instanceType(s: UnitSection): string {
  return s.stub ? s.stub.className : s.generic ? `InstanceType<typeof ${s.binding}>` : s.binding;
}

/**
 * The declaration of a section's minimal subclass of an abstract class: each abstract member returns (or holds) a
 * fixed value; `override` where the project's TypeScript has it (4.3, and noImplicitOverride wants it).
 */
function stubClass(s: UnitSection, style: EmitStyle): string[] {
  const stub = s.stub!;
  const t = !!style.ts;
  const override = t && tsAtLeast(style, 4, 3) ? 'override ' : '';
  const base = t && stub.typeArguments?.length ? `${s.binding}<${stub.typeArguments.join(', ')}>` : s.binding;
  const value = (m: (typeof stub.members)[number]) => (t && m.asConst ? `${m.value} as const` : m.value);
  const body = stub.members.flatMap((m) =>
    m.kind === 'property'
      ? [`  ${override}${m.name} = ${value(m)};`]
      : [`  ${override}${m.kind === 'getter' ? 'get ' : ''}${m.name}() {`, `    return ${value(m)};`, '  }'],
  );
  return [`// ${s.binding} is abstract: a minimal subclass whose abstract members return fixed values.`, `class ${stub.className} extends ${base} {`, ...body, '}'];
}

/** The verify helper for a dialect: outside uvu its tests take no parameter (jest and mocha read one as `done`). */
function verifyHelper(style: EmitStyle): string {
  const uvu = (style.dialect ?? 'uvu') === 'uvu';
  const text = uvu ? VERIFY_HELPER : VERIFY_HELPER.replace('async (context: any) => {', 'async () => {').replace('await body(context);', 'await body(undefined);');
  return stripTypes(text, style);
}

function stripTypes(code: string, style: EmitStyle): string {
  if (style.ts) return code;
  return code
    .replace(/\(name: string, body: \(context: any\) => unknown\)/, '(name, body)')
    .replace(/\(context: any\)/g, '(context)')
    .replace(/\(error: unknown\)/g, '(error)')
    .replace(/let e: any = /g, 'let e = ')
    .replace(/\(process as any\)/g, 'process')
    .replace('function thrownBy(fn: () => unknown): unknown {', 'function thrownBy(fn) {');
}

/** Local names of the test helpers: renamed when an existing file already uses the plain ones otherwise. */
export interface HelperNames {
  suite: string;
  assert: string;
  fc: string;
  fs: string;
  os: string;
  path: string;
}

/**
 * Which sections are written as one block: getters of one class read on the same plain instance (no prepared
 * calls, folder or globals), one after another, share a describe block and one table (`Point getters`).
 */
function groupSections(sections: UnitSection[]): { s: UnitSection; index: number }[][] {
  const plainGetter = (s: UnitSection) => s.unit.kind === 'getter' && !s.setup && !s.fixture && !s.restoreGlobals && s.properties.length === 0;
  const groups: { s: UnitSection; index: number }[][] = [];
  sections.forEach((s, index) => {
    const last = groups[groups.length - 1];
    const head = last?.[0]?.s;
    if (head && plainGetter(head) && plainGetter(s) && head.unit.parent === s.unit.parent && head.binding === s.binding && head.ctorArgs === s.ctorArgs) last!.push({ s, index });
    else groups.push([{ s, index }]);
  });
  return groups;
}

/** Section of one unit (or of several getters of one instance, `group`: see groupSections). */
function section(s: UnitSection, index: number, input: EmitInput, usedNames: Set<string>, N: HelperNames, registry: TestName[], group: { s: UnitSection; index: number }[] = [{ s, index }]): string {
  const { unit, binding } = s;
  const grouped = group.length > 1;
  const t = input.style.ts;
  const uvu = (input.style.dialect ?? 'uvu') === 'uvu';
  const A = assertions(input.style, N.assert);
  let suiteVar = grouped ? `${identifierFrom(unit.name.slice(0, unit.name.lastIndexOf('.')))}GettersTests` : `${identifierFrom(unit.name.replace(/^new /, ''))}Tests`;
  if (uvu) {
    while (usedNames.has(suiteVar)) suiteVar += '_';
    usedNames.add(suiteVar);
  }
  const wrap = (name: string, fn: string) => (input.mode === 'verify' ? `__testgapCheck(${name}, ${fn})` : fn);
  // uvu registers tests on the suite and hooks on `suite.before.each`; the others inside a `describe` block.
  const testCall = (name: string, fn: string) => (uvu ? `${suiteVar}(${name}, ${fn});` : `it(${name}, ${fn});`);
  const hook = (when: 'before' | 'after') => (uvu ? `${suiteVar}.${when}.each((context) => {` : `${when}Each(() => {`);
  const lines: string[] = group.map((g) => `// testgap: ${g.s.unit.id}`);
  const member = unit.memberName;
  const instance = unit.kind === 'method' || unit.kind === 'getter';
  const fixture = instance ? instanceName(binding, usedNames) : undefined;
  // The instance under test: a field of uvu's context, a variable of the describe block elsewhere.
  const inst = uvu ? `context.${fixture}` : `${fixture}`;
  // A prepared instance: the calls that fill it run in before.each, and the suite's title says which they are.
  const setupLines = (s.setup ?? []).map((c) => `  ${inst}.${c.method}(${c.args.slice(1, -1)});`);
  const suiteTitle = grouped ? `${unit.name.slice(0, unit.name.lastIndexOf('.'))} getters` : s.setup ? `${unit.name} after ${s.setup.map((c) => `${c.method}(${c.args.slice(1, -1)})`).join(', ')}` : unit.name;
  const contextFields = [...(s.fixture ? ['dir: string', 'cwd: string'] : []), ...(s.restoreGlobals ? ['globals: PropertyDescriptorMap'] : [])];
  const fields = [...(instance ? [`${fixture}: ${instanceType(s)}`] : []), ...contextFields];
  // uvu's suites live at the top level, where one declaration of a minimal subclass serves every section of the file.
  const stubLines = s.stub && instance && !(uvu && usedNames.has(`class ${s.stub.className}`)) ? stubClass(s, input.style) : [];
  if (uvu && stubLines.length > 0) {
    usedNames.add(`class ${s.stub!.className}`);
    lines.push(...stubLines, '');
  }
  const built = s.stub ? s.stub.className : binding;
  if (uvu && fields.length > 0 && t) {
    const type = `{ ${fields.join('; ')} }`;
    lines.push(`const ${suiteVar} = ${N.suite}<${type}>(${quote(suiteTitle)}, {} as ${type});`);
  } else if (uvu) {
    lines.push(`const ${suiteVar} = ${N.suite}(${quote(suiteTitle)});`);
  }
  const body: string[] = [];
  if (!uvu) {
    lines.push(`describe(${quote(suiteTitle)}, () => {`);
    if (stubLines.length > 0) body.push(...stubLines, '');
    if (instance) body.push(`let ${fixture}${t ? `: ${instanceType(s)}` : ''};`);
    if (contextFields.length > 0) body.push(t ? `const context = {} as { ${contextFields.join('; ')} };` : 'const context = {};');
  }
  if (s.fixture) {
    body.push(
      `// Each test runs in a fresh temporary folder holding ${FIXTURE_FILES.map((f) => f.name).join(' and ')}, as when its expectations were observed.`,
      hook('before'),
      '  context.cwd = process.cwd();',
      `  context.dir = ${N.fs}.mkdtempSync(${N.path}.join(${N.os}.tmpdir(), 'testgap-'));`,
      '  process.chdir(context.dir);',
      ...[...new Set(FIXTURE_FILES.map((f) => f.name.split('/').slice(0, -1).join('/')).filter(Boolean))].map((d) => `  ${N.fs}.mkdirSync(${quote(d)}, { recursive: true });`),
      ...FIXTURE_FILES.map((f) => `  ${N.fs}.writeFileSync(${quote(f.name)}, ${quote(f.text)});`),
      ...(instance ? [`  ${inst} = new ${built}(${s.ctorArgs!.slice(1, -1)});`, ...setupLines] : []),
      '});',
      hook('after'),
      '  process.chdir(context.cwd);',
      `  ${N.fs}.rmSync(context.dir, { recursive: true, force: true });`,
      '});',
    );
  } else if (instance) {
    body.push(hook('before'), `  ${inst} = new ${built}(${s.ctorArgs!.slice(1, -1)});`, ...setupLines, '});');
  }
  if (s.restoreGlobals) {
    const any = t ? ' as Record<string | symbol, unknown>' : '';
    body.push(
      `// ${unit.name} changes globals: each test puts the global object back as it found it.`,
      hook('before'),
      '  context.globals = Object.getOwnPropertyDescriptors(globalThis);',
      '});',
      hook('after'),
      `  for (const key of Reflect.ownKeys(globalThis)) if (!(key in context.globals)) delete (globalThis${any})[key];`,
      '  for (const key of Reflect.ownKeys(context.globals)) {',
      '    try {',
      `      Object.defineProperty(globalThis, key, context.globals[key${t ? ' as string' : ''}]);`,
      '    } catch {',
      '      // non-configurable globals cannot have changed',
      '    }',
      '  }',
      '});',
    );
  }
  // How a case calls the unit, given the expression of its arguments array.
  const target =
    unit.kind === 'method' ? `${fixture}.${member}` : unit.kind === 'static-method' ? `${binding}.${member}` : binding;
  const call = (args: string) => {
    if (unit.kind === 'getter') return `${fixture}.${member}`;
    if (unit.kind === 'class' || unit.kind === 'constructor') return `new ${binding}(...${args})`;
    // The test ends when the callback is called, so nothing the call started is still running after it.
    if (s.callback) return `new Promise((resolve, reject) => ${target}(...${args}, (error${t ? ': unknown' : ''}, value${t ? ': unknown' : ''}) => (error ? reject(error) : resolve(value))))`;
    return `${target}(...${args})`;
  };
  const returnsVerb = s.callback ? 'calls back with' : 'returns';
  const paramsType = unit.kind === 'method' ? `Parameters<${instanceType(s)}[${quote(member!)}]>` : unit.kind === 'class' || unit.kind === 'constructor' ? `ConstructorParameters<typeof ${binding}>` : `Parameters<typeof ${target}>`;
  const returnType = unit.kind === 'method' ? `ReturnType<${instanceType(s)}[${quote(member!)}]>` : `ReturnType<typeof ${target}>`;
  // uvu hands each test its context; elsewhere the instance is the describe block's variable.
  const testArgs = instance && uvu ? `({ ${fixture} })` : '()';
  const names = new Set<string>();
  const unique = (name: string, ref: { case?: number; property?: number }, sectionIndex = index) => {
    let n = name;
    for (let i = 2; names.has(n); i++) n = `${name} (${i})`;
    names.add(n);
    registry.push({ name: n, section: sectionIndex, ...ref });
    return n;
  };
  const caseIndex = (c: Case) => ({ case: s.cases.indexOf(c) });

  const plainReturns = s.cases.filter((c): c is ReturnCase => c.kind === 'returns' && !c.instanceOf);
  const instanceReturns = s.cases.filter((c): c is ReturnCase => c.kind === 'returns' && !!c.instanceOf);
  const throws = s.cases.filter((c): c is ThrowCase => c.kind === 'throws');
  const asyncKw = (cs: Case[]) => (cs.some((c) => c.async) ? 'async ' : '');
  const awaitKw = (c: Case[]) => (c.some((x) => x.async) ? 'await ' : '');
  const tablePrefix = uvu ? suiteVar.replace(/Tests(_*)$/, '$1') : identifierFrom(unit.name.replace(/^new /, ''));
  // A table's tests: `it.each(table)('%s', …)` where the runner has it (vitest, jest: a literal title, which their lint
  // rules want), else a `for … of` loop registering one test per row. `fn` is written for the loop (one level in).
  const eachOf = (input.style.dialect === 'vitest' || input.style.dialect === 'jest');
  const tableTests = (tableName: string, params: string[], fn: string): string[] => {
    if (!eachOf) return [`for (const [${params.join(', ')}] of ${tableName}) {`, `  ${testCall('name', wrap('name', fn))}`, '}'];
    const dedented = fn.replace(/\n  /g, '\n');
    const verify = input.mode === 'verify';
    // The row's name is only the title's (`%s`) when nothing else reads it.
    const args = [verify ? 'name' : '_name', ...params.slice(1)].join(', ');
    const test = verify ? `(${args}) => __testgapCheck(name, ${dedented})()` : dedented.replace(/^(async )?\(\) =>/, `$1(${args}) =>`);
    return [`it.each(${tableName})('%s', ${test});`];
  };
  const table = (name: string, type: string, rows: string[]) => {
    // Before TypeScript 4.0 a tuple's elements have no labels: `[string, Parameters<typeof f>, …]`.
    const tuple = tsAtLeast(input.style, 4, 0) ? type : type.replace(/(\[|, )\w+: /g, '$1');
    body.push('', `const ${name}${t ? `: ${tuple}[]` : ''} = [`, ...rows.map((r) => `  ${r},`), '];');
  };

  if (unit.kind === 'getter' && grouped) {
    // The getters' values on one instance, as one table of keys.
    const rows = group.flatMap((g) => g.s.cases.filter((c): c is ReturnCase => c.kind === 'returns').map((c) => `[${quote(unique(`${g.s.unit.name} is ${c.resultText}`, { case: g.s.cases.indexOf(c) }, g.index))}, ${quote(g.s.unit.memberName!)}, ${c.expected}]`));
    if (rows.length > 0) {
      const tableName = uvu ? suiteVar.replace(/Tests(_*)$/, '$1') : `${identifierFrom(unit.name.slice(0, unit.name.lastIndexOf('.')))}Getters`;
      table(tableName, `[name: string, key: keyof ${instanceType(s)}, expected: unknown]`, rows);
      body.push(...tableTests(tableName, ['name', 'key', 'expected'], `${testArgs} => {\n    ${A.equal(`${fixture}[key]`, 'expected')};\n  }`));
    }
  }
  if (unit.kind === 'getter') {
    for (const { s: g, index: gi } of group) {
      const getter = g.unit.memberName!;
      for (const c of g.cases) {
        // Grouped getters' values are rows of the table above.
        if (grouped && c.kind === 'returns') continue;
        const n = quote(unique(c.kind === 'returns' ? `${g.unit.name} is ${c.resultText}` : `${g.unit.name} throws ${c.errorClass}`, { case: g.cases.indexOf(c) }, gi));
        if (c.kind === 'returns') {
          body.push('', testCall(n, wrap(n, `${testArgs} => {\n  ${A.equal(`${fixture}.${getter}`, c.expected)};\n}`)));
          continue;
        }
        // A getter that throws on this instance (js-sdsl's `front` of an empty container).
        const matches = A.errorMatches('error', quote(c.errorClass), quote(c.message));
        const fn = c.async
          ? `async ${testArgs} => {\n  const error${t ? ': unknown' : ''} = await Promise.resolve()\n    .then(() => ${fixture}.${getter})\n    .then(() => undefined, (e${t ? ': unknown' : ''}) => e);\n  ${A.ok(matches, quote(`expected ${c.errorClass}: ${c.message}`))};\n}`
          : `${testArgs} => {\n  ${A.throws(`() => ${fixture}.${getter}`, quote(c.errorClass), quote(c.message), '  ')};\n}`;
        body.push('', testCall(n, wrap(n, fn)));
      }
    }
  } else {
    if (plainReturns.length > 0) {
      const tableName = `${tablePrefix}Returns`;
      const expectedType = plainReturns.some((c) => c.async) ? (tsAtLeast(input.style, 4, 5) ? `Awaited<${returnType}>` : 'unknown') : returnType;
      table(
        tableName,
        `[name: string, args: ${paramsType}, expected: ${expectedType}]`,
        plainReturns.map((c) => `[${quote(unique(`${c.callText} ${returnsVerb} ${c.resultText}`, caseIndex(c)))}, ${c.args}, ${c.expected}]`),
      );
      body.push(...tableTests(tableName, ['name', 'args', 'expected'], `${asyncKw(plainReturns)}${testArgs} => {\n    ${A.equal(`${awaitKw(plainReturns)}${call('args')}`, 'expected')};\n  }`));
    }
    if (instanceReturns.length > 0) {
      const tableName = `${tablePrefix}Instances`;
      // Some instance had properties with no literal form: each written property is checked on its own.
      const instanceCheck = instanceReturns.some((c) => c.partial)
        ? `for (const [key, value] of Object.entries(properties)) ${A.equal(`(result${t ? ' as unknown as Record<string, unknown>' : ''})[key]`, 'value', 'key')};`
        : `${A.equal('{ ...result }', 'properties')};`;
      table(
        tableName,
        `[name: string, args: ${paramsType}, className: string, properties: Record<string, unknown>]`,
        instanceReturns.map((c) => `[${quote(unique(`${c.callText} returns ${article(c.instanceOf!)} ${c.instanceOf}`, caseIndex(c)))}, ${c.args}, ${quote(c.instanceOf!)}, ${c.expected}]`),
      );
      body.push(...tableTests(tableName, ['name', 'args', 'className', 'properties'], `${asyncKw(instanceReturns)}${testArgs} => {\n    const result = ${awaitKw(instanceReturns)}${call('args')};\n    ${A.is('result.constructor.name', 'className')};\n    ${instanceCheck}\n  }`));
    }
    if (throws.length > 0) {
      const tableName = `${tablePrefix}Throws`;
      table(
        tableName,
        `[name: string, args: ${paramsType}, errorClass: string, message: string]`,
        throws.map((c) => `[${quote(unique(`${c.callText} ${s.callback && c.async ? 'calls back with' : c.async ? 'rejects with' : 'throws'} ${c.errorClass}`, caseIndex(c)))}, ${c.args}, ${quote(c.errorClass)}, ${quote(c.message)}]`),
      );
      const syncThrows = throws.filter((c) => !c.async);
      const fn = syncThrows.length === throws.length
        ? `${testArgs} => {\n    ${A.throws(`() => ${call('args')}`, 'errorClass', 'message', '    ')};\n  }`
        : `async ${testArgs} => {\n    const error${t ? ': unknown' : ''} = await Promise.resolve()\n      .then(() => ${call('args')})\n      .then(() => undefined, (e${t ? ': unknown' : ''}) => e);\n    ${A.ok(A.errorMatches('error', 'errorClass', 'message'), '`expected ${errorClass}: ${message}`')};\n  }`;
      body.push(...tableTests(tableName, ['name', 'args', 'errorClass', 'message'], fn));
    }
  }
  for (const [pi, p] of s.properties.entries()) {
    const n = quote(unique(p.name, { property: pi }));
    body.push('', testCall(n, wrap(n, `() => {\n  ${p.body}\n}`)));
  }
  if (uvu) {
    lines.push(...body, '', `${suiteVar}.run();`);
  } else {
    // The describe block's contents, indented one level (every line is code: values are written as one-line literals).
    while (body[0] === '') body.shift();
    const indented = body.join('\n').split('\n').map((l) => (l ? `  ${l}` : l));
    lines.push(...indented, '});');
  }
  return lines.join('\n');
}

/** "a" or "an", for a class name read aloud (`an Object`, `a Map`). */
function article(name: string): string {
  return /^[AEIOU]/.test(name) ? 'an' : 'a';
}

/**
 * `existing`: top-level bindings of the file the sections go into (name → `module#export`, '' for local ones), so
 * helpers that would clash get other names.
 */
export function helperNames(existing: Map<string, string> = new Map(), dialect: Dialect = 'uvu'): HelperNames {
  const pick = (plain: string, meaning: string, alt: string) => {
    const meanings = meaning.endsWith('#default') ? [meaning, meaning.replace(/#default$/, '#*')] : [meaning];
    if (!existing.has(plain) || meanings.includes(existing.get(plain)!)) return plain;
    let name = alt;
    while (existing.has(name) && existing.get(name) !== meaning) name += '_';
    return name;
  };
  return {
    suite: pick('suite', 'uvu#suite', 'uvuSuite'),
    assert: dialect === 'node:test' || dialect === 'mocha' ? pick('assert', 'node:assert/strict#default', 'nodeAssert') : pick('assert', 'uvu/assert#*', 'uvuAssert'),
    fc: pick('fc', 'fast-check#default', 'fastCheck'),
    fs: pick('fs', 'node:fs#default', 'nodeFs'),
    os: pick('os', 'node:os#default', 'nodeOs'),
    path: pick('path', 'node:path#default', 'nodePath'),
  };
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** Words that cannot name a binding, or that read as something else in a call (`async(...)`). */
export const RESERVED_WORDS = [
  'async', 'await', 'yield', 'let', 'static', 'implements', 'interface', 'package', 'private', 'protected', 'public', 'enum', 'eval', 'arguments',
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'export', 'extends', 'false', 'finally',
  'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null', 'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof',
  'var', 'void', 'while', 'with',
];
const member = (key: string) => (IDENTIFIER.test(key) ? `.${key}` : `[${quote(key)}]`);

/** The re-export suite: one test per defining module, each value checked with `assert.is`. */
function reexportSection(r: ReexportSuite, input: EmitInput, usedNames: Set<string>, N: HelperNames, registry: TestName[]): { text: string; imports: ImportNeed[] } {
  const esm = input.style.esm;
  const imports: ImportNeed[] = [];
  const locals = new Map<string, string>();
  // CommonJS: one `require` gives both the whole module and its keys. ESM: a default import is the whole CommonJS
  // module, a namespace import the keys.
  // Names a module's binding must not take: the helpers the file may import (fs for a module named fs), CommonJS's
  // own names, and words that cannot be bindings (a module named `default.js`).
  const reserved = new Set([...Object.values(N), '__testgapCheck', 'module', 'require', 'exports', '__filename', '__dirname', ...RESERVED_WORDS]);
  const local = (specifier: string, label: string, kind: 'whole' | 'namespace') => {
    const k = `${esm ? kind : 'namespace'}:${specifier}`;
    const known = locals.get(k);
    if (known) return known;
    // `lib/dirty/index.js` → dirtyIndex: the folder names an index module better than `index` does.
    const parts = label.replace(/\.[^./]*$/, '').split('/');
    let name = identifierFrom(parts.length > 1 && parts[parts.length - 1] === 'index' ? parts.slice(-2).join(' ') : parts[parts.length - 1], 'module');
    while (usedNames.has(name) || reserved.has(name)) name += '_';
    usedNames.add(name);
    locals.set(k, name);
    imports.push({ specifier, kind: esm ? (kind === 'whole' ? 'default' : 'namespace') : 'namespace', exportName: '*', local: name });
    return name;
  };
  const uvu = (input.style.dialect ?? 'uvu') === 'uvu';
  const A = assertions(input.style, N.assert);
  let suiteVar = 'reexportsTests';
  if (uvu) {
    while (usedNames.has(suiteVar)) suiteVar += '_';
    usedNames.add(suiteVar);
  }
  const title = quote(`${r.label} re-exports`);
  const lines = [`// testgap: ${r.id}`, uvu ? `const ${suiteVar} = ${N.suite}(${title});` : `describe(${title}, () => {`];
  const names = new Set<string>();
  for (const [specifier, checks] of checksByModule(r.checks)) {
    const label = checks[0].moduleLabel;
    const keys = checks.map((c) => c.entryKey).filter((k): k is string => k !== null);
    let name = keys.length === 0 ? `module.exports is ${label}` : `${keys.slice(0, 4).join(', ')}${keys.length > 4 ? ` and ${keys.length - 4} more` : ''} from ${label}`;
    for (let i = 2; names.has(name); i++) name = `${name} (${i})`;
    names.add(name);
    registry.push({ name, section: -1, reexports: specifier });
    const asserts = checks.map((c) => {
      const entry = c.entryKey === null ? local(r.entry, r.label, 'whole') : `${local(r.entry, r.label, 'namespace')}${member(c.entryKey)}`;
      const value = c.moduleKey === null ? local(specifier, label, 'whole') : `${local(specifier, label, 'namespace')}${member(c.moduleKey)}`;
      return `  ${A.is(entry, value)};`;
    });
    const fn = `() => {\n${asserts.join('\n')}\n}`;
    const test = `(${quote(name)}, ${input.mode === 'verify' ? `__testgapCheck(${quote(name)}, ${fn})` : fn});`;
    lines.push('', ...(uvu ? [`${suiteVar}${test}`] : `it${test}`.split('\n').map((l) => `  ${l}`)));
  }
  lines.push('', uvu ? `${suiteVar}.run();` : '});');
  return { text: lines.join('\n'), imports };
}

export function emitSections(input: EmitInput, existing: Map<string, string> = new Map()): Emitted {
  const { style } = input;
  const N = helperNames(existing, style.dialect);
  const used = new Set([...existing.keys(), ...input.imports.map((i) => i.local)]);
  const names: TestName[] = [];
  const sections = groupSections(input.sections).map((group) => section(group[0]!.s, group[0]!.index, input, used, N, names, group));
  if (input.reexports && input.reexports.checks.length > 0) {
    const r = reexportSection(input.reexports, input, used, N, names);
    sections.push(r.text);
    input = { ...input, imports: [...input.imports, ...r.imports] };
  }
  const needsFc = input.sections.some((s) => s.properties.length > 0);
  const needsFs = input.sections.some((s) => s.fixture === 'tempDir');
  const lines: string[] = [];
  const as = (exported: string, local: string, esm: boolean) => (exported === local ? local : esm ? `${exported} as ${local}` : `${exported}: ${local}`);
  // One line per module: `import { a, b } from './m'`, `import m from './m'`.
  const bySpecifier = new Map<string, ImportNeed[]>();
  for (const i of input.imports) bySpecifier.set(i.specifier, [...(bySpecifier.get(i.specifier) ?? []), i]);
  const esm = style.esm;
  const lib = (name: string) => quote(input.libraries?.[name] ?? name);
  const named = (names: string[], from: string) => (esm ? `import { ${names.join(', ')} } from ${from};` : `const { ${names.join(', ')} } = require(${from});`);
  const whole = (local: string, from: string, star: boolean) => (esm ? `import ${star ? '* as ' : ''}${local} from ${from};` : `const ${local} = require(${from});`);
  const dialect = style.dialect ?? 'uvu';
  const body = sections.join('\n\n');
  // The runner's API: only what the sections call (a hook is imported where a section uses one).
  const api = ['afterEach', 'beforeEach', 'describe', ...(dialect === 'vitest' || dialect === 'jest' ? ['expect'] : []), 'it'].filter((f) => new RegExp(`(^|\\n)\\s*${f}[(.]`).test(body) || (f === 'expect' && body.includes('expect(')));
  if (dialect === 'uvu') {
    lines.push(named([as('suite', N.suite, esm)], lib('uvu')), whole(N.assert, lib('uvu/assert'), true));
  } else if (dialect === 'vitest') {
    lines.push(named(api, lib('vitest')));
  } else if (dialect === 'jest') {
    if (style.jestImports) lines.push(named(api, lib('@jest/globals')));
  } else if (dialect === 'node:test') {
    lines.push(named(api.filter((f) => f !== 'expect'), quote('node:test')), whole(N.assert, quote('node:assert/strict'), false));
  } else {
    lines.push(whole(N.assert, quote('node:assert/strict'), false));
  }
  if (needsFc) lines.push(whole(N.fc, lib('fast-check'), false));
  if (needsFs) lines.push(whole(N.fs, quote('node:fs'), false), whole(N.os, quote('node:os'), false), whole(N.path, quote('node:path'), false));
  for (const [specifier, needs] of bySpecifier) {
    const named = needs.filter((i) => i.kind === 'named').map((i) => as(i.exportName, i.local, esm));
    const spec = quote(specifier);
    // ES modules: a default import and the named ones of one module are one statement (`import A, { b } from`).
    const joined = esm && named.length > 0 ? needs.find((x) => x.kind === 'default' || x.kind === 'whole') : undefined;
    if (joined) {
      lines.push(`import ${joined.local}, { ${named.join(', ')} } from ${spec};`);
      named.length = 0;
    }
    for (const i of needs.filter((x) => x.kind !== 'named' && x !== joined)) {
      if (esm && i.kind === 'namespace') lines.push(`import * as ${i.local} from ${spec};`);
      else if (esm) lines.push(`import ${i.local} from ${spec};`);
      else if (i.kind === 'default') lines.push(`const { default: ${i.local} } = require(${spec});`);
      else lines.push(`const ${i.local} = require(${spec});`);
    }
    if (named.length > 0) lines.push(esm ? `import { ${named.join(', ')} } from ${spec};` : `const { ${named.join(', ')} } = require(${spec});`);
  }
  const helpers = [
    ...(input.mode === 'verify' ? [verifyHelper(style)] : []),
    // Declared once per file: a file that already has it (an earlier run wrote it) keeps that one.
    ...(body.includes('thrownBy(') && !existing.has('thrownBy') ? [stripTypes(THROWN_BY, style)] : []),
  ];
  return { importLines: lines, body: helpers.map((h) => `${h}\n\n`).join('') + body + '\n', names };
}

/** A whole new test file. */
export function emitNewFile(input: EmitInput): string {
  const { importLines, body } = emitSections(input);
  const header = `// Tests for ${input.sourceLabel}, written by testgap. Every case ran and passed before it was written;\n// expected values are what the code returned (or what its documentation says, where it says).\n`;
  return `${header}${importLines.join('\n')}\n\n${body}`;
}
