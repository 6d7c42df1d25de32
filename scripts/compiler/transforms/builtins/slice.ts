/** `slice` on strings and arrays, with the bounds both engines agree on. */
import type { CallExpression } from "ts-morph";
import { negativeSliceStartWithEnd, sliceArity, sliceBoundNotNumber } from "../../diagnostics.js";
import type { MacroContext } from "../../context.js";
import { lit, slice, type Expr } from "../../ir.js";
import { isOnly } from "../../types.js";
import { argumentsOf } from "./lowering.js";

/** A literal negative bound (`-2`) as its magnitude, else undefined. */
function negativeLiteral(bound: Expr | undefined): number | undefined {
  if (bound === undefined) return undefined;
  if (bound.kind === "literal" && typeof bound.value === "number" && bound.value < 0) return -bound.value;
  if (bound.kind === "negate" && bound.operand.kind === "literal" && typeof bound.operand.value === "number" && bound.operand.value > 0) {
    return bound.operand.value;
  }
  return undefined;
}

const reversed = (object: Expr): Expr => slice(object, undefined, undefined, lit(-1));

export function sliceMethod(receiver: Expr, node: CallExpression, context: MacroContext): Expr {
  const args = node.getArguments();
  if (args.length > 2) throw sliceArity(node);
  for (const argument of args) {
    if (!isOnly(argument.getType(), "number")) throw sliceBoundNotNumber(argument);
  }
  const [start, end] = argumentsOf(node, context);
  const fromEnd = negativeLiteral(start);
  const dropEnd = negativeLiteral(end);
  if (fromEnd === undefined && dropEnd === undefined) return slice(receiver, start ?? lit(0), end);
  // dbt 2.x gets a negative bound past the start wrong ("-"[-2:] is "", not "-"). Counting from the
  // end on the reversed value uses only non-negative bounds, which both engines agree on:
  // x.slice(-j) = x[::-1][:j][::-1], x.slice(a, -k) = x[a:][::-1][k:][::-1], x.slice(-j, -k) = x[::-1][:j][k:][::-1].
  if (fromEnd !== undefined && end !== undefined && dropEnd === undefined) throw negativeSliceStartWithEnd(args[0]!);
  let back: Expr;
  if (fromEnd !== undefined) back = slice(reversed(receiver), undefined, lit(fromEnd));
  else back = reversed(start === undefined || (start.kind === "literal" && start.value === 0) ? receiver : slice(receiver, start, undefined));
  if (dropEnd !== undefined) back = slice(back, lit(dropEnd), undefined);
  return reversed(back);
}
