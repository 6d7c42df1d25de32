/** Array built-ins: `Array.isArray` and the Array methods of the macro language. */
import { Node, SyntaxKind, type CallExpression } from "ts-morph";
import { concatNeedsArrays, operandEvaluatedTwice, pushAsExpression, unjoinableArray, unsupportedSort } from "../../diagnostics.js";
import type { MacroContext } from "../../context.js";
import { binary, conditional, doStmt, filter, isPure, lit, method, name, setStmt, slice, test, type Expr, type Stmt } from "../../ir.js";
import { unwrap } from "../syntax.js";
import { guarded } from "../guard.js";
import { isOnly } from "../../types.js";
import { pureOperand } from "../pure-operand.js";
import { lowerCallback, lowerReduce } from "./array-callbacks.js";
import { argumentsOf, arity, onlyArgument, type CallLowering, type MethodLowering } from "./lowering.js";
import { sliceMethod } from "./slice.js";

export const ARRAY_GLOBALS: Record<string, CallLowering> = {
  "Array.isArray": (node, context) => {
    const operand = pureOperand(onlyArgument(node), context, "Array.isArray's argument");
    return binary("and", binary("and", test(operand, "iterable"), test(operand, "string", true)), test(operand, "mapping", true));
  },
};

export const ARRAY_METHODS: Record<string, MethodLowering> = {
  join: (receiver, node, context, receiverNode) => {
    const elementType = receiverNode.getType().getArrayElementType() ?? receiverNode.getType().getNumberIndexType();
    const separatorNode = node.getArguments()[0];
    const separator = separatorNode === undefined ? lit(",") : context.transformExpression(separatorNode);
    // Booleans: `True | string | lower` is 'true' in dbt-core, as `true | string` already is in dbt 2.x.
    if (elementType !== undefined && isOnly(elementType, "boolean")) {
      return method(separator, "join", [filter(filter(receiver, "map", [lit("string")]), "map", [lit("lower")])]);
    }
    if (elementType === undefined || !isOnly(elementType, "string", "number")) throw unjoinableArray(receiverNode);
    // Numbers never print empty, so the join filter is exact. dbt 2.x's join filter drops leading
    // empty strings (["", "a"] | join("-") is "a"); Python's str.join is the same on both engines.
    // An integral float prints '3.0' in Jinja: numbers with a fraction part raise; map them with String() first.
    if (isOnly(elementType, "number")) {
      if (!isPure(receiver)) throw operandEvaluatedTwice(receiverNode, "an array of numbers joined (it is checked for floats)");
      const floats = filter(filter(filter(receiver, "select", [lit("float")]), "list"), "length");
      return guarded(node, "floatsJoined", binary("==", floats, lit(0)), filter(receiver, "join", [separator]));
    }
    return method(separator, "join", [isOnly(elementType, "string") ? receiver : filter(receiver, "map", [lit("string")])]);
  },
  includes: (receiver, node, context) => (arity(node, 1), binary("in", argumentsOf(node, context)[0]!, receiver)),
  concat: (receiver, node, context) => {
    for (const argument of node.getArguments()) {
      if (!isOnly(argument.getType(), "array")) throw concatNeedsArrays(argument);
    }
    return [receiver, ...argumentsOf(node, context)].reduce((left: Expr, right) => binary("+", left, right));
  },
  slice: (receiver, node, context) => sliceMethod(receiver, node, context),
  map: (receiver, node, context) => lowerCallback("map", receiver, node, context),
  filter: (receiver, node, context) => lowerCallback("filter", receiver, node, context),
  some: (receiver, node, context) => lowerCallback("some", receiver, node, context),
  every: (receiver, node, context) => lowerCallback("every", receiver, node, context),
  push: (_receiver, node) => {
    throw pushAsExpression(node);
  },
  // An empty array gives undefined in JavaScript; Python's pop raises.
  pop: (receiver, node, _context, receiverNode) => removed(receiver, node, receiverNode, []),
  shift: (receiver, node, _context, receiverNode) => removed(receiver, node, receiverNode, [lit(0)]),
  sort: (receiver, node, context, receiverNode) => sortInPlace(receiver, node, context, receiverNode),
  reduce: (receiver, node, context) => lowerReduce(receiver, node, context),
};

function removed(receiver: Expr, node: CallExpression, receiverNode: Node, args: Expr[]): Expr {
  arity(node, 0);
  if (!isPure(receiver)) throw operandEvaluatedTwice(receiverNode, "the array (its length is read first)");
  return conditional(binary(">", filter(receiver, "length"), lit(0)), method(receiver, "pop", args), lit(null));
}

/**
 * `xs.sort()` of strings, `xs.sort((a, b) => a - b)` and `(a, b) => b - a` of numbers: sorted in place,
 * as JavaScript does (Python's list.sort and dbt 2.x's are stable, as JavaScript's is). Strings compare
 * by character, numbers by value; JavaScript's sort without a comparator compares numbers as text.
 */
function sortInPlace(receiver: Expr, node: CallExpression, context: MacroContext, receiverNode: Node): Expr {
  const elementType = receiverNode.getType().getArrayElementType();
  const [comparator, ...rest] = node.getArguments();
  if (!isPure(receiver) || rest.length > 0 || elementType === undefined) throw unsupportedSort(node);
  let descending = false;
  if (comparator === undefined) {
    if (!isOnly(elementType, "string")) throw unsupportedSort(node);
  } else {
    const order = numericComparator(comparator);
    if (order === undefined || !isOnly(elementType, "number")) throw unsupportedSort(node);
    descending = order === "descending";
  }
  // A value held nowhere else (a copy, '[...xs].sort(…)') is sorted under a name of its own.
  const held: Stmt[] = [];
  if (receiver.kind !== "name" && receiver.kind !== "attr" && receiver.kind !== "item") {
    const copy = context.temporary(node, "sorted_copy");
    held.push(setStmt(copy, receiver));
    receiver = name(copy);
  }
  if (!descending) {
    context.hoist(node, [...held, doStmt(method(receiver, "sort"))]);
  } else {
    // Equal numbers are alike, so ascending then reversed is the stable descending order.
    const sorted = context.temporary(undefined, "sorted");
    context.hoist(node, [...held, setStmt(sorted, filter(receiver, "sort")), doStmt(method(receiver, "clear")),
      doStmt(method(receiver, "extend", [slice(name(sorted), undefined, undefined, lit(-1))]))]);
  }
  return receiver;
}

/** `(a, b) => a - b` (ascending) or `(a, b) => b - a` (descending). */
function numericComparator(node: Node): "ascending" | "descending" | undefined {
  if (!Node.isArrowFunction(node)) return undefined;
  const [first, second, ...rest] = node.getParameters();
  const body = unwrap(node.getBody());
  if (first === undefined || second === undefined || rest.length > 0 || !Node.isBinaryExpression(body) ||
    body.getOperatorToken().getKind() !== SyntaxKind.MinusToken) {
    return undefined;
  }
  const [left, right] = [unwrap(body.getLeft()).getText(), unwrap(body.getRight()).getText()];
  if (left === first.getName() && right === second.getName()) return "ascending";
  if (left === second.getName() && right === first.getName()) return "descending";
  return undefined;
}
