// Sandbox child that runs one generated test file (argv[2]) with the loader of the project (argv[3]). In verify mode
// the file appends the name of each failing test to $TESTGAP_FAILURES (core/emit.ts); uvu sets the exit code.
import { installNetworkGuard } from './guard';
import { installLoader } from './loader';

if (process.env.TESTGAP_ALLOW_NETWORK !== '1') installNetworkGuard();

// The generated file is compiled to CommonJS like project files, so `uvu` and `fast-check` resolve through
// NODE_PATH even when the file uses import syntax (Node's ESM resolver ignores NODE_PATH).
installLoader(process.argv[3], undefined, [process.argv[2]]);
require(process.argv[2]);
