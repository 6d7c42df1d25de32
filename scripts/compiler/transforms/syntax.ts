/** Syntax that has no run-time meaning, seen through. */
import { Node } from "ts-morph";

/** Skips parentheses, casts and non-null assertions, which have no run-time meaning. */
export function unwrap(node: Node): Node {
  let current = node;
  while (
    Node.isParenthesizedExpression(current) || Node.isAsExpression(current) || Node.isNonNullExpression(current) ||
    Node.isSatisfiesExpression(current)
  ) {
    current = current.getExpression();
  }
  return current;
}
