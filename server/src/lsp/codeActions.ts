// Code actions that generate tests, their lazy resolution, and the command behind them.
//
// Follow-ups are stateless (rust-analyzer style): an action carries `{ uri, version, unitIds, variant }` in `data`
// and resolving recomputes everything from the current state, refusing a document that changed since (ContentModified).
import fs from 'node:fs';
import path from 'node:path';
import {
  CodeActionKind,
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  type CancellationToken,
  type CodeAction,
  type CodeActionParams,
  type Command,
  type Connection,
  type Diagnostic,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Unit } from '../core/model';
import type { Project } from '../core/project';
import type { Settings } from '../core/settings';
import { LineIndex } from '../core/text';
import { generateTests, type GenerateResult, type Variant } from '../run/generate';
import type { ClientCaps } from './capabilities';
import { DIAGNOSTIC_SOURCE, toRange } from './convert';
import { devDependencyInsertions, toWorkspaceEdit, type FileInsertions } from './edits';
import { showMessage } from './messages';
import { URI } from './uri';

export const GENERATE_COMMAND = 'testgap.generateTests';
export const SOURCE_ADD_TEST = 'source.addTest.testgap';

export interface GenerateData {
  uri: string;
  version: number;
  /** null: every untested unit of the file. */
  unitIds: string[] | null;
  variant: Variant;
}

/** What the code actions need from the session. */
export interface ActionHost {
  caps: ClientCaps;
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  /** The project of an open file, with overlays synced; undefined for files the server does not handle. */
  projectOf(file: string): { project: Project; settings: Settings } | undefined;
  /** Diagnostics from a generation run (suspected bugs, units that could not run) for a document version. */
  setGenerationDiagnostics(uri: string, version: number, diagnostics: Diagnostic[]): void;
  /** Units coverage reports on (`uncovered`, `low-coverage`) for this text of the file: they get actions too. */
  coverageUnits?(file: string, text: string): Unit[];
}

/** Diagnostic codes whose units get "Generate tests" actions. */
const ACTIONABLE = new Set(['missing-test', 'uncovered', 'low-coverage']);

const VARIANTS: { variant: Variant; title: (name: string) => string }[] = [
  { variant: 'all', title: (n) => `Generate tests for \`${n}\`` },
  { variant: 'table', title: (n) => `Generate a parametrized table for \`${n}\`` },
  { variant: 'properties', title: (n) => `Generate fast-check properties for \`${n}\`` },
];

function kindMatches(kind: string, only: string[] | undefined): boolean {
  return !only || only.some((o) => kind === o || kind.startsWith(o + '.'));
}

function overlaps(a: { start: { line: number; character: number }; end: { line: number; character: number } }, b: typeof a): boolean {
  const before = (p: typeof a.start, q: typeof a.start) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

export function codeActions(host: ActionHost, params: CodeActionParams): (CodeAction | Command)[] {
  const doc = host.documents.get(params.textDocument.uri);
  const file = URI.toPath(params.textDocument.uri);
  const state = doc && file ? host.projectOf(file) : undefined;
  if (!doc || !file || !state || state.project.isTestFile(file)) return [];
  const units = new Map<string, Unit>();
  for (const f of state.project.findings(file).value) units.set(f.unit.id, f.unit);
  for (const u of host.coverageUnits?.(file, doc.getText()) ?? []) units.set(u.id, u);
  if (units.size === 0) return [];
  const index = new LineIndex(doc.getText());
  const fromContext = new Set(
    params.context.diagnostics
      .filter((d) => d.source === DIAGNOSTIC_SOURCE && ACTIONABLE.has(String(d.code)))
      .map((d) => (d.data as { unitId?: string } | undefined)?.unitId ?? ''),
  );
  const relevant = [...units.values()].filter((u) => fromContext.has(u.id) || overlaps(toRange(index, u.nameSpan), params.range));
  const actions: CodeAction[] = [];
  const make = (title: string, kind: string, data: GenerateData, diagnostics: Diagnostic[], preferred: boolean): CodeAction => {
    const action: CodeAction = { title, kind, ...(diagnostics.length ? { diagnostics } : {}), ...(preferred ? { isPreferred: true } : {}) };
    if (host.caps.resolveEdit) action.data = data;
    else action.command = { title, command: GENERATE_COMMAND, arguments: [data] };
    return action;
  };
  const diagnosticFor = (u: Unit) =>
    params.context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && (d.data as { unitId?: string } | undefined)?.unitId === u.id);
  if (kindMatches(CodeActionKind.QuickFix, params.context.only)) {
    for (const u of relevant) {
      for (const [i, v] of VARIANTS.entries()) {
        actions.push(make(v.title(u.name), CodeActionKind.QuickFix, { uri: doc.uri, version: doc.version, unitIds: [u.id], variant: v.variant }, diagnosticFor(u), i === 0));
      }
    }
  }
  if (kindMatches(SOURCE_ADD_TEST, params.context.only)) {
    actions.push(make('Generate tests for all untested exports in this file', SOURCE_ADD_TEST, { uri: doc.uri, version: doc.version, unitIds: null, variant: 'all' }, [], false));
  }
  if (host.caps.codeActionLiterals) return actions;
  return actions.map((a) => a.command!).filter(Boolean);
}

function isGenerateData(x: unknown): x is GenerateData {
  const d = x as GenerateData;
  return !!d && typeof d.uri === 'string' && typeof d.version === 'number' && (d.unitIds === null || Array.isArray(d.unitIds)) && ['all', 'table', 'properties'].includes(d.variant);
}

/** Runs generation for `data` and returns the edit (and publishes what generation found besides tests). */
export async function generationEdit(host: ActionHost, data: unknown, token?: CancellationToken): Promise<{ edit: WorkspaceEdit; result?: GenerateResult }> {
  if (!isGenerateData(data)) throw new ResponseError(ErrorCodes.InvalidParams, 'testgap: this action carries no generation data');
  const doc = host.documents.get(data.uri);
  const file = URI.toPath(data.uri);
  if (!doc || !file) throw new ResponseError(LSPErrorCodes.ContentModified, 'testgap: the document is no longer open');
  if (doc.version !== data.version) {
    throw new ResponseError(LSPErrorCodes.ContentModified, `testgap: ${path.basename(file)} changed since this action was offered (version ${data.version}, now ${doc.version}); ask for code actions again`);
  }
  const state = host.projectOf(file);
  if (!state) throw new ResponseError(ErrorCodes.InvalidParams, `testgap: ${file} is not part of a project`);
  const { project, settings } = state;
  const testFile = project.expectedTestFile(file);
  const testUri = URI.fromPath(testFile);
  const openTest = host.documents.get(testUri);
  const existing = openTest?.getText() ?? (fs.existsSync(testFile) ? fs.readFileSync(testFile, 'utf8') : undefined);
  // Open documents are updated in place: take the versions now, with the text, not after generation has run (an
  // edit computed on version N pinned to N+1 would be applied to text it was not computed for).
  const testVersion = openTest?.version ?? null;
  const docVersion = doc.version;

  const abort = new AbortController();
  token?.onCancellationRequested(() => abort.abort());
  const progress = host.caps.workDoneProgress ? await host.connection.window.createWorkDoneProgress() : undefined;
  progress?.begin('testgap: generating tests', 0, path.basename(file), true);
  progress?.token.onCancellationRequested(() => abort.abort());
  let result: GenerateResult;
  try {
    result = await generateTests({
      project,
      file,
      unitIds: data.unitIds ?? undefined,
      variant: data.variant,
      settings,
      existingText: existing,
      signal: abort.signal,
      progress: (message, fraction) => progress?.report(Math.round(fraction * 100), message),
    });
  } finally {
    progress?.done();
  }
  if (abort.signal.aborted) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'testgap: generation cancelled');

  host.setGenerationDiagnostics(doc.uri, docVersion, generationDiagnostics(result, project, doc));
  for (const p of result.problems) host.connection.console.warn(p.message);
  const files: FileInsertions[] = [];
  if (result.insertions.length > 0) files.push({ uri: testUri, existing, version: testVersion, insertions: result.insertions });
  if (result.missingDependencies.length > 0) {
    const pkgFile = path.join(project.root, 'package.json');
    const pkgUri = URI.fromPath(pkgFile);
    const openPkg = host.documents.get(pkgUri);
    const pkgText = openPkg?.getText() ?? (fs.existsSync(pkgFile) ? fs.readFileSync(pkgFile, 'utf8') : undefined);
    const insertions = pkgText !== undefined ? devDependencyInsertions(pkgText, result.missingDependencies) : undefined;
    if (insertions && insertions.length > 0) files.push({ uri: pkgUri, existing: pkgText, version: openPkg?.version ?? null, insertions });
    host.connection.console.info(`the generated tests need: npm i -D ${result.missingDependencies.join(' ')} (added to package.json by this edit)`);
  }
  // Nothing written because of the file as a whole (the project's runner would not run uvu tests): that is the news.
  const refusal = result.insertions.length === 0 && result.units.length === 0 ? result.problems.find((p) => p.severity === 'error') : undefined;
  if (refusal) showMessage(host.connection, 'warning', `testgap: ${refusal.message}`);
  else if (result.insertions.length === 0) {
    const why = result.units.map((u) => u.notExecutable ?? Object.entries(u.dropped).map(([k, n]) => `${n} ${k}`).join(', ')).join('; ');
    showMessage(host.connection, 'info', `testgap: no test for ${path.basename(file)} passed verification${why ? ` (${why})` : ''}`);
  }
  return { edit: toWorkspaceEdit(files, host.caps), result };
}

function generationDiagnostics(result: GenerateResult, project: Project, doc: TextDocument): Diagnostic[] {
  const units = new Map(project.facts(result.sourceFile).units.map((u) => [u.id, u]));
  const index = new LineIndex(doc.getText());
  const out: Diagnostic[] = [];
  for (const r of result.units) {
    const unit = units.get(r.unitId);
    if (!unit) continue;
    const range = toRange(index, unit.nameSpan);
    for (const b of r.suspectedBugs) {
      out.push({
        range,
        severity: 2,
        source: DIAGNOSTIC_SOURCE,
        code: 'suspected-bug',
        message: `Suspected bug in \`${unit.name}\`: for arguments ${b.args} its documentation says ${b.documented}, but it returned ${b.observed}`,
        data: { unitId: unit.id },
      });
    }
    if (r.notExecutable) {
      // Some inputs ran and were written, others tried what the sandbox refuses: the message must not say "no tests".
      const message = r.cases + r.properties > 0
        ? `\`${unit.name}\` could be run safely only with some inputs, so its tests cover only those: ${r.notExecutable}`
        : `\`${unit.name}\` could not be run safely, so no tests were generated: ${r.notExecutable}`;
      out.push({ range, severity: 3, source: DIAGNOSTIC_SOURCE, code: 'not-executable', message, data: { unitId: unit.id } });
    }
  }
  return out;
}
