/** `c ? a : b`: a Jinja conditional expression; its branches may not hoist statements (those would run whichever branch is taken). */
import { SyntaxKind, type ConditionalExpression } from "ts-morph";
import type { MacroContext, VisitorMap } from "../../context.js";
import { conditional, type Expr } from "../../ir.js";
import { truthy } from "../truthiness.js";

function conditionalExpression(node: ConditionalExpression, context: MacroContext): Expr {
  const condition = node.getCondition();
  const testExpr = truthy(condition, condition.getType(), context.transformExpression(condition));
  const then = context.conditionally(() => context.transformExpression(node.getWhenTrue()));
  const otherwise = context.conditionally(() => context.transformExpression(node.getWhenFalse()));
  return conditional(testExpr, then, otherwise);
}

export const conditionalVisitors: VisitorMap<Expr> = {
  [SyntaxKind.ConditionalExpression]: conditionalExpression,
};
