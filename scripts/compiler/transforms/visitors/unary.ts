/** Prefix operators as expressions: `!` (with JavaScript's truth) and `-`. Increments are statements. */
import { Node, SyntaxKind, type PrefixUnaryExpression } from "ts-morph";
import { negationNeedsNumber, unsupportedPrefixOperator } from "../../diagnostics.js";
import type { MacroContext, VisitorMap } from "../../context.js";
import { lit, negate, not, type Expr } from "../../ir.js";
import { isOnly } from "../../types.js";
import { truthy } from "../truthiness.js";

function prefixUnary(node: PrefixUnaryExpression, context: MacroContext): Expr {
  const operand = node.getOperand();
  switch (node.getOperatorToken()) {
    case SyntaxKind.ExclamationToken:
      return not(truthy(operand, operand.getType(), context.transformExpression(operand)));
    case SyntaxKind.MinusToken:
      if (!isOnly(operand.getType(), "number")) throw negationNeedsNumber(operand);
      if (Node.isNumericLiteral(operand)) return lit(-Number(operand.getLiteralValue()));
      return negate(context.transformExpression(operand));
    default:
      throw unsupportedPrefixOperator(node, node.getText().charAt(0));
  }
}

export const unaryVisitors: VisitorMap<Expr> = {
  [SyntaxKind.PrefixUnaryExpression]: prefixUnary,
};
