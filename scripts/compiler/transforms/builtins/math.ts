/** Number built-ins: `Math.*`, `Number.isInteger`, and `toString()` / `toFixed()` on numbers. */
import { Node, SyntaxKind, type CallExpression } from "ts-morph";
import type { MacroContext } from "../../context.js";
import {
  divisionNeedsNumbers, expectedNumberArgument, mathWithoutArguments, operandEvaluatedTwice, toFixedDigits,
} from "../../diagnostics.js";
import { binary, conditional, filter, isPure, list, lit, test, type Expr } from "../../ir.js";
import { isOnly } from "../../types.js";
import { guarded, raiseAt } from "../guard.js";
import { exactNumberText } from "../printable.js";
import { pureOperand } from "../pure-operand.js";
import { unwrap } from "../syntax.js";
import { argumentsOf, arity, onlyArgument, type CallLowering, type MethodLowering } from "./lowering.js";

/** The value to round: `a / b` (a zero divisor raises, as the quotient would be Infinity or NaN) or a number. */
function roundedOperand(node: CallExpression, context: MacroContext): Expr {
  const argument = unwrap(onlyArgument(node));
  if (Node.isBinaryExpression(argument) && argument.getOperatorToken().getKind() === SyntaxKind.SlashToken) {
    for (const side of [argument.getLeft(), argument.getRight()]) {
      if (!isOnly(side.getType(), "number")) throw divisionNeedsNumbers(side);
    }
    const divisor = pureOperand(argument.getRight(), context, "the divisor");
    const quotient = binary("/", pureOperand(argument.getLeft(), context, "the dividend"), divisor);
    if (divisor.kind === "literal" && divisor.value !== 0) return quotient;
    return guarded(argument, "divisionByZero", binary("!=", divisor, lit(0)), quotient);
  }
  if (!isOnly(argument.getType(), "number")) throw expectedNumberArgument(argument);
  return pureOperand(argument, context, "the argument");
}

/**
 * Python's int() and Rust's truncate toward zero, exactly, as Math.trunc does; one less where the value
 * lies below that. Tested as `truncated - value > 0`, not `value < truncated`: dbt 2.x orders -0.0 below
 * 0 (`0 / -7 < 0` holds there), and the difference is +0.0 either way (exact for every double, Sterbenz).
 */
function floorOf(value: Expr): Expr {
  const truncated = filter(value, "int");
  return binary("-", truncated, conditional(binary(">", binary("-", truncated, value), lit(0)), lit(1), lit(0)));
}

/** floor/ceil/trunc of `a / b`, or of a number, through truncation, which `int` does the same way in both engines. */
function rounding(mode: "floor" | "ceil" | "trunc"): CallLowering {
  return (node, context) => {
    const value = roundedOperand(node, context);
    if (mode === "floor") return floorOf(value);
    const truncated = filter(value, "int");
    if (mode === "trunc") return truncated;
    return binary("+", truncated, conditional(binary(">", value, truncated), lit(1), lit(0)));
  };
}

/**
 * JavaScript's Math.round rounds half up (2.5 → 3, -2.5 → -2); Jinja's `round` filter rounds half to
 * even on dbt-core and away from zero on dbt 2.x. floor(x) + (1 if x - floor(x) >= 0.5): the fraction
 * x - floor(x) is exact for every double.
 */
const mathRound: CallLowering = (node, context) => {
  const value = roundedOperand(node, context);
  const floor = floorOf(value);
  return binary("+", floor, conditional(binary(">=", binary("-", value, floor), lit(0.5)), lit(1), lit(0)));
};

/** Math.max()/Math.min() of nothing are -Infinity/Infinity, which Jinja has no literal for. */
function extreme(filterName: "max" | "min"): CallLowering {
  return (node, context) => {
    if (node.getArguments().length === 0) throw mathWithoutArguments(node);
    return filter(list(argumentsOf(node, context)), filterName);
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
  "Math.round": mathRound,
  "Math.abs": (node, context) => filter(context.transformExpression(onlyArgument(node)), "abs"),
  "Math.max": extreme("max"),
  "Math.min": extreme("min"),
};

/** The most digits toFixed is lowered for (JavaScript allows 100; Python's and Rust's formats agree well below). */
const MAX_FIXED_DIGITS = 20;

/**
 * `x.toFixed(d)` with a literal d: Python's `'%.<d>f' % x` and dbt 2.x's format both round the exact
 * binary value, as JavaScript does, except on an exact tie (0.25 to one digit), which dbt-core rounds
 * to even and JavaScript (and dbt 2.x) away from zero: a tie raises. Zero prints without a sign (Python writes -0.0 as '-0.00');
 * from 1e21 on JavaScript prints String(x), which raises as a number too large to print.
 */
const toFixed: MethodLowering = (receiver, node, context, receiverNode) => {
  const [digitsNode, ...rest] = node.getArguments();
  const digitsValue = digitsNode === undefined ? 0 : Node.isNumericLiteral(unwrap(digitsNode)) ? Number(unwrap(digitsNode).getText()) : NaN;
  if (rest.length > 0 || !Number.isInteger(digitsValue) || digitsValue < 0 || digitsValue > MAX_FIXED_DIGITS) {
    throw toFixedDigits(digitsNode ?? node, MAX_FIXED_DIGITS);
  }
  if (!isPure(receiver)) throw operandEvaluatedTwice(receiverNode, "toFixed's receiver");
  const value = receiver;
  void context;
  // x lies exactly halfway between two d-digit decimals when x * 2^(d+1) is an odd integer (a tie
  // (2n+1)/(2*10^d) is a double only when 5^d divides 2n+1); multiplying by a power of two is exact.
  const scaled = binary("*", value, lit(2 ** (digitsValue + 1)));
  const truncated = filter(scaled, "int");
  const tie = binary("and", binary("==", truncated, scaled), binary("==", binary("%", truncated, lit(2)), lit(1)));
  const zero = lit(digitsValue === 0 ? "0" : `0.${"0".repeat(digitsValue)}`);
  const formatted = filter(lit(`%.${digitsValue}f`), "format", [value]);
  const large = binary(">=", filter(value, "abs"), lit(1e21));
  return conditional(binary("==", value, lit(0)), zero,
    conditional(large, raiseAt(receiverNode, "unprintableNumber"), conditional(tie, raiseAt(node, "tieInToFixed"), formatted)));
};

export const NUMBER_METHODS: Record<string, MethodLowering> = {
  // Typed by hand: a `toString` key takes no contextual type from the Record (it is also Object's method).
  toString: (receiver: Expr, node: CallExpression, context: MacroContext, receiverNode: Node) => (arity(node, 0),
    filter(exactNumberText(receiver, receiverNode, context, "toString()'s receiver"), "string")),
  toFixed,
};
