/**
 * Number arithmetic as JavaScript computes it. Python and Rust keep integers exact where JavaScript
 * rounds them to a double beyond 2^53 (2^53 + 1 is 2^53 in JavaScript), so the result of every
 * `+`, `-` and `*` whose operands do not bound it is checked, once per arithmetic expression: each
 * intermediate result must lie within 2^53, else the macro raises with the source line.
 */
import { Node, SyntaxKind } from "ts-morph";
import type { MacroContext } from "../context.js";
import { binary, isPure, type Expr } from "../ir.js";
import { isOnly } from "../types.js";
import { EXACT_INTEGER_TESTS, guarded, guardedOnce, MAX_EXACT_INTEGER, withinExactIntegers } from "./guard.js";
import { numberBound } from "./printable.js";

const ARITHMETIC = new Set([SyntaxKind.PlusToken, SyntaxKind.MinusToken, SyntaxKind.AsteriskToken]);

/** `a + b`, `a - b`, `a * b` on numbers. */
function isNumberArithmetic(node: Node): boolean {
  return Node.isBinaryExpression(node) && ARITHMETIC.has(node.getOperatorToken().getKind()) &&
    isOnly(node.getLeft().getType(), "number") && isOnly(node.getRight().getType(), "number");
}

/** An operand of an enclosing number arithmetic, which checks this result with its own. */
function isInnerArithmetic(node: Node): boolean {
  let child = node;
  let parent = node.getParent();
  while (parent !== undefined && Node.isParenthesizedExpression(parent)) {
    child = parent;
    parent = parent.getParent();
  }
  return parent !== undefined && isNumberArithmetic(parent) && child !== undefined;
}

/**
 * The arithmetic `expr` (built from `node`, `op` applied to its operands) checked against 2^53. An
 * inner operation of a larger arithmetic expression is left to the outermost one, which checks every
 * intermediate result it does not know to be small in one condition.
 */
export function checkedArithmetic(node: Node, op: "+" | "-" | "*", left: Expr, right: Expr, context: MacroContext): Expr {
  const expr = binary(op, left, right);
  if (isPure(expr) && Node.isBinaryExpression(node) && isNumberArithmetic(node) && isInnerArithmetic(node)) {
    context.pendingArithmetic.add(expr);
    return expr;
  }
  return checkedResult(node, expr, context);
}

/** `expr` (an arithmetic result with its pending inner results) within 2^53, or the guard's error. */
export function checkedResult(node: Node, expr: Expr, context: MacroContext): Expr {
  if (expr.kind === "binary" && !isPure(expr)) {
    // An operand with effects (a macro call) is evaluated once: the pure operands are checked on their
    // own, and this result through a filter that keeps it within 2^53 or raises.
    const operand = (side: Expr) => (context.pendingArithmetic.has(side) ? checkedResult(node, side, context) : side);
    const rebuilt = binary(expr.op, operand(expr.left), operand(expr.right));
    const bound = numberBound(rebuilt, context);
    if (bound.magnitude <= MAX_EXACT_INTEGER) return rebuilt;
    const checked = guardedOnce(node, "inexactInteger", rebuilt, EXACT_INTEGER_TESTS);
    context.exprBounds.set(checked, { integer: bound.integer, magnitude: MAX_EXACT_INTEGER });
    return checked;
  }
  const results: Expr[] = [];
  const collect = (result: Expr): void => {
    results.push(result);
    if (result.kind !== "binary") return;
    for (const operand of [result.left, result.right]) if (context.pendingArithmetic.has(operand)) collect(operand);
  };
  collect(expr);
  const unbounded = results.filter((result) => numberBound(result, context).magnitude > MAX_EXACT_INTEGER).reverse();
  const bound = numberBound(expr, context);
  if (unbounded.length === 0) return expr;
  const condition = unbounded.map(withinExactIntegers).reduce((all, check) => binary("and", all, check));
  const checked = guarded(node, "inexactInteger", condition, expr);
  context.exprBounds.set(checked, { integer: bound.integer, magnitude: MAX_EXACT_INTEGER });
  return checked;
}
