// TestPilot's 25 npm packages (githubnext/testpilot `.github/benchmarks.txt`, pinned to repository commits), mapped to
// published versions this machine's registry serves. Where the commit's package.json was readable, the version is
// that one (or the nearest one published); otherwise it is the release current in late 2022, when TestPilot's
// pinned commits were taken (the registry's own publish dates are a mirror's, so they could not decide it).
//
// `api`: the files that define what the package exports: `testgap generate` runs on these. For packages whose entry
// only re-exports (fs-extra's `module.exports = { ...require('./copy'), … }`), that is the modules it re-exports, and
// the entry itself where it is among the counted source (its re-exports get checked: core/reexports.ts).
// `source`: the files coverage counts (c8 `--all --include`), the package's own code its entry loads; defaults to `api`.

export interface CorpusPackage {
  name: string;
  version: string;
  /** TestPilot's pin, and how the version was chosen from it. */
  pin: string;
  how: string;
  api: string[];
  source?: string[];
  /** Files or folders of the published package that are examples, benchmarks or the package's own tests. */
  remove?: string[];
  /** A folder inside this repository instead of the registry (the smoke package). */
  local?: string;
  /** Takes many minutes: started first, so that the workers finish at about the same time. */
  long?: true;
}

export const TESTPILOT = { statements: 70.2, branches: 52.8, passingTests: 48.0, apiFunctions: 1684 };

export const CORPUS: CorpusPackage[] = [
  { name: 'fs-extra', version: '10.1.0', pin: 'jprichardson/node-fs-extra@6bffcd8', how: 'release current in late 2022', api: ['lib/**/*.js'] },
  { name: 'jsonfile', version: '6.1.0', pin: 'jprichardson/node-jsonfile@9c6478a', how: 'release current in late 2022', api: ['index.js'], source: ['index.js', 'utils.js'] },
  { name: 'node-dir', version: '0.1.17', pin: 'fshost/node-dir@a57c3b1', how: 'last release', api: ['index.js', 'lib/*.js'], source: ['index.js', 'lib/*.js'] },
  { name: 'bluebird', version: '3.7.2', pin: 'petkaantonov/bluebird@6c8c069', how: 'last release', api: ['js/release/bluebird.js'], source: ['js/release/*.js'] },
  { name: 'q', version: '1.5.1', pin: 'kriskowal/q@6bc7f52', how: 'the version on its main branch', api: ['q.js'], long: true },
  { name: 'graceful-fs', version: '4.1.0', pin: 'isaacs/node-graceful-fs@c1b3777', how: "package.json at the pin says 4.0.0, which this registry lacks; 4.1.0 is the nearest (3.0.8 is a different implementation)", api: ['graceful-fs.js'], source: ['graceful-fs.js', 'polyfills.js', 'legacy-streams.js', 'fs.js'] },
  { name: 'rsvp', version: '4.8.5', pin: 'tildeio/rsvp.js@21e0c97', how: 'last release', api: ['dist/rsvp.js'] },
  { name: 'glob', version: '8.0.3', pin: 'isaacs/node-glob@8315c2d', how: 'release current in late 2022', api: ['glob.js', 'sync.js'], source: ['glob.js', 'sync.js', 'common.js'] },
  { name: 'zip-a-folder', version: '0.0.12', pin: 'maugenst/zip-a-folder@5089113', how: 'package.json at the pin says 0.0.13, which this registry lacks; 0.0.12 is the nearest older', api: ['lib/zip-a-folder.js'] },
  { name: 'memfs', version: '3.4.7', pin: 'streamich/memfs@ec83e6f', how: 'release current in late 2022', api: ['lib/volume.js', 'lib/index.js', 'lib/**/*.js'], source: ['lib/**/*.js'], remove: ['lib/__tests__'], long: true },
  { name: 'uneval', version: '0.1.2', pin: 'chakrit/node-uneval@7578dc6', how: 'package.json at the pin', api: ['index.js'], remove: ['test_input.js', 'test_expected.js'] },
  { name: 'dirty', version: '1.1.3', pin: 'felixge/node-dirty@d7fb4d4', how: 'package.json at the pin', api: ['lib/dirty/*.js'], remove: ['benchmark', 'example'] },
  { name: 'pull-stream', version: '3.6.14', pin: 'pull-stream/pull-stream@29b4868', how: 'release current in late 2022', api: ['index.js', 'pull.js', 'sources/*.js', 'throughs/*.js', 'sinks/*.js'], source: ['index.js', 'pull.js', 'sources/*.js', 'throughs/*.js', 'sinks/*.js', 'util/*.js'], remove: ['benchmarks', 'docs'] },
  { name: 'simple-statistics', version: '7.7.6', pin: 'simple-statistics/simple-statistics@31f037d', how: 'package.json at the pin', api: ['src/*.js'], long: true },
  { name: 'plural', version: '1.1.0', pin: 'swang/plural@f0027d6', how: 'package.json at the pin', api: ['index.js'] },
  { name: 'js-sdsl', version: '4.1.4', pin: 'js-sdsl/js-sdsl@055866a', how: 'package.json at the pin says 4.1.5-beta.1, unpublished here; 4.1.4 is the nearest older', api: ['dist/cjs/**/*.js'], long: true },
  { name: 'complex.js', version: '2.1.1', pin: 'infusion/Complex.js@d995ca1', how: 'release current in late 2022', api: ['complex.js'], long: true },
  { name: 'quill-delta', version: '5.0.0', pin: 'quilljs/delta@5ffb853', how: 'release current in late 2022', api: ['dist/*.js'] },
  { name: 'countries-and-timezones', version: '3.3.0', pin: 'manuelmhtr/countries-and-timezones@e34cb4b', how: 'package.json at the pin', api: ['dist/index.js'] },
  { name: 'geo-point', version: '2.0.2', pin: 'rainder/node-geo-point@c839d47', how: 'package.json at the pin', api: ['build/index.js', 'build/geo-point.js'], source: ['build/*.js'], remove: ['build/geo-point.spec.js', 'build/geo-point.spec.js.map', 'build/geo-point.spec.d.ts'] },
  { name: 'crawler-url-parser', version: '2.0.5', pin: 'autokent/crawler-url-parser@202c5b2', how: 'the only version this registry has', api: ['crawler-url-parser.js'], remove: ['QUICKSTART.js'] },
];

/** In TestPilot's list, not measured here, and why. */
export const EXCLUDED: { name: string; reason: string }[] = [
  { name: 'gitlab-js', reason: 'a GitLab REST client: every API call is an HTTP request to a GitLab server (and the package is not in the registry this machine reaches)' },
  { name: 'image-downloader', reason: 'its API downloads a URL over HTTP(S); the sandbox refuses network access, so nothing it does can be observed without a server' },
  { name: 'omnitool', reason: 'not in the registry this machine reaches under that name' },
  { name: '@spacl/core', reason: 'not in the registry this machine reaches' },
];

/** A bundled package in the corpus packages' shape (CommonJS re-exports, JSDoc types, one fs module): `--smoke`. */
export const SMOKE: CorpusPackage = {
  name: 'testgap-corpus-smoke',
  version: '1.0.0',
  pin: 'bench/corpus/smoke-package',
  how: 'bundled',
  local: 'bench/corpus/smoke-package',
  api: ['lib/*.js'],
  source: ['index.js', 'lib/*.js'],
};

/**
 * The modern corpus (issue 15): ES-module-only packages (`"type": "module"`, `export` syntax, no CommonJS build), as
 * current npm packages are written; chosen for a spread of shapes (functions over strings and numbers, object
 * mappers, classes with state, byte arrays) and none measured before. The latest release each registry major runs on
 * Node 20 with.
 */
export const MODERN: CorpusPackage[] = [
  { name: 'camelcase', version: '8.0.0', pin: 'npm', how: 'latest release', api: ['index.js'] },
  { name: 'decamelize', version: '6.0.1', pin: 'npm', how: 'latest release', api: ['index.js'] },
  { name: 'pretty-bytes', version: '7.2.0', pin: 'npm', how: 'latest release', api: ['index.js'] },
  { name: 'pretty-ms', version: '9.3.1', pin: 'npm', how: 'latest 9.x (10 was published after this corpus was chosen)', api: ['index.js'] },
  { name: 'map-obj', version: '5.0.2', pin: 'npm', how: 'latest release', api: ['index.js'] },
  { name: 'filter-obj', version: '6.1.0', pin: 'npm', how: 'latest release', api: ['index.js'] },
  { name: 'quick-lru', version: '7.3.0', pin: 'npm', how: 'latest release', api: ['index.js'] },
  { name: 'yocto-queue', version: '1.2.2', pin: 'npm', how: 'latest release', api: ['index.js'] },
  { name: 'dot-prop', version: '9.0.0', pin: 'npm', how: 'latest release', api: ['index.js'] },
  { name: 'strip-indent', version: '4.1.1', pin: 'npm', how: 'latest release', api: ['index.js'] },
  { name: 'uint8array-extras', version: '1.6.0', pin: 'npm', how: 'latest release', api: ['index.js'] },
  { name: 'change-case', version: '5.4.4', pin: 'npm', how: 'latest release', api: ['dist/index.js'], source: ['dist/index.js'] },
];
