// Entry point of `testgap lsp`: picks the transport from argv (--stdio / --node-ipc) and starts the server.
// Stdout is the protocol channel in stdio mode, so console.log is sent to stderr before anything else runs.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

export function startStdioOrIpcServer(): void {
  console.log = (...args: unknown[]) => process.stderr.write(args.map(String).join(' ') + '\n');
  const connection = createConnection(ProposedFeatures.all);
  const session = startServer(connection);
  // An editor that dies without `exit` closes our stdin: stop instead of lingering as an orphan.
  if (process.argv.includes('--stdio')) {
    process.stdin.on('end', () => {
      session.shutdown();
      process.exit(0);
    });
  }
}
