/**
 * Property and element access. Subscript, not attribute: `d.items` would find the dict method,
 * `d["items"]` finds the key. A key that may be missing is read with `.get`, which gives none where
 * `[]` gives Jinja's Undefined.
 */
import { Node, SyntaxKind, type ElementAccessExpression, type PropertyAccessExpression } from "ts-morph";
import {
  indexingNeedsArrayOrObject, indexNotNumber, objectKeyNotString, propertyAccessNeedsObject, unsupportedProperty,
} from "../../diagnostics.js";
import type { MacroContext, VisitorMap } from "../../context.js";
import { filter, item, lit, method, type Expr } from "../../ir.js";
import { describe, includes, isOnly } from "../../types.js";
import { indexRead } from "../indexing.js";
import { chained, chainObject, objectTypeOf } from "../optional-chain.js";
import { exactNumberText } from "../printable.js";

/** A key that may be missing: optional, possibly undefined, or only known through an index signature. */
function isOptionalProperty(objectNode: Node, key: string): boolean {
  const property = objectNode.getType().getNonNullableType().getProperty(key);
  if (property === undefined) return true;
  return property.isOptional() || includes(property.getTypeAtLocation(objectNode), "nullish");
}

function propertyAccess(node: PropertyAccessExpression, context: MacroContext): Expr {
  const objectNode = node.getExpression();
  const property = node.getName();
  const objectType = objectTypeOf(node, objectNode);
  if (property === "length" && isOnly(objectType, "string", "array")) {
    const { tests, object } = chainObject(node, objectNode, node.hasQuestionDotToken(), context);
    return chained(tests, filter(object, "length"), context);
  }
  if (isOnly(objectType, "string", "array", "number", "boolean")) {
    throw unsupportedProperty(node.getNameNode(), property, describe(objectType));
  }
  if (!isOnly(objectType, "object")) throw propertyAccessNeedsObject(objectNode, describe(objectType));
  const { tests, object } = chainObject(node, objectNode, node.hasQuestionDotToken(), context);
  return chained(tests, isOptionalProperty(objectNode, property) ? method(object, "get", [lit(property)]) : item(object, lit(property)), context);
}

function elementAccess(node: ElementAccessExpression, context: MacroContext): Expr {
  const objectNode = node.getExpression();
  const keyNode = node.getArgumentExpressionOrThrow();
  const objectType = objectTypeOf(node, objectNode);
  if (isOnly(objectType, "array", "string")) {
    if (!isOnly(keyNode.getType(), "number")) throw indexNotNumber(keyNode);
    const { tests, object } = chainObject(node, objectNode, node.hasQuestionDotToken(), context);
    return chained(tests, indexRead(node, context, false, object), context);
  }
  if (isOnly(objectType, "object")) {
    const { tests, object } = chainObject(node, objectNode, node.hasQuestionDotToken(), context);
    if (isOnly(keyNode.getType(), "number")) {
      // A number key reads the property named by its JavaScript text (r[1] is r["1"]).
      const key = filter(exactNumberText(context.transformExpression(keyNode), keyNode, context, "a number key"), "string");
      return chained(tests, method(object, "get", [key]), context);
    }
    if (!isOnly(keyNode.getType(), "string")) throw objectKeyNotString(keyNode);
    const key = context.transformExpression(keyNode);
    const literalKey = Node.isStringLiteral(keyNode) ? keyNode.getLiteralValue() : undefined;
    const optional = literalKey === undefined || isOptionalProperty(objectNode, literalKey) ||
      objectType.getStringIndexType() !== undefined;
    return chained(tests, optional ? method(object, "get", [key]) : item(object, key), context);
  }
  throw indexingNeedsArrayOrObject(objectNode, describe(objectType));
}

export const accessVisitors: VisitorMap<Expr> = {
  [SyntaxKind.PropertyAccessExpression]: propertyAccess,
  [SyntaxKind.ElementAccessExpression]: elementAccess,
};
