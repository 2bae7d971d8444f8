// The server's state and the logic of each notification and request. Handlers in server.ts only route here.
//
// Invariants:
// - A project is the folder of the nearest package.json (else the workspace folder, else the file's folder), made
//   once and kept: its TypeScript state is what makes edits cheap.
// - Open documents are overlays of their project, synced right before every analysis, so diagnostics are always
//   computed for — and published with — the document's current version.
// - Any change (edit, watched file, settings) marks the project dirty and schedules one debounced refresh, which
//   re-publishes every open document of that project whose diagnostics changed.
import path from 'node:path';
import {
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  type Connection,
  type DidChangeConfigurationParams,
  type DidChangeWatchedFilesParams,
  type Diagnostic,
  type DocumentDiagnosticParams,
  type DocumentDiagnosticReport,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceFoldersChangeEvent,
  ErrorCodes,
  ResponseError,
  TextDocuments,
  type CancellationToken,
  type CodeAction,
  type CodeActionParams,
  type CodeLens,
  type CodeLensParams,
  type ExecuteCommandParams,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Project } from '../core/project';
import { describeRunner, describeTests, isRunnerConfigFile } from '../core/runner';
import { unmeasurable } from '../run/measure';
import { packageJsonSettingsLayer, resolveSettings, type Settings } from '../core/settings';
import { LineIndex } from '../core/text';
import { findPackageRoot, nodeFileHost } from '../io/nodeHost';
import { DirectoryWatcher } from '../io/watcher';
import { readClientCaps, serverCapabilities, type ClientCaps } from './capabilities';
import { codeActions, generationEdit, GENERATE_COMMAND, type ActionHost } from './codeActions';
import { CoverageService, RUN_COVERAGE_COMMAND } from './coverage';
import { toDiagnostic } from './convert';
import { stopWarmChildren } from '../run/coverage';
import { stopHosts } from '../run/runnerHost';
import { killAllSandboxes } from '../run/sandbox';
import { showMessage } from './messages';
import { URI } from './uri';

const CONFIG_FILES = new Set(['package.json', 'tsconfig.json', 'jsconfig.json']);
const WATCH_GLOB = '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}';

interface ProjectState {
  root: string;
  project: Project;
  settings: Settings;
  /** Settings from workspace/configuration for this root (null when the client has none). */
  clientSettings: unknown;
  watcher?: DirectoryWatcher;
  timer?: NodeJS.Timeout;
  /** Overlay versions given to the project, by URI. */
  synced: Map<string, number>;
  logged: Set<string>;
}

export class Session {
  readonly documents = new TextDocuments(TextDocument);
  private caps!: ClientCaps;
  private initializationSettings: unknown;
  /** Settings sent in didChangeConfiguration by clients that cannot answer workspace/configuration. */
  private pushedSettings: unknown;
  private folders: string[] = [];
  private readonly projects = new Map<string, ProjectState>();
  private readonly rootByFile = new Map<string, string>();
  /** What was last published per URI, so unchanged results are not sent again. */
  private readonly published = new Map<string, string>();
  private initializedDone = false;
  private shutDown = false;
  /** Diagnostics a generation run found (suspected bugs, units that could not run), valid for one version. */
  private readonly generationDiagnostics = new Map<string, { version: number; diagnostics: Diagnostic[] }>();

  /** Coverage on save; also used by tests and benchmarks to wait for runs. */
  readonly coverage: CoverageService;

  constructor(private readonly connection: Connection) {
    const session = this;
    this.coverage = new CoverageService({
      connection,
      get caps() {
        return session.caps;
      },
      republish: (root) => {
        const state = this.projects.get(root);
        if (state) this.schedule(state, 0);
      },
    });
  }

  // -------------------------------------------------------------------------------------------------------------
  // Lifecycle.

  initialize(params: InitializeParams): InitializeResult {
    this.caps = readClientCaps(params.capabilities);
    const options = params.initializationOptions as Record<string, unknown> | undefined | null;
    // Accept both `{ testgap: {...} }` and the bare settings object: clients differ in how they nest it.
    this.initializationSettings = options && typeof options === 'object' && 'testgap' in options ? options.testgap : options;
    const folders = params.workspaceFolders?.map((f) => URI.toPath(f.uri)) ?? [params.rootUri ? URI.toPath(params.rootUri) : params.rootPath ?? undefined];
    this.folders = folders.filter((f): f is string => !!f);
    return { capabilities: serverCapabilities(this.caps), serverInfo: { name: 'testgap', version: '0.1.0' } };
  }

  /** workspace/didChangeWorkspaceFolders may only be listened for when the client has workspace folders. */
  get watchesWorkspaceFolders(): boolean {
    return this.caps.workspaceFolders;
  }

  async initialized(): Promise<void> {
    this.initializedDone = true;
    const registrations: Promise<unknown>[] = [];
    if (this.caps.watchedFilesRegistration) {
      registrations.push(
        this.connection.client.register(DidChangeWatchedFilesNotification.type, {
          watchers: [{ globPattern: WATCH_GLOB }, { globPattern: '**/{package.json,tsconfig.json,jsconfig.json,jest.config.json,.mocharc.*}' }],
        }),
      );
    }
    if (this.caps.configurationChangeRegistration) {
      registrations.push(this.connection.client.register(DidChangeConfigurationNotification.type, { section: 'testgap' }));
    }
    await Promise.all(registrations.map((r) => r.catch((e) => this.connection.console.warn(`registration failed: ${e?.message ?? e}`))));
    // Projects opened before `initialized` (a client may send didOpen first) start their watchers now.
    for (const state of this.projects.values()) this.startWatcher(state);
  }

  shutdown(): void {
    this.shutDown = true;
    stopWarmChildren();
    stopHosts();
    killAllSandboxes();
    for (const state of this.projects.values()) {
      clearTimeout(state.timer);
      state.watcher?.close();
      state.project.dispose();
      this.coverage.dispose(state.root);
    }
    this.projects.clear();
  }

  // -------------------------------------------------------------------------------------------------------------
  // Projects and settings.

  /** The nearest package.json folder, but never above the workspace folder the file is in. */
  private rootFor(file: string): string {
    const folder = this.folders.filter((f) => file.startsWith(f + path.sep)).sort((a, b) => b.length - a.length)[0];
    return findPackageRoot(path.dirname(file), folder) ?? folder ?? path.dirname(file);
  }

  /** Whether `file` belongs to the project at `state.root` (nested packages have projects of their own). */
  private owns(state: ProjectState, file: string): boolean {
    if (!state.project.contains(file)) return false;
    let root = this.rootByFile.get(file);
    if (root === undefined) this.rootByFile.set(file, (root = this.rootFor(file)));
    return root === state.root;
  }

  private projectFor(file: string): ProjectState | undefined {
    // Dependencies opened by go-to-definition are not the user's code.
    if (this.shutDown || file.split(path.sep).includes('node_modules')) return undefined;
    let root = this.rootByFile.get(file);
    if (root === undefined) this.rootByFile.set(file, (root = this.rootFor(file)));
    let state = this.projects.get(root);
    if (!state) {
      const { settings } = this.resolveSettingsFor(root, null);
      state = { root, project: new Project(root, nodeFileHost, settings), settings, clientSettings: null, synced: new Map(), logged: new Set() };
      this.projects.set(root, state);
      const started = performance.now();
      const { value: stats } = state.project.scan();
      this.connection.console.info(`project ${root}: ${stats.sourceFiles} source files, ${stats.testFiles} test files (${Math.round(performance.now() - started)} ms)`);
      this.logRunner(state);
      this.logSettingsWarnings(state, null);
      if (this.initializedDone) this.startWatcher(state);
      if (this.caps.configuration) void this.fetchClientSettings(state);
    }
    return state.project.contains(file) ? state : undefined;
  }

  /** Says which runner the project uses and why; what testgap cannot drive is shown to the user, once per project. */
  private logRunner(state: ProjectState): void {
    const d = state.project.runner();
    const key = `runner:${JSON.stringify(d)}`;
    if (state.logged.has(key)) return;
    state.logged.add(key);
    const files = d.tests ? `test files: ${describeTests(d)}` : `test files: testFilePattern ${JSON.stringify(state.settings.testFilePattern)}`;
    this.connection.console.info(`project ${state.root}: test runner ${describeRunner(d)}; ${files}`);
    for (const u of d.unread) this.connection.console.warn(u);
    for (const w of d.warnings) showMessage(this.connection, 'warning', `testgap: ${w}`);
    const why = state.settings.execute && state.settings.coverageOnSave ? unmeasurable(state.project) : undefined;
    if (why && d.warnings.length === 0) showMessage(this.connection, 'info', `testgap: ${why}; diagnostics show which exports no test imports`);
  }

  private resolveSettingsFor(root: string, clientSettings: unknown): { settings: Settings; warnings: string[] } {
    const layers: { origin: string; value: unknown }[] = [];
    const warnings: string[] = [];
    const pkg = packageJsonSettingsLayer(nodeFileHost.readFile(path.join(root, 'package.json')), path.join(root, 'package.json'));
    if (pkg.layer) layers.push(pkg.layer);
    if (pkg.warning) warnings.push(pkg.warning);
    layers.push({ origin: 'initializationOptions', value: this.initializationSettings });
    layers.push({ origin: 'didChangeConfiguration', value: this.pushedSettings });
    layers.push({ origin: 'workspace/configuration', value: clientSettings });
    const resolved = resolveSettings(layers);
    return { settings: resolved.settings, warnings: [...warnings, ...resolved.warnings] };
  }

  private logSettingsWarnings(state: ProjectState, clientSettings: unknown): void {
    for (const w of this.resolveSettingsFor(state.root, clientSettings).warnings) {
      if (state.logged.has(`settings:${w}`)) continue;
      state.logged.add(`settings:${w}`);
      this.connection.console.warn(`settings: ${w}`);
    }
  }

  private async fetchClientSettings(state: ProjectState): Promise<void> {
    let value: unknown = null;
    try {
      [value] = await this.connection.workspace.getConfiguration([{ scopeUri: URI.fromPath(state.root), section: 'testgap' }]);
    } catch (error) {
      this.connection.console.warn(`workspace/configuration failed: ${(error as Error).message}; using defaults`);
    }
    this.applySettings(state, value ?? null);
  }

  private applySettings(state: ProjectState, clientSettings: unknown): void {
    try {
      this.applySettingsUnsafe(state, clientSettings);
    } catch (error) {
      this.connection.console.error(`settings could not be applied: ${(error as Error).message}; keeping the previous ones`);
    }
  }

  private applySettingsUnsafe(state: ProjectState, clientSettings: unknown): void {
    if (this.shutDown) return;
    state.clientSettings = clientSettings;
    const { settings } = this.resolveSettingsFor(state.root, clientSettings);
    this.logSettingsWarnings(state, clientSettings);
    if (JSON.stringify(settings) === JSON.stringify(state.settings)) return;
    state.settings = settings;
    state.project.updateSettings(settings);
    state.synced.clear();
    this.schedule(state, 0);
  }

  async didChangeConfiguration(params: DidChangeConfigurationParams): Promise<void> {
    if (this.caps.configuration) {
      await Promise.all([...this.projects.values()].map((s) => this.fetchClientSettings(s)));
      return;
    }
    const s = params.settings as Record<string, unknown> | null | undefined;
    this.pushedSettings = s && typeof s === 'object' && 'testgap' in s ? s.testgap : null;
    for (const state of this.projects.values()) this.applySettings(state, state.clientSettings);
  }

  didChangeWorkspaceFolders(event: WorkspaceFoldersChangeEvent): void {
    const removed = event.removed.map((f) => URI.toPath(f.uri)).filter((f): f is string => !!f);
    this.folders = [...this.folders.filter((f) => !removed.includes(f)), ...event.added.map((f) => URI.toPath(f.uri)).filter((f): f is string => !!f)];
    // Projects of a folder that left the workspace go with it (their watchers too), unless a document of theirs is
    // still open; roots are decided again for files the next time they are seen.
    const inside = (p: string, folder: string) => p === folder || p.startsWith(folder + path.sep);
    for (const [root, state] of [...this.projects]) {
      if (!removed.some((f) => inside(root, f))) continue;
      const stillOpen = this.documents.all().some((d) => {
        const file = URI.toPath(d.uri);
        return !!file && this.rootByFile.get(file) === root;
      });
      if (stillOpen) continue;
      clearTimeout(state.timer);
      state.watcher?.close();
      state.project.dispose();
      this.coverage.dispose(root);
      this.projects.delete(root);
      this.connection.console.info(`project ${root}: closed (its workspace folder was removed)`);
    }
    this.rootByFile.clear();
  }

  // -------------------------------------------------------------------------------------------------------------
  // Files.

  private startWatcher(state: ProjectState): void {
    if (this.caps.watchedFilesRegistration || state.watcher || this.shutDown) return;
    state.watcher = new DirectoryWatcher(
      state.root,
      (dir) => !state.project.contains(path.join(dir, 'x.ts')) && dir !== state.root,
      (e) => this.fileChanged(e.file, e.kind),
      (message) => this.connection.console.warn(message),
    );
  }

  documentChanged(document: TextDocument, opened: boolean): void {
    const file = URI.toPath(document.uri);
    if (!file) return;
    const state = this.projectFor(file);
    if (state) this.schedule(state, opened ? 0 : state.settings.debounceMs);
  }

  documentClosed(document: TextDocument): void {
    const file = URI.toPath(document.uri);
    this.published.delete(document.uri);
    if (!file) return;
    const state = this.projectFor(file);
    if (!state) return;
    state.synced.delete(document.uri);
    state.project.closeDocument(file);
    if (!this.caps.pullDiagnostics) void this.connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
    this.schedule(state, state.settings.debounceMs);
  }

  /** A save re-runs the tests it affects under coverage (when `coverageOnSave` and `execute` are on). */
  documentSaved(document: TextDocument): void {
    const file = URI.toPath(document.uri);
    const state = file ? this.projectFor(file) : undefined;
    if (!file || !state || !this.owns(state, file)) return;
    this.syncOverlays(state);
    this.coverage.saved(state, file);
  }

  didChangeWatchedFiles(params: DidChangeWatchedFilesParams): void {
    for (const change of params.changes) {
      const file = URI.toPath(change.uri);
      if (!file) continue;
      const kind = change.type === FileChangeType.Created ? 'created' : change.type === FileChangeType.Deleted ? 'deleted' : 'changed';
      this.fileChanged(file, kind);
    }
  }

  private fileChanged(file: string, kind: 'created' | 'changed' | 'deleted'): void {
    for (const state of this.projects.values()) {
      if ((CONFIG_FILES.has(path.basename(file)) || isRunnerConfigFile(path.basename(file))) && path.dirname(file) === state.root) {
        state.project.configChanged();
        this.logRunner(state);
        if (path.basename(file) === 'package.json') this.applySettings(state, state.clientSettings);
        this.schedule(state, state.settings.debounceMs);
        continue;
      }
      // A deleted folder is not a source file, but the project must drop what was in it.
      if (!state.project.contains(file) && kind !== 'deleted') continue;
      state.project.fileChangedOnDisk(file, kind);
      this.schedule(state, state.settings.debounceMs);
      // Saves of open documents come as didSave; this is everything else that changes files.
      if (!this.documents.get(URI.fromPath(file))) this.coverage.changedOnDisk(state, file);
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Diagnostics.

  private schedule(state: ProjectState, delayMs: number): void {
    if (this.shutDown) return;
    clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      state.timer = undefined;
      this.refresh(state);
    }, delayMs);
  }

  /** Gives the project the current text of each of its open documents. */
  private syncOverlays(state: ProjectState): void {
    for (const doc of this.documents.all()) {
      const file = URI.toPath(doc.uri);
      if (!file || !this.owns(state, file) || state.synced.get(doc.uri) === doc.version) continue;
      state.project.setOverlay(file, doc.getText());
      state.synced.set(doc.uri, doc.version);
    }
  }

  /**
   * Diagnostics for one open document, for its current version, with a key that changes whenever they could: the
   * version fixes text and positions; settings and the findings' unit ids fix everything else.
   */
  diagnosticsFor(state: ProjectState, document: TextDocument): { diagnostics: Diagnostic[]; key: string } {
    const file = URI.toPath(document.uri)!;
    const { value: findings, problems } = state.project.findings(file);
    for (const p of problems) {
      const key = `${file}:${p.message}`;
      if (state.logged.has(key)) continue;
      state.logged.add(key);
      this.connection.console[p.severity === 'error' ? 'error' : p.severity === 'warning' ? 'warn' : 'info'](p.message);
    }
    const severity = state.settings.diagnosticSeverity;
    const extra = this.generationDiagnostics.get(document.uri);
    const generated = extra && extra.version === document.version ? extra.diagnostics : [];
    // A second generation on the same text may report other things in as many diagnostics: the key tells them apart.
    const generatedKey = generated.map((d) => `${d.code}:${d.message}`).join('\u0001');
    // Once coverage is known for this text, it says what is untested: `uncovered` and `low-coverage` replace
    // `missing-test` (a unit another tested function calls is covered, though no test imports it).
    const covered = this.coverage.diagnostics(state, file, document.getText());
    if (covered && !state.project.isTestFile(file)) {
      return { diagnostics: [...covered.diagnostics, ...generated], key: [document.version, severity, generatedKey, covered.key].join('\u0000') };
    }
    if (covered) {
      // A test file: its own failure under coverage, besides whatever else applies to it.
      return { diagnostics: [...covered.diagnostics, ...generated], key: [document.version, generatedKey, covered.key].join('\u0000') };
    }
    const key = [document.version, severity, generatedKey, ...findings.map((f) => `${f.unit.id}>${f.expectedTestFile}`)].join('\u0000');
    if (findings.length === 0) return { diagnostics: [...generated], key };
    const index = new LineIndex(document.getText());
    const testFileUri = URI.fromPath(findings[0].expectedTestFile);
    return { diagnostics: [...findings.map((f) => toDiagnostic(f, index, severity, this.caps, testFileUri)), ...generated], key };
  }

  /** Says once per project, in words the user can act on, that `execute: false` turns running code off. */
  private noticeExecuteOff(state: ProjectState): void {
    if (state.settings.execute || state.logged.has('execute-off')) return;
    state.logged.add('execute-off');
    showMessage(
      this.connection,
      'warning',
      `testgap: running code is turned off for ${state.root} ("execute": false). Coverage is not measured on save, and generated tests are ` +
        `type properties testgap has not run. Set "testgap.execute" to true (or remove it from package.json's "testgap") to have tests verified.`,
    );
  }

  /** Re-analyses a project and publishes (or asks the client to re-pull) what changed. */
  refresh(state: ProjectState): void {
    if (this.shutDown) return;
    this.noticeExecuteOff(state);
    this.syncOverlays(state);
    let changed = false;
    for (const doc of this.documents.all()) {
      const file = URI.toPath(doc.uri);
      if (!file || !this.owns(state, file)) continue;
      if (this.caps.pullDiagnostics) {
        // Pull clients get the diagnostics when they ask; here only whether to ask them to.
        const { key } = this.diagnosticsFor(state, doc);
        if (this.published.get(doc.uri) !== key) changed = true;
        this.published.set(doc.uri, key);
        continue;
      }
      const { diagnostics, key } = this.diagnosticsFor(state, doc);
      if (this.published.get(doc.uri) === key) continue;
      this.published.set(doc.uri, key);
      void this.connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
    }
    if (changed) void this.connection.languages.diagnostics.refresh().catch(() => undefined);
  }

  pullDiagnostics(params: DocumentDiagnosticParams): DocumentDiagnosticReport {
    const document = this.documents.get(params.textDocument.uri);
    const file = URI.toPath(params.textDocument.uri);
    const state = file ? this.projectFor(file) : undefined;
    if (!document || !state) return { kind: 'full', items: [] };
    this.syncOverlays(state);
    const { diagnostics: items, key } = this.diagnosticsFor(state, document);
    const resultId = hash(key);
    this.published.set(document.uri, key);
    if (params.previousResultId === resultId) return { kind: 'unchanged', resultId };
    return { kind: 'full', resultId, items };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Generating tests.

  private get actionHost(): ActionHost {
    return {
      caps: this.caps,
      connection: this.connection,
      documents: this.documents,
      projectOf: (file) => {
        const state = this.projectFor(file);
        if (!state || !this.owns(state, file)) return undefined;
        this.syncOverlays(state);
        return state;
      },
      coverageUnits: (file, text) => {
        const state = this.projectFor(file);
        return state ? this.coverage.units(state, file, text) : [];
      },
      setGenerationDiagnostics: (uri, version, diagnostics) => {
        this.generationDiagnostics.set(uri, { version, diagnostics });
        const file = URI.toPath(uri);
        const state = file ? this.projectFor(file) : undefined;
        if (!state) return;
        // Published now, before the resolve answer is written (the connection keeps its messages in order): a client
        // that reads the diagnostics when the action completes sees `not-executable` every time. A timer here let the
        // answer go first, and a request that came in before the timer fired was answered first too (issue 14).
        clearTimeout(state.timer);
        state.timer = undefined;
        this.refresh(state);
      },
    };
  }

  codeActions(params: CodeActionParams) {
    return codeActions(this.actionHost, params);
  }

  codeLenses(params: CodeLensParams): CodeLens[] {
    const doc = this.documents.get(params.textDocument.uri);
    const file = URI.toPath(params.textDocument.uri);
    const state = doc && file ? this.projectFor(file) : undefined;
    if (!doc || !file || !state || !this.owns(state, file)) return [];
    this.syncOverlays(state);
    return this.coverage.lenses(state, file, doc.getText(), doc.uri, doc.version);
  }

  async resolveCodeAction(action: CodeAction, token: CancellationToken): Promise<CodeAction> {
    if (action.data === undefined) return action;
    const { edit } = await generationEdit(this.actionHost, action.data, token);
    return { ...action, edit };
  }

  async executeCommand(params: ExecuteCommandParams, token: CancellationToken): Promise<unknown> {
    if (params.command === RUN_COVERAGE_COMMAND) return this.runCoverageCommand(params.arguments?.[0]);
    if (params.command !== GENERATE_COMMAND) throw new ResponseError(ErrorCodes.InvalidParams, `testgap: unknown command ${params.command}`);
    const { edit } = await generationEdit(this.actionHost, params.arguments?.[0], token);
    if (!this.caps.applyEdit) throw new ResponseError(ErrorCodes.InvalidRequest, 'testgap: the client cannot apply edits (workspace.applyEdit)');
    const applied = await this.connection.workspace.applyEdit({ label: 'testgap: generate tests', edit });
    return { applied: applied.applied, failureReason: applied.failureReason };
  }

  /** `testgap.runCoverage [{ uri }]`: every test of the file's project (or of every open project) under coverage. */
  private async runCoverageCommand(arg: unknown): Promise<{ projects: string[]; skipped?: { project: string; why: string }[] }> {
    const uri = arg && typeof arg === 'object' && typeof (arg as { uri?: unknown }).uri === 'string' ? (arg as { uri: string }).uri : undefined;
    const file = uri ? URI.toPath(uri) : undefined;
    if (uri && !file) throw new ResponseError(ErrorCodes.InvalidParams, `testgap: not a file URI: ${uri}`);
    const states = file ? [this.projectFor(file)].filter((s): s is ProjectState => !!s) : [...this.projects.values()];
    if (file && states.length === 0) throw new ResponseError(ErrorCodes.InvalidParams, `testgap: ${file} is not part of a project`);
    for (const s of states) {
      if (!s.settings.execute) throw new ResponseError(ErrorCodes.InvalidRequest, `testgap: running code is turned off for ${s.root} (setting "execute": false)`);
    }
    // Projects whose tests testgap cannot run (vitest, jest) are named with the reason, not counted as measured.
    const skipped = states.flatMap((s) => {
      const why = unmeasurable(s.project);
      return why ? [{ project: URI.fromPath(s.root), why }] : [];
    });
    const measured = states.filter((s) => !skipped.some((k) => k.project === URI.fromPath(s.root)));
    await Promise.all(measured.map((s) => this.coverage.runAll(s)));
    return { projects: measured.map((s) => URI.fromPath(s.root)), ...(skipped.length > 0 ? { skipped } : {}) };
  }

  /** For benchmarks and tests: the project state of a file (created on demand). */
  stateFor(file: string): ProjectState | undefined {
    return this.projectFor(file);
  }
}

function hash(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
}
