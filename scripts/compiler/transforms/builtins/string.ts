/** String built-ins: `String(x)` and the String methods of the macro language. */
import { Node, type CallExpression } from "ts-morph";
import {
  emptyPattern, patternNotString, patternRequired, replacementNotPlain, stringConversionWithoutArgument,
} from "../../diagnostics.js";
import { binary, filter, lit, method, type Expr } from "../../ir.js";
import { isOnly } from "../../types.js";
import { targetSymbol } from "../identifiers.js";
import { printable, printsAsString } from "../printable.js";
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

export const STRING_METHODS: Record<string, MethodLowering> = {
  toLowerCase: (receiver, node) => (arity(node, 0), filter(receiver, "lower")),
  toUpperCase: (receiver, node) => (arity(node, 0), filter(receiver, "upper")),
  trim: (receiver, node) => (arity(node, 0), filter(receiver, "trim")),
  startsWith: (receiver, node, context) => (arity(node, 1), method(receiver, "startswith", argumentsOf(node, context))),
  endsWith: (receiver, node, context) => (arity(node, 1), method(receiver, "endswith", argumentsOf(node, context))),
  includes: (receiver, node, context) => (arity(node, 1), binary("in", argumentsOf(node, context)[0]!, receiver)),
  split: (receiver, node, context) => {
    arity(node, 1);
    nonEmptyPattern(node);
    return method(receiver, "split", argumentsOf(node, context));
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

