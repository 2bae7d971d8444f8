// The re-export suite of an entry module (`module.exports = require('./dirty')`, `export * from`): which exported
// values are another module's own, probed in the sandbox, then verified as a written test file; a module whose check
// fails is dropped and the rest run again.
import fs from 'node:fs';
import { parseFile, relativeSpecifiers } from '../core/analyse';
import { emitSections, type EmitInput, type EmitStyle, type ReexportSuite } from '../core/emit';
import type { Project } from '../core/project';
import { mayReexport } from '../core/reexports';
import { probeReexports, type Limits } from './sandbox';
import type { VerifyRun } from './verify';

export interface ReexportRequest {
  project: Project;
  file: string;
  marker: string;
  style: EmitStyle;
  limits: Limits;
  verifyRuns: number;
  signal?: AbortSignal;
  /** How the verification file imports a module (by absolute path). */
  specifierFor: (file: string) => string;
  /** Runs the text once where the project's tests run (run/verify.ts). */
  verify: (text: string) => Promise<VerifyRun>;
  progress?: (message: string, fraction: number) => void;
}

/**
 * The re-exports of an entry module that hold in the sandbox and in every verification run (checks are in absolute
 * paths), or undefined when it has none. A module whose test fails is dropped, and the rest run again.
 */
export async function verifiedReexports(r: ReexportRequest): Promise<{ suite: ReexportSuite; runs: number } | undefined> {
  let source: string;
  try {
    source = fs.readFileSync(r.file, 'utf8');
  } catch {
    return undefined;
  }
  const specifiers = relativeSpecifiers(parseFile(r.file, source));
  if (!mayReexport(r.project.facts(r.file), specifiers)) return undefined;
  r.progress?.('checking what the module re-exports', 0.95);
  const probe = await probeReexports(r.project.root, r.file, specifiers, r.limits, r.signal);
  if (probe.loadError || probe.checks.length === 0) return undefined;
  const label = r.project.relative(r.file);
  // An ESM test file reaches a whole module through default-import interop, which is `.default` for transpiled ESM:
  // such a check could compare undefined with undefined. Only values reached by name are checked there.
  let checks = probe.checks
    .filter((c) => !r.style.esm || (c.entryKey !== null && c.moduleKey !== null))
    .map((c) => ({ ...c, moduleLabel: r.project.relative(c.module) }));
  let runs = 0;
  for (let round = 0; round < 3 && checks.length > 0 && !r.signal?.aborted; round++) {
    const input: EmitInput = {
      style: r.style,
      sourceLabel: label,
      sections: [],
      imports: [],
      mode: 'verify',
      reexports: { id: r.marker, label, entry: r.specifierFor(r.file), checks: checks.map((c) => ({ ...c, module: r.specifierFor(c.module) })) },
    };
    const emitted = emitSections(input);
    const text = `${emitted.importLines.join('\n')}\n\n${emitted.body}`;
    const failedModules = new Set<string>();
    const times = round === 0 ? r.verifyRuns : 1;
    for (let k = 0; k < times; k++) {
      const result = await r.verify(text);
      runs++;
      if (result.broken) return undefined;
      for (const n of emitted.names) if (n.reexports !== undefined && result.failed.has(n.name)) failedModules.add(n.reexports);
    }
    if (failedModules.size === 0) return { suite: { id: r.marker, label, entry: r.file, checks }, runs };
    checks = checks.filter((c) => !failedModules.has(r.specifierFor(c.module)));
  }
  return undefined;
}
