// The incremental test index equals a fresh build. A small generated project (modules, an index re-exporting them
// with `export *`, named re-exports and `export * as`, a second index chained to the first, tsconfig paths, tests
// importing through all of these) goes through random sequences of edits — rename, add and remove an export, add and
// remove a re-export or an `export *` (cycles included), add and remove a test import, delete and re-create a file,
// on disk or as an open document — and after each checked step the index, the findings and the resolution of each
// test import must be what a new Project computes from the same files. Seeds are fixed so CI is deterministic; set
// FC_SEED / FC_RUNS to explore further by hand.
import fc from 'fast-check';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Project } from '../../server/src/core/project';
import { resolveSettings } from '../../server/src/core/settings';
import { FIXTURE_ROOT, memoryHost } from '../helpers/fixture';

const seed = Number(process.env.FC_SEED ?? 20261124);
const numRuns = Number(process.env.FC_RUNS ?? 100);

const NAMES = ['a', 'b', 'c', 'd', 'e'];
const MODULES = ['src/m0.ts', 'src/m1.ts', 'src/m2.ts', 'src/m3.ts', 'src/index.ts', 'src/index2.ts'];
const TESTS = ['test/t0.test.ts', 'test/t1.test.ts', 'test/t2.test.ts'];
/** How a module is imported from another module, and from a test (relative, index folder, tsconfig alias). */
const fromModule = (file: string) => `./${path.basename(file, '.ts')}`;
const TEST_SPECIFIERS = ['../src/m0', '../src/m1', '../src/m2', '../src/m3', '../src', '../src/index2', '@lib/m1', '@lib/index', '@lib/index2'];

interface Mod {
  fns: string[];
  /** Exported classes `K<name>` with members `x` and `y`. */
  classes: string[];
  /** `export * from` targets (indexes into MODULES). */
  stars: number[];
  reexports: { name: string; as: string; from: number }[];
  namespaces: { as: string; from: number }[];
  dflt: boolean;
}

interface TestFile {
  imports: { spec: string; name: string }[];
}

interface State {
  modules: Map<string, Mod>;
  tests: Map<string, TestFile>;
}

function renderModule(m: Mod): string {
  const out: string[] = [];
  for (const f of m.fns) out.push(`export function ${f}() { return '${f}'; }`);
  for (const c of m.classes) out.push(`export class K${c} { x() { return 1; } y() { return 2; } }`);
  for (const s of m.stars) out.push(`export * from '${fromModule(MODULES[s])}';`);
  for (const r of m.reexports) out.push(`export { ${r.name} as ${r.as} } from '${fromModule(MODULES[r.from])}';`);
  for (const n of m.namespaces) out.push(`export * as ${n.as} from '${fromModule(MODULES[n.from])}';`);
  if (m.dflt) out.push(`export default function main() { return 0; }`);
  return out.join('\n') + '\n';
}

function renderTest(t: TestFile): string {
  const lines = ["import { test } from 'uvu';"];
  const uses: string[] = [];
  t.imports.forEach((imp, i) => {
    const local = `v${i}`;
    if (imp.name === 'default') lines.push(`import ${local} from '${imp.spec}';`);
    else lines.push(`import { ${imp.name} as ${local} } from '${imp.spec}';`);
    // Called; then, depending on the import, a class member read or (for a namespace) a member called.
    uses.push(`  ${local}();${['', ` ${local}.x();`, ` ${local}.a();`][(imp.name.length + i) % 3]}`);
  });
  lines.push("test('t', () => {", ...uses, '});', 'test.run();');
  return lines.join('\n') + '\n';
}

function initialState(): State {
  const modules = new Map<string, Mod>();
  const empty = (): Mod => ({ fns: [], classes: [], stars: [], reexports: [], namespaces: [], dflt: false });
  modules.set('src/m0.ts', { ...empty(), fns: ['a', 'b'], classes: ['a'] });
  modules.set('src/m1.ts', { ...empty(), fns: ['b', 'c'], dflt: true });
  modules.set('src/m2.ts', { ...empty(), fns: ['d'], stars: [3] });
  modules.set('src/m3.ts', { ...empty(), fns: ['e', 'a'] });
  // m2 and m3 are outside the index's star chains at first: a module inside them gaining an `export *` brings
  // names (d, e) that tests already import through the index into reach.
  modules.set('src/index.ts', { ...empty(), stars: [0, 1], reexports: [{ name: 'e', as: 'ee', from: 3 }], namespaces: [{ as: 'ns', from: 1 }] });
  modules.set('src/index2.ts', { ...empty(), stars: [4] });
  const tests = new Map<string, TestFile>();
  tests.set('test/t0.test.ts', { imports: [{ spec: '../src/m0', name: 'a' }, { spec: '../src', name: 'c' }] });
  // t1 reads nothing but the index at first (d is out of its reach), so only the index's changes concern it.
  tests.set('test/t1.test.ts', { imports: [{ spec: '@lib/index', name: 'd' }] });
  tests.set('test/t2.test.ts', { imports: [{ spec: '@lib/m1', name: 'default' }, { spec: '../src', name: 'ee' }, { spec: '../src/index2', name: 'Ka' }, { spec: '../src', name: 'ns' }] });
  return { modules, tests };
}

function renderAll(state: State): Map<string, string> {
  const files = new Map<string, string>();
  files.set('package.json', '{}\n');
  files.set('tsconfig.json', JSON.stringify({ compilerOptions: { paths: { '@lib/*': ['./src/*'] } } }) + '\n');
  for (const [rel, m] of state.modules) files.set(rel, renderModule(m));
  for (const [rel, t] of state.tests) files.set(rel, renderTest(t));
  return files;
}

/** One random edit: `kind` picks the edit, the numbers pick what it applies to (modulo what there is). */
type Op = { kind: number; i: number; j: number; k: number; overlay: boolean; check: boolean; findings: boolean };
const op = fc.record({ kind: fc.nat(14), i: fc.nat(), j: fc.nat(), k: fc.nat(), overlay: fc.boolean(), check: fc.boolean(), findings: fc.boolean() });

/** Applies `o` to the model; returns the file it changed and how, or undefined when it did not apply. */
function applyOp(state: State, o: Op): { rel: string; change: 'edit' | 'delete' | 'create' } | undefined {
  const modRel = MODULES[o.i % MODULES.length];
  const m = state.modules.get(modRel);
  const name = NAMES[o.j % NAMES.length];
  const other = o.k % MODULES.length;
  switch (o.kind) {
    case 0: // rename an export (function or class)
    case 1: {
      if (!m) return undefined;
      const list = o.kind === 0 ? m.fns : m.classes;
      if (list.length === 0 || list.includes(name)) return undefined;
      list[o.k % list.length] = name;
      return { rel: modRel, change: 'edit' };
    }
    case 2: // add an export
      if (!m) return undefined;
      if (o.k % 3 === 0) {
        if (m.classes.includes(name)) return undefined;
        m.classes.push(name);
      } else {
        if (m.fns.includes(name)) return undefined;
        m.fns.push(name);
      }
      return { rel: modRel, change: 'edit' };
    case 3: // remove an export
      if (!m || m.fns.length + m.classes.length === 0) return undefined;
      if (m.fns.length > 0 && (o.k % 2 === 0 || m.classes.length === 0)) m.fns.splice(o.j % m.fns.length, 1);
      else m.classes.splice(o.j % m.classes.length, 1);
      return { rel: modRel, change: 'edit' };
    case 4: // add an `export *` (self and cycles included), at the front or the back
      if (!m || m.stars.includes(other)) return undefined;
      if (o.j % 2 === 0) m.stars.push(other);
      else m.stars.unshift(other);
      return { rel: modRel, change: 'edit' };
    case 5: // remove an `export *`
      if (!m || m.stars.length === 0) return undefined;
      m.stars.splice(o.j % m.stars.length, 1);
      return { rel: modRel, change: 'edit' };
    case 6: // add a named re-export or a namespace re-export
      if (!m) return undefined;
      if (o.j % 4 === 0) m.namespaces.push({ as: `ns${o.k % 2}`, from: other });
      else m.reexports.push({ name: o.j % 3 === 0 ? `K${name}` : name, as: `${NAMES[o.k % NAMES.length]}${name}`, from: other });
      return { rel: modRel, change: 'edit' };
    case 7: // remove a named or namespace re-export
      if (!m || m.reexports.length + m.namespaces.length === 0) return undefined;
      if (m.reexports.length > 0 && (o.k % 2 === 0 || m.namespaces.length === 0)) m.reexports.splice(o.j % m.reexports.length, 1);
      else m.namespaces.splice(o.j % m.namespaces.length, 1);
      return { rel: modRel, change: 'edit' };
    case 8: // toggle the default export
      if (!m) return undefined;
      m.dflt = !m.dflt;
      return { rel: modRel, change: 'edit' };
    case 9: // a test imports something (a function, a class, a renamed re-export, a namespace, a default)
    case 10: {
      const testRel = TESTS[o.i % TESTS.length];
      const t = state.tests.get(testRel);
      if (!t) return undefined;
      const names = [name, `K${name}`, `${NAMES[o.k % NAMES.length]}${name}`, `ns${o.k % 2}`, 'default'];
      t.imports.push({ spec: TEST_SPECIFIERS[o.k % TEST_SPECIFIERS.length], name: names[o.j % names.length] });
      return { rel: testRel, change: 'edit' };
    }
    case 11: {
      // a test drops an import
      const testRel = TESTS[o.i % TESTS.length];
      const t = state.tests.get(testRel);
      if (!t || t.imports.length === 0) return undefined;
      t.imports.splice(o.j % t.imports.length, 1);
      return { rel: testRel, change: 'edit' };
    }
    case 12: {
      // delete a module or a test file
      const all = [...MODULES, ...TESTS];
      const rel = all[o.i % all.length];
      if (!state.modules.delete(rel) && !state.tests.delete(rel)) return undefined;
      return { rel, change: 'delete' };
    }
    case 13: {
      // create (again) a module or a test file
      const all = [...MODULES, ...TESTS];
      const rel = all[o.i % all.length];
      if (state.modules.has(rel) || state.tests.has(rel)) return undefined;
      if (rel.startsWith('test/')) state.tests.set(rel, { imports: [{ spec: TEST_SPECIFIERS[o.k % TEST_SPECIFIERS.length], name }] });
      else state.modules.set(rel, { fns: [name], classes: [], stars: o.k % 2 === 0 ? [other] : [], reexports: [], namespaces: [], dflt: false });
      return { rel, change: 'create' };
    }
    default:
      return undefined;
  }
}

const settings = resolveSettings([{ origin: 'test', value: {} }]).settings;
const abs = (rel: string) => path.join(FIXTURE_ROOT, rel);

/** What a Project says about the project: exercised ids, untested names per file, and each test import's unit. */
function snapshot(project: Project, state: State): unknown {
  const untested: Record<string, string[]> = {};
  for (const f of project.knownFiles()) untested[path.relative(FIXTURE_ROOT, f)] = project.findings(f).value.map((x) => x.unit.name);
  const imports: (string | undefined)[] = [];
  for (const [rel, t] of state.tests) {
    for (const imp of t.imports) imports.push(`${rel} ${imp.spec} ${imp.name} → ${project.unitIdForImport(abs(rel), imp.spec, imp.name)}`);
  }
  return { exercised: [...project.exercisedUnits()].sort(), untested, imports };
}

function fresh(disk: Map<string, string>, overlays: Map<string, string>): Project {
  const files = new Map(disk);
  for (const [f, text] of overlays) files.set(f, text);
  const project = new Project(FIXTURE_ROOT, memoryHost(files), settings);
  project.scan();
  return project;
}

test('after any sequence of edits the incremental index equals a fresh build', () => {
  fc.assert(
    fc.property(fc.array(op, { minLength: 1, maxLength: 24 }), (ops) => {
      const state = initialState();
      const disk = new Map([...renderAll(state)].map(([rel, text]) => [abs(rel), text]));
      const overlays = new Map<string, string>();
      const host = memoryHost(disk);
      const project = new Project(FIXTURE_ROOT, host, settings);
      project.scan();
      project.exercisedUnits();
      ops.forEach((o, step) => {
        const applied = applyOp(state, o);
        if (applied) {
          const file = abs(applied.rel);
          if (applied.change === 'delete') {
            disk.delete(file);
            if (overlays.delete(file)) project.closeDocument(file);
            else project.fileChangedOnDisk(file, 'deleted');
          } else {
            const text = renderAll(state).get(applied.rel)!;
            if (o.overlay) {
              overlays.set(file, text);
              project.setOverlay(file, text);
            } else {
              // Written on disk; an open document keeps its own text until it is closed.
              disk.set(file, text);
              if (overlays.has(file)) overlays.set(file, text);
              if (overlays.has(file)) project.setOverlay(file, text);
              else project.fileChangedOnDisk(file, applied.change === 'create' ? 'created' : 'changed');
            }
          }
        } else if (o.overlay && o.kind === 14 && overlays.size > 0) {
          // Close an open document: its text on disk (older, if it was edited only as a document) counts again.
          const file = [...overlays.keys()][o.i % overlays.size];
          overlays.delete(file);
          project.closeDocument(file);
        }
        // Read between edits: findings settle the index early; facts alone (as code actions and coverage read them)
        // re-analyse a file without settling, so a second edit of it comes before the index hears of the first.
        if (o.findings && o.k % 2 === 0) project.findings(abs(MODULES[o.j % MODULES.length]));
        else if (o.findings && applied) project.facts(abs(applied.rel));
        if (o.check || step === ops.length - 1) {
          assert.equal(snapshot(project, state), snapshot(fresh(disk, overlays), state), `after step ${step}: ${JSON.stringify(o)}`);
        }
      });
    }),
    { seed, numRuns },
  );
});

test.run();
