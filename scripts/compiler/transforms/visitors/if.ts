/** `if` / `else if` / `else`: a Jinja if with elif branches where no condition needed hoisted statements. */
import { Node, SyntaxKind, type IfStatement } from "ts-morph";
import type { MacroContext, VisitorMap } from "../../context.js";
import { ifStmt, type Stmt } from "../../ir.js";
import { truthy } from "../truthiness.js";

function ifStatement(node: IfStatement, context: MacroContext): Stmt[] {
  const condition = node.getExpression();
  return context.withHoisted(() => {
    const testExpr = truthy(condition, condition.getType(), context.transformExpression(condition));
    const thenBody = context.transformStatement(node.getThenStatement());
    const elseNode = node.getElseStatement();
    if (elseNode === undefined) return [ifStmt([{ test: testExpr, body: thenBody }])];
    const elseBody = context.transformStatement(elseNode);
    // `else if` whose condition needed no hoisted statements becomes `elif`.
    const only = elseBody[0];
    if (Node.isIfStatement(elseNode) && elseBody.length === 1 && only?.kind === "if") {
      return [ifStmt([{ test: testExpr, body: thenBody }, ...only.branches], only.otherwise)];
    }
    return [ifStmt([{ test: testExpr, body: thenBody }], elseBody)];
  });
}

export const ifVisitors: VisitorMap<Stmt[]> = {
  [SyntaxKind.IfStatement]: ifStatement,
};
