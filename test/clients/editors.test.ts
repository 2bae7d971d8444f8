// Real editors, headless, against the real server: Neovim through client-examples/neovim, Emacs through
// client-examples/emacs with Eglot and with lsp-mode. Each opens src/cart.ts of a copy of the bundled example, waits
// for the diagnostics, applies "Generate tests for `Cart.fromItems`" through the editor's own code action path,
// saves, waits for the diagnostic to go, saves the source and waits for the coverage notification (the scripts
// nvim-e2e.lua and emacs-e2e.el say what they do step by step). Then the written test file must pass under uvu.
//
// A missing editor is a failure, not a skip: .ci/run installs them (Neovim 0.7.2, and 0.12 from sid as `nvim-sid`;
// Emacs 30 from bookworm-backports with its built-in Eglot; elpa-lsp-mode).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SERVER_BIN } from '../helpers/lspClient';
import { runUvu } from '../helpers/tempProject';

const REPO = path.resolve(__dirname, '../../..');
const SCRIPTS = path.join(REPO, 'test/clients');

function exampleCopy(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'testgap-editor-')));
  const project = path.join(dir, 'pricing');
  fs.cpSync(path.join(REPO, 'examples/pricing'), project, { recursive: true });
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(project, 'node_modules'));
  // A repository, as a user's project is: Emacs's project.el (and so Eglot) finds the root by it.
  spawnSync('git', ['init', '-q', project]);
  return project;
}

function version(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  assert.is(r.error, undefined, `${cmd} is not installed (.ci/run installs it): ${r.error?.message}`);
  return (r.stdout || r.stderr).split('\n')[0]!.trim();
}

function runEditor(name: string, cmd: string, args: string[], env: Record<string, string>) {
  const project = exampleCopy();
  const started = performance.now();
  const r = spawnSync(cmd, args, {
    cwd: project,
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, PROJECT: project, TESTGAP_SERVER: SERVER_BIN, CLIENT_EXAMPLES: path.join(REPO, 'client-examples'), ...env },
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const lines = (r.stdout ?? '').split('\n').filter((l) => l.trim());
  process.stdout.write(`\n  ${name}: ${r.status === 0 ? 'passed' : 'FAILED'} in ${seconds} s\n${lines.map((l) => `    ${l}`).join('\n')}\n`);
  return { project, status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function checkOutcome(name: string, r: ReturnType<typeof runEditor>): void {
  try {
    assert.is(r.status, 0, `${name} exited with ${r.status}\n${r.stdout}\n${r.stderr.slice(-3000)}`);
    assert.match(r.stdout, /diagnostic: .*No test calls `Cart.fromItems`/);
    assert.match(r.stdout, /applied: Generate tests for `Cart.fromItems` -> test\/cart\.test\.ts/);
    assert.match(r.stdout, /diagnostic for Cart.fromItems gone/);
    assert.match(r.stdout, /coverage: src\/cart\.ts lines \d+(\.\d+)? %/);
    const written = fs.readFileSync(path.join(r.project, 'test/cart.test.ts'), 'utf8');
    assert.match(written, /\/\/ testgap: src\/cart\.ts#Cart\.fromItems/);
    const uvu = runUvu(r.project);
    assert.is(uvu.status, 0, `the written tests pass under uvu:\n${uvu.output}`);
  } finally {
    fs.rmSync(path.dirname(r.project), { recursive: true, force: true });
  }
}

test('Neovim: diagnostics → code action → tests written and passing → diagnostic gone → coverage on save', () => {
  const v = version('nvim', ['--version']);
  process.stdout.write(`\n  editor: ${v}\n`);
  const r = runEditor('neovim (client-examples/neovim/lua/testgap.lua)', 'nvim', ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', `luafile ${path.join(SCRIPTS, 'nvim-e2e.lua')}`], {});
  checkOutcome('nvim', r);
});

test('Neovim 0.11+: the same session through client-examples/neovim/lsp/testgap.lua and vim.lsp.enable', () => {
  // .ci/run unpacks sid's Neovim as `nvim-sid` (bookworm's is 0.7.2). The shipped config finds the server as the
  // project's node_modules/.bin/testgap or `testgap` on PATH: here, a `testgap` on PATH that runs this build.
  const v = version('nvim-sid', ['--version']);
  process.stdout.write(`\n  editor: ${v}\n`);
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'testgap-bin-'));
  fs.writeFileSync(path.join(bin, 'testgap'), `#!/bin/sh\nexec "${process.execPath}" "${SERVER_BIN}" "$@"\n`, { mode: 0o755 });
  try {
    const r = runEditor('neovim (client-examples/neovim/lsp/testgap.lua)', 'nvim-sid', ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', `luafile ${path.join(SCRIPTS, 'nvim-e2e.lua')}`], {
      NVIM_CONFIG: 'native',
      PATH: `${bin}:${process.env.PATH}`,
    });
    assert.match(r.stdout, /config: lsp\/testgap\.lua with vim\.lsp\.enable/);
    checkOutcome('nvim-sid', r);
  } finally {
    fs.rmSync(bin, { recursive: true, force: true });
  }
});

test('Emacs + Eglot: the same session through client-examples/emacs/testgap-eglot.el', () => {
  const v = version('emacs', ['--version']);
  process.stdout.write(`\n  editor: ${v} (built-in Eglot)\n`);
  const r = runEditor('emacs + eglot', 'emacs', ['--batch', '-l', path.join(SCRIPTS, 'emacs-e2e.el')], { CLIENT: 'eglot' });
  checkOutcome('eglot', r);
});

test('Emacs + lsp-mode: the same session through client-examples/emacs/testgap-lsp-mode.el (an add-on server)', () => {
  const r = runEditor('emacs + lsp-mode', 'emacs', ['--batch', '-l', path.join(SCRIPTS, 'emacs-e2e.el')], { CLIENT: 'lsp-mode' });
  assert.match(r.stdout, /lsp-mode lsp-mode \d/, r.stdout + r.stderr.slice(-2000));
  checkOutcome('lsp-mode', r);
});

test.run();
