// The save loop both coverage-on-save benchmarks measure: change one source file, save it, and time from didSave to
// the `testgap/coverage` notification that carries its new figures; the first two saves are warm-up.
import fs from 'node:fs';
import path from 'node:path';
import type { TestClient } from '../test/helpers/lspClient';

export interface SaveLoop {
  root: string;
  files: number;
  saves: number;
  /** The source file saved at step `i`, relative to the root. */
  rel: (i: number) => string;
  /** Its new text at save `s` (it must change every time). */
  text: (i: number, s: number) => string;
  languageId?: string;
  /** Called with each measured save (after the warm-up), for logging. */
  onSave?: (s: number, i: number, elapsedMs: number, notification: { tests: { uri: string; durationMs: number }[] }) => void;
}

/** Runs the saves; returns each measured latency and how many test files each one ran. */
export async function saveLoop(client: TestClient, o: SaveLoop): Promise<{ onSave: number[]; ranPerSave: number[] }> {
  const onSave: number[] = [];
  const ranPerSave: number[] = [];
  const settled = client.session!.coverage.settled;
  for (let s = 0; s < o.saves + 2; s++) {
    const i = (s * 7) % o.files;
    const rel = o.rel(i);
    if (!client.latest(rel)) await client.open(rel, fs.readFileSync(path.join(o.root, rel), 'utf8'), o.languageId);
    const text = o.text(i, s + 1);
    await client.change(rel, [{ text }]);
    fs.writeFileSync(path.join(o.root, rel), text);
    const mark = client.coverage.length;
    const before = settled.length;
    const started = performance.now();
    await client.save(rel);
    const n = await client.waitFor(`save ${s}`, () => client.coverage.slice(mark).find((x) => !x.stale), 300_000);
    const elapsed = performance.now() - started;
    const file = n.files.find((f) => f.uri === client.uri(rel));
    if (!file || file.lines.covered === 0) throw new Error(`save ${s}: no figures for ${rel}`);
    if (s < 2) continue; // warm-up: the JIT, the transpile cache, the runner's transforms
    o.onSave?.(s, i, elapsed, n);
    onSave.push(elapsed);
    ranPerSave.push(settled.slice(before).reduce((k, r) => k + r.tests.length, 0));
  }
  return { onSave, ranPerSave };
}
