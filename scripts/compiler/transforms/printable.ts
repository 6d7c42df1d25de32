/**
 * Values about to become text, printed as JavaScript prints them: strings as they are, numbers
 * without a float's '.0', booleans as 'true'/'false' (dbt-core would print 'True').
 */
import type { Node, Type } from "ts-morph";
import { impureNumberToPrint, unprintableValue } from "../diagnostics.js";
import { LENGTH_BOUND, type MacroContext, type NumberBound } from "../context.js";
import { binary, conditional, filter, isPure, lit, type Expr } from "../ir.js";
import { describe, isOnly } from "../types.js";
import { guarded, MAX_EXACT_INTEGER, withinExactIntegers } from "./guard.js";

/**
 * Null and unknown values are refused: their text differs ('None') and cannot be told apart from a string's.
 */
export function printable(node: Node, context: MacroContext, what: string): Expr {
  const type = node.getType();
  if (isOnly(type, "boolean")) return conditional(context.transformExpression(node), lit("true"), lit("false"));
  if (!isOnly(type, "string", "number")) throw unprintableValue(node, what, describe(type));
  const expr = context.transformExpression(node);
  return isOnly(type, "number") ? exactNumberText(expr, node, context, what) : expr;
}

/** True when printable() of this node yields a string without a `| string` filter. */
export function printsAsString(node: Node): boolean {
  return isOnly(node.getType(), "string") || isOnly(node.getType(), "boolean");
}

/** Python prints reprs in exponent notation below this magnitude (1e-05), JavaScript from 1e-7 on, Rust never. */
const SMALLEST_PLAIN_NUMBER = 0.0001;

/**
 * A number as the value to print: JavaScript's text. An integral float ('3.0' in Jinja) prints as an
 * integer; an integer beyond 2^53 (JavaScript prints its rounded digits, '1152921504606847000') or a
 * non-integral number below 0.0001 (Python '1e-05', JavaScript '0.00001') or exactly halfway between two shortest
 * texts (which the engines round differently, see printsWithoutTie) raises instead.
 */
export function exactNumberText(expr: Expr, node: Node, context: MacroContext, what: string): Expr {
  if (isIntegerLiteralType(node.getType())) return expr;
  const bound = numberBound(expr, context);
  if (bound.integer && bound.magnitude <= MAX_EXACT_INTEGER) return expr;
  if (!isPure(expr)) throw impureNumberToPrint(node, what);
  if (bound.integer) return guarded(node, "unprintableNumber", withinExactIntegers(expr), expr);
  const asInteger = filter(expr, "int");
  const text = conditional(binary("==", asInteger, expr), asInteger, expr);
  const printsAlike = binary("and", binary("and", withinExactIntegers(expr),
    binary("or", binary(">=", filter(expr, "abs"), lit(SMALLEST_PLAIN_NUMBER)), binary("==", expr, lit(0)))),
    printsWithoutTie(expr));
  return guarded(node, "unprintableNumber", printsAlike, text);
}

/**
 * False when the number's shortest text may differ between engines. A fraction whose exact binary value
 * has at most 18 significant decimal digits may lie exactly halfway between two shortest texts
 * (2000000000000006.25, 10000000000.0078125): JavaScript and Python take the even digit ('…6.2'), dbt
 * 2.x's Rust formatter the upper one ('…6.3'). Whole numbers, fractions of at most 15 significant digits
 * (2.675: the nearest double to a short decimal, printed as that decimal everywhere) and fractions with
 * more than 22 binary places (1/3: too long an exact value to be halfway) print alike; the rest, beyond
 * about 2^30 with more than 15 digits, raises.
 */
function printsWithoutTie(expr: Expr): Expr {
  const digits = filter(filter(filter(filter(expr, "abs"), "int"), "string"), "length");
  const whole = binary("==", filter(expr, "int"), expr);
  const longExact = binary("!=", binary("%", binary("*", expr, lit(2 ** MAX_TIE_BINARY_PLACES)), lit(1)), lit(0));
  const short = binary("==", filter(expr, "round", [binary("-", lit(MAX_PLAIN_DIGITS), digits)]), expr);
  return binary("or", binary("or", whole, longExact), short);
}

/** Decimals of up to 15 significant digits survive a round trip through a double unchanged. */
const MAX_PLAIN_DIGITS = 15;

/**
 * A halfway fraction's exact value has at most 18 significant digits, so at most 22 binary places
 * (at least 0.0001, see SMALLEST_PLAIN_NUMBER: 18 digits after three zeros need 2^-21 at most).
 */
const MAX_TIE_BINARY_PLACES = 22;

/** `3`, or `1 | 2`: a number type the checker knows holds only integers. */
function isIntegerLiteralType(type: Type): boolean {
  const parts = type.isUnion() ? type.getUnionTypes() : [type];
  return parts.every((part) => part.isNumberLiteral() && Number.isInteger(Number(part.getLiteralValue())) &&
    Math.abs(Number(part.getLiteralValue())) <= MAX_EXACT_INTEGER);
}

const UNKNOWN: NumberBound = { integer: false, magnitude: Infinity };

/** The bound of a number-valued IR expression: literals, lengths, loop indexes, guarded arithmetic and what they compute. */
export function numberBound(expr: Expr, context: MacroContext): NumberBound {
  const known = context.exprBounds.get(expr);
  if (known !== undefined) return known;
  switch (expr.kind) {
    case "literal":
      return typeof expr.value === "number" ? { integer: Number.isInteger(expr.value), magnitude: Math.abs(expr.value) } : UNKNOWN;
    case "filter":
      if (expr.name === "length") return LENGTH_BOUND;
      if (expr.name === "int") return { integer: true, magnitude: numberBound(expr.operand, context).magnitude };
      if (expr.name === "abs") return numberBound(expr.operand, context);
      return UNKNOWN;
    case "negate":
      return numberBound(expr.operand, context);
    case "binary": {
      if (expr.op !== "+" && expr.op !== "-" && expr.op !== "*" && expr.op !== "%") return UNKNOWN;
      const left = numberBound(expr.left, context);
      const right = numberBound(expr.right, context);
      const integer = left.integer && right.integer;
      if (expr.op === "%") return { integer, magnitude: right.magnitude };
      return { integer, magnitude: expr.op === "*" ? left.magnitude * right.magnitude : left.magnitude + right.magnitude };
    }
    case "conditional": {
      const then = numberBound(expr.then, context);
      const otherwise = numberBound(expr.otherwise, context);
      return { integer: then.integer && otherwise.integer, magnitude: Math.max(then.magnitude, otherwise.magnitude) };
    }
    case "name":
      return context.numberBounds.get(expr.name) ?? UNKNOWN;
    default:
      return UNKNOWN;
  }
}

/** True when the value is an integer on every engine. */
export function surelyInteger(expr: Expr, context: MacroContext): boolean {
  return numberBound(expr, context).integer;
}
