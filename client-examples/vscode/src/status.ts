// The status bar item's text, fed by the `testgap/coverage` notification (protocol.md, "Coverage"). Plain data in,
// plain strings out, no `vscode` import, so the test can feed it protocol.md's example notification.
//
// It branches on the notification's data only: `stale` (a run is pending) and `total` (null until the first run of
// that project ends). A start notification carries no files and the previous total, so the last figures stay shown,
// marked stale, until the run's result arrives.

export interface Figures {
  total: number;
  covered: number;
  pct: number;
}

export interface CoverageNotification {
  root: string;
  stale: boolean;
  total: { lines: Figures; statements: Figures; functions: Figures; branches: Figures } | null;
  tests?: { uri: string; status: string; message?: string }[];
}

export interface StatusView {
  text: string;
  tooltip: string;
}

export class CoverageStatus {
  private readonly byRoot = new Map<string, CoverageNotification>();
  private lastRoot: string | undefined;

  update(n: CoverageNotification): void {
    const previous = this.byRoot.get(n.root);
    // Test results come only with a finished run; a start notification keeps the last run's for the tooltip.
    this.byRoot.set(n.root, { ...n, total: n.total ?? previous?.total ?? null, tests: n.stale ? previous?.tests : n.tests });
    this.lastRoot = n.root;
  }

  /** What to show for the document at `documentUri` (its project's figures), else for the last project heard of. */
  view(documentUri?: string): StatusView | undefined {
    const root = this.rootOf(documentUri) ?? this.lastRoot;
    const n = root === undefined ? undefined : this.byRoot.get(root);
    if (!n) return undefined;
    const name = decodeURIComponent(n.root.replace(/\/+$/, '').split('/').pop() ?? n.root);
    const failed = (n.tests ?? []).filter((t) => t.status !== 'passed');
    const lines: string[] = [`testgap coverage of ${name}${n.stale ? ' (stale: tests are running)' : ''}`];
    if (!n.total) {
      return { text: n.stale ? '$(sync~spin) testgap: measuring' : '$(beaker) testgap: no coverage', tooltip: lines.join('\n') };
    }
    for (const kind of ['lines', 'branches', 'functions', 'statements'] as const) {
      const f = n.total[kind];
      lines.push(`${kind}: ${f.pct} % (${f.covered} of ${f.total})`);
    }
    for (const t of failed) lines.push(`${t.status}: ${decodeURIComponent(t.uri.slice(n.root.length + 1))}${t.message ? ` — ${t.message}` : ''}`);
    lines.push('Click to run every test under coverage');
    const pct = `${n.total.lines.pct} %`;
    const text = n.stale
      ? `$(sync~spin) ${pct} lines (stale)`
      : `$(beaker) ${pct} lines${failed.length ? ` · $(error) ${failed.length} failed` : ''}`;
    return { text, tooltip: lines.join('\n') };
  }

  private rootOf(uri: string | undefined): string | undefined {
    if (!uri) return undefined;
    let best: string | undefined;
    for (const root of this.byRoot.keys()) {
      const prefix = root.endsWith('/') ? root : root + '/';
      if ((uri === root || uri.startsWith(prefix)) && (!best || root.length > best.length)) best = root;
    }
    return best;
  }
}
