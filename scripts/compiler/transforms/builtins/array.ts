/** Array built-ins: `Array.isArray` and the Array methods of the macro language. */
import { concatNeedsArrays, operandEvaluatedTwice, pushAsExpression, unjoinableArray } from "../../diagnostics.js";
import { binary, filter, isPure, lit, method, test, type Expr } from "../../ir.js";
import { guarded } from "../guard.js";
import { isOnly } from "../../types.js";
import { pureOperand } from "../pure-operand.js";
import { lowerCallback } from "./array-callbacks.js";
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
};
