/**
 * Comparisons with null, undefined and `typeof`. Jinja has one none where JavaScript has null and
 * undefined (a missing key reads as none through `.get`), so `x === null` and `x === undefined` only
 * keep their meaning when `x` cannot hold the other.
 */
import { Node, SyntaxKind, ts, type BinaryExpression, type Type } from "ts-morph";
import { ambiguousNullishComparison, operandEvaluatedTwice, typeofNeedsStringLiteral, unportableTypeofTest } from "../diagnostics.js";
import type { MacroContext } from "../context.js";
import { binary, isNone, isPure, not, test, type Expr } from "../ir.js";
import { includes } from "../types.js";
import { unwrap } from "./syntax.js";

export function requireOneNullish(literalNode: Node, operandNode: Node): void {
  const literal = unwrap(literalNode).getKind() === SyntaxKind.NullKeyword ? "null" : "undefined";
  if (mayHoldOtherNullish(operandNode.getType(), literal)) throw ambiguousNullishComparison(literalNode, operandNode.getText());
}

function mayHoldOtherNullish(type: Type, literal: "null" | "undefined"): boolean {
  const parts = type.isUnion() ? type.getUnionTypes() : [type];
  return parts.some((part) => {
    const flags = part.getFlags();
    if (flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return true;
    return literal === "null" ? (flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) !== 0 : (flags & ts.TypeFlags.Null) !== 0;
  });
}

export function isNullishLiteral(node: Node): boolean {
  const inner = unwrap(node);
  return inner.getKind() === SyntaxKind.NullKeyword || (Node.isIdentifier(inner) && inner.getText() === "undefined");
}

const TYPEOF_TESTS: Record<string, (operand: Expr) => Expr> = {
  string: (operand) => test(operand, "string"),
  // `true is number` holds in Jinja2 but not in dbt 2.x; excluding booleans means the same in both.
  number: (operand) => binary("and", test(operand, "number"), test(operand, "boolean", true)),
  boolean: (operand) => test(operand, "boolean"),
  undefined: (operand) => isNone(operand),
};

/** `typeof x === "string"` and the like as a Jinja test, or undefined when neither side is a `typeof`. */
export function typeofComparison(node: BinaryExpression, context: MacroContext): Expr | undefined {
  const left = unwrap(node.getLeft());
  const right = unwrap(node.getRight());
  const [typeofNode, literalNode] = Node.isTypeOfExpression(left) ? [left, right] : Node.isTypeOfExpression(right) ? [right, left] : [];
  if (typeofNode === undefined || literalNode === undefined || !Node.isTypeOfExpression(typeofNode)) return undefined;
  if (!Node.isStringLiteral(literalNode)) throw typeofNeedsStringLiteral(literalNode);
  const makeTest = TYPEOF_TESTS[literalNode.getLiteralValue()];
  if (makeTest === undefined) throw unportableTypeofTest(literalNode, literalNode.getLiteralValue());
  if (literalNode.getLiteralValue() === "undefined") requireOneNullish(literalNode, typeofNode.getExpression());
  const operand = context.transformExpression(typeofNode.getExpression());
  const result = makeTest(operand);
  return node.getOperatorToken().getKind() === SyntaxKind.ExclamationEqualsEqualsToken ? not(result) : result;
}

/** What a side of `===` may hold, counting unknown as anything. */
function mayHold(node: Node, kind: "boolean" | "number"): boolean {
  return includes(node.getType(), kind) || includes(node.getType(), "unknown");
}

function booleanLiteral(node: Node): boolean {
  const kind = unwrap(node).getKind();
  return kind === SyntaxKind.TrueKeyword || kind === SyntaxKind.FalseKeyword;
}

/**
 * `a === b` for strings, numbers and booleans. Python and Rust take `true == 1` (and `0 == false`) as
 * equal, JavaScript's `===` does not: where one side may be a boolean and the other a number, the
 * lowering also requires both or neither to be a boolean.
 */
export function strictEquality(leftNode: Node, rightNode: Node, left: Expr, right: Expr): Expr {
  const equal = binary("==", left, right);
  const mixed = (mayHold(leftNode, "boolean") && mayHold(rightNode, "number")) || (mayHold(leftNode, "number") && mayHold(rightNode, "boolean"));
  if (!mixed) return equal;
  for (const [node, expr] of [[leftNode, left], [rightNode, right]] as const) {
    if (!isPure(expr)) throw operandEvaluatedTwice(node, "a side of '===' that may be a boolean or a number");
  }
  const sameKind = booleanLiteral(rightNode) ? test(left, "boolean") : booleanLiteral(leftNode) ? test(right, "boolean")
    : binary("==", test(left, "boolean"), test(right, "boolean"));
  return binary("and", sameKind, equal);
}
