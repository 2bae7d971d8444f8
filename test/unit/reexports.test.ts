// Entry modules' re-export suites: what the sandbox probe reports, and how the suite names its bindings.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { emitSections, type EmitInput } from '../../server/src/core/emit';
import { probeReexports } from '../../server/src/run/sandbox';
import { TranspileCache } from '../../server/src/run/transpileCache';

const limits = { timeoutMs: 10_000, memoryMb: 256 };

test('the probe passes over names two modules export with different values, primitives, and JSON modules', async () => {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'testgap-reexports-')));
  try {
    const write = (name: string, text: string) => fs.writeFileSync(path.join(root, name), text);
    write('package.json', '{}');
    write('a.js', 'exports.x = function x() {};\nexports.y = function y() {};\nexports.version = "1.0";\n');
    write('b.js', 'exports.x = function otherX() {};\n');
    write('data.json', '{ "list": [1, 2] }');
    write('index.js', "Object.assign(exports, require('./b'), require('./a'));\nexports.data = require('./data.json');\n");
    const probe = await probeReexports(root, path.join(root, 'index.js'), ['./a', './b', './data.json'], limits);
    assert.is(probe.loadError, undefined);
    assert.equal(probe.checks, [{ entryKey: 'y', module: path.join(root, 'a.js'), moduleKey: 'y' }]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("module bindings never take a helper's name, a CommonJS name or a reserved word, in either module style", () => {
  for (const esm of [false, true]) {
    const input: EmitInput = {
      style: { ts: false, esm },
      sourceLabel: 'src/index.js',
      sections: [],
      imports: [],
      mode: 'final',
      reexports: {
        id: 'src/index.js#(re-exports)',
        label: 'src/index.js',
        entry: '../src/index.js',
        checks: ['fs', 'assert', 'suite', 'default', 'module', 'require', 'path'].map((name) => ({
          entryKey: `${name}Api`,
          module: `../src/${name}.js`,
          moduleLabel: `src/${name}.js`,
          moduleKey: 'api',
        })),
      },
    };
    const out = emitSections(input);
    const text = `${out.importLines.join('\n')}\n${out.body}`;
    const sf = ts.createSourceFile('t.js', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
    assert.equal((sf as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics, [], text);
    const bound: string[] = [];
    for (const st of sf.statements) {
      if (ts.isImportDeclaration(st)) {
        const c = st.importClause!;
        if (c.name) bound.push(c.name.text);
        if (c.namedBindings && ts.isNamespaceImport(c.namedBindings)) bound.push(c.namedBindings.name.text);
        if (c.namedBindings && ts.isNamedImports(c.namedBindings)) bound.push(...c.namedBindings.elements.map((e) => e.name.text));
      } else if (ts.isVariableStatement(st)) {
        for (const d of st.declarationList.declarations) {
          if (ts.isIdentifier(d.name)) bound.push(d.name.text);
          else if (ts.isObjectBindingPattern(d.name)) bound.push(...d.name.elements.map((e) => (e.name as ts.Identifier).text));
        }
      }
    }
    assert.equal(bound.length, new Set(bound).size, `every top-level name bound once: ${bound.join(', ')}`);
    // The project's modules are the lines naming ../src/: none of them takes a helper's or a reserved name.
    const moduleLines = out.importLines.filter((l) => l.includes("'../src/"));
    const moduleBindings = moduleLines.map((l) => /(?:const|\* as|import) (\w+)/.exec(l)![1]);
    assert.is(moduleLines.length, 8, moduleLines.join('\n'));
    for (const name of ['fs', 'assert', 'suite', 'default', 'module', 'require', 'path']) assert.not.ok(moduleBindings.includes(name), `${name} is not a module binding: ${moduleBindings.join(', ')}`);
    assert.match(text, esm ? /import \* as fs_ from '\.\.\/src\/fs\.js';/ : /const fs_ = require\('\.\.\/src\/fs\.js'\);/);
  }
});

test('the transpile cache names instrumented code by its content, and remakes its folder when something removed it', () => {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'testgap-reexports-cache-')));
  const cache = new TranspileCache();
  try {
    const file = path.join(root, 'a.ts');
    fs.writeFileSync(file, 'export const a: number = 1;\n');
    const first = cache.instrumented(file, 'exports.a = 1;');
    assert.is(cache.instrumented(file, 'exports.a = 1;'), first, 'the same code, the same file');
    const second = cache.instrumented(file, 'exports.a = 2;');
    assert.is.not(second, first);
    assert.is(fs.readFileSync(first, 'utf8'), 'exports.a = 1;', 'newer code never overwrites what a running child may read');
    const manifest = cache.prepare([file]);
    fs.rmSync(path.dirname(manifest), { recursive: true, force: true });
    const again = cache.prepare([file]);
    const entry = JSON.parse(fs.readFileSync(again, 'utf8'))[file];
    assert.ok(fs.existsSync(entry.out), 'transpiled again into the new folder');
  } finally {
    cache.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test.run();
