/** Object built-ins: `Object.keys`, `Object.values`, `Object.entries`. */
import type { Node } from "ts-morph";
import { expectedObjectArgument } from "../../diagnostics.js";
import { describedBy } from "../../context.js";
import { doStmt, filter, forStmt, list, method, name, setStmt } from "../../ir.js";
import { describe, isOnly } from "../../types.js";
import { onlyArgument, type CallLowering } from "./lowering.js";

function requireObject(argument: Node): void {
  if (!isOnly(argument.getType(), "object")) throw expectedObjectArgument(argument, describe(argument.getType()));
}

export const OBJECT_GLOBALS: Record<string, CallLowering> = {
  "Object.keys": (node, context) => {
    const argument = onlyArgument(node);
    requireObject(argument);
    return filter(method(context.transformExpression(argument), "keys"), "list");
  },
  "Object.values": (node, context) => {
    const argument = onlyArgument(node);
    requireObject(argument);
    return filter(method(context.transformExpression(argument), "values"), "list");
  },
  "Object.entries": (node, context) => {
    const argument = onlyArgument(node);
    requireObject(argument);
    // Pairs become lists, as JavaScript's entries are arrays, so both serialise alike.
    const what = describedBy(argument);
    const pairs = context.temporary(node, `${what}_entries`);
    const key = context.temporary(undefined, `${what}_key`);
    const value = context.temporary(undefined, `${what}_value`);
    context.hoist(node, [
      setStmt(pairs, list([])),
      forStmt([key, value], method(context.transformExpression(argument), "items"),
        [doStmt(method(name(pairs), "append", [list([name(key), name(value)])]))]),
    ]);
    return name(pairs);
  },
};
