/**
 * Object built-ins: `Object.keys`, `Object.values`, `Object.entries`, in JavaScript's order.
 *
 * JavaScript lists an object's integer-like keys ("0", "17": canonical array indexes up to 2^32 - 2)
 * first, in ascending order, then the other keys in insertion order; Jinja's dicts keep insertion
 * order for all. Each lowering walks the dict once, sets the integer-like keys apart with their
 * number, sorts those and puts them first. The result is a new list (JavaScript's is a new array), so
 * a loop over it may add keys to the object, which iterating the dict itself would not allow on dbt-core.
 */
import type { CallExpression, Node } from "ts-morph";
import { expectedObjectArgument } from "../../diagnostics.js";
import { describedBy, type MacroContext } from "../../context.js";
import { binary, doStmt, filter, forStmt, ifStmt, lit, list, method, name, setStmt, type Expr } from "../../ir.js";
import { describe, isOnly } from "../../types.js";
import { onlyArgument, type CallLowering } from "./lowering.js";

function requireObject(argument: Node): void {
  if (!isOnly(argument.getType(), "object")) throw expectedObjectArgument(argument, describe(argument.getType()));
}

/** The largest array index (ECMA-262: an integer below 2^32 - 1). */
const LARGEST_INDEX = 2 ** 32 - 2;

/** `k` is a canonical array index: its integer prints back as k ("01", "-1", " 1" do not), within 2^32 - 2. */
function isIndexKey(key: Expr): Expr {
  const number = filter(key, "int");
  return binary("and", binary("==", filter(number, "string"), key),
    binary("and", binary(">=", number, lit(0)), binary("<=", number, lit(LARGEST_INDEX))));
}

type Listed = "keys" | "values" | "entries";

function listed(kind: Listed): CallLowering {
  return (node: CallExpression, context: MacroContext) => {
    const argument = onlyArgument(node);
    requireObject(argument);
    const what = describedBy(argument);
    const indexed = context.temporary(undefined, `${what}_index_${kind}`);
    const others = context.temporary(node, `${what}_${kind}`);
    const key = context.temporary(undefined, `${what}_key`);
    const value = context.temporary(undefined, `${what}_value`);
    const item: Expr = kind === "keys" ? name(key) : kind === "values" ? name(value) : list([name(key), name(value)]);
    // Index keys travel as [number, item]: sorting compares the numbers, which are unique.
    const withNumber = kind === "keys" ? filter(name(key), "int") : list([filter(name(key), "int"), item]);
    context.hoist(node, [
      setStmt(indexed, list([])),
      setStmt(others, list([])),
      forStmt([key, value], method(context.transformExpression(argument), "items"), [
        ifStmt([{ test: isIndexKey(name(key)), body: [doStmt(method(name(indexed), "append", [withNumber]))] }],
          [doStmt(method(name(others), "append", [item]))]),
      ]),
    ]);
    const sorted = filter(name(indexed), "sort");
    const firsts = kind === "keys" ? filter(filter(sorted, "map", [lit("string")]), "list") : filter(filter(sorted, "map", [lit("last")]), "list");
    return binary("+", firsts, name(others));
  };
}

export const OBJECT_GLOBALS: Record<string, CallLowering> = {
  "Object.keys": listed("keys"),
  "Object.values": listed("values"),
  "Object.entries": listed("entries"),
};
