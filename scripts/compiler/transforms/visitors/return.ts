/** `return x` is `{% do return(x) %}`; a bare `return` returns none. */
import { SyntaxKind, type ReturnStatement } from "ts-morph";
import type { MacroContext, VisitorMap } from "../../context.js";
import { lit, returnStmt, type Stmt } from "../../ir.js";

function returnStatement(node: ReturnStatement, context: MacroContext): Stmt[] {
  const value = node.getExpression();
  return context.withHoisted(() => [returnStmt(value === undefined ? lit(null) : context.transformExpression(value))]);
}

export const returnVisitors: VisitorMap<Stmt[]> = {
  [SyntaxKind.ReturnStatement]: returnStatement,
};
