/**
 * Run-time guards. A lowering that is exact for only part of what the TypeScript type allows (an
 * integer beyond 2^53, a number JavaScript prints in another notation, an index outside the array
 * under '!') checks that part in the compiled macro and raises `exceptions.raise_compiler_error`
 * with the source's `file:line:col`, where JavaScript would go on with a value dbt cannot reproduce.
 */
import { relative, sep } from "node:path";
import type { Node } from "ts-morph";
import { GUARD_MESSAGES } from "../diagnostics.js";
import { attr, binary, call, conditional, filter, list, lit, name, type Expr } from "../ir.js";
import { REPO_ROOT } from "../repo.js";

export type GuardReason = keyof typeof GUARD_MESSAGES;

/** The largest magnitude up to which every integer is a JavaScript number (2^53). */
export const MAX_EXACT_INTEGER = 2 ** 53;

/** `path/to/file.ts:line:col` of a node, relative to the repository. */
export function sourceLocation(node: Node): string {
  const file = node.getSourceFile();
  const { line, column } = file.getLineAndColumnAtPos(node.getStart());
  const path = relative(REPO_ROOT, file.getFilePath()).split(sep).join("/");
  return `${path}:${line}:${column}`;
}

function shortText(node: Node): string {
  const text = node.getText().replace(/\s+/g, " ");
  return `'${text.length > 60 ? `${text.slice(0, 57)}...` : text}'`;
}

/** The call that stops the macro with the guard's message. */
export function raiseAt(node: Node, reason: GuardReason): Expr {
  const message = `${sourceLocation(node)}: ${GUARD_MESSAGES[reason](shortText(node))}`;
  return call(attr(name("exceptions"), "raise_compiler_error"), [lit(message)]);
}

/** `value` where `condition` holds, else the guard's error. */
export function guarded(node: Node, reason: GuardReason, condition: Expr, value: Expr): Expr {
  return conditional(condition, value, raiseAt(node, reason));
}

/**
 * `value` evaluated once (it may have effects), kept when the Jinja test `testName(...args)` holds, else
 * the guard's error: `(([value] | select(test, …) | list) or [raise(…)]) | first`.
 */
export function guardedOnce(node: Node, reason: GuardReason, value: Expr, tests: Array<[string, Expr[]]>): Expr {
  let kept: Expr = list([value]);
  for (const [testName, args] of tests) kept = filter(kept, "select", [lit(testName), ...args]);
  return filter(binary("or", filter(kept, "list"), list([raiseAt(node, reason)])), "first");
}

/** The tests of guardedOnce that keep a number within 2^53. */
export const EXACT_INTEGER_TESTS: Array<[string, Expr[]]> = [["ge", [lit(-MAX_EXACT_INTEGER)]], ["le", [lit(MAX_EXACT_INTEGER)]]];

/** `|x| <= 2^53`: within the integers JavaScript holds exactly. */
export function withinExactIntegers(value: Expr): Expr {
  return binary("<=", filter(value, "abs"), lit(MAX_EXACT_INTEGER));
}
