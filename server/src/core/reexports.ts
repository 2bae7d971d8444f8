// Entry modules that pass on what other modules of the project export: `module.exports = require('./dirty')`,
// `export * from './geo-point'`, `exports.readFiles = require('./lib/readfiles')`, tsc's
// `Object.defineProperty(exports, "Stack", { get: … })`. They define no unit of their own, so no unit test reaches
// them; yet they are the package's public API, and a broken one breaks every user. Their test checks that each
// re-exported binding is the very value the defining module exports (`assert.is`).
//
// Which values are re-exported is found by loading the entry and the modules it names in the sandbox (run/harness.ts):
// the patterns are too many to read statically. What is here is plain data (the sandbox child loads it: no TypeScript).
import type { FileFacts } from './model';

/** One re-exported value: `entry[entryKey]` (the whole entry when null) is `module[moduleKey]` (the whole module when null). */
export interface ReexportCheck {
  entryKey: string | null;
  /** Absolute path of the defining module. */
  module: string;
  moduleKey: string | null;
}

/** The pseudo unit id that marks an entry's re-export suite in its test file (regenerating does not add it twice). */
export function reexportMarker(relPath: string): string {
  return `${relPath}#(re-exports)`;
}

/** At most this many values are checked per entry (tsc barrels of big libraries re-export hundreds). */
export const MAX_REEXPORT_CHECKS = 60;

/**
 * Whether a file is worth loading to look for re-exports: it names other modules of the project and either defines
 * no unit of its own (a barrel) or re-exports by syntax (`export … from`).
 */
export function mayReexport(facts: FileFacts, specifiers: readonly string[]): boolean {
  if (specifiers.length === 0) return false;
  if (facts.units.length === 0) return true;
  return facts.exports.star.length > 0 || [...facts.exports.named.values()].some((t) => t.kind === 'reexport');
}

/** Groups checks by defining module, in first-seen order (one test per module). */
export function checksByModule<C extends { module: string }>(checks: readonly C[]): Map<string, C[]> {
  const by = new Map<string, C[]>();
  for (const c of checks) by.set(c.module, [...(by.get(c.module) ?? []), c]);
  return by;
}
