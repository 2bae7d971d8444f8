// Per-file analysis: the testable units a module exports, its export surface (for following re-exports), and for test
// files what they import and use.
//
// Invariants:
// - Works on one SourceFile at a time and never throws (analyseFile catches and reports a problem instead).
// - Needs no type checker: the diagnostics path runs on every edit and must cost about one parse. Given a checker, the
//   same walk also fills in inferred parameter and return types (`typeFrom: 'checker'`).
import ts from 'typescript';
import type { ExportTarget, FileFacts, JsDocInfo, ModuleExports, Param, TestFacts, TestReference, TypeShape, Unit, UnitKind } from './model';
import type { Span } from './text';
import { shapeOfType } from './typeShape';

export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;

export function isAnalysablePath(path: string): boolean {
  if (/\.d\.[mc]?ts$/.test(path)) return false;
  return SOURCE_EXTENSIONS.some((ext) => path.endsWith(ext));
}

export function scriptKindFor(path: string): ts.ScriptKind {
  if (path.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (path.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.[mc]?js$/.test(path)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

export function parseFile(path: string, text: string): ts.SourceFile {
  return ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, scriptKindFor(path));
}

/**
 * Parses `text` reusing the unchanged parts of `previous`: TypeScript's incremental parser, the one tsserver runs on
 * every keystroke. The changed range is found by comparing the texts, so callers need not track edits. `previous`
 * must not be used afterwards (the incremental parser takes over its nodes).
 */
export function reparseFile(previous: ts.SourceFile, text: string): ts.SourceFile {
  const old = previous.text;
  if (old === text) return previous;
  let start = 0;
  const max = Math.min(old.length, text.length);
  while (start < max && old.charCodeAt(start) === text.charCodeAt(start)) start++;
  let oldEnd = old.length;
  let newEnd = text.length;
  while (oldEnd > start && newEnd > start && old.charCodeAt(oldEnd - 1) === text.charCodeAt(newEnd - 1)) {
    oldEnd--;
    newEnd--;
  }
  try {
    return ts.updateSourceFile(previous, text, { span: { start, length: oldEnd - start }, newLength: newEnd - start });
  } catch {
    // An internal assertion of the incremental parser: a full parse is always correct.
    return parseFile(previous.fileName, text);
  }
}

/** Relative module specifiers the file names: `import … from`, `export … from`, `require('…')`, `import('…')`. */
export function relativeSpecifiers(sf: ts.SourceFile): string[] {
  const found = new Set<string>();
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteralLike(node.moduleSpecifier)) {
      found.add(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteralLike(node.arguments[0])) {
      const callee = node.expression;
      if ((ts.isIdentifier(callee) && callee.text === 'require') || callee.kind === ts.SyntaxKind.ImportKeyword) found.add(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return [...found].filter((s) => s === '.' || s === '..' || s.startsWith('./') || s.startsWith('../'));
}

/** True when a module compiles to no code: only types, ambient declarations and type-only imports and exports. */
export function isTypeOnlyModule(sf: ts.SourceFile): boolean {
  // An empty file is nothing to judge; in JavaScript an import runs the module it names.
  if (sf.statements.length === 0 || !/\.[cm]?tsx?$/.test(sf.fileName)) return false;
  const ambient = (n: ts.Node) => ts.canHaveModifiers(n) && !!ts.getModifiers(n)?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword);
  return sf.statements.every(
    (st) =>
      ts.isInterfaceDeclaration(st) ||
      ts.isTypeAliasDeclaration(st) ||
      ambient(st) ||
      // With nothing else that runs, what an import brings in can only be used as a type (TypeScript elides it);
      // a bare `import './x'` runs that module, so it counts as code.
      (ts.isImportDeclaration(st) && !!st.importClause) ||
      // `export type { A }`, `export { type A }`, and the `export {}` that makes a file a module.
      (ts.isExportDeclaration(st) && (st.isTypeOnly || (!!st.exportClause && ts.isNamedExports(st.exportClause) && (st.exportClause.elements.length > 0 ? st.exportClause.elements.every((e) => e.isTypeOnly) : !st.moduleSpecifier)))) ||
      ts.isEmptyStatement(st),
  );
}

export interface AnalyseOptions {
  /** Path relative to the project root, with `/` separators: the prefix of every unit id. */
  relPath: string;
  isTest: boolean;
  checker?: ts.TypeChecker;
}

export function analyseFile(sf: ts.SourceFile, options: AnalyseOptions): FileFacts {
  try {
    const exports: ModuleExports = { named: new Map(), star: [] };
    const units = options.isTest ? [] : new ModuleWalker(sf, options, exports).run();
    const test = options.isTest ? collectTestFacts(sf) : undefined;
    return { units, exports, test, problems: [], ...(!options.isTest && isTypeOnlyModule(sf) ? { typeOnly: true as const } : {}) };
  } catch (error) {
    // A compiler-API surprise on odd input must cost one file's findings, never the server.
    return {
      units: [],
      exports: { named: new Map(), star: [] },
      test: options.isTest ? { references: [], propertyNames: new Set() } : undefined,
      problems: [{ severity: 'error', file: sf.fileName, message: `analysis failed: ${(error as Error)?.message ?? error}` }],
    };
  }
}

/** What a function body's last `return` returns. */
function lastReturn(body: ts.Block): ts.Expression | undefined {
  return [...body.statements].reverse().find(ts.isReturnStatement)?.expression;
}

type FunctionLike = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration;
type ClassLike = ts.ClassDeclaration | ts.ClassExpression;

interface LocalDecl {
  node: FunctionLike | ClassLike;
  /** Node whose JSDoc describes the declaration (the variable statement for `const f = () => …`). */
  docHost: ts.Node;
  name: string;
  nameNode: ts.Node;
}

interface Es5Member {
  name: string;
  node: FunctionLike;
  isStatic: boolean;
  docHost: ts.Node;
  nameNode: ts.Node;
}

function unwrapExpression(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e)) {
    e = e.expression;
  }
  return e;
}

/** A function written in place whose body is a block of statements (a module factory or an IIFE). */
function isFunctionBody(e: ts.Expression): e is ts.FunctionExpression | ts.ArrowFunction {
  return ts.isFunctionExpression(e) || ts.isArrowFunction(e);
}

function isFunctionOrClassExpression(e: ts.Expression): e is ts.FunctionExpression | ts.ArrowFunction | ts.ClassExpression {
  return ts.isFunctionExpression(e) || ts.isArrowFunction(e) || ts.isClassExpression(e);
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
}

function moduleExportNameText(name: ts.ModuleExportName): string {
  return ts.isIdentifier(name) ? name.text : name.text;
}

function spanOf(node: ts.Node, sf: ts.SourceFile): Span {
  return { start: node.getStart(sf), end: node.getEnd() };
}

const REQUIRE_LIKE = new Set(['require', 'jest.requireActual', 'vi.importActual', 'vi.importMock', 'jest.requireMock']);

/** `require('x')` (and `jest.requireActual('x')`, `await vi.importActual('x')`) → 'x'. */
function requireSpecifier(e: ts.Expression): string | undefined {
  e = unwrapExpression(e);
  if (ts.isAwaitExpression(e)) e = unwrapExpression(e.expression);
  if (ts.isCallExpression(e) && e.arguments.length >= 1 && REQUIRE_LIKE.has(calleeText(e.expression))) {
    const arg = e.arguments[0];
    if (ts.isStringLiteralLike(arg)) return arg.text;
  }
  return undefined;
}

function calleeText(e: ts.Expression): string {
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression)) return `${e.expression.text}.${e.name.text}`;
  return '';
}

/** `await import('x')` or `import('x')` → 'x'. */
function dynamicImportSpecifier(e: ts.Expression): string | undefined {
  e = unwrapExpression(e);
  if (ts.isAwaitExpression(e)) e = unwrapExpression(e.expression);
  if (ts.isCallExpression(e) && e.expression.kind === ts.SyntaxKind.ImportKeyword && e.arguments.length >= 1) {
    const arg = e.arguments[0];
    if (ts.isStringLiteralLike(arg)) return arg.text;
  }
  return undefined;
}

/** `module.exports` → { whole }, `module.exports.x` / `exports.x` / `exports['x']` → { name: 'x' }. */
function commonJsTarget(e: ts.Expression): { whole: true; node: ts.Node } | { name: string; node: ts.Node } | undefined {
  const isModuleExports = (x: ts.Expression) =>
    (ts.isPropertyAccessExpression(x) && ts.isIdentifier(x.expression) && x.expression.text === 'module' && x.name.text === 'exports') ||
    // Minifier-proof UMD code writes module['exports'].
    (ts.isElementAccessExpression(x) && ts.isIdentifier(x.expression) && x.expression.text === 'module' && ts.isStringLiteralLike(x.argumentExpression) && x.argumentExpression.text === 'exports');
  const isExportsObject = (x: ts.Expression) => (ts.isIdentifier(x) && x.text === 'exports') || isModuleExports(x);
  if (isModuleExports(e)) return { whole: true, node: e };
  if (ts.isPropertyAccessExpression(e) && isExportsObject(e.expression)) return { name: e.name.text, node: e.name };
  if (ts.isElementAccessExpression(e) && isExportsObject(e.expression) && ts.isStringLiteralLike(e.argumentExpression)) {
    return { name: e.argumentExpression.text, node: e.argumentExpression };
  }
  return undefined;
}

class ModuleWalker {
  private readonly locals = new Map<string, LocalDecl>();
  /** Members of ES5 classes, by the constructor function's name: `Volume.prototype.m = function…`, `Volume.s = …`. */
  private readonly es5Members = new Map<string, Es5Member[]>();
  /** Bodies of `var X = (function (_super) { function X() {…} X.prototype.m = …; return X; }(Base))` (compiled ES5). */
  private readonly es5ClassBodies: ts.NodeArray<ts.Statement>[] = [];
  /** `const api = { a, b }`: exported later as `module.exports = api`. */
  private readonly objectLocals = new Map<string, ts.ObjectLiteralExpression>();
  private readonly imports = new Map<string, { specifier: string; name: string }>();
  /** Units keyed by their qualified name (the part of the id after `#`). */
  private readonly unitsByName = new Map<string, { decl: LocalDecl; exportNames: string[] }>();

  constructor(
    private readonly sf: ts.SourceFile,
    private readonly options: AnalyseOptions,
    private readonly exports: ModuleExports,
  ) {}

  run(): Unit[] {
    // Bundled and older CommonJS code keeps its module body inside a function: a UMD factory, or an IIFE whose result
    // is `module.exports`. Those bodies are module scopes too (flattened: their names rarely clash with the outer ones).
    const scopes = [{ statements: this.sf.statements, returns: undefined as ts.Expression | undefined }, ...this.wrappedScopes()];
    for (const scope of scopes) this.collectLocals(scope.statements);
    for (const scope of scopes) this.resolveWrappedLocals(scope.statements);
    for (const statements of [...scopes.map((x) => x.statements), ...this.es5ClassBodies]) this.collectEs5Members(statements);
    for (const statement of this.sf.statements) this.collectExports(statement);
    for (const scope of scopes.slice(1)) {
      for (const statement of scope.statements) if (ts.isExpressionStatement(statement)) this.collectCommonJsExport(statement);
      if (scope.returns) this.exportWhole(scope.returns);
    }
    // `if (typeof module === 'object') { module.exports = Delta; }`: exports made only under a module system check.
    for (const scope of scopes) for (const statement of scope.statements) if (ts.isIfStatement(statement)) this.collectGuardedExports(statement);
    const units: Unit[] = [];
    const seen = new Set<string>();
    for (const [qualified, { decl, exportNames }] of this.unitsByName) {
      for (const unit of this.unitsFor(qualified, decl, exportNames)) {
        if (seen.has(unit.id)) continue;
        seen.add(unit.id);
        units.push(unit);
      }
    }
    return units;
  }

  /**
   * Function bodies that hold a module: `(function (root, factory) {…})(this, function (exports) {…})` (UMD: the
   * factory, whose `exports` parameter is the module's exports, or whose return value is), and
   * `module.exports = (function () { …; return api; })()` (the IIFE's body, whose return value is the export).
   */
  private wrappedScopes(): { statements: ts.NodeArray<ts.Statement>; returns: ts.Expression | undefined }[] {
    const out: { statements: ts.NodeArray<ts.Statement>; returns: ts.Expression | undefined }[] = [];
    for (const s of this.sf.statements) {
      if (!ts.isExpressionStatement(s)) continue;
      const e = unwrapExpression(s.expression);
      if (ts.isCallExpression(e) && isFunctionBody(unwrapExpression(e.expression))) {
        const factory = e.arguments.map(unwrapExpression).find(isFunctionBody);
        if (factory && ts.isBlock(factory.body)) {
          const exportsParam = factory.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === 'exports');
          out.push({ statements: factory.body.statements, returns: exportsParam ? undefined : lastReturn(factory.body) });
        } else if (!factory) {
          // `(function (root) { …; if (typeof exports === 'object') module['exports'] = Complex; … })(this)`.
          const iife = unwrapExpression(e.expression) as ts.FunctionExpression | ts.ArrowFunction;
          if (ts.isBlock(iife.body)) out.push({ statements: iife.body.statements, returns: undefined });
        }
      } else if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
        const target = commonJsTarget(e.left);
        const right = unwrapExpression(e.right);
        if (target && 'whole' in target && ts.isCallExpression(right)) {
          const callee = unwrapExpression(right.expression);
          if (isFunctionBody(callee) && ts.isBlock(callee.body)) out.push({ statements: callee.body.statements, returns: lastReturn(callee.body) });
        }
      }
    }
    return out;
  }

  private collectLocals(statements: ts.NodeArray<ts.Statement>): void {
    for (const s of statements) {
      if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name) {
        if (hasModifier(s, ts.SyntaxKind.DeclareKeyword)) continue;
        const existing = this.locals.get(s.name.text);
        // Overloads: the implementation (the one with a body) is the unit; signatures only describe it.
        if (existing && ts.isFunctionDeclaration(s) && !s.body) continue;
        this.locals.set(s.name.text, { node: s, docHost: s, name: s.name.text, nameNode: s.name });
      } else if (ts.isVariableStatement(s)) {
        if (hasModifier(s, ts.SyntaxKind.DeclareKeyword)) continue;
        for (const d of s.declarationList.declarations) {
          if (!ts.isIdentifier(d.name) || !d.initializer) continue;
          const init = unwrapExpression(d.initializer);
          if (isFunctionOrClassExpression(init)) {
            this.locals.set(d.name.text, { node: init, docHost: d, name: d.name.text, nameNode: d.name });
          } else if (ts.isObjectLiteralExpression(init)) {
            this.objectLocals.set(d.name.text, init);
          } else if (this.es5ClassExpression(init, d.name.text)) {
            const { constructorFn, body } = this.es5ClassExpression(init, d.name.text)!;
            this.locals.set(d.name.text, { node: constructorFn, docHost: d, name: d.name.text, nameNode: d.name });
            this.es5ClassBodies.push(body);
          } else {
            const spec = requireSpecifier(init);
            if (spec !== undefined) this.imports.set(d.name.text, { specifier: spec, name: 'export=' });
          }
        }
      } else if (ts.isImportDeclaration(s) && ts.isStringLiteralLike(s.moduleSpecifier) && s.importClause) {
        const specifier = s.moduleSpecifier.text;
        const clause = s.importClause;
        if (clause.name) this.imports.set(clause.name.text, { specifier, name: 'default' });
        const bindings = clause.namedBindings;
        if (bindings && ts.isNamespaceImport(bindings)) this.imports.set(bindings.name.text, { specifier, name: '*' });
        if (bindings && ts.isNamedImports(bindings)) {
          for (const el of bindings.elements) {
            this.imports.set(el.name.text, { specifier, name: moduleExportNameText(el.propertyName ?? el.name) });
          }
        }
      }
    }
  }

  /**
   * `const readFile = universalify.fromPromise(_readFile)`, `const f = memoize(function (x) {…})`: the exported value
   * is what the wrapper returns, but its parameters, documentation and body are the wrapped function's. Run after every
   * scope's locals are known, because the wrapped function may be declared further down.
   */
  private resolveWrappedLocals(statements: ts.NodeArray<ts.Statement>): void {
    for (const s of statements) {
      if (!ts.isVariableStatement(s) || hasModifier(s, ts.SyntaxKind.DeclareKeyword)) continue;
      for (const d of s.declarationList.declarations) {
        if (!ts.isIdentifier(d.name) || !d.initializer || this.locals.has(d.name.text)) continue;
        const inner = this.wrappedFunction(unwrapExpression(d.initializer));
        if (inner) this.locals.set(d.name.text, { node: inner, docHost: d, name: d.name.text, nameNode: d.name });
      }
    }
  }

  /** The function a wrapper call wraps: its one function argument, written inline or named by a local function. */
  private wrappedFunction(e: ts.Expression): FunctionLike | undefined {
    if (!ts.isCallExpression(e) || requireSpecifier(e) !== undefined) return undefined;
    const callee = unwrapExpression(e.expression);
    if (!ts.isIdentifier(callee) && !ts.isPropertyAccessExpression(callee)) return undefined;
    const functions = e.arguments.map((a) => {
      const arg = unwrapExpression(a);
      if (ts.isFunctionExpression(arg) || ts.isArrowFunction(arg)) return arg;
      const local = ts.isIdentifier(arg) ? this.locals.get(arg.text)?.node : undefined;
      return local && !ts.isClassDeclaration(local) && !ts.isClassExpression(local) ? local : undefined;
    });
    const found = functions.filter((f) => f !== undefined);
    return found.length === 1 ? found[0] : undefined;
  }

  /**
   * `module.exports = <e>` (or a module body's return value): a function, a class, a local, an object of them.
   * `site`: where a function written right there is documented and named (the assignment statement, its target).
   */
  private exportWhole(e: ts.Expression, site?: { docHost: ts.Node; nameNode: ts.Node }): void {
    let right = unwrapExpression(e);
    // `module.exports = exports = X`, and `new Proxy(X, handler)`, which behaves as X to the calls a test makes.
    while (ts.isBinaryExpression(right) && right.operatorToken.kind === ts.SyntaxKind.EqualsToken) right = unwrapExpression(right.right);
    if (ts.isNewExpression(right) && ts.isIdentifier(right.expression) && right.expression.text === 'Proxy' && right.arguments?.length) {
      right = unwrapExpression(right.arguments[0]);
    }
    if (ts.isIdentifier(right)) {
      const object = this.objectLocals.get(right.text);
      if (object && !this.locals.has(right.text)) this.exportObject(object);
      else this.exportLocal(right.text, 'export=');
    } else if (isFunctionOrClassExpression(right)) {
      const ownName = !ts.isArrowFunction(right) && right.name ? right.name.text : undefined;
      const name = ownName ?? 'module.exports';
      this.addUnitExport(name, { node: right, docHost: site?.docHost ?? right, name, nameNode: site?.nameNode ?? right }, 'export=');
    } else if (ts.isObjectLiteralExpression(right)) {
      this.exportObject(right);
    } else {
      const spec = requireSpecifier(right);
      if (spec !== undefined) this.exports.star.push(spec);
    }
  }

  /** `module.exports = { a, b: c, d: function () {…}, e() {…}, f: wrap(g) }`. */
  private exportObject(object: ts.ObjectLiteralExpression): void {
    for (const p of object.properties) {
      if (ts.isShorthandPropertyAssignment(p)) {
        this.exportLocal(p.name.text, p.name.text);
      } else if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteralLike(p.name))) {
        const exportName = p.name.text;
        const value = unwrapExpression(p.initializer);
        const wrapped = this.wrappedFunction(value);
        if (ts.isIdentifier(value)) this.exportLocal(value.text, exportName);
        else if (isFunctionOrClassExpression(value)) {
          this.addUnitExport(exportName, { node: value, docHost: p, name: exportName, nameNode: p.name }, exportName);
        } else if (wrapped) {
          this.addUnitExport(exportName, { node: wrapped, docHost: p, name: exportName, nameNode: p.name }, exportName);
        }
      } else if (ts.isMethodDeclaration(p) && (ts.isIdentifier(p.name) || ts.isStringLiteralLike(p.name))) {
        this.addUnitExport(p.name.text, { node: p, docHost: p, name: p.name.text, nameNode: p.name }, p.name.text);
      }
    }
  }

  private collectGuardedExports(s: ts.IfStatement): void {
    for (const branch of [s.thenStatement, s.elseStatement]) {
      if (!branch) continue;
      const statements = ts.isBlock(branch) ? branch.statements : [branch];
      for (const x of statements) {
        if (ts.isExpressionStatement(x)) this.collectCommonJsExport(x);
        else if (ts.isIfStatement(x)) this.collectGuardedExports(x);
      }
    }
  }

  /** `(function (_super) { __extends(X, _super); function X() {…} …; return X; }(Base))`: TypeScript's ES5 class. */
  private es5ClassExpression(init: ts.Expression, name: string): { constructorFn: ts.FunctionDeclaration; body: ts.NodeArray<ts.Statement> } | undefined {
    if (!ts.isCallExpression(init)) return undefined;
    const callee = unwrapExpression(init.expression);
    if (!isFunctionBody(callee) || !ts.isBlock(callee.body)) return undefined;
    const body = callee.body.statements;
    const last = body[body.length - 1];
    if (!last || !ts.isReturnStatement(last) || !last.expression || !ts.isIdentifier(last.expression) || last.expression.text !== name) return undefined;
    const constructorFn = body.find((x): x is ts.FunctionDeclaration => ts.isFunctionDeclaration(x) && x.name?.text === name && !!x.body);
    return constructorFn ? { constructorFn, body } : undefined;
  }

  /**
   * `X.prototype.m = function…`, `X.prototype = { m() {…} }` and `X.s = function…` for a local function X. Names with a
   * leading `_` are private by convention in ES5 code, like TypeScript's `private`.
   */
  private collectEs5Members(statements: ts.NodeArray<ts.Statement>): void {
    const add = (owner: string, member: Es5Member) => {
      const local = this.locals.get(owner)?.node;
      if (!local || !(ts.isFunctionDeclaration(local) || ts.isFunctionExpression(local)) || member.name.startsWith('_')) return;
      const list = this.es5Members.get(owner) ?? [];
      if (!list.some((m) => m.name === member.name && m.isStatic === member.isStatic)) list.push(member);
      this.es5Members.set(owner, list);
    };
    const isPrototypeOf = (e: ts.Expression): string | undefined =>
      ts.isPropertyAccessExpression(e) && e.name.text === 'prototype' && ts.isIdentifier(e.expression) ? e.expression.text : undefined;
    for (const s of statements) {
      if (!ts.isExpressionStatement(s)) continue;
      const e = s.expression;
      if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
      const right = unwrapExpression(e.right);
      const left = e.left;
      // `Q.all = all`: a static member that is a local function written elsewhere.
      const localFn = ts.isIdentifier(right) ? this.locals.get(right.text)?.node : undefined;
      const fnValue = ts.isFunctionExpression(right) || ts.isArrowFunction(right) ? right : localFn && (ts.isFunctionDeclaration(localFn) || ts.isFunctionExpression(localFn) || ts.isArrowFunction(localFn)) ? localFn : undefined;
      if (ts.isPropertyAccessExpression(left) && fnValue) {
        const onPrototype = isPrototypeOf(left.expression);
        if (onPrototype) add(onPrototype, { name: left.name.text, node: fnValue, isStatic: false, docHost: s, nameNode: left.name });
        else if (ts.isIdentifier(left.expression) && left.name.text !== 'prototype') add(left.expression.text, { name: left.name.text, node: fnValue, isStatic: true, docHost: s, nameNode: left.name });
      } else if (isPrototypeOf(left) && ts.isObjectLiteralExpression(right)) {
        const owner = isPrototypeOf(left)!;
        for (const p of right.properties) {
          if (!p.name || !(ts.isIdentifier(p.name) || ts.isStringLiteralLike(p.name))) continue;
          const value = ts.isPropertyAssignment(p) ? unwrapExpression(p.initializer) : ts.isMethodDeclaration(p) ? p : undefined;
          if (value && (ts.isFunctionExpression(value) || ts.isArrowFunction(value) || ts.isMethodDeclaration(value))) {
            add(owner, { name: p.name.text, node: value, isStatic: false, docHost: p, nameNode: p.name });
          }
        }
      }
    }
  }

  /** A constructor function with prototype members: a class unit, its constructor, and its public members. */
  private es5ClassUnits(qualified: string, displayName: string, fn: ts.FunctionDeclaration | ts.FunctionExpression, decl: LocalDecl, exportNames: string[], members: Es5Member[]): Unit[] {
    const classId = `${this.options.relPath}#${qualified}`;
    const className = qualified === 'default' ? 'default' : decl.name;
    const units: Unit[] = [this.makeUnit(qualified, displayName, 'class', fn, decl.docHost, decl.nameNode, exportNames)];
    units.push(this.member(classId, `${className}.constructor`, `new ${className}`, 'constructor', fn, decl.nameNode, 'constructor', decl.docHost));
    for (const m of members) {
      const qualifiedMember = m.isStatic ? `${className}.${m.name}` : `${className}.prototype.${m.name}`;
      units.push(this.member(classId, qualifiedMember, `${className}.${m.name}`, m.isStatic ? 'static-method' : 'method', m.node, m.nameNode, m.name, m.docHost));
    }
    return units;
  }

  /** Records that the module exports local `name` as `exportName`; re-exports of imports become re-export targets. */
  private exportLocal(localName: string, exportName: string): void {
    const decl = this.locals.get(localName);
    if (decl) {
      this.addUnitExport(decl.name, decl, exportName);
      return;
    }
    const imported = this.imports.get(localName);
    if (imported && imported.name !== '*') {
      this.setExport(exportName, { kind: 'reexport', specifier: imported.specifier, name: imported.name });
    }
  }

  private setExport(exportName: string, target: ExportTarget): void {
    this.exports.named.set(exportName, target);
  }

  private addUnitExport(qualified: string, decl: LocalDecl, exportName: string): void {
    const entry = this.unitsByName.get(qualified) ?? { decl, exportNames: [] };
    if (!entry.exportNames.includes(exportName)) entry.exportNames.push(exportName);
    this.unitsByName.set(qualified, entry);
    this.setExport(exportName, { kind: 'unit', unitId: `${this.options.relPath}#${qualified}` });
  }

  private collectExports(s: ts.Statement): void {
    const exported = hasModifier(s, ts.SyntaxKind.ExportKeyword);
    const isDefault = hasModifier(s, ts.SyntaxKind.DefaultKeyword);
    if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && exported) {
      if (hasModifier(s, ts.SyntaxKind.DeclareKeyword)) return;
      if (ts.isFunctionDeclaration(s) && !s.body && s.name && this.locals.get(s.name.text)?.node !== s) return;
      if (s.name) {
        this.exportLocal(s.name.text, isDefault ? 'default' : s.name.text);
      } else {
        const keyword = (ts.getModifiers(s) ?? []).find((m) => m.kind === ts.SyntaxKind.DefaultKeyword) ?? s;
        this.addUnitExport('default', { node: s, docHost: s, name: 'default', nameNode: keyword }, 'default');
      }
      return;
    }
    if (ts.isVariableStatement(s) && exported) {
      for (const d of s.declarationList.declarations) {
        if (ts.isIdentifier(d.name)) this.exportLocal(d.name.text, d.name.text);
      }
      return;
    }
    if (ts.isExportDeclaration(s)) {
      if (s.isTypeOnly) return;
      const specifier = s.moduleSpecifier && ts.isStringLiteralLike(s.moduleSpecifier) ? s.moduleSpecifier.text : undefined;
      const clause = s.exportClause;
      if (!clause) {
        if (specifier !== undefined) this.exports.star.push(specifier);
      } else if (ts.isNamespaceExport(clause)) {
        if (specifier !== undefined) this.setExport(moduleExportNameText(clause.name), { kind: 'reexport', specifier, name: '*' });
      } else {
        for (const el of clause.elements) {
          if (el.isTypeOnly) continue;
          const local = moduleExportNameText(el.propertyName ?? el.name);
          const exportName = moduleExportNameText(el.name);
          if (specifier !== undefined) this.setExport(exportName, { kind: 'reexport', specifier, name: local });
          else this.exportLocal(local, exportName);
        }
      }
      return;
    }
    if (ts.isExportAssignment(s)) {
      const exportName = s.isExportEquals ? 'export=' : 'default';
      const e = unwrapExpression(s.expression);
      if (ts.isIdentifier(e)) {
        this.exportLocal(e.text, exportName);
      } else if (isFunctionOrClassExpression(e)) {
        const name = !ts.isArrowFunction(e) && e.name ? e.name.text : 'default';
        const exportKeyword = s.getFirstToken(this.sf) ?? s;
        this.addUnitExport(name, { node: e, docHost: s, name, nameNode: e.name && !ts.isArrowFunction(e) ? e.name : exportKeyword }, exportName);
      }
      return;
    }
    if (ts.isExpressionStatement(s)) this.collectCommonJsExport(s);
  }

  private collectCommonJsExport(s: ts.ExpressionStatement): void {
    const e = s.expression;
    if (ts.isCallExpression(e)) return this.collectDefinedExport(e, s);
    if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return;
    const target = commonJsTarget(e.left);
    if (!target) return;
    const right = unwrapExpression(e.right);
    if ('name' in target) {
      const wrapped = this.wrappedFunction(right);
      if (ts.isIdentifier(right)) this.exportLocal(right.text, target.name);
      else if (isFunctionOrClassExpression(right)) {
        this.addUnitExport(target.name, { node: right, docHost: s, name: target.name, nameNode: target.node }, target.name);
      } else if (wrapped) {
        this.addUnitExport(target.name, { node: wrapped, docHost: s, name: target.name, nameNode: target.node }, target.name);
      }
      return;
    }
    // module.exports = …
    this.exportWhole(right, { docHost: s, nameNode: target.node });
  }

  /**
   * `Object.defineProperty(exports, 'name', { get: function () { return local; } })` (TypeScript's CommonJS output for
   * `export { local }` and re-exports, and hand-written modules), or `{ value: fn }`: an export like `exports.name = …`.
   */
  private collectDefinedExport(call: ts.CallExpression, s: ts.ExpressionStatement): void {
    const callee = unwrapExpression(call.expression);
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'defineProperty' || !ts.isIdentifier(callee.expression) || callee.expression.text !== 'Object') return;
    const [objectArg, nameArg, descriptor] = call.arguments.map(unwrapExpression);
    const onExports = objectArg && ((ts.isIdentifier(objectArg) && objectArg.text === 'exports') || (!!commonJsTarget(objectArg) && 'whole' in commonJsTarget(objectArg)!));
    if (!onExports || !nameArg || !ts.isStringLiteralLike(nameArg) || !descriptor || !ts.isObjectLiteralExpression(descriptor)) return;
    const exportName = nameArg.text;
    if (exportName === '__esModule') return;
    for (const p of descriptor.properties) {
      const key = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteralLike(p.name)) ? p.name.text : undefined;
      // `get: function () { return x; }`, `get() { return x; }`, `get: () => x`: what the getter returns is the export.
      let returned: ts.Expression | undefined;
      if (key === 'get' && ts.isPropertyAssignment(p)) {
        const fn = unwrapExpression(p.initializer);
        if (ts.isFunctionExpression(fn) || ts.isArrowFunction(fn)) returned = ts.isBlock(fn.body) ? lastReturn(fn.body) : fn.body;
      } else if (key === 'get' && ts.isMethodDeclaration(p) && p.body) returned = lastReturn(p.body);
      else if (key === 'value' && ts.isPropertyAssignment(p)) returned = p.initializer;
      if (!returned) continue;
      const value = unwrapExpression(returned);
      if (ts.isIdentifier(value)) this.exportLocal(value.text, exportName);
      else if (ts.isPropertyAccessExpression(value) && ts.isIdentifier(value.expression)) {
        // `return m.half` with `var m = require('./half')`: a re-export.
        const imported = this.imports.get(value.expression.text);
        if (imported) this.setExport(exportName, { kind: 'reexport', specifier: imported.specifier, name: value.name.text });
      } else if (isFunctionOrClassExpression(value)) {
        this.addUnitExport(exportName, { node: value, docHost: s, name: exportName, nameNode: nameArg }, exportName);
      }
      return;
    }
  }

  private unitsFor(qualified: string, decl: LocalDecl, exportNames: string[]): Unit[] {
    const displayName = qualified === 'default' ? 'default export' : qualified;
    if (ts.isClassDeclaration(decl.node) || ts.isClassExpression(decl.node)) {
      return this.classUnits(qualified, displayName, decl.node, decl, exportNames);
    }
    const members = this.es5Members.get(decl.name) ?? [];
    if ((ts.isFunctionDeclaration(decl.node) || ts.isFunctionExpression(decl.node)) && members.some((m) => !m.isStatic)) {
      return this.es5ClassUnits(qualified, displayName, decl.node, decl, exportNames, members);
    }
    const fn = this.makeUnit(qualified, displayName, 'function', decl.node, decl.docHost, decl.nameNode, exportNames);
    // A function that is also a namespace (`Q.all = all`, `Q.delay = function…`): its functions are called through it.
    const statics = members.filter((m) => m.isStatic && m.node !== decl.node);
    return [fn, ...statics.map((m) => this.member(fn.id, `${decl.name}.${m.name}`, `${decl.name}.${m.name}`, 'static-method', m.node, m.nameNode, m.name, m.docHost))];
  }

  private classUnits(qualified: string, displayName: string, node: ClassLike, decl: LocalDecl, exportNames: string[]): Unit[] {
    const classId = `${this.options.relPath}#${qualified}`;
    const ctor = node.members.find((m): m is ts.ConstructorDeclaration => ts.isConstructorDeclaration(m) && !!m.body);
    const classUnit = this.makeUnit(qualified, displayName, 'class', ctor, decl.docHost, decl.nameNode, exportNames);
    const base = this.baseOf(node);
    if (base) classUnit.base = base;
    if (node.typeParameters?.length) classUnit.generic = true;
    if (hasModifier(node, ts.SyntaxKind.AbstractKeyword)) {
      classUnit.abstract = true;
      classUnit.abstractMembers = this.abstractMembers(node);
      if (node.typeParameters?.length) {
        // A constraint or default that names another type parameter cannot stand outside the class: `unknown` then.
        const names = node.typeParameters.map((t) => t.name.text);
        const standalone = (t: ts.TypeNode | undefined) => (t && !names.some((n) => new RegExp(`\\b${n}\\b`).test(t.getText(this.sf))) ? t.getText(this.sf) : undefined);
        classUnit.typeArguments = node.typeParameters.map((t) => standalone(t.constraint) ?? standalone(t.default) ?? 'unknown');
      }
    }
    const units: Unit[] = [classUnit];
    const className = qualified === 'default' ? 'default' : decl.name;
    if (ctor) {
      units.push(this.member(classId, `${className}.constructor`, `new ${className}`, 'constructor', ctor, ctor.getFirstToken(this.sf) ?? ctor, 'constructor'));
    }
    for (const m of node.members) {
      if (hasModifier(m, ts.SyntaxKind.PrivateKeyword) || hasModifier(m, ts.SyntaxKind.ProtectedKeyword)) continue;
      if (!m.name || ts.isPrivateIdentifier(m.name)) continue;
      if (!(ts.isIdentifier(m.name) || ts.isStringLiteralLike(m.name))) continue;
      const memberName = m.name.text;
      const isStatic = hasModifier(m, ts.SyntaxKind.StaticKeyword);
      const qualifiedMember = isStatic ? `${className}.${memberName}` : `${className}.prototype.${memberName}`;
      const shown = `${className}.${memberName}`;
      if (ts.isMethodDeclaration(m)) {
        // Overload signatures (their implementation is the unit) and abstract methods (no code: a subclass's is) are
        // not units.
        if (!m.body && (hasModifier(m, ts.SyntaxKind.AbstractKeyword) || this.hasImplementation(node, memberName, isStatic))) continue;
        units.push(this.member(classId, qualifiedMember, shown, isStatic ? 'static-method' : 'method', m, m.name, memberName));
      } else if (ts.isGetAccessorDeclaration(m)) {
        units.push(this.member(classId, qualifiedMember, shown, 'getter', m, m.name, memberName));
      } else if (ts.isPropertyDeclaration(m) && m.initializer) {
        const init = unwrapExpression(m.initializer);
        if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) {
          units.push(this.member(classId, qualifiedMember, shown, isStatic ? 'static-method' : 'method', init, m.name, memberName, m));
        }
      }
    }
    return units;
  }

  /** The abstract members of a class, with what each returns or holds as the checker sees it. */
  private abstractMembers(node: ClassLike): NonNullable<Unit['abstractMembers']> {
    const checker = this.options.checker;
    const out: NonNullable<Unit['abstractMembers']> = [];
    for (const m of node.members) {
      if (!hasModifier(m, ts.SyntaxKind.AbstractKeyword) || !m.name || !(ts.isIdentifier(m.name) || ts.isStringLiteralLike(m.name))) continue;
      const kind = ts.isMethodDeclaration(m) ? 'method' : ts.isGetAccessorDeclaration(m) ? 'getter' : ts.isPropertyDeclaration(m) ? 'property' : undefined;
      if (!kind || out.some((o) => o.name === (m.name as ts.Identifier).text)) continue;
      let shape: TypeShape | undefined;
      if (checker) {
        if (kind === 'property') {
          const symbol = checker.getSymbolAtLocation(m.name);
          if (symbol) shape = shapeOfType(checker, checker.getTypeOfSymbolAtLocation(symbol, m));
        } else {
          const signature = checker.getSignatureFromDeclaration(m as ts.SignatureDeclaration);
          if (signature) shape = shapeOfType(checker, checker.getReturnTypeOfSignature(signature));
        }
      }
      out.push({ name: m.name.text, kind, ...(shape ? { shape } : {}) });
    }
    return out;
  }

  /** The class `node` extends: an exported class of this module, or an imported one. */
  private baseOf(node: ClassLike): Unit['base'] {
    const heritage = node.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
    if (!heritage) return undefined;
    if (ts.isIdentifier(heritage)) {
      const imported = this.imports.get(heritage.text);
      if (imported) return { specifier: imported.specifier, exportName: imported.name };
      const local = this.locals.get(heritage.text);
      for (const [qualified, entry] of this.unitsByName) if (local && entry.decl === local) return { id: `${this.options.relPath}#${qualified}` };
      return undefined;
    }
    // `extends ns.Base` with `import * as ns`.
    if (ts.isPropertyAccessExpression(heritage) && ts.isIdentifier(heritage.expression)) {
      const ns = this.imports.get(heritage.expression.text);
      if (ns && ns.name === '*') return { specifier: ns.specifier, exportName: heritage.name.text };
    }
    return undefined;
  }

  /** Bodies of this module's functions that `body` calls, two levels deep: their literals guard the unit's paths too. */
  private calleeBodies(body: ts.Node, depth = 0, seen = new Set<ts.Node>()): ts.Node[] {
    if (depth >= 2) return [];
    const out: ts.Node[] = [];
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) && ts.isIdentifier(n.expression)) {
        const callee = this.locals.get(n.expression.text)?.node;
        const calleeBody = callee && !ts.isClassDeclaration(callee) && !ts.isClassExpression(callee) ? callee.body : undefined;
        if (calleeBody && !seen.has(calleeBody)) {
          seen.add(calleeBody);
          out.push(calleeBody, ...this.calleeBodies(calleeBody, depth + 1, seen));
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(body);
    return out;
  }

  private imported: string[] | undefined;
  /** The module specifiers the module imports or requires (collected once per file). */
  private importedModules(): string[] {
    if (this.imported) return this.imported;
    const found: string[] = [];
    const visit = (n: ts.Node): void => {
      if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) found.push(n.moduleSpecifier.text);
      else if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'require' && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) found.push(n.arguments[0].text);
      ts.forEachChild(n, visit);
    };
    visit(this.sf);
    return (this.imported = found);
  }

  /** Whether the module imports or requires a file-system module. */
  private importsFileSystem(): boolean {
    return this.importedModules().some((m) => /^(node:)?(fs|fs\/promises)$|^(fs-extra|graceful-fs|mkdirp|rimraf)$/.test(m));
  }

  /** Whether the module imports React or Preact (its hooks run only while a component renders). */
  private importsReact(): boolean {
    return this.importedModules().some((m) => /^(react|preact|preact\/hooks|preact\/compat)$/.test(m));
  }

  /** Whether the module imports or requires an HTML parser: its string parameters named for a document take HTML. */
  private importsHtmlParser(): boolean {
    return this.importedModules().some((m) => /^(cheerio|jsdom|parse5|htmlparser2|node-html-parser|linkedom|domino)(\/|$)/.test(m));
  }

  private hasImplementation(node: ClassLike, name: string, isStatic: boolean): boolean {
    return node.members.some(
      (x) =>
        ts.isMethodDeclaration(x) &&
        !!x.body &&
        !!x.name &&
        (ts.isIdentifier(x.name) || ts.isStringLiteralLike(x.name)) &&
        x.name.text === name &&
        hasModifier(x, ts.SyntaxKind.StaticKeyword) === isStatic,
    );
  }

  private member(
    classId: string,
    qualified: string,
    shown: string,
    kind: UnitKind,
    node: FunctionLike | ts.ConstructorDeclaration | ts.GetAccessorDeclaration,
    nameNode: ts.Node,
    memberName: string,
    docHost: ts.Node = node,
  ): Unit {
    const unit = this.makeUnit(qualified, shown, kind, node, docHost, nameNode, []);
    unit.parent = classId;
    unit.memberName = memberName;
    return unit;
  }

  private makeUnit(
    qualified: string,
    name: string,
    kind: UnitKind,
    fn: ts.SignatureDeclaration | undefined,
    docHost: ts.Node,
    nameNode: ts.Node,
    exportNames: string[],
  ): Unit {
    const checker = this.options.checker;
    const signature = fn && checker ? checker.getSignatureFromDeclaration(fn) : undefined;
    const jsDoc = readJsDoc(docHost) ?? (fn && fn !== docHost ? readJsDoc(fn) : undefined);
    const params: Param[] = [];
    if (fn) {
      fn.parameters.forEach((p, i) => {
        if (ts.isIdentifier(p.name) && p.name.text === 'this') return;
        const name = ts.isIdentifier(p.name) ? p.name.text : p.name.getText(this.sf);
        const docType = p.type ?? ts.getJSDocType(p);
        const paramTag = ts.getJSDocParameterTags(p)[0];
        let type = docType?.getText(this.sf);
        let shape: TypeShape | undefined;
        if (checker && signature) {
          const symbol = signature.parameters[i];
          if (symbol) {
            const t = checker.getTypeOfSymbolAtLocation(symbol, fn);
            type = typeText(checker, t);
            // An optional parameter's type includes `undefined`; the shape describes what a caller passes.
            shape = shapeOfType(checker, p.questionToken || p.initializer ? checker.getNonNullableType(t) : t);
          }
        }
        params.push({
          name,
          ...(shape ? { shape } : {}),
          type,
          optional: !!p.questionToken || !!p.initializer || !!paramTag?.isBracketed || (!!docType && ts.isJSDocOptionalType(docType)),
          defaultText: p.initializer?.getText(this.sf),
          rest: !!p.dotDotDotToken,
        });
      });
    }
    const predicate = signature && checker ? checker.getTypePredicateOfSignature(signature) : undefined;
    const guard = predicate?.kind === ts.TypePredicateKind.Identifier && predicate.type && checker ? { index: predicate.parameterIndex, shape: shapeOfType(checker, predicate.type) } : undefined;
    let returnType: string | undefined;
    let returnShape: TypeShape | undefined;
    if (fn && kind !== 'class' && kind !== 'constructor') {
      returnType = (fn.type ?? ts.getJSDocReturnType(fn))?.getText(this.sf);
      if (checker && signature) {
        const t = checker.getReturnTypeOfSignature(signature);
        returnType = typeText(checker, t);
        returnShape = shapeOfType(checker, t);
      }
    }
    const isFunction = !!fn && kind !== 'class' && kind !== 'constructor';
    return {
      id: `${this.options.relPath}#${qualified}`,
      file: this.sf.fileName,
      kind,
      name,
      exportNames: [...exportNames],
      nameSpan: spanOf(nameNode, this.sf),
      span: spanOf(kind === 'class' || !fn ? docHost : fn, this.sf),
      params,
      returnType,
      ...(returnShape ? { returnShape } : {}),
      async: isFunction && hasModifier(fn!, ts.SyntaxKind.AsyncKeyword),
      generator: isFunction && 'asteriskToken' in fn! && !!fn.asteriskToken,
      jsDoc,
      ...(checker && fn && 'body' in fn && fn.body ? { constants: { ...mineConstants([fn.body, ...this.calleeBodies(fn.body)], fn.parameters, checker), ...(this.importsFileSystem() ? { moduleFileSystem: true } : {}), ...(this.importsHtmlParser() ? { moduleHtml: true } : {}) } } : {}),
      typeFrom: checker ? 'checker' : 'syntax',
      ...(guard ? { guard } : {}),
      ...(kind === 'function' && [name, qualified, fn && 'name' in fn && fn.name && ts.isIdentifier(fn.name) ? fn.name.text : ''].some((n) => /^use[A-Z0-9]/.test(n)) && this.importsReact() ? { reactHook: true } : {}),
    };
  }
}

const MAX_CONSTANTS = 8;
const MAX_KEYS = 3;
const FS_FUNCTIONS = new Set([
  'readFile', 'readFileSync', 'writeFile', 'writeFileSync', 'appendFile', 'appendFileSync', 'existsSync', 'exists',
  'mkdir', 'mkdirSync', 'mkdtemp', 'mkdtempSync', 'readdir', 'readdirSync', 'stat', 'statSync', 'lstat', 'lstatSync',
  'unlink', 'unlinkSync', 'rm', 'rmSync', 'rmdir', 'rmdirSync', 'copyFile', 'copyFileSync', 'rename', 'renameSync',
  'access', 'accessSync', 'open', 'openSync', 'createReadStream', 'createWriteStream', 'outputFile', 'outputFileSync',
  'readJson', 'readJsonSync', 'writeJson', 'writeJsonSync', 'ensureDir', 'ensureDirSync', 'pathExists', 'pathExistsSync',
]);

/** Number, string and regex literals of a function body (source order, no duplicates), and parameter properties read. */
function mineConstants(bodies: ts.Node[], params: readonly ts.ParameterDeclaration[], checker?: ts.TypeChecker): NonNullable<Unit['constants']> {
  const numbers = new Set<number>();
  const strings = new Set<string>();
  // `data.countries[id]`: a few keys of the object a parameter indexes (ids, codes, names) are inputs that are found.
  const keys = new Set<string>();
  const regexps = new Map<string, { source: string; flags: string }>();
  const paramNames = new Set(params.flatMap((p) => (ts.isIdentifier(p.name) ? [p.name.text] : [])));
  const paramProperties: Record<string, string[]> = {};
  let fileSystem = false;
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) {
      const callee = n.expression;
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
      if (FS_FUNCTIONS.has(name)) fileSystem = true;
    }
    if (ts.isRegularExpressionLiteral(n) && regexps.size < MAX_CONSTANTS) {
      const m = /^\/(.*)\/([a-z]*)$/s.exec(n.text);
      if (m) regexps.set(n.text, { source: m[1], flags: m[2] });
    }
    if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) && paramNames.has(n.expression.text)) {
      const list = (paramProperties[n.expression.text] ??= []);
      if (!list.includes(n.name.text) && list.length < MAX_CONSTANTS) list.push(n.name.text);
    }
    if (checker && ts.isElementAccessExpression(n) && ts.isIdentifier(n.argumentExpression) && paramNames.has(n.argumentExpression.text) && keys.size < MAX_KEYS) {
      try {
        const names = typeThrough(n.expression, bodies, checker).getProperties().map((p) => p.getName()).filter((k) => !/^__/.test(k) && k.length <= 40);
        for (const k of names.slice(0, MAX_KEYS - keys.size)) keys.add(k);
      } catch {
        // a type the checker cannot give: no keys
      }
    }
    if (numbers.size >= MAX_CONSTANTS && strings.size >= MAX_CONSTANTS) return ts.forEachChild(n, visit);
    if (ts.isNumericLiteral(n)) {
      const negative = ts.isPrefixUnaryExpression(n.parent) && n.parent.operator === ts.SyntaxKind.MinusToken;
      const v = Number(n.text) * (negative ? -1 : 1);
      if (Number.isFinite(v) && numbers.size < MAX_CONSTANTS) numbers.add(v);
    } else if ((ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) && n.text.length <= 40 && !ts.isImportDeclaration(n.parent) && !(ts.isCallExpression(n.parent) && n.parent.expression.getText() === 'require')) {
      if (strings.size < MAX_CONSTANTS) strings.add(n.text);
    }
    ts.forEachChild(n, visit);
  };
  for (const body of bodies) visit(body);
  return {
    numbers: [...numbers],
    strings: [...new Set([...keys, ...strings])],
    ...(regexps.size > 0 ? { regexps: [...regexps.values()] } : {}),
    ...(Object.keys(paramProperties).length > 0 ? { paramProperties } : {}),
    ...(fileSystem ? { fileSystem } : {}),
  };
}

/**
 * The type of `e`, looking through a helper's untyped parameter to what the calls in `bodies` pass for it:
 * `buildCountry(data, id)` makes `data.countries` inside buildCountry the module's `data.countries`.
 */
function typeThrough(e: ts.Expression, bodies: ts.Node[], checker: ts.TypeChecker, depth = 0): ts.Type {
  const own = checker.getTypeAtLocation(e);
  if (!(own.flags & ts.TypeFlags.Any) || depth > 4) return own;
  if (ts.isPropertyAccessExpression(e)) {
    const base = typeThrough(e.expression, bodies, checker, depth + 1);
    const prop = base.getProperty(e.name.text);
    return prop ? checker.getTypeOfSymbolAtLocation(prop, e) : own;
  }
  const decl = ts.isIdentifier(e) ? checker.getSymbolAtLocation(e)?.valueDeclaration : undefined;
  if (!decl || !ts.isParameter(decl)) return own;
  const fn = decl.parent;
  const index = fn.parameters.indexOf(decl);
  let passed: ts.Expression | undefined;
  const find = (n: ts.Node): void => {
    if (passed) return;
    if (ts.isCallExpression(n) && n.arguments[index] && checker.getSymbolAtLocation(n.expression)?.valueDeclaration === fn) passed = n.arguments[index];
    else ts.forEachChild(n, find);
  };
  for (const body of bodies) find(body);
  return passed && passed !== e ? typeThrough(passed, bodies, checker, depth + 1) : own;
}

function typeText(checker: ts.TypeChecker, type: ts.Type): string {
  return checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation);
}

function commentText(comment: string | ts.NodeArray<ts.JSDocComment> | undefined): string | undefined {
  const text = ts.getTextOfJSDocComment(comment)?.trim();
  return text ? text : undefined;
}

export function readJsDoc(node: ts.Node): JsDocInfo | undefined {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  if (docs.length === 0) return undefined;
  const doc = docs[docs.length - 1];
  const info: JsDocInfo = { params: [], throws: [], examples: [] };
  const summary = commentText(doc.comment);
  if (summary) info.summary = summary.split(/\r?\n\s*\r?\n/)[0].trim();
  for (const tag of doc.tags ?? []) {
    if (ts.isJSDocParameterTag(tag)) {
      info.params.push({ name: tag.name.getText(), type: tag.typeExpression?.type.getText(), text: commentText(tag.comment) });
    } else if (ts.isJSDocReturnTag(tag)) {
      info.returns = [tag.typeExpression?.type.getText(), commentText(tag.comment)].filter(Boolean).join(' ') || undefined;
    } else if (ts.isJSDocThrowsTag(tag)) {
      const text = [tag.typeExpression?.type.getText(), commentText(tag.comment)].filter(Boolean).join(' ');
      if (text) info.throws.push(text);
    } else if (tag.tagName.text === 'example') {
      const text = commentText(tag.comment);
      if (text) info.examples.push(text);
    }
  }
  return info;
}

// ---------------------------------------------------------------------------------------------------------------
// Test files: what they import, and whether they use it.

type Binding =
  | { kind: 'named'; specifier: string; name: string }
  | { kind: 'default'; specifier: string }
  | { kind: 'whole'; specifier: string };

interface IdentifierUse {
  /** Uses of the name anywhere but in declaration position. */
  count: number;
  /** Uses not followed by `.x` / `['x']`: a call, `new`, or passing the value on. */
  bare: number;
  members: Set<string>;
}

/** Assertion and test libraries: `assert.equal` says nothing about a class member named `equal`. */
const TEST_LIBRARY = /^(uvu|node:assert|assert|chai|vitest|@jest\/globals|expect|sinon|fast-check|node:test|ava|tap)(\/|$)/;
const MOCK_CALLS = new Set(['vi.mock', 'jest.mock', 'vi.doMock', 'jest.doMock']);

/**
 * A test exercises an export when it imports it and refers to the binding somewhere besides the import. Shadowing is
 * not tracked (a local with the same name counts as a use): a missed diagnostic is cheaper than a false one. Uses in
 * type positions do not count, nor do modules the file mocks.
 */
/** Matchers that read the properties their expected value names (jest/vitest, node:assert, chai, tap). */
const OBJECT_MATCHERS = new Set(['toMatchObject', 'toEqual', 'toStrictEqual', 'toHaveProperty', 'deepEqual', 'deepStrictEqual', 'partialDeepStrictEqual', 'containSubset', 'eql', 'equal', 'include', 'includes', 'contain', 'property', 'nestedProperty', 'ownProperty', 'like', 'match', 'same', 'strictSame', 'has', 'hasStrict', 'matchStrict']);
/** Of those, names that are ordinary methods too (`router.match({ … })`): they count only in an assertion chain. */
const COMMON_NAMES = new Set(['equal', 'include', 'includes', 'contain', 'property', 'nestedProperty', 'ownProperty', 'like', 'match', 'same', 'strictSame', 'has', 'hasStrict', 'matchStrict']);
/** Where an assertion chain starts: `expect(x)…`, `assert.…`, tap/ava's `t.…`, chai's `should`. */
const ASSERTION_ROOTS = /^(expect|assert|t|tap|should|chai)$/;

/** The identifier a call chain starts from: `expect(x).to.have.property` → `expect`, `assert.deepEqual` → `assert`. */
function chainRoot(e: ts.Expression): string | undefined {
  let x = unwrapExpression(e);
  for (let depth = 0; depth < 16; depth++) {
    if (ts.isIdentifier(x)) return x.text;
    if (ts.isPropertyAccessExpression(x) || ts.isElementAccessExpression(x)) x = unwrapExpression(x.expression);
    else if (ts.isCallExpression(x)) x = unwrapExpression(x.expression);
    else return undefined;
  }
  return undefined;
}
/** Of those, the ones whose first argument is a property path. */
const PATH_MATCHERS = new Set(['toHaveProperty', 'property', 'nestedProperty', 'ownProperty']);
/** Modules whose bindings start assertion chains (`import { expect as check } from 'chai'`). */
const ASSERTION_LIBRARY = /^(node:)?assert(\/strict)?$|^chai$|^uvu\/assert$|^vitest$|^@jest\/globals$|^expect$|^tap$|^ava$/;

function calleeName(e: ts.Expression): string {
  const x = unwrapExpression(e);
  return ts.isPropertyAccessExpression(x) ? x.name.text : ts.isIdentifier(x) ? x.text : '';
}

/** Keys of the object literals in `e` (nested, and inside arrays), added to `into`. */
function literalKeys(e: ts.Node, into: Set<string>, depth = 0): void {
  if (depth > 8) return;
  const x = ts.isExpression(e) ? unwrapExpression(e) : e;
  if (ts.isObjectLiteralExpression(x)) {
    for (const p of x.properties) {
      if ((ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p) || ts.isMethodDeclaration(p)) && p.name && (ts.isIdentifier(p.name) || ts.isStringLiteralLike(p.name))) into.add(p.name.text);
      if (ts.isPropertyAssignment(p)) literalKeys(p.initializer, into, depth + 1);
    }
  } else if (ts.isArrayLiteralExpression(x)) {
    for (const el of x.elements) literalKeys(el, into, depth + 1);
  } else if (ts.isCallExpression(x) && /^(objectContaining|arrayContaining)$/.test(calleeName(x.expression))) {
    for (const a of x.arguments) literalKeys(a, into, depth + 1);
  }
}

export function collectTestFacts(sf: ts.SourceFile): TestFacts {
  const bindings = new Map<string, Binding>();
  const uses = new Map<string, IdentifierUse>();
  const propertyNames = new Set<string>();
  const direct: TestReference[] = [];
  const mocked = new Set<string>();
  const use = (name: string) => {
    let u = uses.get(name);
    if (!u) uses.set(name, (u = { count: 0, bare: 0, members: new Set() }));
    return u;
  };

  /** `x = require(…)`, `{ a } = await import(…)`, `{ a } = ns` (ns a namespace binding), `(…) => …` of `.then`. */
  const bindName = (name: ts.BindingName, specifier: string) => {
    if (ts.isIdentifier(name)) {
      bindings.set(name.text, { kind: 'whole', specifier });
    } else if (ts.isObjectBindingPattern(name)) {
      for (const el of name.elements) {
        if (!ts.isIdentifier(el.name)) continue;
        const prop = el.propertyName;
        const exported = prop && (ts.isIdentifier(prop) || ts.isStringLiteralLike(prop)) ? prop.text : el.name.text;
        bindings.set(el.name.text, { kind: 'named', specifier, name: exported });
      }
    }
  };
  const specifierOf = (init: ts.Expression): string | undefined => {
    const spec = requireSpecifier(init) ?? dynamicImportSpecifier(init);
    if (spec !== undefined) return spec;
    const e = unwrapExpression(init);
    if (ts.isIdentifier(e)) {
      const b = bindings.get(e.text);
      if (b && b.kind !== 'named') return b.specifier;
    }
    return undefined;
  };
  const bindVariable = (d: ts.VariableDeclaration) => {
    if (!d.initializer) return;
    const specifier = specifierOf(d.initializer);
    if (specifier !== undefined) bindName(d.name, specifier);
  };

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteralLike(node.moduleSpecifier) && node.importClause && !node.importClause.isTypeOnly) {
      const specifier = node.moduleSpecifier.text;
      const clause = node.importClause;
      if (clause.name) bindings.set(clause.name.text, { kind: 'default', specifier });
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) bindings.set(nb.name.text, { kind: 'whole', specifier });
      if (nb && ts.isNamedImports(nb)) {
        for (const el of nb.elements) {
          if (!el.isTypeOnly) bindings.set(el.name.text, { kind: 'named', specifier, name: moduleExportNameText(el.propertyName ?? el.name) });
        }
      }
      return;
    }
    if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expr = node.moduleReference.expression;
      if (ts.isStringLiteralLike(expr)) bindings.set(node.name.text, { kind: 'whole', specifier: expr.text });
      return;
    }
    if (ts.isVariableDeclaration(node)) bindVariable(node);
    // `mod = await import('…')` in a beforeEach (module registries reset between tests).
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(node.left)) {
      const spec = requireSpecifier(node.right) ?? dynamicImportSpecifier(node.right);
      if (spec !== undefined) bindings.set(node.left.text, { kind: 'whole', specifier: spec });
    }
    // `import('…').then(({ a }) => …)` / `.then((mod) => …)`.
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'then') {
      const spec = dynamicImportSpecifier(node.expression.expression);
      const fn = node.arguments[0];
      if (spec !== undefined && fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && fn.parameters[0]) bindName(fn.parameters[0].name, spec);
    }
    if (ts.isCallExpression(node) && MOCK_CALLS.has(calleeText(node.expression)) && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
      mocked.add(node.arguments[0].text);
    }
    // Types say nothing about what runs: `let c: Cart` or `typeof add` is not a use.
    if (ts.isTypeNode(node) && !ts.isExpressionWithTypeArguments(node)) return;
    if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
      const name = ts.isPropertyAccessExpression(node)
        ? node.name.text
        : ts.isStringLiteralLike(node.argumentExpression)
          ? node.argumentExpression.text
          : undefined;
      if (name !== undefined) {
        const object = unwrapExpression(node.expression);
        const objectBinding = ts.isIdentifier(object) ? bindings.get(object.text) : undefined;
        if (!(objectBinding && TEST_LIBRARY.test(objectBinding.specifier))) propertyNames.add(name);
        if (ts.isIdentifier(object)) use(object.text).members.add(name);
        const spec = requireSpecifier(object);
        if (spec !== undefined) direct.push({ specifier: spec, exportName: name });
      }
    }
    // What an object matcher compares reads those properties of the value under test: `toMatchObject({ hostname })`,
    // `toEqual`/`deepEqual` against a literal, `toHaveProperty('a.b')`, chai's `.property('a')` and `.include({ a })`.
    const matcherName = ts.isCallExpression(node) ? calleeName(node.expression) : '';
    const asserting = (root: string | undefined) => !!root && (ASSERTION_ROOTS.test(root) || (bindings.has(root) && ASSERTION_LIBRARY.test(bindings.get(root)!.specifier)));
    if (ts.isCallExpression(node) && OBJECT_MATCHERS.has(matcherName) && (!COMMON_NAMES.has(matcherName) || asserting(chainRoot(node.expression)))) {
      const matcher = matcherName;
      for (const arg of node.arguments) {
        if (PATH_MATCHERS.has(matcher) && ts.isStringLiteralLike(arg) && arg === node.arguments[0]) arg.text.split('.').forEach((k) => propertyNames.add(k));
        else if (PATH_MATCHERS.has(matcher) && ts.isArrayLiteralExpression(arg) && arg === node.arguments[0]) arg.elements.forEach((e) => ts.isStringLiteralLike(e) && propertyNames.add(e.text));
        else literalKeys(arg, propertyNames);
      }
    }
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const spec = requireSpecifier(node.expression);
      if (spec !== undefined) direct.push({ specifier: spec, exportName: 'export=' });
    }
    if (ts.isIdentifier(node)) recordIdentifier(node);
    ts.forEachChild(node, visit);
  };

  const recordIdentifier = (id: ts.Identifier) => {
    const parent = id.parent;
    if (!parent) return;
    // Declaration names and property keys are not uses of a binding.
    if (ts.isPropertyAccessExpression(parent) && parent.name === id) return;
    if ((ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent)) && parent.name === id) return;
    if ((ts.isVariableDeclaration(parent) || ts.isFunctionDeclaration(parent) || ts.isClassDeclaration(parent) || ts.isParameter(parent)) && parent.name === id) return;
    if (ts.isBindingElement(parent) && (parent.name === id || parent.propertyName === id)) return;
    if (ts.isImportSpecifier(parent) || ts.isImportClause(parent) || ts.isNamespaceImport(parent) || ts.isImportEqualsDeclaration(parent)) return;
    if (ts.isExportSpecifier(parent) && parent.propertyName === id) return;
    const u = use(id.text);
    u.count++;
    const isObjectOfAccess =
      (ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) && parent.expression === id;
    if (!isObjectOfAccess) u.bare++;
  };

  visit(sf);

  const references: TestReference[] = [...direct];
  for (const [local, binding] of bindings) {
    const u = uses.get(local);
    if (!u || u.count === 0) continue;
    if (binding.kind === 'named') {
      // Members accessed on a named import: `util.f()` where `util` is a re-exported namespace.
      references.push({ specifier: binding.specifier, exportName: binding.name, ...(u.members.size > 0 ? { members: [...u.members] } : {}) });
    } else {
      // A default import of a CommonJS module is its `module.exports`, so its members are that module's exports too.
      if (binding.kind === 'default') references.push({ specifier: binding.specifier, exportName: 'default' });
      else if (u.bare > 0) references.push({ specifier: binding.specifier, exportName: 'export=' });
      for (const member of u.members) references.push({ specifier: binding.specifier, exportName: member });
    }
  }
  // A mocked module is replaced, not run: none of its references exercise it.
  return { references: references.filter((r) => !mocked.has(r.specifier)), propertyNames };
}
