// `testgap generate` on the module shapes TestPilot's npm corpus is full of (bench/corpus): Node-style callback APIs,
// ES5 classes, an exports object built first, a class with a static and an instance method of one name, a call that
// fails after it returns. Each must get tests, and the tests must pass every time: a callback API's test waits for its
// callback, so no work it started is still running when the test's temp folder is removed.
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { GenerateJson } from '../../server/src/cli/generate';
import { SERVER_BIN } from '../helpers/lspClient';
import { linkTestTools, runUvu, tempProject } from '../helpers/tempProject';

const PROJECT = `//- /package.json
{ "name": "shapes" }
//- /lib/store.js
'use strict';
const fs = require('fs');

function Store(file) {
  this.file = file;
}
/** Reads the stored text, or calls back with the error. */
Store.prototype.read = function (cb) {
  fs.readFile(this.file, 'utf8', function (error, text) {
    if (error) return cb(error);
    cb(null, text.trim());
  });
};
Store.prototype._secret = function () {};

/**
 * Copies a file, later: the work happens after the call returns.
 * @param {string} src
 * @param {string} dest
 * @param {Function} callback
 */
function copyLater(src, dest, callback) {
  fs.readFile(src, 'utf8', (error, text) => {
    if (error) return callback(error);
    fs.writeFile(dest, text.toUpperCase(), (e) => callback(e || null, text.length));
  });
}

class Point {
  constructor(x, y) { this.x = x; this.y = y; }
  static distance(a, b) { return Math.hypot(a.x - b.x, a.y - b.y); }
  distance(other) { return Math.hypot(this.x - other.x, this.y - other.y); }
}

/** Reports the value later, as promise libraries call a nodeback: a non-function reporter throws after the return. */
function later(value, reporter) {
  if (!value) return value;
  process.nextTick(() => reporter(value));
  return value;
}

const api = { Store, copyLater, Point, later };
module.exports = api;
`;

/** Generates tests for `file` of the fixture project and returns the report and the written test file's text. */
function generateFor(fixture: string, file: string, check: (out: GenerateJson, text: string) => void): void {
  const p = tempProject(fixture);
  linkTestTools(p.root);
  try {
    const r = spawnSync(process.execPath, [SERVER_BIN, 'generate', file, '--json'], { cwd: p.root, encoding: 'utf8', timeout: 180_000 });
    assert.is(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as GenerateJson;
    assert.ok(out.files[0].written, r.stderr);
    check(out, p.read(out.files[0].testFile));
    // The written tests pass when run as the user would run them.
    const run = runUvu(p.root);
    assert.is(run.status, 0, run.output);
  } finally {
    p.remove();
  }
}

test('callback APIs, ES5 classes and an exports object get tests that wait for their callbacks and pass every run', () => {
  const p = tempProject(PROJECT);
  linkTestTools(p.root);
  try {
    const r = spawnSync(process.execPath, [SERVER_BIN, 'generate', 'lib/store.js', '--json'], { cwd: p.root, encoding: 'utf8', timeout: 180_000 });
    assert.is(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as GenerateJson;
    const units = Object.fromEntries(out.files[0].units.map((u) => [u.name, u]));
    assert.equal(Object.keys(units).sort(), ['Point', 'Point.distance', 'Store', 'Store.read', 'copyLater', 'later']);
    // An error thrown after the call returned would end the test run after the test passed: those inputs are dropped,
    // and the others kept (before, one such input made verification fail and nothing was written for the file).
    assert.ok(units.later.dropped['failed after returning'] >= 1, JSON.stringify(units.later));
    assert.ok(units.later.cases >= 1, JSON.stringify(units.later));
    assert.ok(units.copyLater.cases >= 2, JSON.stringify(units.copyLater));
    const text = p.read(out.files[0].testFile);
    // What the callback got is the expectation: the copied length for the fixture file, an error for a missing one.
    // (Names are string literals in the file: their quotes are escaped.)
    assert.match(text, /copyLater\(\\'existing\.txt\\', \\'[^\\]+\\'\) calls back with 6'/);
    assert.match(text, /copyLater\(\\'[^\\]+\\', \\'[^\\]+\\'\) calls back with Error', .*'ENOENT: no such file or directory/);
    assert.match(text, /new Promise\(\(resolve, reject\) => copyLater\(\.\.\.args, \(error, value\) => \(error \? reject\(error\) : resolve\(value\)\)\)\)/);
    assert.not.match(text, /_secret/);
    // The constructor only stores the path its methods read: it gets the fixture file, and read() what is in it.
    assert.match(text, /context\.store = new Store\('existing\.txt'\);/);
    assert.match(text, /Store\.read\(\) calls back with \\'hello\\'/);
    for (let i = 0; i < 3; i++) {
      const run = runUvu(p.root);
      assert.is(run.status, 0, run.output);
    }
  } finally {
    p.remove();
  }
});

test('CommonJS entry modules (dirty, node-dir, tsc output of js-sdsl): re-exported values are checked, and the checks pass', () => {
  const fixture = `//- /package.json
{ "name": "entries" }
//- /lib/store.js
function Store(name) { this.name = name; }
Store.VERSION = '1.0';
module.exports = Store;
//- /lib/paths.js
exports.files = function (dir) { return [dir]; };
exports.version = '2.0';
//- /lib/read.js
module.exports = function read(file) { return file; };
//- /lib/tsc.js
exports.default = class Stack {};
//- /lib/index.js
module.exports = require('./store');
//- /index.js
Object.assign(exports, require('./lib/paths'));
exports.read = require('./lib/read');
const Stack_1 = require('./lib/tsc');
Object.defineProperty(exports, 'Stack', { enumerable: true, get: function () { return Stack_1.default; } });
Object.defineProperty(exports, 'fresh', { enumerable: true, get: function () { return {}; } });
`;
  generateFor(fixture, 'lib/index.js', (out, text) => {
    assert.equal(out.files[0].reexports, { values: 1, modules: 1 });
    assert.match(text, /const libIndex = require\('\.\.\/\.\.\/lib\/index'\);/);
    assert.match(text, /assert\.is\(libIndex, store\);/);
  });
  generateFor(fixture, 'index.js', (out, text) => {
    // version is a string and fresh a new object on every read: neither is checked.
    assert.equal(out.files[0].reexports, { values: 3, modules: 3 });
    assert.match(text, /assert\.is\(index\.files, paths\.files\);/);
    assert.match(text, /assert\.is\(index\.read, read\);/);
    assert.match(text, /assert\.is\(index\.Stack, tsc\.default\);/);
    assert.not.match(text, /version|fresh/);
  });
});

test("exports named like keywords (RSVP's async, a delete) are imported under another name, and their tests run", () => {
  const fixture = `//- /package.json
{ "name": "words" }
//- /lib/words.js
exports.async = function (value) { return typeof value === 'number' ? value * 2 : String(value); };
exports.delete = function (list) { return Array.isArray(list) ? list.slice(1) : null; };
`;
  generateFor(fixture, 'lib/words.js', (_, text) => {
    assert.match(text, /const \{ async: async_, delete: delete_ \} = require\('(\.\.\/)+lib\/words'\);/);
    assert.match(text, /async_\(\.\.\.args\)/);
  });
});

test('a document parameter in a module that imports an HTML parser gets pages with links, and URL parameters get URLs (crawler-url-parser)', () => {
  const fixture = `//- /package.json
{ "name": "links" }
//- /lib/node_modules/node-html-parser/package.json
{ "name": "node-html-parser", "main": "index.js" }
//- /lib/node_modules/node-html-parser/index.js
// The user's dependency, small: elements by tag name and their attributes, found with regular expressions.
exports.parse = (html) => ({
  querySelectorAll: (tag) =>
    [...html.matchAll(new RegExp('<' + tag + '\\\\b([^>]*)>', 'g'))].map((m) => ({
      getAttribute: (name) => (new RegExp(name + '="([^"]*)"').exec(m[1]) || [])[1],
    })),
});
//- /lib/links.js
const { parse } = require('node-html-parser');
/** The http(s) targets of a page's links, resolved against its <base> or the page's own URL: paths on its host. */
function links(data, pageUrl) {
  const root = parse(data);
  const base = root.querySelectorAll('base')[0];
  const from = base ? base.getAttribute('href') : pageUrl;
  const out = [];
  for (const a of root.querySelectorAll('a')) {
    const href = a.getAttribute('href');
    if (!href) continue;
    const url = new URL(href, from);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    out.push(url.hostname === new URL(from).hostname ? url.pathname : url.href);
  }
  return out;
}
module.exports = links;
`;
  generateFor(fixture, 'lib/links.js', (out, text) => {
    // The page with a <base>: its links resolve against it, to paths on its host, a subdomain and another host.
    assert.match(text, /\['\/dir\/other\.html', '\/dir\/other\.html', '\/dir\/sub\/deep\.html', '\/top\.html', 'http:\/\/www\.a\.test\/dir\/x\.html', 'https:\/\/b\.test\/', '\/dir\/'\]/);
    assert.match(text, /'http:\/\/a\.test\/dir\/page\.html'/, 'the page URL parameter gets a URL');
    assert.is(out.files[0].units[0].blockCoverage?.coveredAfter, out.files[0].units[0].blockCoverage?.blocks, 'every block of links is reached');
  });
});

test('a pattern parameter in a module that reads files gets globs over the temp-folder fixture (glob reaches fs only through a class)', () => {
  const fixture = `//- /package.json
{ "name": "finder" }
//- /lib/find.js
const fs = require('fs');
function Walker(pattern) {
  this.re = new RegExp('^' + pattern.replace(/[.]/g, '[.]').replace(/[*]/g, '.*') + '$');
}
Walker.prototype.run = function () {
  return fs.readdirSync('.').filter((name) => this.re.test(name)).sort();
};
function find(pattern) {
  return new Walker(pattern).run();
}
module.exports = find;
`;
  generateFor(fixture, 'lib/find.js', (_, text) => {
    assert.match(text, /fs\.writeFileSync\('existing\.txt', 'hello\\n'\);/);
    assert.match(text, /\['find\(\\'\*\\'\) returns \[\\'existing-dir\\', \\'existing\.txt\\'\]', \['\*'\], \['existing-dir', 'existing\.txt'\]\]/);
  });
});

test.run();
