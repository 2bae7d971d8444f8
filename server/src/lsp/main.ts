// Entry point of `testgap lsp`: picks the transport from argv (--stdio / --node-ipc) and starts the server.
// Stdout is the protocol channel in stdio mode, so console.log is sent to stderr before anything else runs.
import { createConnection, ProposedFeatures, ReadableStreamMessageReader } from 'vscode-languageserver/node';
import { startServer } from './server';

/**
 * vscode-jsonrpc stops reading a chunk at a malformed header block (no Content-Length, a line without ':') and reads
 * the rest of that chunk only when the next one arrives: a valid frame written right after a bad one waited, forever
 * if the editor then waited for its answer (found by test/fuzz/frames.test.ts). Keep reading what is buffered while
 * that makes progress.
 */
function readOnAfterBadHeaders(): void {
  type Reader = { onData(data: Buffer): void; nextMessageLength: number; buffer: { numberOfBytes: number } };
  const proto = ReadableStreamMessageReader.prototype as unknown as Reader;
  const onData = proto.onData;
  proto.onData = function (this: Reader, data: Buffer) {
    onData.call(this, data);
    for (let left = this.buffer.numberOfBytes; left > 0 && this.nextMessageLength === -1; left = this.buffer.numberOfBytes) {
      onData.call(this, Buffer.alloc(0));
      if (this.buffer.numberOfBytes === left) break; // an incomplete header: wait for more bytes
    }
  };
}

export function startStdioOrIpcServer(): void {
  console.log = (...args: unknown[]) => process.stderr.write(args.map(String).join(' ') + '\n');
  readOnAfterBadHeaders();
  // vscode-languageserver ends the process when the editor goes away (stdin closed or the parent pid gone), with
  // exit code 1 when no `shutdown` came first, as the spec asks.
  startServer(createConnection(ProposedFeatures.all));
}
