/**
 * `slice` on strings and arrays, with the bounds both engines agree on: non-negative integers.
 * JavaScript truncates a bound (1.5 → 1) and counts a negative one from the end, clamped at the start;
 * Python refuses a float bound and dbt 2.x gets a negative bound past the start wrong ("-"[-2:] is "").
 */
import type { CallExpression } from "ts-morph";
import { negativeSliceStartWithEnd, operandEvaluatedTwice, sliceArity, sliceBoundNotNumber } from "../../diagnostics.js";
import type { MacroContext } from "../../context.js";
import { binary, conditional, filter, isPure, list, lit, slice, type Expr } from "../../ir.js";
import { isOnly } from "../../types.js";
import { surelyInteger } from "../printable.js";
import { argumentsOf } from "./lowering.js";

/** A literal bound as JavaScript reads it (truncated), else undefined. */
function literalBound(bound: Expr | undefined): number | undefined {
  if (bound === undefined) return undefined;
  if (bound.kind === "literal" && typeof bound.value === "number") return Math.trunc(bound.value);
  if (bound.kind === "negate" && bound.operand.kind === "literal" && typeof bound.operand.value === "number") return -Math.trunc(bound.operand.value);
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
  const literalStart = literalBound(start);
  const literalEnd = literalBound(end);
  const allLiteral = (start === undefined || literalStart !== undefined) && (end === undefined || literalEnd !== undefined);
  if (allLiteral && (literalStart === undefined || literalStart >= 0) && (literalEnd === undefined || literalEnd >= 0)) {
    return slice(receiver, lit(literalStart ?? 0), literalEnd === undefined ? undefined : lit(literalEnd));
  }
  // Negative literal bounds count on the reversed value, which needs the receiver once:
  // x.slice(-j) = x[::-1][:j][::-1], x.slice(a, -k) = x[a:][::-1][k:][::-1], x.slice(-j, -k) = x[::-1][:j][k:][::-1].
  if (allLiteral && (literalStart === undefined || literalStart <= 0 || literalEnd === undefined || literalEnd < 0) &&
    !(literalStart !== undefined && literalStart < 0 && literalEnd !== undefined && literalEnd >= 0)) {
    let back: Expr;
    if (literalStart !== undefined && literalStart < 0) back = slice(reversed(receiver), undefined, lit(-literalStart));
    else back = reversed(literalStart === undefined || literalStart === 0 ? receiver : slice(receiver, lit(literalStart), undefined));
    if (literalEnd !== undefined && literalEnd < 0) back = slice(back, lit(-literalEnd), undefined);
    return reversed(back);
  }
  // Any other bound is made non-negative, which needs the receiver's length.
  if (!isPure(receiver)) {
    if (allLiteral) throw negativeSliceStartWithEnd(args[0]!);
    throw operandEvaluatedTwice(node.getExpression(), "a value sliced with a computed bound (its length is read)");
  }
  const length = filter(receiver, "length");
  const normalised = (bound: Expr, at: number): Expr => {
    const literal = literalBound(bound);
    if (literal !== undefined) return literal >= 0 ? lit(literal) : filter(list([binary("+", length, lit(literal)), lit(0)]), "max");
    if (!isPure(bound)) throw operandEvaluatedTwice(args[at]!, "a slice bound (it is checked for a negative value)");
    const whole = surelyInteger(bound, context) ? bound : filter(bound, "int");
    return conditional(binary(">=", whole, lit(0)), whole, filter(list([binary("+", length, whole), lit(0)]), "max"));
  };
  return slice(receiver, start === undefined ? lit(0) : normalised(start, 0), end === undefined ? undefined : normalised(end, 1));
}
