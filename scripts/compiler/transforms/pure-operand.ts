/** Operands that a lowering evaluates more than once. */
import type { Node } from "ts-morph";
import { operandEvaluatedTwice } from "../diagnostics.js";
import type { MacroContext } from "../context.js";
import { isPure, type Expr } from "../ir.js";

/** Operands that the lowering evaluates more than once must not have side effects. */
export function pureOperand(node: Node, context: MacroContext, what: string): Expr {
  const expr = context.transformExpression(node);
  if (!isPure(expr)) throw operandEvaluatedTwice(node, what);
  return expr;
}
