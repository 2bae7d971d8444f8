// Entry of a coverage child: runs one test file of the user's project under V8 precise coverage, confined by guard.ts.
// uvu test files run themselves when loaded (`test.run()`), and uvu sets the exit code, so loading the file is running
// it. Coverage is taken in this process through the inspector, on exit, and only the project's scripts are written
// (with the source maps of what the loader transpiled): NODE_V8_COVERAGE would write every script Node loaded, which
// costs more than the test itself on small test files.
import fs from 'node:fs';
import inspector from 'node:inspector';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { installGuard } from './guard';
import { installLoader } from './loader';

interface CoverageChildArgs {
  root: string;
  testFile: string;
  tmpDir: string;
  /** Where to write `{ result, 'source-map-cache' }`, the shape of a NODE_V8_COVERAGE file. */
  out: string;
  manifest?: string;
  /** Setting `sandbox`: more folders to write, and whether the network is allowed. */
  allowWrite?: string[];
  allowNetwork?: boolean;
}

// If the parent dies without killing this process (SIGKILL, a crash), a test that spins would go on forever: nothing
// on this thread runs while it does. A watchdog thread, started before any user code (the guard refuses workers to
// user code), kills the process once its parent is gone.
const watchdog = new Worker(
  `const { workerData } = require('node:worker_threads');
   setInterval(() => { if (process.ppid !== workerData.ppid) process.kill(workerData.pid, 'SIGKILL'); }, 250);`,
  { eval: true, workerData: { ppid: process.ppid, pid: process.pid } },
);
watchdog.unref(); // it must not keep a finished test running

const session = new inspector.Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });

function run(args: CoverageChildArgs): void {
  const compiled = new Map<string, string>();
  installGuard([args.tmpDir, ...(args.allowWrite ?? [])], { allowNetwork: args.allowNetwork });
  installLoader(args.root, undefined, [args.testFile], 'keep', args.manifest, (file, code) => compiled.set(file, code));
  const inProject = (file: string) => file.startsWith(args.root + path.sep) && !file.includes(`${path.sep}node_modules${path.sep}`);
  process.on('exit', () => writeCoverage(args, compiled, inProject));
  process.chdir(args.root);
  require(path.resolve(args.testFile));
}

function writeCoverage(args: CoverageChildArgs, compiled: Map<string, string>, inProject: (file: string) => boolean): void {
  // The inspector answers a same-thread session synchronously, so this runs to the end even inside 'exit'.
  session.post('Profiler.takePreciseCoverage', (error, taken) => {
    if (error || !taken) return;
    const result = [];
    const sourceMaps: Record<string, unknown> = {};
    for (const script of taken.result) {
      const file = script.url.startsWith('file://') ? fileURLToPath(script.url) : script.url;
      if (!path.isAbsolute(file) || !inProject(file)) continue;
      const url = pathToFileURL(file).href;
      result.push({ ...script, url });
      const code = compiled.get(file);
      const m = code && /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(code);
      if (m) sourceMaps[url] = { data: JSON.parse(Buffer.from(m[1]!, 'base64').toString('utf8')), lineLengths: code!.split('\n').map((l) => l.length) };
    }
    // Written inside the scratch folder, which the guard allows; the parent reads it after the exit.
    fs.writeFileSync(args.out, JSON.stringify({ result, 'source-map-cache': sourceMaps }));
  });
}

if (process.argv[2]) {
  run(JSON.parse(process.argv[2]) as CoverageChildArgs);
} else {
  // A warm child: booted ahead of time, it waits for its one test file. The channel stays open (unreferenced, so it
  // does not keep the test running): when the server goes away, so does this child, waiting or running.
  process.once('message', (args: CoverageChildArgs) => {
    (process.channel as unknown as { unref?: () => void } | undefined)?.unref?.();
    run(args);
  });
  process.on('disconnect', () => process.exit(1));
}
