/**
 * Values about to become text, printed as JavaScript prints them: strings as they are, numbers
 * without a float's '.0', booleans as 'true'/'false' (dbt-core would print 'True').
 */
import type { Node, Type } from "ts-morph";
import { impureNumberToPrint, unprintableValue } from "../diagnostics.js";
import type { MacroContext } from "../context.js";
import { binary, conditional, filter, isPure, lit, type Expr } from "../ir.js";
import { describe, isOnly } from "../types.js";

/**
 * Null and unknown values are refused: their text differs ('None') and cannot be told apart from a string's.
 */
export function printable(node: Node, context: MacroContext, what: string): Expr {
  const type = node.getType();
  if (isOnly(type, "boolean")) return conditional(context.transformExpression(node), lit("true"), lit("false"));
  if (!isOnly(type, "string", "number")) throw unprintableValue(node, what, describe(type));
  const expr = context.transformExpression(node);
  return isOnly(type, "number") ? integralFloatAsInteger(expr, node, context, what) : expr;
}

/** True when printable() of this node yields a string without a `| string` filter. */
export function printsAsString(node: Node): boolean {
  return isOnly(node.getType(), "string") || isOnly(node.getType(), "boolean");
}

export function integralFloatAsInteger(expr: Expr, node: Node, context: MacroContext, what: string): Expr {
  if (surelyInteger(expr, context) || isIntegerLiteralType(node.getType())) return expr;
  if (!isPure(expr)) throw impureNumberToPrint(node, what);
  const asInteger = filter(expr, "int");
  return conditional(binary("==", asInteger, expr), asInteger, expr);
}

/** `3`, or `1 | 2`: a number type the checker knows holds only integers. */
function isIntegerLiteralType(type: Type): boolean {
  const parts = type.isUnion() ? type.getUnionTypes() : [type];
  return parts.every((part) => part.isNumberLiteral() && Number.isInteger(Number(part.getLiteralValue())));
}

/** True when the value is an integer on every engine, so it prints without the integral-float guard. */
export function surelyInteger(expr: Expr, context: MacroContext): boolean {
  switch (expr.kind) {
    case "literal":
      return typeof expr.value === "number" && Number.isInteger(expr.value);
    case "filter":
      return expr.name === "int" || expr.name === "length";
    case "negate":
      return surelyInteger(expr.operand, context);
    case "binary":
      return (expr.op === "+" || expr.op === "-" || expr.op === "*") && surelyInteger(expr.left, context) && surelyInteger(expr.right, context);
    case "conditional":
      return surelyInteger(expr.then, context) && surelyInteger(expr.otherwise, context);
    case "name":
      return context.integerNames.has(expr.name);
    default:
      return false;
  }
}
