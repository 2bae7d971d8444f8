// The Zed client example (client-examples/zed). crates.io is not reachable here, so the extension cannot be built;
// this checks what can be checked without zed_extension_api: both manifests parse as TOML and say what Zed needs,
// and src/lib.rs starts the binary the repo's package.json installs with the arguments protocol.md documents.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const REPO = path.resolve(__dirname, '../../..');
const EXAMPLE = path.join(REPO, 'client-examples/zed');
const read = (rel: string) => fs.readFileSync(path.join(EXAMPLE, rel), 'utf8');

type Toml = { [key: string]: TomlValue };
type TomlValue = string | number | boolean | TomlValue[] | Toml;

/**
 * A strict parser for the TOML subset the two manifests use: comments, `[table.path]` headers, and `key = value`
 * with basic strings, integers, booleans and one-line arrays of those. Anything else is an error, never skipped.
 */
function parseToml(text: string): Toml {
  const root: Toml = {};
  let table = root;
  const seen = new Set<string>();
  const KEY = /^(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*")/;
  const keyPath = (s: string, line: number): string[] => {
    const parts: string[] = [];
    let rest = s.trim();
    while (rest) {
      const m = KEY.exec(rest);
      if (!m) throw new Error(`line ${line}: bad key ${s}`);
      parts.push(m[0].startsWith('"') ? JSON.parse(m[0]) : m[0]);
      rest = rest.slice(m[0].length).trim();
      if (rest && !rest.startsWith('.')) throw new Error(`line ${line}: bad key ${s}`);
      rest = rest.slice(1).trim();
    }
    if (parts.length === 0) throw new Error(`line ${line}: empty key`);
    return parts;
  };
  const value = (s: string, line: number): [TomlValue, string] => {
    s = s.trimStart();
    let m: RegExpExecArray | null;
    if ((m = /^"(?:[^"\\\n]|\\["\\nt])*"/.exec(s))) return [JSON.parse(m[0]), s.slice(m[0].length)];
    if ((m = /^(?:true|false)\b/.exec(s))) return [m[0] === 'true', s.slice(m[0].length)];
    if ((m = /^[+-]?(?:0|[1-9][0-9_]*)\b/.exec(s))) return [Number(m[0].replace(/_/g, '')), s.slice(m[0].length)];
    if (s.startsWith('[')) {
      const items: TomlValue[] = [];
      let rest = s.slice(1).trimStart();
      while (!rest.startsWith(']')) {
        const [v, after] = value(rest, line);
        items.push(v);
        rest = after.trimStart();
        if (rest.startsWith(',')) rest = rest.slice(1).trimStart();
        else if (!rest.startsWith(']')) throw new Error(`line ${line}: bad array`);
      }
      return [items, rest.slice(1)];
    }
    throw new Error(`line ${line}: unsupported value ${s}`);
  };
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const s = raw.trim();
    if (!s || s.startsWith('#')) return;
    const header = /^\[([^[\]]+)\]\s*(?:#.*)?$/.exec(s);
    if (header) {
      const parts = keyPath(header[1], line);
      const name = parts.join('.');
      if (seen.has('[' + name)) throw new Error(`line ${line}: table [${name}] defined twice`);
      seen.add('[' + name);
      table = root;
      for (const p of parts) {
        if (table[p] === undefined) table[p] = {};
        if (typeof table[p] !== 'object' || Array.isArray(table[p])) throw new Error(`line ${line}: ${name} is not a table`);
        table = table[p] as Toml;
      }
      return;
    }
    const eq = s.indexOf('=');
    if (eq < 0) throw new Error(`line ${line}: expected key = value`);
    const parts = keyPath(s.slice(0, eq), line);
    const [v, rest] = value(s.slice(eq + 1), line);
    if (rest.trim() && !rest.trim().startsWith('#')) throw new Error(`line ${line}: trailing ${rest}`);
    let target = table;
    for (const p of parts.slice(0, -1)) target = (target[p] ??= {}) as Toml;
    const last = parts[parts.length - 1];
    if (last in target) throw new Error(`line ${line}: ${parts.join('.')} defined twice`);
    target[last] = v;
  });
  return root;
}

test('the TOML check itself rejects what it does not parse', () => {
  assert.equal(parseToml('a = "x" # c\n[t.u]\nb = [1, "y", true]\n'), { a: 'x', t: { u: { b: [1, 'y', true] } } });
  for (const bad of ['a = x', 'a = "x', '[t]\n[t]', 'a = 1\na = 2', 'a = [1 2]', '= 1', 'a = 1 b']) {
    assert.throws(() => parseToml(bad), undefined, bad);
  }
});

test('extension.toml: the testgap language server for TypeScript, TSX and JavaScript', () => {
  const m = parseToml(read('extension.toml'));
  assert.is(m.id, 'testgap');
  assert.is(m.schema_version, 1);
  for (const k of ['name', 'version', 'description', 'repository']) assert.type(m[k], 'string', k);
  assert.ok(Array.isArray(m.authors) && m.authors.length > 0, 'authors');
  const servers = m.language_servers as Toml;
  assert.equal(Object.keys(servers), ['testgap']);
  assert.equal(servers.testgap, { name: 'testgap', languages: ['TypeScript', 'TSX', 'JavaScript'] });
});

test('Cargo.toml: a cdylib on zed_extension_api 0.7.0', () => {
  const c = parseToml(read('Cargo.toml'));
  assert.equal((c.lib as Toml)['crate-type'], ['cdylib']);
  assert.is((c.lib as Toml).path, 'src/lib.rs');
  assert.equal(c.dependencies, { zed_extension_api: '0.7.0' });
  assert.type((c.package as Toml).name, 'string');
  assert.match(read('README.md'), 'zed_extension_api` 0.7.0', 'the README names the version it targets');
});

test('src/lib.rs starts `testgap lsp --stdio` (package.json bin, protocol.md) and answers section testgap', () => {
  const lib = read('src/lib.rs');
  const constant = (name: string) => new RegExp(`const ${name}: [^=]+= ([^;]+);`).exec(lib)?.[1];
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  assert.equal(Object.keys(pkg.bin), ['testgap']);
  assert.is(constant('BINARY'), JSON.stringify(Object.keys(pkg.bin)[0]));
  assert.is(constant('SERVER_NAME'), '"testgap"', 'the name in extension.toml and in the lsp settings');
  assert.is(constant('ARGS'), '["lsp", "--stdio"]');
  const protocol = fs.readFileSync(path.join(REPO, 'protocol.md'), 'utf8');
  assert.match(protocol, /^testgap lsp --stdio\s+#.*Zed/m, 'protocol.md starts Zed\'s server with these arguments');
  for (const method of ['language_server_command', 'language_server_initialization_options', 'language_server_workspace_configuration']) {
    assert.match(lib, new RegExp(`fn ${method}\\(\\s*&mut self,\\s*_?language_server_id: &LanguageServerId,\\s*worktree: &zed::Worktree,\\s*\\)`), method);
  }
  assert.match(lib, 'LspSettings::for_worktree(SERVER_NAME, worktree)');
  assert.match(lib, 'worktree.which(BINARY)');
  assert.match(lib, 'node_modules/.bin/');
  // The server asks workspace/configuration for section "testgap"; Zed answers with that key of this object.
  assert.match(lib, 'Ok(Some(serde_json::json!({ "testgap": settings })))');
  assert.match(lib, 'zed::register_extension!(TestgapExtension);');
});

test.run();
