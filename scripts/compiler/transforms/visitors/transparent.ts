/** Parentheses, casts and `satisfies`: no run-time meaning, the inner expression alone; `x!` checks x (transforms/indexing.ts). */
import { Node, SyntaxKind, type NonNullExpression } from "ts-morph";
import type { MacroContext, VisitorMap } from "../../context.js";
import type { Expr } from "../../ir.js";
import { isOnly } from "../../types.js";
import { indexRead, nonNullRead } from "../indexing.js";
import { unwrap } from "../syntax.js";

function nonNull(node: NonNullExpression, context: MacroContext): Expr {
  const operand = unwrap(node.getExpression());
  if (Node.isElementAccessExpression(operand) && !operand.hasQuestionDotToken() &&
    isOnly(operand.getExpression().getType(), "array", "string")) {
    return indexRead(operand, context, true);
  }
  return nonNullRead(node.getExpression(), context.transformExpression(node.getExpression()), context);
}

export const transparentVisitors: VisitorMap<Expr> = {
  [SyntaxKind.ParenthesizedExpression]: (node, context) => context.transformExpression(node.getExpression()),
  [SyntaxKind.AsExpression]: (node, context) => context.transformExpression(node.getExpression()),
  [SyntaxKind.SatisfiesExpression]: (node, context) => context.transformExpression(node.getExpression()),
  [SyntaxKind.NonNullExpression]: nonNull,
};
