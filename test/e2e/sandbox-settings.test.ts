// What the sandbox refuses is reported as not executable, saying what the unit tried; the `sandbox` settings widen it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { GenerateJson } from '../../server/src/cli/generate';
import { SERVER_BIN } from '../helpers/lspClient';
import { linkTestTools, tempProject } from '../helpers/tempProject';

function generate(root: string, args: string[]) {
  const r = spawnSync(process.execPath, [SERVER_BIN, 'generate', ...args, '--json'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout ? (JSON.parse(r.stdout) as GenerateJson) : undefined, stderr: r.stderr };
}

const NETWORK = `//- /src/remote.js
const net = require('net');
/** @param {string} host */
exports.ping = function ping(host) {
  net.connect(443, 'example.com');
  return 'sent to ' + host;
};
/** @param {string} path */
exports.download = async function download(path) {
  const r = await fetch('https://example.com/' + path);
  return r.status;
};
/** @param {number} n */
exports.local = function local(n) {
  return n * 2;
};
`;

test('network connections are refused at once and named: the unit is not executable, its neighbours are tested', () => {
  const p = tempProject(`//- /package.json
{ "name": "net" }
${NETWORK}`);
  linkTestTools(p.root);
  try {
    const r = generate(p.root, ['src/remote.js']);
    assert.is(r.code, 1, r.stderr);
    const units = Object.fromEntries(r.out!.files[0]!.units.map((u) => [u.name, u]));
    assert.is(units.ping!.notExecutable, 'opens a network connection to example.com:443');
    assert.is(units.download!.notExecutable, 'opens a network connection to example.com');
    assert.ok(units.local!.cases >= 1);
    assert.is(units.ping!.cases + units.download!.cases, 0, 'what only the sandbox made happen is never a test');
  } finally {
    p.remove();
  }
});

test('sandbox.allowWrite lets a unit write where the project says it may', () => {
  const fixture = (settings: string) => `//- /package.json
{ "name": "writes"${settings} }
//- /src/store.js
const fs = require('fs');
const path = require('path');
/** @param {string} key @param {string} value */
exports.put = function put(key, value) {
  const dir = path.join(__dirname, '..', 'data');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'entry.txt'), key + '=' + value);
  return key.length;
};
`;
  const refused = tempProject(fixture(''));
  const allowed = tempProject(fixture(', "testgap": { "sandbox": { "allowWrite": ["data"] } }'));
  linkTestTools(refused.root);
  linkTestTools(allowed.root);
  try {
    fs.mkdirSync(path.join(refused.root, 'data'));
    fs.mkdirSync(path.join(allowed.root, 'data'));
    const r1 = generate(refused.root, ['src/store.js']);
    assert.match(r1.out!.files[0]!.units[0]!.notExecutable ?? '', /^writes to .*\/data(\/entry\.txt)?$/);
    const r2 = generate(allowed.root, ['src/store.js']);
    assert.is(r2.out!.files[0]!.units[0]!.notExecutable, undefined, r2.stderr);
    assert.ok(r2.out!.files[0]!.units[0]!.cases >= 1);
  } finally {
    refused.remove();
    allowed.remove();
  }
});

test.run();
