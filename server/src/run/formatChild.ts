// Child process: formats and lints the text testgap inserts into a test file with the project's own prettier and
// ESLint. Both load the project's configuration, and configurations and plugins are the project's code, so they run
// here, in the sandbox, not in the server. Only the inserted pieces change: ESLint's fixes are applied where they
// fall inside a piece, prettier formats each piece on its own (a piece is whole statements: import lines, or the
// sections appended at the end), and the lint problems that remain are reported when they lie in a piece.
//
// argv: <job.json> <result.json>. The job: { root, file, existing, pieces: [{ offset, text }], prettier, eslint }.
import fs from 'node:fs';
import path from 'node:path';
import { installNetworkGuard } from './guard';

if (process.env.TESTGAP_ALLOW_NETWORK !== '1') installNetworkGuard();

interface Piece {
  offset: number;
  text: string;
  /** Inside an existing statement (names added to its import): prettier leaves it alone. */
  within?: true;
}

interface Job {
  root: string;
  file: string;
  existing: string;
  pieces: Piece[];
  prettier: boolean;
  eslint: boolean;
}

interface LintMessage {
  line: number;
  column: number;
  ruleId: string | null;
  message: string;
  severity: number;
  fix?: { range: [number, number]; text: string };
}

export interface FormatResult {
  pieces: string[];
  /** Which tools changed something, and what each could not do. */
  formattedWith: string[];
  remaining: { line: number; rule: string; message: string }[];
  failures: string[];
}

const [jobFile, resultFile] = process.argv.slice(2);
const job = JSON.parse(fs.readFileSync(jobFile!, 'utf8')) as Job;
const out: FormatResult = { pieces: job.pieces.map((p) => p.text), formattedWith: [], remaining: [], failures: [] };

/** The whole file with the current pieces, and where each piece starts in it. */
function assemble(): { text: string; starts: number[] } {
  const order = job.pieces.map((p, i) => ({ ...p, i })).sort((a, b) => a.offset - b.offset || a.i - b.i);
  let text = '';
  let at = 0;
  const starts: number[] = [];
  for (const p of order) {
    text += job.existing.slice(at, p.offset);
    starts[p.i] = text.length;
    text += out.pieces[p.i];
    at = p.offset;
  }
  return { text: text + job.existing.slice(at), starts };
}

/** The piece a range lies in, and the range relative to it. */
function within(range: [number, number], starts: number[]): { piece: number; start: number; end: number } | undefined {
  for (let i = 0; i < starts.length; i++) {
    const start = range[0] - starts[i]!;
    const end = range[1] - starts[i]!;
    if (start >= 0 && end <= out.pieces[i]!.length) return { piece: i, start, end };
  }
  return undefined;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

async function loadEslint(): Promise<{ lint(text: string): Promise<LintMessage[]> } | undefined> {
  const eslintPath = require.resolve('eslint', { paths: [path.dirname(job.file), job.root] });
  const mod = require(eslintPath) as { loadESLint?: (o: object) => Promise<new (o: object) => Engine>; ESLint?: new (o: object) => Engine };
  interface Engine {
    isPathIgnored(file: string): Promise<boolean>;
    lintText(text: string, o: object): Promise<{ messages: LintMessage[] }[]>;
  }
  // loadESLint picks flat or legacy configuration as the ESLint CLI would (ESLint 8.57 and later).
  const Ctor = mod.loadESLint ? await mod.loadESLint({ cwd: job.root }) : mod.ESLint;
  if (!Ctor) throw new Error('this ESLint has no ESLint class (ESLint 7 or later is needed)');
  const engine = new Ctor({ cwd: job.root });
  if (await engine.isPathIgnored(job.file)) return undefined;
  return { lint: async (text) => (await engine.lintText(text, { filePath: job.file }))[0]?.messages ?? [] };
}

async function main(): Promise<void> {
  let eslint: Awaited<ReturnType<typeof loadEslint>>;
  if (job.eslint) {
    try {
      eslint = await loadEslint();
    } catch (e) {
      out.failures.push(`ESLint could not start: ${firstLine(e)}`);
    }
  }
  // ESLint's fixes first, as `eslint --fix` would make them, but only those inside the inserted text; prettier last,
  // so that the pieces are as `prettier --check` wants them.
  if (eslint) {
    try {
      for (let pass = 0; pass < 10; pass++) {
        const { text, starts } = assemble();
        const fixes = (await eslint.lint(text))
          .filter((m) => m.fix)
          .map((m) => ({ at: within(m.fix!.range, starts), text: m.fix!.text }))
          .filter((f): f is { at: NonNullable<ReturnType<typeof within>>; text: string } => f.at !== undefined)
          .sort((a, b) => b.at.piece - a.at.piece || b.at.start - a.at.start);
        let applied = 0;
        let limit = Infinity;
        let lastPiece = -1;
        for (const f of fixes) {
          if (f.at.piece !== lastPiece) limit = Infinity;
          lastPiece = f.at.piece;
          // Overlapping fixes wait for the next pass (ESLint does the same).
          if (f.at.end > limit) continue;
          const p = out.pieces[f.at.piece]!;
          out.pieces[f.at.piece] = p.slice(0, f.at.start) + f.text + p.slice(f.at.end);
          limit = f.at.start;
          applied++;
        }
        if (applied === 0) break;
        if (pass === 0) out.formattedWith.push('eslint --fix');
      }
    } catch (e) {
      out.failures.push(`ESLint failed on the generated text: ${firstLine(e)}`);
      eslint = undefined;
    }
  }
  if (job.prettier) {
    try {
      const prettierPath = require.resolve('prettier', { paths: [path.dirname(job.file), job.root] });
      const prettier = require(prettierPath) as {
        format(text: string, o: object): string | Promise<string>;
        resolveConfig(file: string, o?: object): Promise<object | null>;
        getFileInfo?(file: string, o?: object): Promise<{ ignored: boolean; inferredParser: string | null }>;
        version?: string;
      };
      // What prettier itself ignores: prettier 3 reads .gitignore too and takes a list; 1 and 2 take one file.
      const ignorePath = (Number(prettier.version?.split('.')[0]) >= 3 ? ['.prettierignore', '.gitignore'] : ['.prettierignore']).map((f) => path.join(job.root, f)).filter((f) => fs.existsSync(f));
      const info = await prettier.getFileInfo?.(job.file, Number(prettier.version?.split('.')[0]) >= 3 ? { ignorePath } : ignorePath[0] ? { ignorePath: ignorePath[0] } : {});
      if (!info?.ignored) {
        const config = (await prettier.resolveConfig(job.file, { editorconfig: true })) ?? {};
        let changed = false;
        out.pieces = await Promise.all(
          out.pieces.map(async (piece, i) => {
            // Names added inside one of the file's statements are no text prettier can format on its own.
            if (job.pieces[i]!.within) return piece;
            // A piece keeps the blank lines that separate it from the file's text; prettier formats what is between.
            const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(piece)!;
            if (!m[2]) return piece;
            const formatted = (await prettier.format(m[2], { ...config, filepath: job.file })).replace(/\n$/, '');
            const eol = piece.includes('\r\n') ? '\r\n' : '\n';
            const next = m[1] + (eol === '\n' ? formatted : formatted.replace(/\r?\n/g, eol)) + m[3];
            if (next !== piece) changed = true;
            return next;
          }),
        );
        if (changed) out.formattedWith.push('prettier');
      }
    } catch (e) {
      out.failures.push(`prettier could not format the generated text: ${firstLine(e)}`);
    }
  }
  if (eslint) {
    try {
      const { text, starts } = assemble();
      const lines = lineStarts(text);
      for (const m of await eslint.lint(text)) {
        if (m.severity !== 2) continue;
        const offset = (lines[m.line - 1] ?? 0) + Math.max(0, (m.column ?? 1) - 1);
        if (!within([offset, offset], starts)) continue;
        out.remaining.push({ line: m.line, rule: m.ruleId ?? 'parse', message: m.message });
      }
    } catch (e) {
      out.failures.push(`ESLint failed on the generated text: ${firstLine(e)}`);
    }
  }
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0]!;
}

main()
  .catch((e) => out.failures.push(firstLine(e)))
  .finally(() => {
    fs.writeFileSync(resultFile!, JSON.stringify(out));
    process.exit(0);
  });
