/** String built-ins: `String(x)` and the String methods of the macro language. */
import { Node, type CallExpression } from "ts-morph";
import {
  emptyPattern, methodArity, operandEvaluatedTwice, patternNotString, patternRequired, repeatCountNotInteger, replacementNotPlain,
  splitLimitNotLiteral, stringConversionWithoutArgument,
} from "../../diagnostics.js";
import type { MacroContext } from "../../context.js";
import { binary, conditional, containsGuardRaise, filter, isPure, lit, method, slice, type Expr } from "../../ir.js";
import { isOnly } from "../../types.js";
import { targetSymbol } from "../identifiers.js";
import { printable, printsAsString, surelyInteger } from "../printable.js";
import { guarded, raiseAt } from "../guard.js";
import { pureOperand } from "../pure-operand.js";
import { unwrap } from "../syntax.js";
import { argumentsOf, arity, type CallLowering, type MethodLowering } from "./lowering.js";
import { sliceMethod } from "./slice.js";

/** `String(x)`: the text JavaScript prints for x. */
export const stringConversion: CallLowering = (node, context) => {
  const [argument] = node.getArguments();
  if (argument === undefined) throw stringConversionWithoutArgument(node);
  const value = printable(argument, context, "String()'s argument");
  return printsAsString(argument) ? value : filter(value, "string");
};

/** The text of a string literal argument, or of a module constant holding one (constants are inlined). */
function literalArgument(node: CallExpression, index: number): string | undefined {
  const argument = node.getArguments()[index];
  return argument === undefined ? undefined : literalText(unwrap(argument));
}

function literalText(node: Node): string | undefined {
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralValue();
  if (!Node.isIdentifier(node)) return undefined;
  const declaration = targetSymbol(node.getSymbol())?.getDeclarations()[0];
  if (declaration === undefined || !Node.isVariableDeclaration(declaration) ||
    declaration.getVariableStatement()?.getDeclarationKind() !== "const" || !Node.isSourceFile(declaration.getVariableStatement()?.getParent())) {
    return undefined;
  }
  const initializer = declaration.getInitializer();
  return initializer === undefined ? undefined : literalText(unwrap(initializer));
}

function stringArgument(node: CallExpression): void {
  const argument = node.getArguments()[0]!;
  if (!isOnly(argument.getType(), "string")) throw patternNotString(argument);
}

function nonEmptyPattern(node: CallExpression): void {
  const pattern = node.getArguments()[0];
  if (pattern === undefined) throw patternRequired(node);
  if (!isOnly(pattern.getType(), "string")) throw patternNotString(pattern);
  if (literalArgument(node, 0) === "") throw emptyPattern(pattern);
}

function plainReplacement(node: CallExpression): Expr {
  const replacement = node.getArguments()[1];
  const text = literalArgument(node, 1);
  if (replacement === undefined || text === undefined || text.includes("$")) throw replacementNotPlain(replacement ?? node);
  return lit(text);
}

/**
 * JavaScript's trim() strips WhiteSpace and LineTerminator (ECMA-262 §12.2, §12.3): tab, VT, FF, space,
 * NBSP, U+FEFF, every Zs and LF, CR, U+2028, U+2029. Python's strip() keeps U+FEFF and strips
 * U+001C–U+001F and U+0085, Rust's trim() keeps U+FEFF and strips U+0085, so both are told the set.
 */
export const JS_WHITESPACE = "\t\n\u000b\u000c\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009" +
  "\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";

/**
 * indexOf/lastIndexOf: the length of the text before the first (after the last) occurrence. dbt 2.x's
 * find/rfind count UTF-8 bytes ("\ufeffx".find("x") is 3), so the position is measured in characters.
 * An empty pattern is found at 0 (lastIndexOf: at the end), where split would refuse it.
 */
function position(receiver: Expr, node: CallExpression, context: MacroContext, receiverNode: Node, which: "first" | "last"): Expr {
  arity(node, 1);
  stringArgument(node);
  if (!isPure(receiver)) throw operandEvaluatedTwice(receiverNode, "the searched string");
  const pattern = pureOperand(node.getArguments()[0]!, context, "the pattern");
  const pieces = method(receiver, "split", [pattern]);
  const before = which === "first" ? filter(filter(pieces, "first"), "length")
    : binary("-", binary("-", filter(receiver, "length"), filter(pattern, "length")), filter(filter(pieces, "last"), "length"));
  // An empty pattern is at 0 without reading the receiver, but a receiver that may raise (a pad past
  // MAX_BUILT_STRING) must still be evaluated: JavaScript evaluates it before the call, and throws.
  const atStart = containsGuardRaise(receiver) ? binary("*", filter(receiver, "length"), lit(0)) : lit(0);
  const empty = which === "first" ? atStart : filter(receiver, "length");
  return conditional(binary("==", pattern, lit("")), empty, conditional(binary("in", pattern, receiver), before, lit(-1)));
}

/** The longest string padStart, padEnd and repeat build in dbt (16 M characters). */
const MAX_BUILT_STRING = 2 ** 24;

/**
 * `text * count`, raising past MAX_BUILT_STRING. A literal count past it raises without the product:
 * Jinja2 folds constant expressions when it compiles a template, and would build the string then.
 */
function repeatedText(node: CallExpression, text: Expr, count: Expr): Expr {
  if (count.kind === "literal" && typeof count.value === "number" && count.value > MAX_BUILT_STRING) return raiseAt(node, "stringTooLong");
  return guarded(node, "stringTooLong", binary("<=", count, lit(MAX_BUILT_STRING)), binary("*", text, count));
}

/** The pad of padStart/padEnd: `fill` repeated, cut to what `s` lacks of `n` characters (nothing when it lacks none). */
function padding(receiver: Expr, node: CallExpression, context: MacroContext, receiverNode: Node): { pad: Expr; missing: Expr } {
  const [lengthNode, fillNode, ...rest] = node.getArguments();
  if (lengthNode === undefined || rest.length > 0) throw methodArity(node, 2);
  if (!isPure(receiver)) throw operandEvaluatedTwice(receiverNode, "the padded string");
  const length = pureOperand(lengthNode, context, "the padded length");
  const whole = surelyInteger(length, context) ? length : filter(length, "int");
  const fill = fillNode === undefined ? lit(" ") : pureOperand(fillNode, context, "the fill");
  const missing = binary("-", whole, filter(receiver, "length"));
  // A pad of millions of characters would exhaust dbt's memory before anything else; JavaScript refuses
  // strings past about 2^29 characters itself.
  const repeated = repeatedText(node, fill, whole);
  return { pad: slice(repeated, undefined, missing), missing };
}

export const STRING_METHODS: Record<string, MethodLowering> = {
  toLowerCase: (receiver, node) => (arity(node, 0), filter(receiver, "lower")),
  toUpperCase: (receiver, node) => (arity(node, 0), filter(receiver, "upper")),
  trim: (receiver, node) => (arity(node, 0), filter(receiver, "trim", [lit(JS_WHITESPACE)])),
  trimStart: (receiver, node) => (arity(node, 0), method(receiver, "lstrip", [lit(JS_WHITESPACE)])),
  trimEnd: (receiver, node) => (arity(node, 0), method(receiver, "rstrip", [lit(JS_WHITESPACE)])),
  padStart: (receiver, node, context, receiverNode) => {
    const { pad, missing } = padding(receiver, node, context, receiverNode);
    return conditional(binary(">", missing, lit(0)), binary("~", pad, receiver), receiver);
  },
  padEnd: (receiver, node, context, receiverNode) => {
    const { pad, missing } = padding(receiver, node, context, receiverNode);
    return conditional(binary(">", missing, lit(0)), binary("~", receiver, pad), receiver);
  },
  indexOf: (receiver, node, context, receiverNode) => position(receiver, node, context, receiverNode, "first"),
  lastIndexOf: (receiver, node, context, receiverNode) => position(receiver, node, context, receiverNode, "last"),
  repeat: (receiver, node, context) => {
    arity(node, 1);
    const count = context.transformExpression(node.getArguments()[0]!);
    if (!surelyInteger(count, context) || !isPure(count)) throw repeatCountNotInteger(node.getArguments()[0]!);
    return repeatedText(node, receiver, count);
  },
  startsWith: (receiver, node, context) => (arity(node, 1), method(receiver, "startswith", argumentsOf(node, context))),
  endsWith: (receiver, node, context) => (arity(node, 1), method(receiver, "endswith", argumentsOf(node, context))),
  includes: (receiver, node, context) => (arity(node, 1), binary("in", argumentsOf(node, context)[0]!, receiver)),
  split: (receiver, node, context) => {
    const [, limitNode, ...rest] = node.getArguments();
    if (rest.length > 0) throw methodArity(node, 2);
    nonEmptyPattern(node);
    const parts = method(receiver, "split", [context.transformExpression(node.getArguments()[0]!)]);
    if (limitNode === undefined) return parts;
    // JavaScript's limit keeps the first pieces of the whole split; Python's maxsplit would keep the rest in the last one.
    const limit = unwrap(limitNode);
    if (!Node.isNumericLiteral(limit) || !Number.isInteger(Number(limit.getText()))) throw splitLimitNotLiteral(limitNode);
    return slice(parts, undefined, lit(Number(limit.getText())));
  },
  replaceAll: (receiver, node, context) => {
    arity(node, 2);
    nonEmptyPattern(node);
    const replacement = plainReplacement(node);
    return filter(receiver, "replace", [context.transformExpression(node.getArguments()[0]!), replacement]);
  },
  replace: (receiver, node, context) => {
    arity(node, 2);
    nonEmptyPattern(node);
    const replacement = plainReplacement(node);
    // JavaScript replaces the first match only: Python's str.replace with a count of 1, the same in
    // dbt-core and in dbt 2.x (a split/join form is not: dbt 2.x's join drops leading empty items).
    return method(receiver, "replace", [context.transformExpression(node.getArguments()[0]!), replacement, lit(1)]);
  },
  slice: (receiver, node, context) => sliceMethod(receiver, node, context),
};

