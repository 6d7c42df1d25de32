/**
 * Optional chaining (`a?.b`, `a?.[k]`, `s?.trim()`, and chains such as `a?.b.c`): where a link's
 * object is null or undefined, the whole chain is undefined (none). Each link reads its object through
 * `chainObject`, which carries the tests of the `?.` links before it; the value is
 * `<link> if <tests> else none`, and a later link of the same chain continues from `<link>` under the
 * same tests, so `a?.b.c` is `a["b"]["c"] if a is not none else none`.
 */
import { Node, ts } from "ts-morph";
import { operandEvaluatedTwice } from "../diagnostics.js";
import type { MacroContext } from "../context.js";
import { binary, conditional, isNotNone, isPure, lit, type Expr } from "../ir.js";

/** True for a link of an optional chain (TypeScript's flag), `?.` itself or after it. */
export function inOptionalChain(link: Node): boolean {
  return ts.isOptionalChain(link.compilerNode);
}

/** A link's object as the chain reads it: the tests so far and the object's value under them. */
export function chainObject(link: Node, objectNode: Node, questionDot: boolean, context: MacroContext): { tests: Expr | undefined; object: Expr } {
  const object = context.transformExpression(objectNode);
  const carried = inOptionalChain(link) ? context.chainResults.get(object) : undefined;
  let tests = carried?.tests;
  const value = carried?.value ?? object;
  if (questionDot) {
    if (!isPure(value)) throw operandEvaluatedTwice(objectNode, "the object of '?.' (it is tested for none first)");
    tests = tests === undefined ? isNotNone(value) : binary("and", tests, isNotNone(value));
  }
  return { tests, object: value };
}

/** The link's value under the chain's tests (none where one fails), which a later link may continue. */
export function chained(tests: Expr | undefined, value: Expr, context: MacroContext): Expr {
  if (tests === undefined) return value;
  const result = conditional(tests, value, lit(null));
  context.chainResults.set(result, { tests, value });
  return result;
}

/** The type of a link's object, without the null and undefined that `?.` (or the chain before it) takes care of. */
export function objectTypeOf(link: Node, objectNode: Node) {
  return inOptionalChain(link) ? objectNode.getType().getNonNullableType() : objectNode.getType();
}
