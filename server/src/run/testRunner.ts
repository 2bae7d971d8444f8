// Sandbox child that runs one generated test file (argv[2]) with the loader of the project (argv[3]). In verify mode
// the file appends the name of each failing test to $TESTGAP_FAILURES (core/emit.ts); uvu sets the exit code.
import { installLoader } from './loader';

installLoader(process.argv[3]);
require(process.argv[2]);
