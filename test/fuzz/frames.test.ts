// Malformed frames against the real server over stdio (issue 6, part 3).
//
// 1000 frames from a fixed seed — headers without a usable Content-Length, lengths shorter or longer than the body,
// bodies that are not JSON or not an object, batches, unknown methods, known methods with params of the wrong shape,
// huge and odd ids — interleaved with valid requests, written byte for byte to `testgap lsp --stdio`.
//
// Expected: every request with a parseable id (a string or a number, in a frame that is read whole) gets a response
// with that id, a result or a JSON-RPC error; every 25 frames a valid textDocument/codeAction on the open document
// still gets its result; the process stays alive until shutdown + exit, then exits 0.
//
// Recovery from a wrong Content-Length (vscode-jsonrpc reads exactly that many bytes as the body):
// - too long by k: the next k bytes written are taken as the rest of the body. The test follows such a frame with k
//   filler bytes, which makes the body invalid JSON (dropped, no reply due), and expects the frame after them to be
//   read normally.
// - too short by k: the body's last k bytes are left over and read as the start of the next header block. The test
//   follows such a frame with an empty line ("\r\n\r\n"), which ends that header block; the server drops it (no
//   Content-Length) and reads the frame after it normally. Without that line the stream stays out of step.
//
// FUZZ_SEED / FUZZ_FRAMES explore further by hand, e.g.
//   FUZZ_FRAMES=20000 FUZZ_SEED=7 node_modules/.bin/uvu out/test/fuzz 'frames\.test\.js$'
import { spawn } from 'node:child_process';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SERVER_BIN } from '../helpers/lspClient';
import { tempProject } from '../helpers/tempProject';
import { URI } from '../../server/src/lsp/uri';

const seed = Number(process.env.FUZZ_SEED ?? 42);
const count = Number(process.env.FUZZ_FRAMES ?? 1000);
const probeEvery = Number(process.env.FUZZ_PROBE_EVERY ?? 25);
const ANSWER_LIMIT_MS = Number(process.env.FUZZ_ANSWER_MS ?? 30_000);

const SOURCE = 'export function add(a: number, b: number) { return a + b; }\nexport const twice = (s: string) => s + s;\n';

/** What one generated item writes, and the id whose reply it makes due (if any). */
interface Frame {
  kind: string;
  bytes: Buffer;
  /** JSON of the id a reply is due for. */
  due?: string;
}

const enc = (s: string) => Buffer.from(s, 'utf8');
const frame = (body: Buffer | string, header?: string): Buffer => {
  const b = typeof body === 'string' ? enc(body) : body;
  return Buffer.concat([enc(header ?? `Content-Length: ${b.length}\r\n\r\n`), b]);
};

function frames(uri: string): fc.Arbitrary<Omit<Frame, 'due'> & { id?: unknown }>[] {
  const id = fc.oneof(fc.nat(), fc.string({ maxLength: 8 }), fc.constantFrom(2 ** 53 + 7, 1e308, -1e308, -1, 1.5, 0, 'x'.repeat(5000), '\u{1F600}'));
  const junk = fc.anything({ maxDepth: 3, withNullPrototype: false });
  const knownRequest = fc.constantFrom('textDocument/codeAction', 'codeAction/resolve', 'textDocument/codeLens', 'workspace/executeCommand', 'textDocument/diagnostic', 'textDocument/hover');
  const knownNotification = fc.constantFrom(
    'textDocument/didOpen',
    'textDocument/didChange',
    'textDocument/didClose',
    'textDocument/didSave',
    'workspace/didChangeConfiguration',
    'workspace/didChangeWatchedFiles',
    'workspace/didChangeWorkspaceFolders',
    '$/cancelRequest',
    '$/setTrace',
    'initialized',
  );
  // Params that look almost right: the fields the handlers read, with the wrong types or missing.
  const shapedParams = fc.oneof(
    junk,
    fc.record({ textDocument: fc.oneof(junk, fc.record({ uri: fc.oneof(fc.constant(uri), junk), version: junk, text: junk, languageId: junk }, { requiredKeys: [] })), range: junk, context: fc.oneof(junk, fc.record({ diagnostics: junk, only: junk }, { requiredKeys: [] })), contentChanges: fc.oneof(junk, fc.array(fc.record({ range: junk, text: junk }, { requiredKeys: [] }), { maxLength: 2 })) }, { requiredKeys: [] }),
    fc.record({ textDocument: fc.constant({ uri: 42, languageId: 7, version: 'one', text: 13 }) }),
    fc.record({ changes: fc.oneof(junk, fc.array(fc.record({ uri: fc.oneof(junk, fc.constant(uri)), type: junk }, { requiredKeys: [] }), { maxLength: 2 })), settings: junk, event: junk, id: junk }, { requiredKeys: [] }),
    fc.record({ command: fc.oneof(fc.constantFrom('testgap.generateTests', 'testgap.runCoverage'), junk), arguments: junk }, { requiredKeys: [] }),
    fc.record({ title: junk, data: fc.oneof(junk, fc.record({ uri: fc.constant(uri), version: fc.constant(99), unitIds: fc.constant(null), variant: fc.constant('all') })) }, { requiredKeys: [] }),
  );
  const request = (method: fc.Arbitrary<string>) => fc.record({ id, method, params: shapedParams }).map((m) => ({ id: m.id, body: JSON.stringify({ jsonrpc: '2.0', ...m }) }));
  const notification = (method: fc.Arbitrary<string>) => fc.record({ method, params: shapedParams }).map((m) => JSON.stringify({ jsonrpc: '2.0', ...m }));
  const validish = request(fc.constantFrom('textDocument/codeLens', 'foo/bar'));
  return [
    // Requests: a reply is due.
    request(knownRequest).map(({ id, body }) => ({ kind: 'known request, wrong params', bytes: frame(body), id })),
    request(fc.constantFrom('foo/bar', 'textDocument/unknown', '$/unknownRequest', '')).map(({ id, body }) => ({ kind: 'unknown request', bytes: frame(body), id })),
    fc.tuple(fc.constantFrom('content-length', 'CONTENT-LENGTH'), validish).map(([h, { id, body }]) => ({ kind: 'header case', bytes: frame(body, `${h}: ${enc(body).length}\r\n\r\n`), id })),
    validish.map(({ id, body }) => ({ kind: 'extra headers', bytes: frame(body, `Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nX-Junk: \u0001\r\nContent-Length: ${enc(body).length}\r\n\r\n`), id })),
    // Notifications: nothing is due.
    notification(knownNotification).map((body) => ({ kind: 'known notification, wrong params', bytes: frame(body) })),
    notification(fc.constantFrom('foo/bar', '$/unknown', 'textDocument/didFrobnicate')).map((body) => ({ kind: 'unknown notification', bytes: frame(body) })),
    // Frames that are read but carry no request.
    fc.oneof(fc.string({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a).toString('latin1')), validish.map(({ body }) => body.slice(0, -1) + ',}')).map((body) => ({ kind: 'invalid JSON', bytes: frame(body) })),
    fc.constantFrom('5', '"str"', 'null', 'true', '[]', '{}', '{"jsonrpc":"2.0"}', '{"jsonrpc":"2.0","id":1}', '{"jsonrpc":"2.0","id":{},"method":"foo"}', '{"jsonrpc":"2.0","id":null,"method":"foo"}', '{"jsonrpc":"2.0","method":5}').map((body) => ({ kind: 'not a message', bytes: frame(body) })),
    fc.array(validish, { minLength: 1, maxLength: 3 }).map((ms) => ({ kind: 'batch', bytes: frame(`[${ms.map((m) => m.body).join(',')}]`) })),
    // Bad headers, without a body: the header block is consumed and dropped.
    fc.constantFrom('Content-Type: text/plain\r\n\r\n', 'Content-Length: abc\r\n\r\n', 'Content-Length:\r\n\r\n', 'no colon here\r\n\r\n', '\r\n\r\n', ': \r\n\r\n').map((h) => ({ kind: 'bad header', bytes: enc(h) })),
    // Wrong lengths, each with the recovery described at the top.
    fc.tuple(validish, fc.integer({ min: 1, max: 64 })).map(([{ body }, k]) => ({ kind: 'length too long', bytes: Buffer.concat([frame(body, `Content-Length: ${enc(body).length + k}\r\n\r\n`), enc(' #'.repeat(k).slice(0, k))]) })),
    fc.tuple(validish, fc.integer({ min: 1, max: 16 })).map(([{ body }, k]) => ({ kind: 'length too short', bytes: Buffer.concat([frame(body, `Content-Length: ${Math.max(0, enc(body).length - k)}\r\n\r\n`), enc('\r\n\r\n')]) })),
  ];
}

test(`stdio: ${count} malformed frames (seed ${seed}); replies where due, the server lives on and exits 0`, async () => {
  const p = tempProject(`//- /package.json\n{ "name": "frames", "testgap": { "coverageOnSave": false, "debounceMs": 0 } }\n//- /src/a.ts\n${SOURCE}`);
  const child = spawn(process.execPath, [SERVER_BIN, 'lsp', '--stdio'], { cwd: p.root, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  let exit: { code: number | null; signal: string | null } | undefined;
  let exitExpected = false;
  const failures: string[] = [];
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      if (!exitExpected) failures.push(`the server exited early (code ${code}, signal ${signal})`);
      for (const f of waiting.splice(0)) f();
      resolve();
    }),
  );
  // The server's output, read strictly: every frame it writes must be well formed.
  const replies = new Map<string, unknown[]>();
  let waiting: (() => void)[] = [];
  let out = Buffer.alloc(0);
  child.stdout.on('data', (d: Buffer) => {
    out = Buffer.concat([out, d]);
    for (;;) {
      const end = out.indexOf('\r\n\r\n');
      if (end < 0) break;
      const m = /^Content-Length: (\d+)$/im.exec(out.subarray(0, end).toString('ascii'));
      if (!m) {
        failures.push(`the server wrote a bad header: ${JSON.stringify(out.subarray(0, end).toString())}`);
        out = out.subarray(end + 4);
        continue;
      }
      const length = Number(m[1]);
      if (out.length < end + 4 + length) break;
      const body = out.subarray(end + 4, end + 4 + length).toString('utf8');
      out = out.subarray(end + 4 + length);
      const message = JSON.parse(body) as { id?: unknown; method?: string; result?: unknown; error?: unknown };
      if (message.method === undefined && message.id !== undefined) {
        const key = JSON.stringify(message.id);
        replies.set(key, [...(replies.get(key) ?? []), message]);
      } else if (message.method !== undefined && message.id !== undefined) {
        // A request from the server (registration, configuration): answer it.
        send(frame(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: message.method === 'workspace/configuration' ? [null] : null })));
      }
    }
    const w = waiting;
    waiting = [];
    for (const f of w) f();
  });
  const send = (bytes: Buffer) => {
    if (!child.stdin.destroyed) child.stdin.write(bytes);
  };
  const reply = (id: unknown): Promise<{ result?: unknown; error?: { code: number; message: string } }> =>
    new Promise((resolve, reject) => {
      const key = JSON.stringify(id);
      const timer = setTimeout(() => reject(new Error(`no reply to ${key} within ${ANSWER_LIMIT_MS} ms\nstderr: ${stderr}`)), ANSWER_LIMIT_MS);
      const check = () => {
        const r = replies.get(key)?.[0] as { result?: unknown; error?: { code: number; message: string } } | undefined;
        if (r) {
          clearTimeout(timer);
          resolve(r);
        } else if (exit) {
          clearTimeout(timer);
          reject(new Error(`the server exited before replying to ${key}\nstderr: ${stderr}`));
        } else waiting.push(check);
      };
      check();
    });
  const requestFrame = (id: unknown, method: string, params: unknown) => frame(JSON.stringify({ jsonrpc: '2.0', id, method, params }));

  try {
    const uri = URI.fromPath(`${p.root}/src/a.ts`);
    send(requestFrame('init', 'initialize', { processId: null, rootUri: URI.fromPath(p.root), capabilities: { textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } } } } }));
    assert.ok((await reply('init')).result, 'initialize');
    send(frame(JSON.stringify({ jsonrpc: '2.0', method: 'initialized', params: {} })));
    let probes = 0;
    const probe = async (id: string) => {
      probes++;
      // Frames may close or rewrite the document (didClose/didChange with the right URI): open it afresh first.
      send(frame(JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didClose', params: { textDocument: { uri } } })));
      send(frame(JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'typescript', version: 1, text: SOURCE } } })));
      send(requestFrame(id, 'textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 16 }, end: { line: 0, character: 16 } }, context: { diagnostics: [] } }));
      const r = await reply(id);
      assert.ok(Array.isArray(r.result) && r.result.length > 0, `${id}: a valid code action request still gets actions: ${JSON.stringify(r)}`);
    };
    await probe('probe-start');

    const sample = fc.sample(fc.oneof(...frames(uri)), { seed, numRuns: count });
    const due = new Map<string, { kind: string }>();
    const kinds = new Map<string, number>();
    for (const [i, f] of sample.entries()) {
      kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
      if (f.id !== undefined) {
        const key = JSON.stringify(JSON.parse(JSON.stringify(f.id)));
        if (!due.has(key)) due.set(key, { kind: f.kind });
      }
      send(f.bytes);
      if (i % probeEvery === probeEvery - 1) {
        await probe(`probe-${i}`).catch((e: Error) => {
          throw new Error(`${e.message}\nafter frames ${i + 1 - probeEvery}..${i}: ${sample.slice(i + 1 - probeEvery, i + 1).map((x) => `${x.kind}: ${JSON.stringify(x.bytes.toString('utf8').slice(0, 300))}`).join('\n')}`);
        });
      }
    }
    await probe('probe-end');
    // vscode-jsonrpc queues requests by String(id): a request whose id repeats one still queued (7 and "7" count as
    // the same) replaces it, so one reply is due per distinct String(id) — clients must not reuse ids in flight.
    const byQueueKey = new Map<string, string[]>();
    for (const key of due.keys()) {
      const q = String(JSON.parse(key));
      byQueueKey.set(q, [...(byQueueKey.get(q) ?? []), key]);
    }
    for (const keys of byQueueKey.values()) {
      const kind = due.get(keys[0])!.kind;
      await Promise.any(keys.map((k) => reply(JSON.parse(k)))).catch(() => failures.push(`${kind}: no reply for id ${keys[0].slice(0, 40)}`));
      for (const key of keys) {
        for (const r of (replies.get(key) ?? []) as { result?: unknown; error?: { code: unknown; message: unknown } }[]) {
          if (!('result' in r) && !(r.error && typeof r.error.code === 'number' && typeof r.error.message === 'string')) failures.push(`${kind}: reply to ${key.slice(0, 40)} is neither a result nor a JSON-RPC error: ${JSON.stringify(r).slice(0, 200)}`);
        }
      }
    }
    send(requestFrame('shutdown', 'shutdown', null));
    const shutdown = await reply('shutdown');
    assert.ok(!shutdown.error, `shutdown: ${JSON.stringify(shutdown.error)}`);
    exitExpected = true;
    send(frame(JSON.stringify({ jsonrpc: '2.0', method: 'exit' })));
    await exited;
    console.log(`  frames: ${sample.length} frames (seed ${seed}) + ${probes} probes; ${due.size} ids due a reply; ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    assert.ok(failures.length === 0, failures.join('\n') + `\nstderr: ${stderr.slice(0, 4000)}`);
    assert.equal(exit, { code: 0, signal: null }, `exit after shutdown + exit\nstderr: ${stderr.slice(0, 4000)}`);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    p.remove();
  }
});

test.run();
