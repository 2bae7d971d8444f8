// Generation on real code: the bundled example and npm packages (pure-function libraries with types or JSDoc),
// fetched at pinned versions with `npm pack`. For each: `testgap generate` on the package's entry file(s), then the
// generated tests alone are run 5 times with uvu and once under c8 for coverage of the package's own source.
// Each subject is generated twice, in fresh copies: with `--target 0` (the first plan only: "before") and with the
// default target (the coverage search: "after"); the table shows both.
//
//   node out/bench/generation.js            (needs the npm registry for the packages)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { GenerateJson } from '../server/src/cli/generate';
import { machine } from './stats';

const REPO = path.resolve(__dirname, '../..');
const BIN = path.join(REPO, 'out/server/src/cli/main.js');
const UVU = path.join(REPO, 'node_modules/uvu/bin.js');
const C8 = path.join(REPO, 'node_modules/c8/bin/c8.js');
const WORK = path.join(REPO, 'bench/tmp/generation');
const RERUNS = 5;

interface Subject {
  name: string;
  /** npm spec, or undefined for the bundled example. */
  spec?: string;
  files: string[];
}

const SUBJECTS: Subject[] = [
  { name: 'examples/pricing', files: ['src/pricing.ts', 'src/cart.ts', 'lib/legacy.js'] },
  { name: 'ms', spec: 'ms@2.1.3', files: ['index.js'] },
  { name: 'bytes', spec: 'bytes@3.1.2', files: ['index.js'] },
  { name: 'camelcase', spec: 'camelcase@6.3.0', files: ['index.js'] },
  { name: 'escape-string-regexp', spec: 'escape-string-regexp@4.0.0', files: ['index.js'] },
  { name: 'is-number', spec: 'is-number@7.0.0', files: ['index.js'] },
  { name: 'kind-of', spec: 'kind-of@6.0.3', files: ['index.js'] },
];

function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, maxBuffer: 64 * 2 ** 20 });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function prepare(s: Subject, variant: string): string {
  const root = path.join(WORK, `${s.name.replace(/\//g, '_')}-${variant}`);
  fs.rmSync(root, { recursive: true, force: true });
  if (!s.spec) {
    fs.cpSync(path.join(REPO, s.name), root, { recursive: true });
  } else {
    const packs = path.join(WORK, 'packs');
    fs.mkdirSync(packs, { recursive: true });
    const r = run('npm', ['pack', s.spec, '--pack-destination', packs, '--silent'], packs);
    if (r.code !== 0) throw new Error(`npm pack ${s.spec}: ${r.stderr}`);
    const tarball = path.join(packs, r.stdout.trim().split('\n').pop()!);
    fs.mkdirSync(root, { recursive: true });
    const x = run('tar', ['-xzf', tarball, '-C', root, '--strip-components=1'], root);
    if (x.code !== 0) throw new Error(`tar: ${x.stderr}`);
    // Published packages ship no tests; anything test-like is removed so only generated tests count.
    for (const d of ['test', 'tests']) fs.rmSync(path.join(root, d), { recursive: true, force: true });
  }
  // Generated tests need uvu, fast-check (and tsx for TS): testgap's own.
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'));
  return root;
}

function count(re: RegExp, text: string): number {
  return (text.match(re) ?? []).length;
}

interface Measured {
  units: number;
  cases: number;
  properties: number;
  valueShare: number;
  passRate: number;
  passedRuns: number;
  lines: number;
  branches: number;
  secondsPerUnit: number;
  /** Summed over the subject's files, as generate reports it per file. */
  blocks: { blocks: number; coveredBefore: number; coveredAfter: number; rounds: number; uncovered: string[] };
  /** Per source file, from c8's coverage-final.json: lines never run, and lines of branch arms never taken. */
  uncoveredLines: string[];
  handWritten: number;
}

/** "1-3,7" from sorted line numbers. */
function ranges(lines: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j] + 1) j++;
    out.push(i === j ? `${lines[i]}` : `${lines[i]}-${lines[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

interface IstanbulFile {
  statementMap: Record<string, { start: { line: number } }>;
  s: Record<string, number>;
  branchMap: Record<string, { loc: { start: { line: number } }; locations: { start: { line?: number } }[] }>;
  b: Record<string, number[]>;
}

/** Uncovered lines (as c8 counts lines: a line is covered when a statement starting on it ran) and branch arms. */
function uncovered(finalJson: string, root: string): string[] {
  const data = JSON.parse(fs.readFileSync(finalJson, 'utf8')) as Record<string, IstanbulFile>;
  const out: string[] = [];
  for (const [file, f] of Object.entries(data)) {
    const hits = new Map<number, number>();
    for (const [id, loc] of Object.entries(f.statementMap)) hits.set(loc.start.line, Math.max(hits.get(loc.start.line) ?? 0, f.s[id]));
    const lines = [...hits].filter(([, n]) => n === 0).map(([l]) => l).sort((a, b) => a - b);
    const arms = new Set<number>();
    for (const [id, br] of Object.entries(f.branchMap)) {
      f.b[id].forEach((n, i) => n === 0 && arms.add(br.locations[i]?.start?.line ?? br.loc.start.line));
    }
    const armLines = [...arms].sort((a, b) => a - b);
    out.push(`${path.relative(root, file)}: lines ${ranges(lines) || 'none'}, branch arms at ${ranges(armLines) || 'none'}`);
  }
  return out;
}

const pct = (covered: number, total: number) => (total === 0 ? 100 : (covered / total) * 100);
const fmt = (p: number) => `${Number.isInteger(p) ? p : p.toFixed(1)} %`;

/** One fresh copy of the subject, generated with `--target <target>` (undefined: the default), then measured. */
function measure(s: Subject, variant: 'before' | 'after', target: string | undefined, notes: string[]): Measured {
  const root = prepare(s, variant);
  const label = `${s.spec ?? s.name} (${variant})`;
  // The example keeps its own hand-written test; a package starts with none.
  const handWritten = s.spec ? 0 : count(/^test\(/gm, fs.readFileSync(path.join(root, 'test/pricing.test.ts'), 'utf8'));
  const started = performance.now();
  const g = run(process.execPath, [BIN, 'generate', ...s.files, '--json', ...(target !== undefined ? ['--target', target] : [])], root);
  const seconds = (performance.now() - started) / 1000;
  const report = JSON.parse(g.stdout) as GenerateJson;
  const units = report.summary.units;
  const testFiles = report.files.filter((f) => f.written).map((f) => path.join(root, f.testFile));
  const texts = testFiles.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  const properties = count(/\(property\)'/g, texts);
  const typeOnly = count(/returns an? \w+ for [^']*\(property\)'/g, texts);
  const cases = report.summary.cases;
  const tests = cases + properties;
  const valueShare = tests === 0 ? 0 : ((cases + properties - typeOnly) / tests) * 100;
  for (const f of report.files) for (const u of f.units) if (u.notExecutable) notes.push(`${label}: ${u.name} not executable: ${u.notExecutable}`);
  for (const f of report.files) for (const u of f.units) for (const b of u.suspectedBugs) notes.push(`${label}: suspected bug in ${u.name}: ${b.args} documented ${b.documented}, returned ${b.observed}`);
  const blocks = { blocks: 0, coveredBefore: 0, coveredAfter: 0, rounds: 0, uncovered: [] as string[] };
  for (const f of report.files) {
    const c = f.blockCoverage;
    blocks.blocks += c.blocks;
    blocks.coveredBefore += c.coveredBefore;
    blocks.coveredAfter += c.coveredAfter;
    blocks.rounds += c.rounds;
    const names = new Map(f.units.map((u) => [u.unitId, u.name]));
    for (const u of c.uncovered) blocks.uncovered.push(`${f.sourceFile}:${u.line} (${names.get(u.unitId) ?? u.unitId}) ${u.reason}`);
  }

  // Run only the generated tests (and the example's hand-written ones, reported apart).
  const runner = s.files.some((f) => f.endsWith('.ts')) ? ['-r', 'tsx'] : [];
  let passedRuns = 0;
  let passedTests = 0;
  let totalTests = 0;
  for (let i = 0; i < RERUNS; i++) {
    const r = run(process.execPath, [UVU, ...runner, 'test'], root);
    const total = Number(/Total:\s+(\d+)/.exec(r.stdout)?.[1] ?? 0);
    const passed = Number(/Passed:\s+(\d+)/.exec(r.stdout)?.[1] ?? 0);
    totalTests += total;
    passedTests += passed;
    if (r.code === 0 && total > 0) passedRuns++;
  }
  // Every emitted test must pass on every rerun.
  if (passedRuns < RERUNS) {
    notes.push(`${label}: only ${passedRuns}/${RERUNS} reruns green (${passedTests}/${totalTests} tests passed)`);
    process.exitCode = 1;
  }
  const include = s.files.flatMap((f) => ['--include', f]);
  const c = run(process.execPath, [C8, '--reporter=json-summary', '--reporter=json', '--report-dir', path.join(root, 'coverage'), ...include, process.execPath, UVU, ...runner, 'test'], root);
  if (c.code !== 0) notes.push(`${label}: coverage run exited ${c.code}`);
  const summary = JSON.parse(fs.readFileSync(path.join(root, 'coverage/coverage-summary.json'), 'utf8')).total;
  const uncoveredLines = uncovered(path.join(root, 'coverage/coverage-final.json'), root);
  return {
    units,
    cases,
    properties,
    valueShare,
    passRate: totalTests === 0 ? 0 : (passedTests / totalTests) * 100,
    passedRuns,
    lines: summary.lines.pct,
    branches: summary.branches.pct,
    secondsPerUnit: units ? seconds / units : NaN,
    blocks,
    uncoveredLines,
    handWritten,
  };
}

async function main(): Promise<void> {
  const rows: string[] = [];
  const notes: string[] = [];
  const details: string[] = [];
  for (const s of SUBJECTS) {
    process.stderr.write(`bench: ${s.name} (before: --target 0) …\n`);
    const b = measure(s, 'before', '0', notes);
    process.stderr.write(`bench: ${s.name} (after: default target) …\n`);
    const a = measure(s, 'after', undefined, notes);
    const time = (m: Measured) => (Number.isNaN(m.secondsPerUnit) ? '–' : `${m.secondsPerUnit.toFixed(1)} s`);
    rows.push(
      `| ${s.spec ?? s.name}${a.handWritten ? ` (+ its ${a.handWritten} hand-written tests)` : ''} | ${a.units} | ${b.cases} + ${b.properties} → ${a.cases} + ${a.properties} | ${b.lines} → **${a.lines}** % | ${b.branches} → **${a.branches}** % ` +
        `| ${fmt(pct(a.blocks.coveredBefore, a.blocks.blocks))} → ${fmt(pct(a.blocks.coveredAfter, a.blocks.blocks))} (${a.blocks.coveredAfter}/${a.blocks.blocks} blocks, ${a.blocks.rounds} round${a.blocks.rounds === 1 ? '' : 's'}) ` +
        `| ${a.passRate.toFixed(0)} % (${a.passedRuns}/${RERUNS} runs green) | ${a.valueShare.toFixed(0)} % | ${time(b)} → ${time(a)} |`,
    );
    details.push(
      `- ${s.spec ?? s.name}: before run: ${b.passRate.toFixed(0)} % (${b.passedRuns}/${RERUNS} runs green), block coverage ${fmt(pct(b.blocks.coveredAfter, b.blocks.blocks))} ` +
        `(${b.blocks.coveredAfter}/${b.blocks.blocks}, ${b.blocks.rounds} rounds); c8 uncovered after: ${a.uncoveredLines.join('; ') || 'none'} (before: ${b.uncoveredLines.join('; ') || 'none'})`,
    );
    for (const u of a.blocks.uncovered) details.push(`  - uncovered block ${u}`);
  }
  console.log(`generation benchmark, ${new Date().toISOString().slice(0, 10)}; machine: ${machine()}`);
  console.log('| subject | units | tests (cases + properties) | lines | branches | block coverage (generator) | passing over 5 reruns (after) | tests asserting a value (after) | time per unit |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  for (const d of details) console.log(d);
  for (const n of notes) console.log(`- ${n}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
