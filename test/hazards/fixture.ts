// The hazard project: one module per way user code can misbehave, and (for coverage) one uvu test file per module
// that imports it and calls the hazardous function. Written under a private folder per run, with a marker and a
// /tmp prefix of its own, so what it might leave behind (files, processes) can be found and told apart.
import fs from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(__dirname, '../../..');

export interface Hazard {
  /** Module name (src/<name>.ts) and row of the report. */
  name: string;
  what: string;
  source: string;
  /** The call the coverage test file makes (the module is imported as `m`). */
  call: string;
}

/** The hazards; `id` makes the marker and the outside path unique to this run, `port` is a socket the test listens on. */
export function hazards(id: string, port: number): Hazard[] {
  return [
    { name: 'hangImport', what: '(1) loops forever at import', source: 'for (;;) {}\nexport function f(x: number): number {\n  return x;\n}\n', call: 'm.f(1)' },
    { name: 'hangCall', what: '(2) loops forever at call', source: 'export function spin(n: number): number {\n  if (n === 42) for (;;) {}\n  return n + 1;\n}\n', call: 'm.spin(42)' },
    { name: 'exitImport', what: '(3a) process.exit at import', source: 'process.exit(3);\nexport function f(x: number): number {\n  return x;\n}\n', call: 'm.f(1)' },
    { name: 'exitCall', what: '(3b) process.exit at call', source: 'export function quit(code: number): number {\n  if (code === 0) process.exit(3);\n  return code * 2;\n}\n', call: 'm.quit(0)' },
    { name: 'throwImport', what: '(4) throws at import', source: "throw new Error('needs a database connection');\nexport function f(x: number): number {\n  return x;\n}\n", call: 'm.f(1)' },
    {
      name: 'oom',
      what: '(5) allocates until out of memory',
      source: 'export function grow(n: number): number {\n  if (Number.isFinite(n)) return n;\n  const keep: number[][] = [];\n  for (;;) keep.push(new Array(1000000).fill(n));\n}\n',
      call: 'm.grow(Infinity)',
    },
    {
      name: 'noisy',
      what: '(6) prints megabytes to stdout and stderr',
      source:
        "const big = 'x'.repeat(1024 * 1024);\nfor (let i = 0; i < 4; i++) {\n  process.stdout.write(big + '\\n');\n  process.stderr.write(big + '\\n');\n}\n" +
        'export function shout(s: string): string {\n  for (let i = 0; i < 2; i++) {\n    console.log(big);\n    console.error(big);\n  }\n  return s.toUpperCase();\n}\n',
      call: "m.shout('a')",
    },
    {
      name: 'scribble',
      what: '(7) writes files outside the project',
      source:
        "import fs from 'node:fs';\nimport path from 'node:path';\n" +
        `export function scribble(name: string): string {\n  fs.writeFileSync('/tmp/testgap-hazard-${id}-' + Math.random().toString(36).slice(2), name);\n  fs.writeFileSync(path.join(__dirname, 'evil.txt'), name);\n  return name;\n}\n`,
      call: "m.scribble('a')",
    },
    {
      name: 'spawner',
      what: '(8) spawns processes',
      source:
        "import cp from 'node:child_process';\n" +
        `export function launch(x: number): number {\n  const c = cp.spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)', 'testgap-hazard-${id}'], { detached: true, stdio: 'ignore' });\n  c.unref();\n  cp.execSync('sleep 120 # testgap-hazard-${id}');\n  return x;\n}\n`,
      call: 'm.launch(1)',
    },
    {
      name: 'sockets',
      what: '(9) opens sockets (net.connect, fetch)',
      source:
        "import net from 'node:net';\n" +
        `export async function ping(x: number): Promise<number> {\n  const s = net.connect(${port}, '127.0.0.1');\n  s.on('error', () => undefined);\n  await fetch('http://127.0.0.1:${port}/');\n  return x;\n}\n`,
      call: 'await m.ping(1)',
    },
    {
      name: 'timers',
      what: '(10) leaves timers running and rejections unhandled',
      source:
        "setInterval(() => undefined, 1000);\nexport function later(x: number): number {\n  setTimeout(() => undefined, 1e9);\n  Promise.reject(new Error('left unhandled'));\n  return x;\n}\n",
      call: 'm.later(1)',
    },
    {
      name: 'globals',
      what: '(11) mutates globals and prototypes',
      source:
        'export function pollute(x: number): number {\n  (Array.prototype as any).hazard = () => "polluted";\n  Array.prototype.includes = () => true;\n  (Object.prototype as any).polluted = true;\n' +
        '  (globalThis as any).hazardX = x;\n  process.env.HAZARD = String(x);\n  return x + 1;\n}\n',
      call: 'm.pollute(1)',
    },
  ];
}

/** A benign module, the target of the responsiveness probes. */
export const OTHER = 'export function other(x: number): number {\n  return x * 2;\n}\n';

export interface Settings {
  timeoutMs: number;
  memoryMb: number;
  coverageTimeoutMs: number;
}

/** Writes a project at `root`: the hazard modules, and with `tests` one uvu test file per hazard. */
export function writeProject(root: string, list: Hazard[], settings: Settings, tests: boolean): void {
  fs.mkdirSync(path.join(root, 'src'), { recursive: true });
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: path.basename(root), testgap: settings }, null, 2));
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'));
  fs.writeFileSync(path.join(root, 'src/other.ts'), OTHER);
  for (const h of list) fs.writeFileSync(path.join(root, `src/${h.name}.ts`), h.source);
  if (!tests) return;
  fs.mkdirSync(path.join(root, 'test'));
  for (const h of list) {
    fs.writeFileSync(
      path.join(root, `test/${h.name}.test.js`),
      `const { test } = require('uvu');\nconst m = require('../src/${h.name}');\ntest('${h.name}', async () => {\n  ${h.call};\n});\ntest.run();\n`,
    );
  }
}

/** Every file under `dir` (symlinks not followed) with its size and content hash, to compare before and after. */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const abs = path.join(d, e.name);
      if (e.isSymbolicLink()) out.set(abs, `link:${fs.readlinkSync(abs)}`);
      else if (e.isDirectory()) walk(abs);
      else out.set(abs, fs.readFileSync(abs).toString('base64'));
    }
  };
  walk(dir);
  return out;
}

/** Paths added, removed or changed between two snapshots. */
export function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of after) if (before.get(k) !== v) out.push(k);
  for (const k of before.keys()) if (!after.has(k)) out.push(k);
  return out.sort();
}
