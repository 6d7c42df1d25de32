/** Object literals: Jinja dicts; spreads build a fresh dict updated in order, hoisted ahead of the statement. */
import { Node, SyntaxKind, type ObjectLiteralExpression } from "ts-morph";
import {
  computedKeyNotString, operandEvaluatedTwice, spreadNotObject, unsupportedKeyKind, unsupportedObjectMember,
} from "../../diagnostics.js";
import type { MacroContext, VisitorMap } from "../../context.js";
import { dict, doStmt, ifStmt, isNotNone, isPure, lit, method, name, setStmt, type Expr, type Stmt } from "../../ir.js";
import { includes, isOnly } from "../../types.js";
import { resolveIdentifier } from "../identifiers.js";

function propertyKey(node: Node, context: MacroContext): Expr {
  if (Node.isIdentifier(node) || Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) {
    return lit(Node.isIdentifier(node) ? node.getText() : node.getLiteralValue());
  }
  // A number key is its JavaScript text: {1.0: x} and {0x1: x} have the key "1".
  if (Node.isNumericLiteral(node)) return lit(String(node.getLiteralValue()));
  if (Node.isComputedPropertyName(node)) {
    const key = node.getExpression();
    if (!isOnly(key.getType(), "string")) throw computedKeyNotString(key);
    return context.transformExpression(key);
  }
  throw unsupportedKeyKind(node, node.getKindName());
}

function pureOperandOf(node: Node, value: Expr): Expr {
  if (!isPure(value)) throw operandEvaluatedTwice(node, "an object that may be undefined, spread");
  return value;
}

function objectLiteral(node: ObjectLiteralExpression, context: MacroContext): Expr {
  const segments: Array<Expr | { optional: Expr } | Array<[Expr, Expr]>> = [];
  let run: Array<[Expr, Expr]> = [];
  for (const property of node.getProperties()) {
    if (Node.isPropertyAssignment(property)) {
      run.push([propertyKey(property.getNameNode(), context), context.transformExpression(property.getInitializerOrThrow())]);
    } else if (Node.isShorthandPropertyAssignment(property)) {
      run.push([lit(property.getName()), resolveIdentifier(property.getNameNode(), context, property.getValueSymbol())]);
    } else if (Node.isSpreadAssignment(property)) {
      if (run.length > 0) segments.push(run);
      run = [];
      const spread = property.getExpression();
      if (!isOnly(spread.getType(), "object", "nullish") || !includes(spread.getType(), "object")) throw spreadNotObject(spread);
      const value = context.transformExpression(spread);
      // Spreading undefined or null adds nothing in JavaScript.
      segments.push(includes(spread.getType(), "nullish") ? { optional: pureOperandOf(spread, value) } : value);
    } else {
      throw unsupportedObjectMember(property, property.getKindName());
    }
  }
  if (segments.length === 0) return dict(run);
  if (run.length > 0) segments.push(run);
  // Jinja has no dict-merge expression: build a fresh dict and update it in order, like a spread.
  const temporary = context.temporary(node, "object");
  const statements: Stmt[] = [setStmt(temporary, dict([]))];
  for (const segment of segments) {
    if (!Array.isArray(segment) && "optional" in segment) {
      statements.push(ifStmt([{ test: isNotNone(segment.optional), body: [doStmt(method(name(temporary), "update", [segment.optional]))] }]));
      continue;
    }
    const value: Expr = Array.isArray(segment) ? dict(segment) : segment;
    statements.push(doStmt(method(name(temporary), "update", [value])));
  }
  context.hoist(node, statements);
  return name(temporary);
}

export const objectLiteralVisitors: VisitorMap<Expr> = {
  [SyntaxKind.ObjectLiteralExpression]: objectLiteral,
};
