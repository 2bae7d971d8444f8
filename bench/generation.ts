// Generation on real code: the bundled example and npm packages (pure-function libraries with types or JSDoc),
// fetched at pinned versions with `npm pack`. For each: `testgap generate` on the package's entry file(s), then the
// generated tests alone are run 5 times with uvu and once under c8 for coverage of the package's own source.
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

function prepare(s: Subject): string {
  const root = path.join(WORK, s.name.replace(/\//g, '_'));
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

async function main(): Promise<void> {
  const rows: string[] = [];
  const notes: string[] = [];
  for (const s of SUBJECTS) {
    process.stderr.write(`bench: ${s.name} …\n`);
    const root = prepare(s);
    // The example keeps its own hand-written test; a package starts with none.
    const handWritten = s.spec ? 0 : count(/^test\(/gm, fs.readFileSync(path.join(root, 'test/pricing.test.ts'), 'utf8'));
    const started = performance.now();
    const g = run(process.execPath, [BIN, 'generate', ...s.files, '--json'], root);
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
    for (const f of report.files) for (const u of f.units) if (u.notExecutable) notes.push(`${s.name}: ${u.name} not executable: ${u.notExecutable}`);
    for (const f of report.files) for (const u of f.units) for (const b of u.suspectedBugs) notes.push(`${s.name}: suspected bug in ${u.name}: ${b.args} documented ${b.documented}, returned ${b.observed}`);

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
    const include = s.files.flatMap((f) => ['--include', f]);
    const c = run(process.execPath, [C8, '--reporter=json-summary', '--report-dir', path.join(root, 'coverage'), ...include, process.execPath, UVU, ...runner, 'test'], root);
    if (c.code !== 0) notes.push(`${s.name}: coverage run exited ${c.code}`);
    const summary = JSON.parse(fs.readFileSync(path.join(root, 'coverage/coverage-summary.json'), 'utf8')).total;
    const passRate = totalTests === 0 ? 0 : (passedTests / totalTests) * 100;
    rows.push(
      `| ${s.spec ?? s.name} | ${units} | ${cases} + ${properties} | ${passRate.toFixed(0)} % (${passedRuns}/${RERUNS} runs green) | ${valueShare.toFixed(0)} % | ${summary.lines.pct} % | ${summary.branches.pct} % | ${units ? (seconds / units).toFixed(1) : '–'} s |` +
        (handWritten ? ` (the example's ${handWritten} hand-written tests run too)` : ''),
    );
  }
  console.log(`generation benchmark, ${new Date().toISOString().slice(0, 10)}; machine: ${machine()}`);
  console.log('| subject | units | tests (cases + properties) | passing over 5 reruns | tests asserting a value | lines | branches | time per unit |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  for (const n of notes) console.log(`- ${n}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
