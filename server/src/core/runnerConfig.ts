// Runner config files read without running them: the object a config module exports (TypeScript's parser, literal
// values only), JSON with comments, and the flat YAML of .mocharc.yml. Evaluating a config would run user code in
// the server; what is not a literal comes back as UNKNOWN and the runner's default takes its place (runner.ts).
import ts from 'typescript';

/** A value in a config file that is not a literal (a call, an identifier, a template with substitutions). */
export const UNKNOWN: unique symbol = Symbol('not a literal');
/** vitest's `...configDefaults.exclude` spread into a list. */
export const CONFIG_DEFAULTS_EXCLUDE = '\u0000configDefaults.exclude';

/**
 * The object a config file exports (`export default`, `module.exports =`), through `defineConfig(…)`, `mergeConfig(…)`,
 * a `const` it names, `satisfies`/`as`, and arrow functions that return an object. `wanted` picks among several
 * object arguments (`mergeConfig(base, defineConfig({ test }))`). Literals only; anything else is UNKNOWN.
 */
export function readConfigObject(text: string, fileName: string, wanted: (o: Record<string, unknown>) => boolean): { value?: unknown; problem?: string } {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, /\.[cm]?tsx?$/.test(fileName) ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  const consts = new Map<string, ts.Expression>();
  let exported: ts.Expression | undefined;
  for (const st of sf.statements) {
    if (ts.isVariableStatement(st)) {
      for (const decl of st.declarationList.declarations) if (ts.isIdentifier(decl.name) && decl.initializer) consts.set(decl.name.text, decl.initializer);
    } else if (ts.isExportAssignment(st)) exported = st.expression;
    else if (ts.isExpressionStatement(st) && ts.isBinaryExpression(st.expression) && st.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = st.expression.left;
      if (ts.isPropertyAccessExpression(left) && ts.isIdentifier(left.expression) && left.expression.text === 'module' && left.name.text === 'exports') exported = st.expression.right;
    }
  }
  if (!exported) return { problem: 'no `export default` or `module.exports =` found' };
  const candidates: Record<string, unknown>[] = [];
  const seen = new Set<ts.Node>();
  const collect = (e: ts.Expression | undefined, depth: number): void => {
    if (!e || depth > 8 || seen.has(e)) return;
    seen.add(e);
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e) || ts.isNonNullExpression(e)) return collect(e.expression, depth + 1);
    if (ts.isIdentifier(e)) return collect(consts.get(e.text), depth + 1);
    if (ts.isObjectLiteralExpression(e)) {
      const v = literal(e, consts);
      if (v && typeof v === 'object') candidates.push(v as Record<string, unknown>);
      return;
    }
    if (ts.isCallExpression(e)) {
      for (const a of e.arguments) collect(a, depth + 1);
      return;
    }
    if ((ts.isArrowFunction(e) || ts.isFunctionExpression(e)) && e.body) {
      if (!ts.isBlock(e.body)) return collect(e.body, depth + 1);
      for (const st of e.body.statements) if (ts.isReturnStatement(st)) collect(st.expression, depth + 1);
    }
  };
  collect(exported, 0);
  const value = candidates.find(wanted) ?? candidates[0];
  return value ? { value } : { problem: 'its exported config is not an object literal testgap can read' };
}

export function literal(e: ts.Expression, consts: Map<string, ts.Expression>, depth = 0): unknown {
  if (depth > 16) return UNKNOWN;
  if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) return literal(e.expression, consts, depth + 1);
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
  if (ts.isNumericLiteral(e)) return Number(e.text);
  if (e.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (e.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (ts.isRegularExpressionLiteral(e)) return e.text.slice(1, e.text.lastIndexOf('/'));
  if (ts.isIdentifier(e) && consts.has(e.text)) return literal(consts.get(e.text)!, consts, depth + 1);
  if (ts.isArrayLiteralExpression(e)) {
    const out: unknown[] = [];
    for (const el of e.elements) {
      if (ts.isSpreadElement(el)) {
        if (/^(configDefaults|defaultExclude)(\.exclude)?$/.test(el.expression.getText())) out.push(CONFIG_DEFAULTS_EXCLUDE);
        else {
          const v = literal(el.expression, consts, depth + 1);
          if (!Array.isArray(v)) return UNKNOWN;
          out.push(...v);
        }
      } else out.push(literal(el, consts, depth + 1));
    }
    return out;
  }
  if (ts.isObjectLiteralExpression(e)) {
    const out: Record<string, unknown> = {};
    for (const p of e.properties) {
      if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) out[p.name.text] = literal(p.initializer, consts, depth + 1);
      else if (ts.isShorthandPropertyAssignment(p)) out[p.name.text] = consts.has(p.name.text) ? literal(consts.get(p.name.text)!, consts, depth + 1) : UNKNOWN;
      else if (ts.isSpreadAssignment(p)) {
        const v = literal(p.expression, consts, depth + 1);
        if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, v);
      } else if (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) out[p.name.text] = UNKNOWN;
    }
    return out;
  }
  return UNKNOWN;
}

export function parseJson(text: string): { value?: unknown; problem?: string } {
  try {
    // .jsonc and .mocharc.json may carry comments and trailing commas.
    const r = ts.parseConfigFileTextToJson('config.json', text);
    return r.error ? { problem: `cannot parse: ${ts.flattenDiagnosticMessageText(r.error.messageText, ' ')}` } : { value: r.config };
  } catch (error) {
    return { problem: `cannot parse: ${(error as Error).message}` };
  }
}

/** The keys of a flat YAML mapping with string or list values (what .mocharc.yml files hold). */
export function simpleYaml(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let key: string | undefined;
  const unquote = (s: string) => s.trim().replace(/^(['"])(.*)\1$/, '$2');
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*(#|$)/.test(line)) continue;
    const item = /^\s+-\s+(.*)$/.exec(line);
    if (item && key) {
      out[key] = [...(Array.isArray(out[key]) ? (out[key] as unknown[]) : []), unquote(item[1])];
      continue;
    }
    const kv = /^([\w-]+):\s*(.*)$/.exec(line);
    if (!kv) continue;
    key = kv[1];
    const v = kv[2].trim();
    if (v === '') out[key] = [];
    else if (v.startsWith('[')) out[key] = v.slice(1, -1).split(',').map(unquote).filter(Boolean);
    else out[key] = v === 'true' ? true : v === 'false' ? false : unquote(v);
  }
  return out;
}

export function isStrings(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

export function strings(v: unknown): string[] {
  return typeof v === 'string' ? [v] : isStrings(v) ? v : [];
}
