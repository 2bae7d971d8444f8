// `testgap generate <files…> [--root DIR] [--json]`: writes verified tests for the untested units of those files.
import fs from 'node:fs';
import path from 'node:path';
import { Project } from '../core/project';
import { applyInsertions } from '../core/existingTestFile';
import { nodeFileHost } from '../io/nodeHost';
import { WriteRefused, writeFileAtomic } from '../io/writeFile';
import { generateTests, type GenerateResult, type UnitReport } from '../run/generate';
import { projectSettings, type CliIo } from './check';
import { killAllSandboxes } from '../run/sandbox';

export interface GenerateOptions extends CliIo {
  /** Absolute paths of the source files to write tests for. */
  files: string[];
  /** `--target PERCENT`: block coverage to search for inputs until (default: the coverageTargets.unit setting). */
  target?: string;
}

export interface GenerateJson {
  version: 1;
  root: string;
  files: (Omit<GenerateResult, 'text' | 'insertions' | 'sourceFile' | 'testFile'> & { sourceFile: string; testFile: string; written: boolean })[];
  summary: { units: number; cases: number; properties: number; reexports: number; suspectedBugs: number; notExecutable: number; durationMs: number };
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function droppedText(r: UnitReport): string {
  const parts = Object.entries(r.dropped).map(([why, n]) => `${n} ${why}`);
  return parts.length > 0 ? `; left out: ${parts.join(', ')}` : '';
}

function percentText(p: number): string {
  return `${Number.isInteger(p) ? p : p.toFixed(1)} %`;
}

/** Block coverage lines for one file: before → after the search, and the blocks left uncovered with why. */
function coverageLines(result: GenerateResult, rel: (f: string) => string): string[] {
  const c = result.blockCoverage;
  if (c.blocks === 0) return [];
  const rounds = count(c.rounds, 'search round');
  const lines = [`  block coverage: ${percentText(c.percentBefore)} → ${percentText(c.percentAfter)} (${c.coveredAfter} of ${c.blocks} blocks; target ${percentText(c.target)}; ${rounds})`];
  const names = new Map(result.units.map((u) => [u.unitId, u.name]));
  for (const u of c.uncovered) lines.push(`  ${rel(result.sourceFile)}:${u.line}: block of ${names.get(u.unitId) ?? u.unitId} not covered: ${u.reason}`);
  return lines;
}

/** Exit code: 0 written (or nothing to write), 1 when a suspected bug or a unit that could not run was reported. */
export async function runGenerate(o: GenerateOptions): Promise<number> {
  const started = performance.now();
  let target: number | undefined;
  if (o.target !== undefined) {
    target = Number(o.target);
    if (o.target.trim() === '' || !Number.isFinite(target) || target < 0 || target > 100) {
      o.err(`testgap: --target ${o.target}: not a percentage from 0 to 100 (see testgap --help)\n`);
      return 2;
    }
  }
  const { settings, problems } = projectSettings(o.root);
  for (const p of problems) o.err(`testgap: ${p.severity}: ${p.message}\n`);
  const project = new Project(o.root, nodeFileHost, settings);
  project.scan();
  const json: GenerateJson = { version: 1, root: o.root, files: [], summary: { units: 0, cases: 0, properties: 0, reexports: 0, suspectedBugs: 0, notExecutable: 0, durationMs: 0 } };
  const missing = new Set<string>();
  let refused = 0;
  const said = new Set<string>();
  const rel = (f: string) => path.relative(o.cwd, f) || f;
  const unfit = o.files.find((f) => !project.contains(f) || project.isTestFile(f));
  if (unfit) {
    o.err(`testgap: ${rel(unfit)}: not a source file to write tests for (a test file, excluded, or not TypeScript/JavaScript) (see testgap --help)\n`);
    project.dispose();
    return 2;
  }
  try {
    for (const [i, file] of o.files.entries()) {
      const testFile = project.expectedTestFile(file);
      const existing = fs.existsSync(testFile) ? fs.readFileSync(testFile, 'utf8') : undefined;
      const result = await generateTests({
        project,
        file,
        variant: 'all',
        settings,
        existingText: existing,
        ...(target !== undefined ? { target } : {}),
        progress: (message) => o.interactive && o.err(`\r\x1b[Ktestgap: [${i + 1}/${o.files.length}] ${project.relative(file)}: ${message}`),
      });
      if (o.interactive) o.err('\r\x1b[K');
      let written = false;
      if (result.insertions.length > 0) {
        // The file may have changed while tests ran: insert into what is there now, never overwrite it.
        const now = fs.existsSync(testFile) ? fs.readFileSync(testFile, 'utf8') : undefined;
        if (now !== existing) {
          o.err(`testgap: ${rel(testFile)} changed while tests were generated; run again\n`);
        } else {
          try {
            writeFileAtomic(testFile, existing === undefined ? result.text : applyInsertions(existing, result.insertions));
            written = true;
          } catch (error) {
            // A read-only or odd test file is the user's to change: one line, and exit 1 below.
            if (!(error instanceof WriteRefused)) throw error;
            o.err(`testgap: ${error.message}\n`);
            refused++;
          }
        }
      }
      result.missingDependencies.forEach((d) => missing.add(d));
      const { text: _t, insertions: _i, ...rest } = result;
      json.files.push({ ...rest, sourceFile: project.relative(file), testFile: project.relative(testFile), written });
      const cases = result.units.reduce((n, u) => n + u.cases, 0);
      const properties = result.units.reduce((n, u) => n + u.properties, 0);
      json.summary.units += result.units.length;
      json.summary.cases += cases;
      json.summary.properties += properties;
      json.summary.reexports += result.reexports?.values ?? 0;
      if (!o.json) {
        const what = written ? (result.created ? 'created' : 'appended to') : 'nothing written to';
        o.out(`${rel(file)}: ${what} ${rel(testFile)}: ${count(cases, 'case')}, ${count(properties, 'property', 'properties')} for ${count(result.units.length, 'unit')} (verified in ${count(result.verifyRuns, 'run')})`);
        for (const line of coverageLines(result, rel)) o.out(line);
        if (result.reexports) o.out(`  re-exports: ${count(result.reexports.values, 'value')} from ${count(result.reexports.modules, 'module')}, each checked to be the defining module's own`);
      }
      for (const u of result.units) {
        json.summary.suspectedBugs += u.suspectedBugs.length;
        if (u.notExecutable) json.summary.notExecutable++;
        if (o.json) continue;
        if (u.notExecutable) o.out(`  ${u.name}: not executable: ${u.notExecutable}`);
        else if (u.notRun) o.out(`  ${u.name}: ${count(u.properties, 'type property', 'type properties')}, not run (execute is false)`);
        else o.out(`  ${u.name}: ${count(u.cases, 'case')}, ${count(u.properties, 'property', 'properties')}${u.nondeterministic ? ' (results differ between calls: no value assertions)' : ''}${droppedText(u)}`);
        for (const b of u.suspectedBugs) o.out(`  ${u.name}: suspected bug: for ${b.args} the documentation says ${b.documented}, the code returned ${b.observed}`);
      }
      // A problem of the whole project (the runner cannot be driven) comes back for every file: said once.
      for (const p of result.problems) {
        const line = `testgap: ${p.severity}: ${p.message}\n`;
        if (said.has(line)) continue;
        said.add(line);
        o.err(line);
      }
      // Tests that could not be written (verification itself broke) are a failure, not a quiet success.
      if (result.problems.some((p) => p.severity === 'error')) refused++;
    }
  } finally {
    killAllSandboxes();
    project.dispose();
  }
  json.summary.durationMs = Math.round(performance.now() - started);
  if (o.json) o.out(JSON.stringify(json, null, 2));
  if (missing.size > 0) o.err(`testgap: the tests need packages this project lacks: npm i -D ${[...missing].join(' ')}\n`);
  o.err(`testgap: ${count(json.summary.cases, 'case')} and ${count(json.summary.properties, 'property', 'properties')} for ${count(json.summary.units, 'unit')} in ${(json.summary.durationMs / 1000).toFixed(1)} s\n`);
  return json.summary.suspectedBugs > 0 || json.summary.notExecutable > 0 || refused > 0 ? 1 : 0;
}
