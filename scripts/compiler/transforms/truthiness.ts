/**
 * JavaScript and Jinja agree on the truthiness of strings, numbers, booleans and null, and
 * disagree on arrays and objects (`[]` and `{}` are true in JavaScript, false in Jinja).
 */
import type { Node, Type } from "ts-morph";
import { ambiguousTruthiness } from "../diagnostics.js";
import { isNotNone, type Expr } from "../ir.js";
import { describe, valueKinds } from "../types.js";

export type Truthiness = "native" | "object";

export function truthinessOf(node: Node, type: Type): Truthiness {
  const kinds = valueKinds(type);
  kinds.delete("nullish");
  const primitive = [...kinds].every((kind) => kind === "string" || kind === "number" || kind === "boolean");
  const objects = [...kinds].every((kind) => kind === "array" || kind === "object");
  if (kinds.size === 0 || primitive) return "native";
  if (objects) return "object";
  throw ambiguousTruthiness(node, describe(type));
}

/** A Jinja test with the JavaScript truth of `expr`. */
export function truthy(node: Node, type: Type, expr: Expr): Expr {
  return truthinessOf(node, type) === "native" ? expr : isNotNone(expr);
}
