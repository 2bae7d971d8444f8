// A unit whose errors come from Node's own URL class. Under jest a test file runs in a context of its own, where such
// an error is not an instance of the file's Error (jest issue #2549): the generated tests must still check it.
export function hostOf(link: string): string {
  return new URL(link).host;
}
