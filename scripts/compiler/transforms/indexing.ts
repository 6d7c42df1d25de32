/**
 * Reading an array or a string at an index. JavaScript gives undefined outside the value (past the
 * end, a negative index, a fraction); Jinja gives Undefined past the end and counts a negative index
 * from the end. So a read checks the index and gives none (JavaScript's undefined) outside, or under
 * '!' (`xs[i]!`, "I know it is there") raises with the source line. A tuple read within the tuple's
 * fixed length needs no check.
 */
import { ts, type ElementAccessExpression, type Node, type Type } from "ts-morph";
import { operandEvaluatedTwice } from "../diagnostics.js";
import type { MacroContext } from "../context.js";
import { binary, conditional, filter, isNotNone, isPure, item, lit, type Expr } from "../ir.js";
import { includes } from "../types.js";
import { guarded, raiseAt } from "./guard.js";
import { surelyInteger } from "./printable.js";

/** The number of elements every value of a tuple type has (0 for arrays). */
export function fixedLength(type: Type): number {
  if (!type.isTuple()) return 0;
  const target = (type.compilerType as ts.TypeReference).target as ts.TupleType;
  return target.minLength;
}

export function indexRead(node: ElementAccessExpression, context: MacroContext, asserted: boolean, transformed?: Expr): Expr {
  const objectNode = node.getExpression();
  const keyNode = node.getArgumentExpressionOrThrow();
  const object = transformed ?? context.transformExpression(objectNode);
  const key = context.transformExpression(keyNode);
  const literal = key.kind === "literal" && typeof key.value === "number" && Number.isInteger(key.value) && key.value >= 0
    ? key.value : undefined;
  if (literal !== undefined && literal < fixedLength(objectNode.getType().getNonNullableType())) return item(object, key);
  if (!isPure(object)) throw operandEvaluatedTwice(objectNode, "an indexed value (the index is checked against its length)");
  const length = filter(object, "length");
  let index = key;
  let inside: Expr;
  if (literal !== undefined) {
    inside = binary(">", length, key);
  } else {
    if (!isPure(key)) throw operandEvaluatedTwice(keyNode, "an index (it is checked against the length)");
    inside = binary("and", binary(">=", key, lit(0)), binary("<", key, length));
    if (!surelyInteger(key, context)) {
      // xs[1.5] is undefined in JavaScript; Python refuses a float index even when integral (1.0).
      index = filter(key, "int");
      inside = binary("and", binary("==", index, key), inside);
    }
  }
  return conditional(inside, item(object, index), asserted ? raiseAt(node, "indexPastEnd") : lit(null));
}

/**
 * `x!`: TypeScript's word that x is not null or undefined, which JavaScript does not check. The
 * compiled macro checks it where the value may be none, so that a wrong assertion stops the macro
 * instead of going on with a value JavaScript would print or compute with differently.
 */
export function nonNullRead(operandNode: Node, operand: Expr, context: MacroContext): Expr {
  void context;
  if (!includes(operandNode.getType(), "nullish") && !includes(operandNode.getType(), "unknown")) return operand;
  if (!isPure(operand)) throw operandEvaluatedTwice(operandNode, "the operand of '!' (it is checked for none)");
  return guarded(operandNode.getParentOrThrow(), "notNull", isNotNone(operand), operand);
}
