// Entry point of `testgap lsp`: picks the transport from argv (--stdio / --node-ipc) and starts the server.
// Stdout is the protocol channel in stdio mode, so console.log is sent to stderr before anything else runs.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

export function startStdioOrIpcServer(): void {
  console.log = (...args: unknown[]) => process.stderr.write(args.map(String).join(' ') + '\n');
  // vscode-languageserver ends the process when the editor goes away (stdin closed or the parent pid gone), with
  // exit code 1 when no `shutdown` came first, as the spec asks.
  startServer(createConnection(ProposedFeatures.all));
}
