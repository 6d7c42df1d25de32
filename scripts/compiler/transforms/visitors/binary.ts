/** Binary operators: equality, arithmetic, logic, `??` and `in`, each as JavaScript means it. */
import { Node, SyntaxKind, type BinaryExpression } from "ts-morph";
import {
  arithmeticNeedsNumbers, floatQuotient, identityComparison, inOperatorOperands, looseEquality, orderingOperands,
  plusOperands, unsupportedOperator,
} from "../../diagnostics.js";
import type { MacroContext, VisitorMap } from "../../context.js";
import { binary, conditional, filter, isNone, isNotNone, lit, negate, not, type Expr } from "../../ir.js";
import { describe, includes, isOnly } from "../../types.js";
import { checkedArithmetic } from "../arithmetic.js";
import { isNullishLiteral, requireOneNullish, strictEquality, typeofComparison } from "../equality.js";
import { guarded } from "../guard.js";
import { numberBound, printable } from "../printable.js";
import { pureOperand } from "../pure-operand.js";
import { truthinessOf } from "../truthiness.js";

const COMPARISONS: Partial<Record<SyntaxKind, "<" | "<=" | ">" | ">=">> = {
  [SyntaxKind.LessThanToken]: "<",
  [SyntaxKind.LessThanEqualsToken]: "<=",
  [SyntaxKind.GreaterThanToken]: ">",
  [SyntaxKind.GreaterThanEqualsToken]: ">=",
};

function binaryExpression(node: BinaryExpression, context: MacroContext): Expr {
  const operator = node.getOperatorToken().getKind();
  const leftNode = node.getLeft();
  const rightNode = node.getRight();
  switch (operator) {
    case SyntaxKind.EqualsEqualsEqualsToken:
    case SyntaxKind.ExclamationEqualsEqualsToken: {
      const negated = operator === SyntaxKind.ExclamationEqualsEqualsToken;
      const typeTest = typeofComparison(node, context);
      if (typeTest !== undefined) return typeTest;
      if (isNullishLiteral(rightNode) || isNullishLiteral(leftNode)) {
        const [literalNode, operandNode] = isNullishLiteral(rightNode) ? [rightNode, leftNode] : [leftNode, rightNode];
        requireOneNullish(literalNode, operandNode);
        const operand = context.transformExpression(operandNode);
        return negated ? isNotNone(operand) : isNone(operand);
      }
      for (const side of [leftNode, rightNode]) {
        if (includes(side.getType(), "array") || includes(side.getType(), "object")) throw identityComparison(side);
      }
      const equal = strictEquality(leftNode, rightNode, context.transformExpression(leftNode), context.transformExpression(rightNode));
      if (!negated) return equal;
      return equal.kind === "binary" && equal.op === "==" ? binary("!=", equal.left, equal.right) : not(equal);
    }
    case SyntaxKind.EqualsEqualsToken:
    case SyntaxKind.ExclamationEqualsToken: {
      // `x == null` is JavaScript's test for null-or-undefined, which is exactly Jinja's `is none`.
      if (isNullishLiteral(rightNode) || isNullishLiteral(leftNode)) {
        const operand = context.transformExpression(isNullishLiteral(rightNode) ? leftNode : rightNode);
        return operator === SyntaxKind.ExclamationEqualsToken ? isNotNone(operand) : isNone(operand);
      }
      throw looseEquality(node.getOperatorToken());
    }
    case SyntaxKind.PlusToken:
      return plus(node, context);
    case SyntaxKind.MinusToken:
    case SyntaxKind.AsteriskToken:
      requireNumbers(node);
      return checkedArithmetic(node, operator === SyntaxKind.MinusToken ? "-" : "*", context.transformExpression(leftNode),
        context.transformExpression(rightNode), context);
    case SyntaxKind.SlashToken:
      // Python's and Rust's float text is the shortest that round-trips, as JavaScript's is; only an
      // integral quotient differs ('3.0'), which printing removes. A quotient kept in a value could
      // reach tojson or join, which would print '3.0'.
      if (!isPrintedOrCompared(node)) throw floatQuotient(node.getOperatorToken());
      requireNumbers(node);
      return quotient(node, context.transformExpression(leftNode), rightNode, context);
    case SyntaxKind.PercentToken:
      return remainder(node, context);
    case SyntaxKind.AmpersandAmpersandToken:
    case SyntaxKind.BarBarToken:
      return logical(node, context, operator === SyntaxKind.AmpersandAmpersandToken ? "and" : "or");
    case SyntaxKind.QuestionQuestionToken: {
      const left = pureOperand(leftNode, context, "the left of '??'");
      const right = context.conditionally(() => context.transformExpression(rightNode));
      return conditional(isNotNone(left), left, right);
    }
    case SyntaxKind.InKeyword: {
      if (!isOnly(rightNode.getType(), "object") || !isOnly(leftNode.getType(), "string")) throw inOperatorOperands(node);
      return binary("in", context.transformExpression(leftNode), context.transformExpression(rightNode));
    }
    default: {
      const comparison = COMPARISONS[operator];
      if (comparison !== undefined) {
        const comparable = (isOnly(leftNode.getType(), "number") && isOnly(rightNode.getType(), "number")) ||
          (isOnly(leftNode.getType(), "string") && isOnly(rightNode.getType(), "string"));
        if (!comparable) throw orderingOperands(node);
        return binary(comparison, context.transformExpression(leftNode), context.transformExpression(rightNode));
      }
      throw unsupportedOperator(node.getOperatorToken(), node.getOperatorToken().getText());
    }
  }
}

const COMPARISON_TOKENS = new Set([
  SyntaxKind.EqualsEqualsEqualsToken, SyntaxKind.ExclamationEqualsEqualsToken, SyntaxKind.LessThanToken,
  SyntaxKind.LessThanEqualsToken, SyntaxKind.GreaterThanToken, SyntaxKind.GreaterThanEqualsToken,
]);

/** A quotient that becomes text (template literal, String(), '+' with a string) or is compared right away. */
function isPrintedOrCompared(node: Node): boolean {
  let child: Node = node;
  let parent = node.getParent();
  while (parent !== undefined && Node.isParenthesizedExpression(parent)) {
    child = parent;
    parent = parent.getParent();
  }
  if (parent === undefined) return false;
  if (Node.isTemplateSpan(parent)) return true;
  if (Node.isCallExpression(parent)) return parent.getExpression().getText() === "String" && parent.getArguments()[0] === child;
  if (Node.isBinaryExpression(parent)) {
    const operator = parent.getOperatorToken().getKind();
    if (COMPARISON_TOKENS.has(operator)) return true;
    const other = parent.getLeft() === child ? parent.getRight() : parent.getLeft();
    return operator === SyntaxKind.PlusToken && includes(other.getType(), "string");
  }
  return false;
}

function requireNumbers(node: BinaryExpression): void {
  for (const side of [node.getLeft(), node.getRight()]) {
    if (!isOnly(side.getType(), "number")) throw arithmeticNeedsNumbers(side, describe(side.getType()));
  }
}

function plus(node: BinaryExpression, context: MacroContext): Expr {
  const leftType = node.getLeft().getType();
  const rightType = node.getRight().getType();
  if (isOnly(leftType, "number") && isOnly(rightType, "number")) {
    return checkedArithmetic(node, "+", context.transformExpression(node.getLeft()), context.transformExpression(node.getRight()), context);
  }
  if (includes(leftType, "string") || includes(rightType, "string")) {
    // '+' on a string concatenates in JavaScript; Jinja's '~' does that whatever the operand type.
    return binary("~", printable(node.getLeft(), context, "a '+' operand"), printable(node.getRight(), context, "a '+' operand"));
  }
  throw plusOperands(node, describe(leftType), describe(rightType));
}

function remainder(node: BinaryExpression, context: MacroContext): Expr {
  requireNumbers(node);
  const left = pureOperand(node.getLeft(), context, "the left of '%'");
  const right = pureOperand(node.getRight(), context, "the right of '%'");
  // JavaScript's '%' is the exact remainder with the dividend's sign (C's fmod). Jinja2 floors
  // (-7 % 3 is 2), dbt 2.x is Euclidean on integers and truncates on floats; all three agree, and are
  // exact, when both operands are non-negative. So: |a| % |b|, negated for a negative dividend.
  const magnitude = binary("%", filter(left, "abs"), filter(right, "abs"));
  const signed = conditional(binary(">=", left, lit(0)), magnitude, negate(magnitude));
  return nonZeroDivisor(node, right, signed, context);
}

/** `a / b`, raising for a zero divisor (Infinity or NaN in JavaScript, an error in dbt). */
function quotient(node: BinaryExpression, left: Expr, rightNode: Node, context: MacroContext): Expr {
  const right = pureOperand(rightNode, context, "the divisor");
  return nonZeroDivisor(node, right, binary("/", left, right), context);
}

function nonZeroDivisor(node: Node, divisor: Expr, value: Expr, context: MacroContext): Expr {
  if (divisor.kind === "literal" && typeof divisor.value === "number" && divisor.value !== 0) return value;
  const result = guarded(node, "divisionByZero", binary("!=", divisor, lit(0)), value);
  context.exprBounds.set(result, numberBound(value, context));
  return result;
}

function logical(node: BinaryExpression, context: MacroContext, op: "and" | "or"): Expr {
  const leftNode = node.getLeft();
  const rightNode = node.getRight();
  if (truthinessOf(leftNode, leftNode.getType()) === "native") {
    // Python's 'and'/'or' return an operand, as JavaScript's do, and agree on primitive truth.
    const left = context.transformExpression(leftNode);
    const right = context.conditionally(() => context.transformExpression(rightNode));
    return binary(op, left, right);
  }
  const left = pureOperand(leftNode, context, `the left of '${op === "and" ? "&&" : "||"}'`);
  const right = context.conditionally(() => context.transformExpression(rightNode));
  return op === "and" ? conditional(isNotNone(left), right, left) : conditional(isNotNone(left), left, right);
}

export const binaryVisitors: VisitorMap<Expr> = {
  [SyntaxKind.BinaryExpression]: binaryExpression,
};
