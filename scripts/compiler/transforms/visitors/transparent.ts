/** Parentheses, casts, `satisfies` and non-null assertions: no run-time meaning, the inner expression alone. */
import { SyntaxKind } from "ts-morph";
import type { VisitorMap } from "../../context.js";
import type { Expr } from "../../ir.js";

export const transparentVisitors: VisitorMap<Expr> = {
  [SyntaxKind.ParenthesizedExpression]: (node, context) => context.transformExpression(node.getExpression()),
  [SyntaxKind.AsExpression]: (node, context) => context.transformExpression(node.getExpression()),
  [SyntaxKind.SatisfiesExpression]: (node, context) => context.transformExpression(node.getExpression()),
  [SyntaxKind.NonNullExpression]: (node, context) => context.transformExpression(node.getExpression()),
};
