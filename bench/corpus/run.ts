// TestPilot's npm corpus (githubnext/testpilot `.github/benchmarks.txt`): for each package, at the published version
// closest to TestPilot's pinned commit (bench/corpus/packages.ts):
//   1. `npm pack` + extract into bench/tmp/corpus/<name>/, its own tests removed, its runtime dependencies installed;
//   2. `testgap generate` on the files that define its public API (no LLM);
//   3. the generated tests alone, 5 times with uvu in fresh processes: a test counts as passing when it passed in all 5;
//   4. once more under c8 (`--all`) for statement, branch and function coverage of the package's own source.
// Prints one markdown table (stdout) and progress (stderr); writes bench/tmp/corpus/results.json.
//
//   node out/bench/corpus/run.js                  every package (long: progress on stderr)
//   node out/bench/corpus/run.js --only plural,uneval
//   node out/bench/corpus/run.js --smoke          the bundled fixture package only, no registry needed (npm test)
//   node out/bench/corpus/run.js --corpus modern  the ES-module corpus (packages.ts, MODERN) instead of TestPilot's
//   node out/bench/corpus/run.js --runner vitest  tests in vitest's dialect, run by vitest (also jest, node:test; uvu
//                                                 by default), always 5 runs and c8 coverage as for uvu
//
// Exit code 1 when an emitted test failed in any rerun, or a package could not be set up or measured.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { GenerateJson } from '../../server/src/cli/generate';
import { machine } from '../stats';
import { CORPUS, EXCLUDED, MODERN, SMOKE, TESTPILOT, type CorpusPackage } from './packages';
import { BENCH_RUNNERS, configureRunner, countTests, runnerArgs, type BenchRunner } from './runners';

const REPO = path.resolve(__dirname, '../../..');
// The testgap built alongside this script (out/ normally).
const BIN = path.join(__dirname, '../../server/src/cli/main.js');
const C8 = path.join(REPO, 'node_modules/c8/bin/c8.js');

interface Options {
  /** Which corpus: TestPilot's (default) or the modern ES-module one. */
  corpus: 'testpilot' | 'modern';
  /** The dialect the tests are written in, and the runner that runs them. */
  runner: BenchRunner;
  only?: Set<string>;
  smoke: boolean;
  reruns: number;
  /**
   * Packages generated at once. 1 by default: with 2 on a 2-core machine, one package's load made another's
   * timing-sensitive callback cases flip between runs, and they were dropped (node-dir's readFilesStream).
   */
  jobs: number;
  /** Generation time per package after which no further files are started. */
  budgetMs: number;
  work: string;
}

export interface PackageResult {
  name: string;
  version: string;
  units: number;
  cases: number;
  properties: number;
  /** Re-exported values of entry modules checked (core/reexports.ts). */
  reexports: number;
  /** Tests uvu counted in one run (cases are table rows inside one uvu test, so this is per test(), not per case). */
  tests: number;
  /** Tests that passed in every rerun, and the reruns that were wholly green. */
  passedEveryRun: number;
  greenRuns: number;
  reruns: number;
  statements: number;
  branches: number;
  functions: number;
  lines: number;
  suspectedBugs: string[];
  notExecutable: number;
  generateSeconds: number;
  wallSeconds: number;
  /** Why a package could not be measured (setup, generation or coverage broke). */
  error?: string;
  /** Generation stopped at the time budget: how many of the API files it reached. */
  budget?: { files: number; of: number };
}

function parseArgs(argv: string[]): Options {
  const o: Options = { corpus: 'testpilot', runner: 'uvu', smoke: false, reruns: 5, jobs: 1, budgetMs: 15 * 60_000, work: path.join(REPO, 'bench/tmp/corpus') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--smoke') o.smoke = true;
    else if (a === '--only') o.only = new Set(argv[++i].split(','));
    else if (a === '--corpus') o.corpus = argv[++i] === 'modern' ? 'modern' : 'testpilot';
    else if (a === '--reruns') o.reruns = Number(argv[++i]);
    else if (a === '--runner') {
      const r = argv[++i] as BenchRunner;
      if (!BENCH_RUNNERS.includes(r)) throw new Error(`bench/corpus: --runner takes ${BENCH_RUNNERS.join(', ')}`);
      o.runner = r;
    }
    else if (a === '--jobs') o.jobs = Number(argv[++i]);
    else if (a === '--budget-minutes') o.budgetMs = Number(argv[++i]) * 60_000;
    else if (a === '--work') o.work = path.resolve(argv[++i]);
    else throw new Error(`bench/corpus: unknown argument ${a} (use --corpus modern, --runner vitest|jest|node:test, --smoke, --only a,b, --reruns N, --jobs N, --budget-minutes N, --work DIR)`);
  }
  if (o.smoke) {
    o.reruns = Math.min(o.reruns, 2);
    o.work = path.join(o.work, 'smoke');
  } else if (o.corpus === 'modern') {
    o.work = path.join(o.work, 'modern');
  }
  if (o.runner !== 'uvu') o.work = path.join(o.work, o.runner.replace(':', '-'));
  return o;
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Runs a command without blocking the event loop (packages are measured two at a time). */
function run(cmd: string, args: string[], cwd: string, timeoutMs = 30 * 60_000, onStderr?: (chunk: string) => void): Promise<Ran> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      onStderr?.(d);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000 });
    });
  });
}

const TEST_LIKE = ['test', 'tests', '__tests__', 'spec', 'test.js', 'tests.js', 'coverage', '.nyc_output'];

/** A fresh copy of the package: from the registry (cached tarball), or the bundled smoke fixture. */
async function prepare(p: CorpusPackage, o: Options): Promise<string> {
  const root = path.join(o.work, p.name.replace(/[@/]/g, '_'));
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  if (p.local) {
    fs.cpSync(path.join(REPO, p.local), root, { recursive: true });
  } else {
    const packs = path.join(REPO, 'bench/tmp/packs');
    fs.mkdirSync(packs, { recursive: true });
    const tarball = path.join(packs, `${p.name.replace(/^@/, '').replace(/\//g, '-')}-${p.version}.tgz`);
    if (!fs.existsSync(tarball)) {
      const r = await run('npm', ['pack', `${p.name}@${p.version}`, '--pack-destination', packs, '--silent'], packs);
      if (r.code !== 0 || !fs.existsSync(tarball)) throw new Error(`npm pack ${p.name}@${p.version} failed: ${r.stderr.trim().split('\n').pop()}`);
    }
    const x = await run('tar', ['-xzf', tarball, '-C', root, '--strip-components=1'], root);
    if (x.code !== 0) throw new Error(`tar: ${x.stderr}`);
  }
  // Only generated tests may count: whatever test-like files the package ships go.
  for (const t of [...TEST_LIKE, ...(p.remove ?? [])]) fs.rmSync(path.join(root, t), { recursive: true, force: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; scripts?: Record<string, string>; testgap?: unknown; jest?: unknown };
  // Lifecycle scripts are the package's own build steps; the published files are what users get.
  delete manifest.scripts;
  // What a package publishes is often its build output (dist/, build/), which testgap skips by default in a source
  // tree; here it is the code under test. A shipped tsconfig.json describes sources that were not published (its
  // outDir would mark the shipped files as build output), so it goes too.
  // The generated tests are in the chosen runner's dialect, run with that runner below; a runner the published
  // manifest still names (memfs ships its `"jest"` config) is not installed here, and would make testgap decline to
  // write uvu tests into a jest project. The runners resolve from testgap's own node_modules.
  manifest.testgap = { exclude: ['**/node_modules/**'], runner: o.runner };
  delete manifest.jest;
  configureRunner(o.runner, manifest);
  fs.rmSync(path.join(root, 'tsconfig.json'), { force: true });
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify(manifest, null, 2));
  if (manifest.dependencies && Object.keys(manifest.dependencies).length > 0) {
    const r = await run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'], root);
    if (r.code !== 0) throw new Error(`npm install in ${p.name}: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
  }
  // uvu, fast-check and tsx resolve from testgap's own node_modules, an ancestor folder of bench/tmp.
  return root;
}

/** Expands the package's `api` patterns ("src/*.js", "lib/**\/*.js", "index.js") to files: pattern by pattern, sorted within one. */
export function expand(root: string, patterns: string[]): string[] {
  const out = new Set<string>();
  for (const pattern of patterns) {
    const matched: string[] = [];
    // `**/` first becomes a marker, so the `*` inside its own expansion is not rewritten as a one-segment `*`.
    const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\//g, '\0').replace(/\*/g, '[^/]*').replace(/\0/g, '(?:.*/)?')}$`);
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
        const rel = dir ? `${dir}/${e.name}` : e.name;
        if (e.isDirectory()) {
          if (e.name !== 'node_modules' && e.name !== 'test') walk(rel);
        } else if (re.test(rel) && !rel.endsWith('.d.ts')) matched.push(rel);
      }
    };
    walk('');
    for (const f of matched.sort()) out.add(f);
  }
  return [...out];
}

/** Files per `testgap generate` call: small enough that the time budget is checked often, large enough to amortise start-up. */
const FILES_PER_CALL = 4;

/** The reports of several `generate --json` calls as one. */
function mergeReports(reports: GenerateJson[]): GenerateJson {
  const merged: GenerateJson = { ...reports[0], files: reports.flatMap((r) => r.files) };
  merged.summary = { units: 0, cases: 0, properties: 0, reexports: 0, suspectedBugs: 0, notExecutable: 0, durationMs: 0 };
  for (const r of reports) for (const k of Object.keys(merged.summary) as (keyof GenerateJson['summary'])[]) merged.summary[k] += r.summary[k];
  return merged;
}

interface Summary {
  total: Record<'lines' | 'statements' | 'branches' | 'functions', { total: number; covered: number; pct: number | string }>;
}

const pctOf = (x: { total: number; pct: number | string }) => (x.total === 0 ? 100 : Number(x.pct));

async function measure(p: CorpusPackage, o: Options, log: (line: string) => void): Promise<PackageResult> {
  const started = performance.now();
  const result: PackageResult = {
    name: p.name, version: p.version, units: 0, cases: 0, properties: 0, reexports: 0, tests: 0, passedEveryRun: 0, greenRuns: 0, reruns: o.reruns,
    statements: 0, branches: 0, functions: 0, lines: 0, suspectedBugs: [], notExecutable: 0, generateSeconds: 0, wallSeconds: 0,
  };
  try {
    log('setting up');
    const root = await prepare(p, o);
    const files = expand(root, p.api);
    if (files.length === 0) throw new Error(`no files match ${p.api.join(', ')}`);
    log(`generating for ${files.length} file${files.length === 1 ? '' : 's'}`);
    // Big packages get the files that fit in the time budget (in the order `api` lists them), not the whole run's time.
    const reports: GenerateJson[] = [];
    const generateStarted = performance.now();
    for (let i = 0; i < files.length; i += FILES_PER_CALL) {
      if (performance.now() - generateStarted > o.budgetMs) {
        result.budget = { files: i, of: files.length };
        log(`time budget (${o.budgetMs / 60_000} min) spent after ${i} of ${files.length} files`);
        break;
      }
      const chunk = files.slice(i, i + FILES_PER_CALL);
      log(`generating: files ${i + 1}–${i + chunk.length} of ${files.length}`);
      const g = await run(process.execPath, [BIN, 'generate', ...chunk, '--json'], root, 40 * 60_000, (text) => {
        // Problems generate reports (a file it could not verify, a missing package) show up as they happen.
        for (const line of text.split('\n')) if (/^testgap: (error|warning)/.test(line)) log(line.trim());
      });
      try {
        reports.push(JSON.parse(g.stdout) as GenerateJson);
      } catch {
        throw new Error(`generate exited ${g.code} without a report: ${g.stderr.trim().split('\n').slice(-3).join(' ')}`);
      }
    }
    result.generateSeconds = (performance.now() - generateStarted) / 1000;
    const report = mergeReports(reports);
    result.units = report.summary.units;
    result.cases = report.summary.cases;
    result.properties = report.summary.properties;
    result.reexports = report.summary.reexports ?? 0;
    result.notExecutable = report.summary.notExecutable;
    for (const f of report.files) for (const u of f.units) for (const b of u.suspectedBugs) result.suspectedBugs.push(`${u.name}(${b.args}): documented ${b.documented}, returned ${b.observed}`);
    const testFiles = report.files.filter((f) => f.written).map((f) => f.testFile);
    if (testFiles.length === 0) {
      log('no tests written');
    } else {
      const failedSomewhere = new Set<string>();
      const reportFile = path.join(root, 'runner-report.json');
      for (let i = 0; i < o.reruns; i++) {
        log(`rerun ${i + 1}/${o.reruns}`);
        const r = await run(process.execPath, runnerArgs(o.runner, root, testFiles, reportFile), root, 10 * 60_000);
        const c = countTests(o.runner, r.stdout, reportFile);
        result.tests = Math.max(result.tests, c.total);
        if (r.code === 0 && c.total > 0 && c.passed === c.total) result.greenRuns++;
        for (const n of c.failedNames) failedSomewhere.add(n);
        if (r.code !== 0 || c.passed < c.total) {
          // The whole output of a run that was not green is kept: a flaky test is the thing to fix next.
          const logFile = path.join(root, `rerun-${i + 1}.log`);
          fs.writeFileSync(logFile, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
          if (c.total - c.passed > c.failedNames.length || c.total < result.tests) failedSomewhere.add(`run ${i + 1}: ${c.passed}/${c.total} passed, exit ${r.code} (${path.relative(REPO, logFile)})`);
        }
      }
      result.passedEveryRun = Math.max(0, result.tests - [...failedSomewhere].filter((n) => !n.startsWith('run ')).length);
      if (result.greenRuns < o.reruns) {
        result.passedEveryRun = Math.min(result.passedEveryRun, result.tests - 1);
        log(`failing tests: ${[...failedSomewhere].slice(0, 5).join('; ')}`);
      }
    }
    // No generated tests: nothing of the package ran, whatever c8 would make of files never loaded.
    if (testFiles.length === 0) {
      result.wallSeconds = (performance.now() - started) / 1000;
      return result;
    }
    log('coverage');
    const include = (p.source ?? p.api).flatMap((g) => ['--include', g]);
    const reportDir = path.join(root, 'coverage');
    const c = await run(process.execPath, [C8, '--all', '--reporter=json-summary', '--report-dir', reportDir, ...include, '--exclude', 'test/**', ...testFiles.flatMap((f) => ['--exclude', f]), '--exclude', 'node_modules/**', process.execPath, ...runnerArgs(o.runner, root, testFiles, path.join(root, 'runner-report.json'), true)], root, 10 * 60_000);
    const summaryFile = path.join(reportDir, 'coverage-summary.json');
    if (!fs.existsSync(summaryFile)) throw new Error(`c8 wrote no summary (exit ${c.code}): ${c.stderr.trim().split('\n').slice(-2).join(' ')}`);
    const s = JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as Summary;
    result.statements = pctOf(s.total.statements);
    result.branches = pctOf(s.total.branches);
    result.functions = pctOf(s.total.functions);
    result.lines = pctOf(s.total.lines);
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    log(`error: ${result.error}`);
  }
  result.wallSeconds = (performance.now() - started) / 1000;
  return result;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const pct = (x: number) => `${x.toFixed(1)} %`;

export function table(results: PackageResult[]): string[] {
  const lines = [
    '| package | version | units | tests emitted (cases + properties) | passing in every one of the reruns | statements | branches | functions | suspected bugs | wall time |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    if (r.error) {
      lines.push(`| ${r.name} | ${r.version} | – | – | – | – | – | – | – | ${r.wallSeconds.toFixed(0)} s: **not measured**: ${r.error.replace(/\|/g, '\\|')} |`);
      continue;
    }
    const passing = r.tests === 0 ? '–' : `${r.passedEveryRun}/${r.tests} (${r.greenRuns}/${r.reruns} runs green)`;
    const name = r.budget ? `${r.name} (time budget: ${r.budget.files} of ${r.budget.of} API files)` : r.name;
    lines.push(
      `| ${name} | ${r.version} | ${r.units} | ${r.cases} + ${r.properties}${r.reexports ? ` (+ ${r.reexports} re-exports)` : ''} | ${passing} | ${pct(r.statements)} | ${pct(r.branches)} | ${pct(r.functions)} | ${r.suspectedBugs.length} | ${r.wallSeconds.toFixed(0)} s |`,
    );
  }
  const measured = results.filter((r) => !r.error);
  const tests = measured.reduce((n, r) => n + r.tests, 0);
  const passing = measured.reduce((n, r) => n + r.passedEveryRun, 0);
  lines.push(
    `| **median of ${measured.length}** | | ${measured.reduce((n, r) => n + r.units, 0)} (sum) | ${measured.reduce((n, r) => n + r.cases, 0)} + ${measured.reduce((n, r) => n + r.properties, 0)} (sum) | ${passing}/${tests} (${tests ? ((passing / tests) * 100).toFixed(1) : '–'} %) | **${pct(median(measured.map((r) => r.statements)))}** | **${pct(median(measured.map((r) => r.branches)))}** | ${pct(median(measured.map((r) => r.functions)))} | ${measured.reduce((n, r) => n + r.suspectedBugs.length, 0)} (sum) | ${measured.reduce((n, r) => n + r.wallSeconds, 0).toFixed(0)} s (sum) |`,
    `| TestPilot (gpt-3.5-turbo, published) | | ${TESTPILOT.apiFunctions} API functions | | median ${TESTPILOT.passingTests} % of tests pass | ${pct(TESTPILOT.statements)} | ${pct(TESTPILOT.branches)} | | | |`,
  );
  return lines;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const chosen = o.smoke ? [SMOKE] : (o.corpus === 'modern' ? MODERN : CORPUS).filter((p) => !o.only || o.only.has(p.name));
  if (chosen.length === 0) throw new Error(`bench/corpus: no package named ${[...(o.only ?? [])].join(', ')}`);
  fs.mkdirSync(o.work, { recursive: true });
  const results: PackageResult[] = new Array(chosen.length);
  // Long packages first; results keep the corpus order.
  const order = [...chosen.keys()].sort((a, b) => Number(!!chosen[b].long) - Number(!!chosen[a].long));
  let next = 0;
  let finished = 0;
  const worker = async () => {
    while (next < order.length) {
      const i = order[next++];
      const p = chosen[i];
      const log = (line: string) => process.stderr.write(`corpus [${finished}/${chosen.length} done] ${p.name}: ${line}\n`);
      results[i] = await measure(p, o, log);
      finished++;
      const r = results[i];
      log(r.error ? 'not measured' : `${pct(r.statements)} statements, ${pct(r.branches)} branches, ${r.passedEveryRun}/${r.tests} tests passing, ${r.wallSeconds.toFixed(0)} s`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.jobs) }, worker));
  fs.writeFileSync(path.join(o.work, 'results.json'), JSON.stringify({ date: new Date().toISOString(), machine: machine(), results }, null, 2));
  console.log(`${o.corpus === 'modern' ? 'Modern (ES-module) corpus' : 'TestPilot corpus'}, ${o.runner} tests, ${new Date().toISOString().slice(0, 10)}; ${machine()}; reruns: ${o.reruns}`);
  for (const line of table(results)) console.log(line);
  if (!o.smoke && !o.only && o.corpus === 'testpilot') {
    console.log('');
    console.log('Excluded:');
    for (const e of EXCLUDED) console.log(`- ${e.name}: ${e.reason}`);
  }
  for (const r of results) for (const b of r.suspectedBugs) console.log(`- suspected bug in ${r.name}: ${b}`);
  if (results.some((r) => r.error || (r.tests > 0 && r.greenRuns < r.reruns))) process.exitCode = 1;
}

if (require.main === module) {
  // The smoke run is a test's subject: any crash must be a non-zero exit, not a silent partial table.
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
