// Loaded through NODE_OPTIONS (`--require`) into every process a runner host starts (vitest's fork workers), before
// the runner's own code: the tests run there, so that is where the guard goes (writes only in the host's folders, no
// processes or workers, no network unless allowed). No watchdog thread of its own (it cost a fifth of a warm run): the
// host's watchdog ends the whole process group when the server is gone.
import { installGuard } from './guard';

const settings = JSON.parse(process.env.TESTGAP_GUARD ?? '{}') as { writable?: string[]; allowNetwork?: boolean };
installGuard(settings.writable ?? [], { allowNetwork: !!settings.allowNetwork });
