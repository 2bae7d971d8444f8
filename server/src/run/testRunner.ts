// Sandbox child that runs one generated test file (argv[2]) with the loader of the project (argv[3]). In verify mode
// the file appends the name of each failing test to $TESTGAP_FAILURES (core/emit.ts); uvu, node:test and mocha (the
// project's, given as $TESTGAP_MOCHA) set the exit code.
import { installNetworkGuard } from './guard';
import { installLoader } from './loader';

if (process.env.TESTGAP_ALLOW_NETWORK !== '1') installNetworkGuard();

// The generated file is compiled to CommonJS like project files, so `uvu` and `fast-check` resolve through
// NODE_PATH even when the file uses import syntax (Node's ESM resolver ignores NODE_PATH).
installLoader(process.argv[3], undefined, [process.argv[2]]);
if (process.env.TESTGAP_MOCHA) {
  // mocha's files call its globals (`describe`, `it`): the project's mocha runs the file, as `mocha <file>` would.
  type MochaClass = new (o: object) => { addFile(f: string): void; run(done: (failures: number) => void): void };
  const loaded = require(process.env.TESTGAP_MOCHA) as MochaClass | { Mocha?: MochaClass; default?: MochaClass };
  const Mocha = typeof loaded === 'function' ? loaded : (loaded.Mocha ?? loaded.default)!;
  const mocha = new Mocha({ ui: 'bdd', color: false, reporter: 'dot' });
  mocha.addFile(process.argv[2]);
  mocha.run((failures) => {
    process.exitCode = failures > 0 ? 1 : 0;
  });
} else {
  require(process.argv[2]);
}
