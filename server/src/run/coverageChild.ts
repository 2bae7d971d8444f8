// Entry of a coverage child: runs one test file of the user's project under V8 coverage (the parent sets
// NODE_V8_COVERAGE), confined by guard.ts. uvu test files run themselves when loaded (`test.run()`), and uvu sets the
// exit code, so loading the file is running it.
import path from 'node:path';
import { installGuard } from './guard';
import { installLoader } from './loader';

interface CoverageChildArgs {
  root: string;
  testFile: string;
  tmpDir: string;
}

const args = JSON.parse(process.argv[2] ?? '{}') as CoverageChildArgs;
installGuard([args.tmpDir]);
installLoader(args.root, undefined, [args.testFile], 'keep');
process.chdir(args.root);
require(path.resolve(args.testFile));
