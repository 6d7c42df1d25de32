/** One transform per expression syntax kind: TypeScript expression → Jinja expression. */
import { Node, SyntaxKind, ts, type Expression, type TemplateExpression, type BinaryExpression, type Type } from "ts-morph";
import { Codes } from "../diagnostics.js";
import type { MacroContext } from "../context.js";
import {
  binary, conditional, filter, isNone, isNotNone, isPure, lit, method, name, not, test, type Expr, type Stmt,
} from "../ir.js";
import { describe, includes, isOnly } from "../types.js";
import { transformCall } from "./calls.js";
import { resolveIdentifier } from "./identifiers.js";
import { truthinessOf, truthy } from "./truthiness.js";

type ExpressionTransform = (node: never, context: MacroContext) => Expr;

const transforms: Partial<Record<SyntaxKind, ExpressionTransform>> = {
  [SyntaxKind.StringLiteral]: (node: Node) => lit((node as Node & { getLiteralValue(): string }).getLiteralValue()),
  [SyntaxKind.NoSubstitutionTemplateLiteral]: (node: Node) =>
    lit((node as Node & { getLiteralValue(): string }).getLiteralValue()),
  [SyntaxKind.NumericLiteral]: (node: Node) => lit(Number((node as Node & { getLiteralValue(): number }).getLiteralValue())),
  [SyntaxKind.TrueKeyword]: () => lit(true),
  [SyntaxKind.FalseKeyword]: () => lit(false),
  [SyntaxKind.NullKeyword]: () => lit(null),
  [SyntaxKind.Identifier]: (node: Node, context) => resolveIdentifier(node, context),
  [SyntaxKind.ParenthesizedExpression]: (node: Node, context) => expression(unwrapOne(node), context),
  [SyntaxKind.AsExpression]: (node: Node, context) => expression(unwrapOne(node), context),
  [SyntaxKind.SatisfiesExpression]: (node: Node, context) => expression(unwrapOne(node), context),
  [SyntaxKind.NonNullExpression]: (node: Node, context) => expression(unwrapOne(node), context),
  [SyntaxKind.TemplateExpression]: (node: TemplateExpression, context) => templateExpression(node, context),
  [SyntaxKind.ArrayLiteralExpression]: (node: Node, context) => arrayLiteral(node, context),
  [SyntaxKind.ObjectLiteralExpression]: (node: Node, context) => objectLiteral(node, context),
  [SyntaxKind.PropertyAccessExpression]: (node: Node, context) => propertyAccess(node, context),
  [SyntaxKind.ElementAccessExpression]: (node: Node, context) => elementAccess(node, context),
  [SyntaxKind.CallExpression]: (node: Node, context) => transformCall(node, context),
  [SyntaxKind.BinaryExpression]: (node: BinaryExpression, context) => binaryExpression(node, context),
  [SyntaxKind.PrefixUnaryExpression]: (node: Node, context) => prefixUnary(node, context),
  [SyntaxKind.ConditionalExpression]: (node: Node, context) => conditionalExpression(node, context),
};

export function expression(node: Node, context: MacroContext): Expr {
  const transform = transforms[node.getKind()];
  if (transform === undefined) {
    throw context.error(node, Codes.unsupportedExpression,
      `${node.getKindName()} is not part of the macro language (see docs/macro-language.md).`);
  }
  return transform(node as never, context);
}

function unwrapOne(node: Node): Node {
  const inner = (node as Node & { getExpression(): Node }).getExpression();
  return inner;
}

/** Skips parentheses, casts and non-null assertions, which have no run-time meaning. */
export function unwrap(node: Node): Node {
  let current = node;
  while (
    Node.isParenthesizedExpression(current) || Node.isAsExpression(current) || Node.isNonNullExpression(current) ||
    Node.isSatisfiesExpression(current)
  ) {
    current = current.getExpression();
  }
  return current;
}

/**
 * A value that is about to become text, printed as JavaScript prints it: strings as they are, numbers
 * without a float's '.0', booleans as 'true'/'false' (dbt-core would print 'True'). Null and unknown
 * values are refused: their text differs ('None') and cannot be told apart from a string's.
 */
export function printable(node: Node, context: MacroContext, what: string): Expr {
  const type = node.getType();
  if (isOnly(type, "boolean")) return conditional(expression(node, context), lit("true"), lit("false"));
  if (!isOnly(type, "string", "number")) {
    throw context.error(node, Codes.unprintableValue,
      `${what} of type '${describe(type)}' would print differently in Jinja (null prints 'None'; a mix of ` +
        "booleans and other values cannot be told apart). Convert it to a string explicitly first.");
  }
  const expr = expression(node, context);
  return isOnly(type, "number") ? integralFloatAsInteger(expr, node, context, what) : expr;
}

/** True when printable() of this node yields a string without a `| string` filter. */
export function printsAsString(node: Node): boolean {
  return isOnly(node.getType(), "string") || isOnly(node.getType(), "boolean");
}

export function integralFloatAsInteger(expr: Expr, node: Node, context: MacroContext, what: string): Expr {
  if (surelyInteger(expr, context) || isIntegerLiteralType(node.getType())) return expr;
  if (!isPure(expr)) {
    throw context.error(node, Codes.unprintableValue,
      `${what} is a number, which Jinja may print as a float ('3.0' where JavaScript prints '3'); ` +
        "assign it to a const first so that the compiler can print it as JavaScript does.");
  }
  const asInteger = filter(expr, "int");
  return conditional(binary("==", asInteger, expr), asInteger, expr);
}

/** `3`, or `1 | 2`: a number type the checker knows holds only integers. */
function isIntegerLiteralType(type: Type): boolean {
  const parts = type.isUnion() ? type.getUnionTypes() : [type];
  return parts.every((part) => part.isNumberLiteral() && Number.isInteger(Number(part.getLiteralValue())));
}

/** True when the value is an integer on every engine, so it prints without the integral-float guard. */
export function surelyInteger(expr: Expr, context: MacroContext): boolean {
  switch (expr.kind) {
    case "literal":
      return typeof expr.value === "number" && Number.isInteger(expr.value);
    case "filter":
      return expr.name === "int" || expr.name === "length";
    case "negate":
      return surelyInteger(expr.operand, context);
    case "binary":
      return (expr.op === "+" || expr.op === "-" || expr.op === "*") && surelyInteger(expr.left, context) && surelyInteger(expr.right, context);
    case "conditional":
      return surelyInteger(expr.then, context) && surelyInteger(expr.otherwise, context);
    case "name":
      return context.integerNames.has(expr.name);
    default:
      return false;
  }
}

function templateExpression(node: TemplateExpression, context: MacroContext): Expr {
  const parts: Expr[] = [];
  const head = node.getHead().getLiteralText();
  if (head !== "") parts.push(lit(head));
  for (const span of node.getTemplateSpans()) {
    parts.push(printable(span.getExpression(), context, "a template literal substitution"));
    const text = span.getLiteral().getLiteralText();
    if (text !== "") parts.push(lit(text));
  }
  if (parts.length === 1) {
    const only = node.getTemplateSpans()[0]!.getExpression();
    return printsAsString(only) ? parts[0]! : filter(parts[0]!, "string");
  }
  return parts.reduce((left, right) => binary("~", left, right));
}

function arrayLiteral(node: Node, context: MacroContext): Expr {
  if (!Node.isArrayLiteralExpression(node)) throw new Error("unreachable");
  const segments: Expr[] = [];
  let run: Expr[] = [];
  for (const element of node.getElements()) {
    if (Node.isSpreadElement(element)) {
      if (run.length > 0) segments.push({ kind: "list", items: run });
      run = [];
      const spread = element.getExpression();
      if (!isOnly(spread.getType(), "array")) {
        throw context.error(spread, Codes.unsupportedExpression, "only arrays may be spread into an array literal.");
      }
      segments.push(expression(spread, context));
    } else if (Node.isOmittedExpression(element)) {
      throw context.error(element, Codes.unsupportedExpression, "array holes are not part of the macro language.");
    } else {
      run.push(expression(element, context));
    }
  }
  if (run.length > 0 || segments.length === 0) segments.push({ kind: "list", items: run });
  // Adding lists builds a new list in both engines, as spreading does in JavaScript.
  // A lone spread ('[...xs]') is a copy in JavaScript; '| list' copies in Jinja.
  if (segments.length === 1) return segments[0]!.kind === "list" ? segments[0]! : filter(segments[0]!, "list");
  return segments.reduce((l, r) => binary("+", l, r));
}

function propertyKey(node: Node, context: MacroContext): Expr {
  if (Node.isIdentifier(node) || Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) {
    return lit(Node.isIdentifier(node) ? node.getText() : node.getLiteralValue());
  }
  if (Node.isNumericLiteral(node)) return lit(node.getText());
  if (Node.isComputedPropertyName(node)) {
    const key = node.getExpression();
    if (!isOnly(key.getType(), "string")) {
      throw context.error(key, Codes.unsupportedExpression, "computed keys must be strings.");
    }
    return expression(key, context);
  }
  throw context.error(node, Codes.unsupportedExpression, `${node.getKindName()} keys are not supported.`);
}

function objectLiteral(node: Node, context: MacroContext): Expr {
  if (!Node.isObjectLiteralExpression(node)) throw new Error("unreachable");
  const segments: Array<Expr | Array<[Expr, Expr]>> = [];
  let run: Array<[Expr, Expr]> = [];
  for (const property of node.getProperties()) {
    if (Node.isPropertyAssignment(property)) {
      run.push([propertyKey(property.getNameNode(), context), expression(property.getInitializerOrThrow(), context)]);
    } else if (Node.isShorthandPropertyAssignment(property)) {
      run.push([lit(property.getName()), resolveIdentifier(property.getNameNode(), context, property.getValueSymbol())]);
    } else if (Node.isSpreadAssignment(property)) {
      if (run.length > 0) segments.push(run);
      run = [];
      const spread = property.getExpression();
      if (!isOnly(spread.getType(), "object")) {
        throw context.error(spread, Codes.unsupportedExpression, "only objects may be spread into an object literal.");
      }
      segments.push(expression(spread, context));
    } else {
      throw context.error(property, Codes.unsupportedExpression,
        `${property.getKindName()} in an object literal is not part of the macro language; write 'key: value'.`);
    }
  }
  if (segments.length === 0) return { kind: "dict", entries: run };
  if (run.length > 0) segments.push(run);
  // Jinja has no dict-merge expression: build a fresh dict and update it in order, like a spread.
  const temporary = context.temporary(node, "object");
  const statements: Stmt[] = [{ kind: "set", target: temporary, value: { kind: "dict", entries: [] } }];
  for (const segment of segments) {
    const value: Expr = Array.isArray(segment) ? { kind: "dict", entries: segment } : segment;
    statements.push({ kind: "do", expr: method(name(temporary), "update", [value]) });
  }
  context.hoist(node, statements);
  return name(temporary);
}

/** A key that may be missing: optional, possibly undefined, or only known through an index signature. */
function isOptionalProperty(objectNode: Node, key: string): boolean {
  const property = objectNode.getType().getNonNullableType().getProperty(key);
  if (property === undefined) return true;
  return property.isOptional() || includes(property.getTypeAtLocation(objectNode), "nullish");
}

function propertyAccess(node: Node, context: MacroContext): Expr {
  if (!Node.isPropertyAccessExpression(node)) throw new Error("unreachable");
  if (node.hasQuestionDotToken()) {
    throw context.error(node, Codes.unsupportedExpression,
      "optional chaining ('?.') is not part of the macro language; test 'x !== undefined' first.");
  }
  const objectNode = node.getExpression();
  const property = node.getName();
  const objectType = objectNode.getType();
  if (property === "length" && isOnly(objectType, "string", "array")) {
    return filter(expression(objectNode, context), "length");
  }
  if (isOnly(objectType, "string", "array", "number", "boolean")) {
    throw context.error(node.getNameNode(), Codes.unsupportedExpression,
      `'.${property}' on a value of type '${describe(objectType)}' is not part of the macro language.`);
  }
  if (!isOnly(objectType, "object")) {
    throw context.error(objectNode, Codes.unsupportedType,
      `property access needs an object, not '${describe(objectType)}'; narrow the type first.`);
  }
  const object = expression(objectNode, context);
  // Subscript, not attribute: `d.items` would find the dict method, `d["items"]` finds the key.
  // A key that may be missing is read with `.get`, which gives none where `[]` gives Jinja's Undefined.
  return isOptionalProperty(objectNode, property)
    ? method(object, "get", [lit(property)])
    : { kind: "item", object, key: lit(property) };
}

function elementAccess(node: Node, context: MacroContext): Expr {
  if (!Node.isElementAccessExpression(node)) throw new Error("unreachable");
  if (node.hasQuestionDotToken()) {
    throw context.error(node, Codes.unsupportedExpression, "optional chaining ('?.[') is not part of the macro language.");
  }
  const objectNode = node.getExpression();
  const keyNode = node.getArgumentExpressionOrThrow();
  const objectType = objectNode.getType();
  if (isOnly(objectType, "array", "string")) {
    if (!isOnly(keyNode.getType(), "number")) {
      throw context.error(keyNode, Codes.unsupportedExpression, "array and string indexes must be numbers.");
    }
    return { kind: "item", object: expression(objectNode, context), key: expression(keyNode, context) };
  }
  if (isOnly(objectType, "object")) {
    if (!isOnly(keyNode.getType(), "string")) {
      throw context.error(keyNode, Codes.unsupportedExpression, "object keys must be strings.");
    }
    const key = expression(keyNode, context);
    const literalKey = Node.isStringLiteral(keyNode) ? keyNode.getLiteralValue() : undefined;
    const optional = literalKey === undefined || isOptionalProperty(objectNode, literalKey) ||
      objectType.getStringIndexType() !== undefined;
    const object = expression(objectNode, context);
    return optional ? method(object, "get", [key]) : { kind: "item", object, key };
  }
  throw context.error(objectNode, Codes.unsupportedType,
    `indexing a value of type '${describe(objectType)}' is not supported; narrow the type first.`);
}

/**
 * Jinja has one none where JavaScript has null and undefined (a missing key reads as none through
 * `.get`), so `x === null` and `x === undefined` only keep their meaning when `x` cannot hold the other.
 */
function requireOneNullish(literalNode: Node, operandNode: Node, context: MacroContext): void {
  const literal = unwrap(literalNode).getKind() === SyntaxKind.NullKeyword ? "null" : "undefined";
  if (mayHoldOtherNullish(operandNode.getType(), literal)) {
    throw context.error(literalNode, Codes.looseEquality,
      `'${operandNode.getText()}' may be null or undefined, which are both none in Jinja; ` +
        `test both with '${operandNode.getText()} == null' (or '!= null').`);
  }
}

function mayHoldOtherNullish(type: Type, literal: "null" | "undefined"): boolean {
  const parts = type.isUnion() ? type.getUnionTypes() : [type];
  return parts.some((part) => {
    const flags = part.getFlags();
    if (flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return true;
    return literal === "null" ? (flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) !== 0 : (flags & ts.TypeFlags.Null) !== 0;
  });
}

function isNullishLiteral(node: Node): boolean {
  const inner = unwrap(node);
  return inner.getKind() === SyntaxKind.NullKeyword || (Node.isIdentifier(inner) && inner.getText() === "undefined");
}

const TYPEOF_TESTS: Record<string, (operand: Expr) => Expr> = {
  string: (operand) => test(operand, "string"),
  // `true is number` holds in Jinja2 but not in dbt 2.x; excluding booleans means the same in both.
  number: (operand) => binary("and", test(operand, "number"), test(operand, "boolean", true)),
  boolean: (operand) => test(operand, "boolean"),
  undefined: (operand) => isNone(operand),
};

function typeofComparison(node: BinaryExpression, context: MacroContext): Expr | undefined {
  const left = unwrap(node.getLeft());
  const right = unwrap(node.getRight());
  const [typeofNode, literalNode] = Node.isTypeOfExpression(left) ? [left, right] : Node.isTypeOfExpression(right) ? [right, left] : [];
  if (typeofNode === undefined || literalNode === undefined || !Node.isTypeOfExpression(typeofNode)) return undefined;
  if (!Node.isStringLiteral(literalNode)) {
    throw context.error(literalNode, Codes.unsupportedExpression, "compare 'typeof x' with a string literal.");
  }
  const makeTest = TYPEOF_TESTS[literalNode.getLiteralValue()];
  if (makeTest === undefined) {
    throw context.error(literalNode, Codes.unsupportedExpression,
      `'typeof x === "${literalNode.getLiteralValue()}"' has no portable Jinja test; use Array.isArray(x), ` +
        "'x !== null' or a 'string'/'number'/'boolean'/'undefined' test.");
  }
  if (literalNode.getLiteralValue() === "undefined") requireOneNullish(literalNode, typeofNode.getExpression(), context);
  const operand = expression(typeofNode.getExpression(), context);
  const result = makeTest(operand);
  return node.getOperatorToken().getKind() === SyntaxKind.ExclamationEqualsEqualsToken ? not(result) : result;
}

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
        requireOneNullish(literalNode, operandNode, context);
        const operand = expression(operandNode, context);
        return negated ? isNotNone(operand) : isNone(operand);
      }
      for (const side of [leftNode, rightNode]) {
        if (includes(side.getType(), "array") || includes(side.getType(), "object")) {
          throw context.error(side, Codes.looseEquality,
            "'===' compares arrays and objects by identity in JavaScript and by value in Jinja; compare their contents.");
        }
      }
      return binary(negated ? "!=" : "==", expression(leftNode, context), expression(rightNode, context));
    }
    case SyntaxKind.EqualsEqualsToken:
    case SyntaxKind.ExclamationEqualsToken: {
      // `x == null` is JavaScript's test for null-or-undefined, which is exactly Jinja's `is none`.
      if (isNullishLiteral(rightNode) || isNullishLiteral(leftNode)) {
        const operand = expression(isNullishLiteral(rightNode) ? leftNode : rightNode, context);
        return operator === SyntaxKind.ExclamationEqualsToken ? isNotNone(operand) : isNone(operand);
      }
      throw context.error(node.getOperatorToken(), Codes.looseEquality,
        "loose equality ('==', '!=') coerces types in JavaScript and not in Jinja; use '===' or '!=='.");
    }
    case SyntaxKind.PlusToken:
      return plus(node, context);
    case SyntaxKind.MinusToken:
    case SyntaxKind.AsteriskToken:
      requireNumbers(node, context);
      return binary(operator === SyntaxKind.MinusToken ? "-" : "*", expression(leftNode, context), expression(rightNode, context));
    case SyntaxKind.SlashToken:
      // Python's and Rust's float text is the shortest that round-trips, as JavaScript's is; only an
      // integral quotient differs ('3.0'), which printing removes. A quotient kept in a value could
      // reach tojson or join, which would print '3.0'.
      if (!isPrintedOrCompared(node)) {
        throw context.error(node.getOperatorToken(), Codes.unportableArithmetic,
          "'/' yields a float in Jinja ('6 / 2' is '3.0'): print or compare the quotient where it is computed " +
            "(`${a / b}`, String(a / b), a / b > c), or wrap it in Math.floor, Math.ceil or Math.trunc.");
      }
      requireNumbers(node, context);
      return binary("/", expression(leftNode, context), expression(rightNode, context));
    case SyntaxKind.PercentToken:
      return remainder(node, context);
    case SyntaxKind.AmpersandAmpersandToken:
    case SyntaxKind.BarBarToken:
      return logical(node, context, operator === SyntaxKind.AmpersandAmpersandToken ? "and" : "or");
    case SyntaxKind.QuestionQuestionToken: {
      const left = pureOperand(leftNode, context, "the left of '??'");
      const right = context.conditionally(() => expression(rightNode, context));
      return conditional(isNotNone(left), left, right);
    }
    case SyntaxKind.InKeyword: {
      if (!isOnly(rightNode.getType(), "object") || !isOnly(leftNode.getType(), "string")) {
        throw context.error(node, Codes.unsupportedExpression, "'key in object' needs a string key and an object.");
      }
      return binary("in", expression(leftNode, context), expression(rightNode, context));
    }
    default: {
      const comparison = COMPARISONS[operator];
      if (comparison !== undefined) {
        const comparable = (isOnly(leftNode.getType(), "number") && isOnly(rightNode.getType(), "number")) ||
          (isOnly(leftNode.getType(), "string") && isOnly(rightNode.getType(), "string"));
        if (!comparable) {
          throw context.error(node, Codes.unsupportedExpression,
            "ordering comparisons need two numbers or two strings (mixed types coerce in JavaScript and fail in Jinja).");
        }
        return binary(comparison, expression(leftNode, context), expression(rightNode, context));
      }
      throw context.error(node.getOperatorToken(), Codes.unsupportedExpression,
        `the '${node.getOperatorToken().getText()}' operator is not part of the macro language here.`);
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

function requireNumbers(node: BinaryExpression, context: MacroContext): void {
  for (const side of [node.getLeft(), node.getRight()]) {
    if (!isOnly(side.getType(), "number")) {
      throw context.error(side, Codes.unsupportedExpression,
        `arithmetic needs numbers, not '${describe(side.getType())}'.`);
    }
  }
}

function plus(node: BinaryExpression, context: MacroContext): Expr {
  const leftType = node.getLeft().getType();
  const rightType = node.getRight().getType();
  if (isOnly(leftType, "number") && isOnly(rightType, "number")) {
    return binary("+", expression(node.getLeft(), context), expression(node.getRight(), context));
  }
  if (includes(leftType, "string") || includes(rightType, "string")) {
    // '+' on a string concatenates in JavaScript; Jinja's '~' does that whatever the operand type.
    return binary("~", printable(node.getLeft(), context, "a '+' operand"), printable(node.getRight(), context, "a '+' operand"));
  }
  throw context.error(node, Codes.unsupportedExpression,
    `'+' needs two numbers or a string, not '${describe(leftType)}' and '${describe(rightType)}'.`);
}

function remainder(node: BinaryExpression, context: MacroContext): Expr {
  requireNumbers(node, context);
  const left = pureOperand(node.getLeft(), context, "the left of '%'");
  const right = pureOperand(node.getRight(), context, "the right of '%'");
  // JavaScript's '%' truncates toward zero; Jinja2 floors and dbt 2.x is Euclidean. 'a - b * int(a / b)'
  // truncates in both.
  return binary("-", left, binary("*", right, filter(binary("/", left, right), "int")));
}

/** Operands that the lowering evaluates more than once must not have side effects. */
export function pureOperand(node: Node, context: MacroContext, what: string): Expr {
  const expr = expression(node, context);
  if (!isPure(expr)) {
    throw context.error(node, Codes.unsupportedExpression,
      `${what} is evaluated more than once in Jinja; assign it to a const first.`);
  }
  return expr;
}

function logical(node: BinaryExpression, context: MacroContext, op: "and" | "or"): Expr {
  const leftNode = node.getLeft();
  const rightNode = node.getRight();
  if (truthinessOf(context, leftNode, leftNode.getType()) === "native") {
    // Python's 'and'/'or' return an operand, as JavaScript's do, and agree on primitive truth.
    const left = expression(leftNode, context);
    const right = context.conditionally(() => expression(rightNode, context));
    return binary(op, left, right);
  }
  const left = pureOperand(leftNode, context, `the left of '${op === "and" ? "&&" : "||"}'`);
  const right = context.conditionally(() => expression(rightNode, context));
  return op === "and" ? conditional(isNotNone(left), right, left) : conditional(isNotNone(left), left, right);
}

function prefixUnary(node: Node, context: MacroContext): Expr {
  if (!Node.isPrefixUnaryExpression(node)) throw new Error("unreachable");
  const operand = node.getOperand();
  switch (node.getOperatorToken()) {
    case SyntaxKind.ExclamationToken:
      return not(truthy(context, operand, operand.getType(), expression(operand, context)));
    case SyntaxKind.MinusToken:
      if (!isOnly(operand.getType(), "number")) {
        throw context.error(operand, Codes.unsupportedExpression, "unary '-' needs a number.");
      }
      if (Node.isNumericLiteral(operand)) return lit(-Number(operand.getLiteralValue()));
      return { kind: "negate", operand: expression(operand, context) };
    default:
      throw context.error(node, Codes.unsupportedExpression,
        `the prefix operator '${node.getText().charAt(0)}' is not part of the macro language here ` +
          "(increments are statements: write 'x += 1' on a line of its own).");
  }
}

function conditionalExpression(node: Node, context: MacroContext): Expr {
  if (!Node.isConditionalExpression(node)) throw new Error("unreachable");
  const condition = node.getCondition();
  const testExpr = truthy(context, condition, condition.getType(), expression(condition, context));
  const then = context.conditionally(() => expression(node.getWhenTrue(), context));
  const otherwise = context.conditionally(() => expression(node.getWhenFalse(), context));
  return conditional(testExpr, then, otherwise);
}

export type { Expression };
