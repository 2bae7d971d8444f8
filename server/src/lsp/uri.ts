// file: URIs ↔ paths, by Node's own rules (percent-encoding, spaces, `#`), which match what editors send.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const URI = {
  fromPath(p: string): string {
    return pathToFileURL(p).href;
  },
  /** The path of a file: URI, or undefined for other schemes (untitled:, git:, …), which the server ignores. */
  toPath(uri: string): string | undefined {
    if (!uri.startsWith('file:')) return undefined;
    try {
      return path.normalize(fileURLToPath(uri));
    } catch {
      return undefined;
    }
  },
};
