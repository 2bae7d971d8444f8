// Transpiling user TypeScript/JavaScript for the sandbox, optionally with block counters.
//
// Why counters of our own: per-candidate coverage decides which generated cases are kept, and on Node 20 neither V8
// route works inside the sandbox — the permission model blocks `node:inspector` ("Access to this API has been
// restricted") and V8 writes no NODE_V8_COVERAGE files under it. A counter call at the start of every block and
// branch is plain JavaScript and runs anywhere.
import ts from 'typescript';

export const HIT_FUNCTION = '__testgap_hit';

export interface Transpiled {
  code: string;
  /** Number of counters in `code` (ids 0 … blocks-1). */
  blocks: number;
}

function hitStatement(f: ts.NodeFactory, id: number): ts.Statement {
  return f.createExpressionStatement(hitCall(f, id));
}

function hitCall(f: ts.NodeFactory, id: number): ts.Expression {
  return f.createCallExpression(f.createIdentifier(HIT_FUNCTION), undefined, [f.createNumericLiteral(id)]);
}

function counterTransformer(counter: { next: number }): ts.TransformerFactory<ts.SourceFile> {
  return (context) => {
    const f = context.factory;
    const withHit = (stmt: ts.Statement): ts.Block => {
      const id = counter.next++;
      const inner = ts.isBlock(stmt) ? [...stmt.statements] : [stmt];
      return f.createBlock([hitStatement(f, id), ...inner], true);
    };
    const visit = (node: ts.Node): ts.Node => {
      const n = ts.visitEachChild(node, visit, context);
      if (ts.isIfStatement(n)) {
        return f.updateIfStatement(n, n.expression, withHit(n.thenStatement), n.elseStatement && !ts.isIfStatement(n.elseStatement) ? withHit(n.elseStatement) : n.elseStatement);
      }
      if ((ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isMethodDeclaration(n) || ts.isConstructorDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n)) && n.body) {
        const body = f.updateBlock(n.body, [hitStatement(f, counter.next++), ...n.body.statements]);
        if (ts.isFunctionDeclaration(n)) return f.updateFunctionDeclaration(n, n.modifiers, n.asteriskToken, n.name, n.typeParameters, n.parameters, n.type, body);
        if (ts.isFunctionExpression(n)) return f.updateFunctionExpression(n, n.modifiers, n.asteriskToken, n.name, n.typeParameters, n.parameters, n.type, body);
        if (ts.isMethodDeclaration(n)) return f.updateMethodDeclaration(n, n.modifiers, n.asteriskToken, n.name, n.questionToken, n.typeParameters, n.parameters, n.type, body);
        if (ts.isConstructorDeclaration(n)) return f.updateConstructorDeclaration(n, n.modifiers, n.parameters, body);
        if (ts.isGetAccessorDeclaration(n)) return f.updateGetAccessorDeclaration(n, n.modifiers, n.name, n.parameters, n.type, body);
        return f.updateSetAccessorDeclaration(n as ts.SetAccessorDeclaration, n.modifiers, n.name, n.parameters, body);
      }
      if (ts.isArrowFunction(n)) {
        const id = counter.next++;
        const body = ts.isBlock(n.body)
          ? f.updateBlock(n.body, [hitStatement(f, id), ...n.body.statements])
          : f.createParenthesizedExpression(f.createCommaListExpression([hitCall(f, id), n.body]));
        return f.updateArrowFunction(n, n.modifiers, n.typeParameters, n.parameters, n.type, n.equalsGreaterThanToken, body);
      }
      if (ts.isConditionalExpression(n)) {
        const wrap = (e: ts.Expression) => f.createParenthesizedExpression(f.createCommaListExpression([hitCall(f, counter.next++), e]));
        return f.updateConditionalExpression(n, n.condition, n.questionToken, wrap(n.whenTrue), n.colonToken, wrap(n.whenFalse));
      }
      if (ts.isBinaryExpression(n) && [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(n.operatorToken.kind)) {
        return f.updateBinaryExpression(n, n.left, n.operatorToken, f.createParenthesizedExpression(f.createCommaListExpression([hitCall(f, counter.next++), n.right])));
      }
      if (ts.isCaseClause(n) || ts.isDefaultClause(n)) {
        const stmts = [hitStatement(f, counter.next++), ...n.statements];
        return ts.isCaseClause(n) ? f.updateCaseClause(n, n.expression, stmts) : f.updateDefaultClause(n, stmts);
      }
      if (ts.isCatchClause(n)) return f.updateCatchClause(n, n.variableDeclaration, withHit(n.block));
      if ((ts.isForStatement(n) || ts.isForOfStatement(n) || ts.isForInStatement(n) || ts.isWhileStatement(n) || ts.isDoStatement(n)) && n.statement) {
        const body = withHit(n.statement);
        if (ts.isForStatement(n)) return f.updateForStatement(n, n.initializer, n.condition, n.incrementor, body);
        if (ts.isForOfStatement(n)) return f.updateForOfStatement(n, n.awaitModifier, n.initializer, n.expression, body);
        if (ts.isForInStatement(n)) return f.updateForInStatement(n, n.initializer, n.expression, body);
        if (ts.isWhileStatement(n)) return f.updateWhileStatement(n, n.expression, body);
        return f.updateDoStatement(n, body, n.expression);
      }
      return n;
    };
    return (sf) => ts.visitEachChild(sf, visit, context);
  };
}

/** TS or JS source → CommonJS the sandbox can `require`, with block counters when `instrument` is set. */
export function transpileForSandbox(fileName: string, source: string, instrument: boolean): Transpiled {
  const counter = { next: 0 };
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
    },
    transformers: instrument ? { before: [counterTransformer(counter)] } : undefined,
    reportDiagnostics: false,
  });
  return { code: out.outputText, blocks: counter.next };
}
