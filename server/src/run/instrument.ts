// Transpiling user TypeScript/JavaScript for the sandbox, optionally with block counters.
//
// Why counters of our own: per-candidate coverage decides which generated cases are kept, and on Node 20 neither V8
// route works inside the sandbox — the permission model blocks `node:inspector` ("Access to this API has been
// restricted") and V8 writes no NODE_V8_COVERAGE files under it. A counter call at the start of every block and
// branch is plain JavaScript and runs anywhere.
import ts from 'typescript';
import type { BlockInfo, BlockKind, Guard } from '../core/search';
import { LineIndex } from '../core/text';

import { HIT_FUNCTION } from './protocol';

export { HIT_FUNCTION };

export interface Transpiled {
  code: string;
  /** Number of counters in `code` (ids 0 … blocks-1). */
  blocks: number;
  /** When instrumented: where each counter is in the source and what guards it (index = counter id). */
  map?: BlockInfo[];
}

function hitStatement(f: ts.NodeFactory, id: number): ts.Statement {
  return f.createExpressionStatement(hitCall(f, id));
}

function hitCall(f: ts.NodeFactory, id: number): ts.Expression {
  return f.createCallExpression(f.createIdentifier(HIT_FUNCTION), undefined, [f.createNumericLiteral(id)]);
}

/** Source text of an original node, parenthesized so guards can be combined as written. */
function textOf(node: ts.Node, sf: ts.SourceFile): string {
  return sf.text.slice(node.getStart(sf), node.end);
}

/** Conditions of the `if`s this one is the `else` of (else-if chains): all of them were false. */
function elseIfGuards(stmt: ts.Node, sf: ts.SourceFile): Guard[] {
  const out: Guard[] = [];
  for (let n = stmt; n.parent && ts.isIfStatement(n.parent) && n.parent.elseStatement === n; n = n.parent) out.push({ text: textOf(n.parent.expression, sf), holds: false });
  return out;
}

const EXITS = (s: ts.Statement) => ts.isReturnStatement(s) || ts.isThrowStatement(s) || ts.isBreakStatement(s) || ts.isContinueStatement(s);

/** Whether `node` comes after a statement that always leaves its block (return, throw, break, continue). */
function afterExit(node: ts.Node): boolean {
  for (let n: ts.Node = node; n.parent && !ts.isSourceFile(n); n = n.parent) {
    const p = n.parent;
    if (ts.isFunctionLike(n)) return false;
    if (ts.isBlock(p) || ts.isSourceFile(p) || ts.isCaseClause(p) || ts.isDefaultClause(p) || ts.isModuleBlock(p)) {
      const list = p.statements as ts.NodeArray<ts.Statement>;
      const at = list.indexOf(n as ts.Statement);
      if (at > 0 && list.slice(0, at).some(EXITS)) return true;
    }
  }
  return false;
}

/** Whether `stmt` contains a return, throw, break or continue that leaves it (not one inside a nested function or loop). */
function mayExit(stmt: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node, inLoop: boolean): void => {
    if (found || ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isReturnStatement(n) || ts.isThrowStatement(n) || (!inLoop && (ts.isBreakStatement(n) || ts.isContinueStatement(n)))) {
      found = true;
      return;
    }
    const loop = inLoop || ts.isIterationStatement(n, false) || ts.isSwitchStatement(n);
    ts.forEachChild(n, (c) => visit(c, loop));
  };
  visit(stmt, false);
  return found;
}

/** Whether `stmt` contains a return or throw (not one inside a nested function): it can leave the function. */
function mayLeaveFunction(stmt: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isReturnStatement(n) || ts.isThrowStatement(n)) {
      found = true;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(stmt);
  return found;
}

/**
 * The code after an `if` (or else-if chain) without `else` whose branch can leave, or after a loop whose body can
 * return or throw: a block of its own, reached only when the conditions were false (the loop ran to its end). Its
 * region is the rest of the enclosing statement list (empty at the end of it).
 */
function describeContinuation(stmt: ts.IfStatement | ts.IterationStatement, sf: ts.SourceFile, lines: LineIndex): Omit<BlockInfo, 'id'> {
  let outer: ts.Node = stmt;
  while (outer.parent && ts.isIfStatement(outer.parent) && outer.parent.elseStatement === outer) outer = outer.parent;
  const p = outer.parent;
  let start = outer.end;
  let end = outer.end;
  if (p && (ts.isBlock(p) || ts.isSourceFile(p) || ts.isCaseClause(p) || ts.isDefaultClause(p))) {
    const list = p.statements as ts.NodeArray<ts.Statement>;
    const at = list.indexOf(outer as ts.Statement);
    if (at >= 0 && at + 1 < list.length) [start, end] = [list[at + 1].getStart(sf), list[list.length - 1].end];
  }
  // After a loop, the loop's own condition came out false (a `for…of` ran out: no condition to state).
  const guards: Guard[] = ts.isIfStatement(stmt)
    ? [{ text: textOf(stmt.expression, sf), holds: false }, ...elseIfGuards(stmt, sf)]
    : (ts.isForStatement(stmt) && stmt.condition) || ts.isWhileStatement(stmt) || ts.isDoStatement(stmt)
      ? [{ text: textOf(ts.isForStatement(stmt) ? stmt.condition! : stmt.expression, sf), holds: false }]
      : [];
  const info: Omit<BlockInfo, 'id'> = { kind: ts.isIfStatement(stmt) ? 'else' : 'after-loop', start, end, line: lines.positionAt(start).line + 1, guards };
  if (afterExit(outer)) info.afterExit = true;
  return info;
}

/** What guards the counter at `region`: the branch condition, how it must come out, and the else-if chain before it. */
function describeBlock(kind: BlockKind, region: ts.Node, sf: ts.SourceFile, lines: LineIndex): Omit<BlockInfo, 'id'> {
  const guards: Guard[] = [];
  const p = region.parent;
  if ((kind === 'then' || kind === 'else') && p && ts.isIfStatement(p)) {
    guards.push({ text: textOf(p.expression, sf), holds: kind === 'then' }, ...elseIfGuards(p, sf));
  } else if (kind === 'branch' && p && ts.isConditionalExpression(p)) {
    guards.push({ text: textOf(p.condition, sf), holds: region === p.whenTrue });
  } else if (kind === 'operand' && p && ts.isBinaryExpression(p)) {
    const left = textOf(p.left, sf);
    const op = p.operatorToken.kind;
    guards.push(op === ts.SyntaxKind.QuestionQuestionToken ? { text: `(${left}) == null`, holds: true } : { text: left, holds: op === ts.SyntaxKind.AmpersandAmpersandToken });
  } else if ((kind === 'case' || kind === 'default') && ts.isCaseOrDefaultClause(region)) {
    const sw = region.parent.parent;
    const subject = textOf(sw.expression, sf);
    if (ts.isCaseClause(region)) guards.push({ text: `(${subject}) === (${textOf(region.expression, sf)})`, holds: true });
    else for (const c of region.parent.clauses) if (ts.isCaseClause(c)) guards.push({ text: `(${subject}) === (${textOf(c.expression, sf)})`, holds: false });
  } else if (kind === 'loop' && p) {
    if (ts.isForStatement(p) && p.condition) guards.push({ text: textOf(p.condition, sf), holds: true });
    else if (ts.isWhileStatement(p)) guards.push({ text: textOf(p.expression, sf), holds: true });
    else if (ts.isForOfStatement(p)) guards.push({ text: `(${textOf(p.expression, sf)}).length > 0`, holds: true });
  }
  const start = region.getStart(sf);
  const info: Omit<BlockInfo, 'id'> = { kind, start, end: region.end, line: lines.positionAt(start).line + 1, guards };
  if (kind !== 'function' && afterExit(region)) info.afterExit = true;
  return info;
}

function counterTransformer(counter: { next: number }, map?: BlockInfo[]): ts.TransformerFactory<ts.SourceFile> {
  return (context) => {
    const f = context.factory;
    let sf: ts.SourceFile | undefined;
    let lines: LineIndex | undefined;
    /** Records counter `id` for the original node behind `region`. */
    const note = (id: number, kind: BlockKind, region: ts.Node) => {
      if (!map || !sf) return;
      const original = ts.getOriginalNode(region);
      if (original.pos < 0 || !original.parent) return;
      map[id] = { id, ...describeBlock(kind, original, sf, (lines ??= new LineIndex(sf.text))) };
    };
    const withHit = (stmt: ts.Statement, kind: BlockKind): ts.Block => {
      const id = counter.next++;
      note(id, kind, stmt);
      const inner = ts.isBlock(stmt) ? [...stmt.statements] : [stmt];
      return f.createBlock([hitStatement(f, id), ...inner], true);
    };
    // A function body's counter goes after its directives: before them, `"use strict"` would be a plain expression
    // and the function would run sloppy (q's UMD wrapper, whose promises then behave differently).
    const countedBody = (body: ts.Block, id: number): ts.Block => {
      const directives = body.statements.findIndex((st) => !(ts.isExpressionStatement(st) && ts.isStringLiteral(st.expression)));
      const at = directives < 0 ? body.statements.length : directives;
      return f.updateBlock(body, [...body.statements.slice(0, at), hitStatement(f, id), ...body.statements.slice(at)]);
    };
    const visit = (node: ts.Node): ts.VisitResult<ts.Node> => {
      const n = ts.visitEachChild(node, visit, context);
      if (ts.isIfStatement(n)) {
        const thenBlock = withHit(n.thenStatement, 'then');
        let elseStatement: ts.Statement | undefined = n.elseStatement && !ts.isIfStatement(n.elseStatement) ? withHit(n.elseStatement, 'else') : n.elseStatement;
        const original = ts.getOriginalNode(n);
        if (!elseStatement && ts.isIfStatement(original) && mayExit(original.thenStatement)) {
          // `if (x) return a; …`: what follows runs only when x was false — count that path too.
          const id = counter.next++;
          if (map && sf && original.pos >= 0 && original.parent) map[id] = { id, ...describeContinuation(original, sf, (lines ??= new LineIndex(sf.text))) };
          elseStatement = f.createBlock([hitStatement(f, id)], true);
        }
        return f.updateIfStatement(n, n.expression, thenBlock, elseStatement);
      }
      if ((ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isMethodDeclaration(n) || ts.isConstructorDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n)) && n.body) {
        note(counter.next, 'function', n);
        const body = countedBody(n.body, counter.next++);
        if (ts.isFunctionDeclaration(n)) return f.updateFunctionDeclaration(n, n.modifiers, n.asteriskToken, n.name, n.typeParameters, n.parameters, n.type, body);
        if (ts.isFunctionExpression(n)) return f.updateFunctionExpression(n, n.modifiers, n.asteriskToken, n.name, n.typeParameters, n.parameters, n.type, body);
        if (ts.isMethodDeclaration(n)) return f.updateMethodDeclaration(n, n.modifiers, n.asteriskToken, n.name, n.questionToken, n.typeParameters, n.parameters, n.type, body);
        if (ts.isConstructorDeclaration(n)) return f.updateConstructorDeclaration(n, n.modifiers, n.parameters, body);
        if (ts.isGetAccessorDeclaration(n)) return f.updateGetAccessorDeclaration(n, n.modifiers, n.name, n.parameters, n.type, body);
        return f.updateSetAccessorDeclaration(n as ts.SetAccessorDeclaration, n.modifiers, n.name, n.parameters, body);
      }
      if (ts.isArrowFunction(n)) {
        const id = counter.next++;
        note(id, 'function', n);
        const body = ts.isBlock(n.body)
          ? countedBody(n.body, id)
          : f.createParenthesizedExpression(f.createCommaListExpression([hitCall(f, id), n.body]));
        return f.updateArrowFunction(n, n.modifiers, n.typeParameters, n.parameters, n.type, n.equalsGreaterThanToken, body);
      }
      if (ts.isConditionalExpression(n)) {
        const wrap = (e: ts.Expression) => {
          note(counter.next, 'branch', e);
          return f.createParenthesizedExpression(f.createCommaListExpression([hitCall(f, counter.next++), e]));
        };
        return f.updateConditionalExpression(n, n.condition, n.questionToken, wrap(n.whenTrue), n.colonToken, wrap(n.whenFalse));
      }
      if (ts.isBinaryExpression(n) && [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(n.operatorToken.kind)) {
        note(counter.next, 'operand', n.right);
        return f.updateBinaryExpression(n, n.left, n.operatorToken, f.createParenthesizedExpression(f.createCommaListExpression([hitCall(f, counter.next++), n.right])));
      }
      if (ts.isCaseClause(n) || ts.isDefaultClause(n)) {
        note(counter.next, ts.isCaseClause(n) ? 'case' : 'default', n);
        const stmts = [hitStatement(f, counter.next++), ...n.statements];
        return ts.isCaseClause(n) ? f.updateCaseClause(n, n.expression, stmts) : f.updateDefaultClause(n, stmts);
      }
      if (ts.isCatchClause(n)) return f.updateCatchClause(n, n.variableDeclaration, withHit(n.block, 'catch'));
      if ((ts.isForStatement(n) || ts.isForOfStatement(n) || ts.isForInStatement(n) || ts.isWhileStatement(n) || ts.isDoStatement(n)) && n.statement) {
        const body = withHit(n.statement, 'loop');
        const loop = ts.isForStatement(n)
          ? f.updateForStatement(n, n.initializer, n.condition, n.incrementor, body)
          : ts.isForOfStatement(n)
            ? f.updateForOfStatement(n, n.awaitModifier, n.initializer, n.expression, body)
            : ts.isForInStatement(n)
              ? f.updateForInStatement(n, n.initializer, n.expression, body)
              : ts.isWhileStatement(n)
                ? f.updateWhileStatement(n, n.expression, body)
                : f.updateDoStatement(n, body, n.expression);
        const original = ts.getOriginalNode(n);
        if (ts.isIterationStatement(original, false) && original.pos >= 0 && original.parent && !ts.isLabeledStatement(original.parent) && mayLeaveFunction(original.statement)) {
          // `for (…) if (match) return x; return fallback;`: the fallback runs only when no iteration returned —
          // a path of its own, as V8 counts it. (An array here: TS lifts it into a block where one statement must go.)
          const id = counter.next++;
          if (map && sf) map[id] = { id, ...describeContinuation(original, sf, (lines ??= new LineIndex(sf.text))) };
          return [loop, hitStatement(f, id)];
        }
        return loop;
      }
      return n;
    };
    return (file) => {
      sf = file;
      return ts.visitEachChild(file, visit, context);
    };
  };
}

/** TS or JS source → CommonJS the sandbox can `require`, with block counters when `instrument` is set. */
export function transpileForSandbox(fileName: string, source: string, instrument: boolean): Transpiled {
  const counter = { next: 0 };
  const map: BlockInfo[] = [];
  const out = ts.transpileModule(source, {
    fileName,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      allowJs: true,
      jsx: ts.JsxEmit.React,
      inlineSourceMap: true,
      ignoreDeprecations: '6.0',
      // A CommonJS script runs sloppy under Node (`this` in a plain call is the global object); TypeScript would make
      // it strict. Files with import/export are modules, strict either way.
      // `.cjs` is a module to TypeScript's default detection, which would make it strict too.
      ...(/\.(c?js|jsx)$/.test(fileName) ? { alwaysStrict: false, moduleDetection: ts.ModuleDetectionKind.Legacy } : {}),
    },
    transformers: instrument ? { before: [counterTransformer(counter, map)] } : undefined,
    reportDiagnostics: false,
  });
  return { code: out.outputText, blocks: counter.next, ...(instrument ? { map } : {}) };
}
