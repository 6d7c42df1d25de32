/** Number built-ins: `Math.*`, `Number.isInteger` and `toString()` on numbers. */
import { Node, SyntaxKind, type CallExpression } from "ts-morph";
import type { MacroContext } from "../../context.js";
import { divisionNeedsNumbers, expectedNumberArgument } from "../../diagnostics.js";
import { binary, conditional, filter, list, lit, test, type Expr } from "../../ir.js";
import { isOnly } from "../../types.js";
import { integralFloatAsInteger } from "../printable.js";
import { pureOperand } from "../pure-operand.js";
import { unwrap } from "../syntax.js";
import { argumentsOf, arity, onlyArgument, type CallLowering, type MethodLowering } from "./lowering.js";

/** floor/ceil/trunc of `a / b`, or of a number, through truncation, which `int` does the same way in both engines. */
function rounding(mode: "floor" | "ceil" | "trunc"): CallLowering {
  return (node, context) => {
    const argument = unwrap(onlyArgument(node));
    let quotient: Expr;
    if (Node.isBinaryExpression(argument) && argument.getOperatorToken().getKind() === SyntaxKind.SlashToken) {
      for (const side of [argument.getLeft(), argument.getRight()]) {
        if (!isOnly(side.getType(), "number")) throw divisionNeedsNumbers(side);
      }
      quotient = binary("/", pureOperand(argument.getLeft(), context, "the dividend"),
        pureOperand(argument.getRight(), context, "the divisor"));
    } else {
      if (!isOnly(argument.getType(), "number")) throw expectedNumberArgument(argument);
      quotient = pureOperand(argument, context, "the argument");
    }
    const truncated = filter(quotient, "int");
    if (mode === "trunc") return truncated;
    const below = mode === "floor" ? binary("<", quotient, truncated) : binary(">", quotient, truncated);
    return binary(mode === "floor" ? "-" : "+", truncated, conditional(below, lit(1), lit(0)));
  };
}

export const MATH_GLOBALS: Record<string, CallLowering> = {
  "Number.isInteger": (node, context) => {
    const operand = pureOperand(onlyArgument(node), context, "Number.isInteger's argument");
    return binary("and", binary("and", test(operand, "number"), test(operand, "boolean", true)),
      binary("==", filter(operand, "int"), operand));
  },
  "Math.floor": rounding("floor"),
  "Math.ceil": rounding("ceil"),
  "Math.trunc": rounding("trunc"),
  "Math.abs": (node, context) => filter(context.transformExpression(onlyArgument(node)), "abs"),
  "Math.max": (node, context) => filter(list(argumentsOf(node, context)), "max"),
  "Math.min": (node, context) => filter(list(argumentsOf(node, context)), "min"),
};

export const NUMBER_METHODS: Record<string, MethodLowering> = {
  // Typed by hand: a `toString` key takes no contextual type from the Record (it is also Object's method).
  toString: (receiver: Expr, node: CallExpression, context: MacroContext, receiverNode: Node) => (arity(node, 0),
    filter(integralFloatAsInteger(receiver, receiverNode, context, "toString()'s receiver"), "string")),
};
