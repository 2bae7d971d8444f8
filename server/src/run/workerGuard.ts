// Loaded through NODE_OPTIONS (`--require`) into every process a runner host starts (vitest's fork workers), before
// the runner's own code: the tests run there, so that is where the guard goes (writes only in the host's folders, no
// processes or workers, no network unless allowed), with a watchdog that ends the worker when its parent is gone.
import { Worker } from 'node:worker_threads';
import { installGuard } from './guard';

const settings = JSON.parse(process.env.TESTGAP_GUARD ?? '{}') as { writable?: string[]; allowNetwork?: boolean };
new Worker(
  `const { workerData } = require('node:worker_threads');
   setInterval(() => { if (process.ppid !== workerData.ppid) process.kill(workerData.pid, 'SIGKILL'); }, 250);`,
  { eval: true, workerData: { ppid: process.ppid, pid: process.pid } },
).unref();
installGuard(settings.writable ?? [], { allowNetwork: !!settings.allowNetwork });
