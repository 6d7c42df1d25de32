/** Calls: prelude functions, macros, and the built-in methods the language supports. */
import { Node, SyntaxKind, type CallExpression } from "ts-morph";
import { Codes } from "../diagnostics.js";
import { describedBy, type MacroContext } from "../context.js";
import { attr, binary, call, conditional, filter, lit, method, name, test, type Expr } from "../ir.js";
import { PRELUDE_COMPILE_TIME, PRELUDE_FUNCTIONS } from "../prelude-map.js";
import { describe, includes, isOnly } from "../types.js";
import { lowerCallback } from "./callbacks.js";
import { expression, integralFloatAsInteger, printable, printsAsString, pureOperand, unwrap } from "./expressions.js";
import { isPreludeDeclaration, targetSymbol } from "./identifiers.js";

export function transformCall(node: Node, context: MacroContext): Expr {
  if (!Node.isCallExpression(node)) throw new Error("unreachable");
  if (node.getQuestionDotTokenNode() !== undefined) {
    throw context.error(node, Codes.unsupportedExpression, "optional calls ('?.()') are not part of the macro language.");
  }
  for (const argument of node.getArguments()) {
    if (Node.isSpreadElement(argument) && !isPushStatement(node)) {
      throw context.error(argument, Codes.unsupportedCall, "spread arguments are not part of the macro language.");
    }
  }
  const callee = node.getExpression();
  if (Node.isIdentifier(callee)) return identifierCall(node, callee, context);
  // `dispatch(...)(args)`: calling what a call returned.
  if (Node.isCallExpression(unwrap(callee))) return call(expression(callee, context), argumentsOf(node, context));
  if (Node.isPropertyAccessExpression(callee)) {
    const receiver = callee.getExpression();
    if (Node.isIdentifier(receiver) && GLOBAL_CALLS[`${receiver.getText()}.${callee.getName()}`] !== undefined &&
      receiver.getSymbol()?.getDeclarations()[0]?.getSourceFile().isDeclarationFile() !== false) {
      return GLOBAL_CALLS[`${receiver.getText()}.${callee.getName()}`]!(node, context);
    }
    return methodCall(node, receiver, callee.getName(), context);
  }
  throw context.error(callee, Codes.unsupportedCall, "only named functions and methods can be called.");
}

function isPushStatement(node: CallExpression): boolean {
  const callee = node.getExpression();
  return Node.isPropertyAccessExpression(callee) && callee.getName() === "push" && Node.isExpressionStatement(node.getParent());
}

function argumentsOf(node: CallExpression, context: MacroContext): Expr[] {
  return node.getArguments().map((argument) => expression(argument, context));
}

function identifierCall(node: CallExpression, callee: Node, context: MacroContext): Expr {
  const calleeName = callee.getText();
  if (calleeName === "String") {
    const [argument] = node.getArguments();
    if (argument === undefined) throw context.error(node, Codes.unsupportedCall, "String() needs an argument.");
    const value = printable(argument, context, "String()'s argument");
    return printsAsString(argument) ? value : filter(value, "string");
  }
  const symbol = targetSymbol(callee.getSymbol());
  const declaration = symbol?.getDeclarations()[0];
  if (symbol !== undefined && isPreludeDeclaration(declaration, context)) {
    const preludeName = symbol.getName();
    if (PRELUDE_COMPILE_TIME.has(preludeName)) {
      throw context.error(node, Codes.embed,
        `${preludeName}() is evaluated at compile time and may only initialise a const: 'const text = ${preludeName}("file")'.`);
    }
    const spec = PRELUDE_FUNCTIONS[preludeName];
    if (spec === undefined) {
      throw context.error(callee, Codes.unsupportedCall, `the prelude's '${preludeName}' has no dbt meaning.`);
    }
    if (spec.asValue) return spec.callee;
    const args = argumentsOf(node, context);
    if (spec.test !== undefined) return test(args[0]!, spec.test);
    if (spec.filter !== undefined) return filter(args[0]!, spec.filter);
    return call(spec.callee, args.slice(0, spec.positional),
      [...args.slice(spec.positional).map((value, index): [string, Expr] => [spec.keywords[index]!, value]), ...(spec.fixedKeywords ?? [])]);
  }
  if (declaration !== undefined && Node.isFunctionDeclaration(declaration) &&
    context.program.macros.get(calleeName) === declaration) {
    const parameters = declaration.getParameters();
    node.getArguments().forEach((argument, index) => {
      const parameter = parameters[index];
      const inner = unwrap(argument);
      if (parameter?.hasInitializer() && Node.isIdentifier(inner) && inner.getText() === "undefined") {
        throw context.error(argument, Codes.parameter,
          "passing 'undefined' uses the default in JavaScript but passes none in Jinja; leave the argument out.");
      }
    });
    // Qualified, as dbt-utils calls its own macros: dbt resolves a bare name to the package's macros
    // only when the package is the search package (run-operation of a package macro), not when a
    // user's macro, a hook or a model calls the package (dbt-core: "'x' is undefined").
    const dbtName = context.program.dbtNames.get(calleeName) ?? calleeName;
    return call(attr(name(context.program.packageName), dbtName), argumentsOf(node, context));
  }
  if (declaration !== undefined && Node.isFunctionDeclaration(declaration)) {
    throw context.error(callee, Codes.unsupportedCall,
      `'${calleeName}' is not a macro of the compiled sources; import it from a file in the source folder.`);
  }
  // A function-typed local or parameter: the result of adapter.dispatch, or a mistake.
  const local = symbol === undefined ? undefined : context.local(symbol);
  if (local !== undefined) return call(name(local), argumentsOf(node, context));
  throw context.error(callee, Codes.unsupportedCall, `'${calleeName}' cannot be called from a macro.`);
}

type CallTransform = (node: CallExpression, context: MacroContext) => Expr;

function onlyArgument(node: CallExpression, context: MacroContext): Node {
  const args = node.getArguments();
  if (args.length !== 1) throw context.error(node, Codes.unsupportedCall, "this call takes exactly one argument.");
  return args[0]!;
}

function requireObject(argument: Node, context: MacroContext): void {
  if (!isOnly(argument.getType(), "object")) {
    throw context.error(argument, Codes.unsupportedCall, `expected an object, not '${describe(argument.getType())}'.`);
  }
}

/** floor/ceil/trunc of `a / b`, or of a number, through truncation, which `int` does the same way in both engines. */
function rounding(mode: "floor" | "ceil" | "trunc"): CallTransform {
  return (node, context) => {
    const argument = unwrap(onlyArgument(node, context));
    let quotient: Expr;
    if (Node.isBinaryExpression(argument) && argument.getOperatorToken().getKind() === SyntaxKind.SlashToken) {
      for (const side of [argument.getLeft(), argument.getRight()]) {
        if (!isOnly(side.getType(), "number")) throw context.error(side, Codes.unsupportedExpression, "division needs numbers.");
      }
      quotient = binary("/", pureOperand(argument.getLeft(), context, "the dividend"),
        pureOperand(argument.getRight(), context, "the divisor"));
    } else {
      if (!isOnly(argument.getType(), "number")) throw context.error(argument, Codes.unsupportedCall, "expected a number.");
      quotient = pureOperand(argument, context, "the argument");
    }
    const truncated = filter(quotient, "int");
    if (mode === "trunc") return truncated;
    const below = mode === "floor" ? binary("<", quotient, truncated) : binary(">", quotient, truncated);
    return binary(mode === "floor" ? "-" : "+", truncated, conditional(below, lit(1), lit(0)));
  };
}

const GLOBAL_CALLS: Record<string, CallTransform> = {
  "Object.keys": (node, context) => {
    const argument = onlyArgument(node, context);
    requireObject(argument, context);
    return filter(method(expression(argument, context), "keys"), "list");
  },
  "Object.values": (node, context) => {
    const argument = onlyArgument(node, context);
    requireObject(argument, context);
    return filter(method(expression(argument, context), "values"), "list");
  },
  "Object.entries": (node, context) => {
    const argument = onlyArgument(node, context);
    requireObject(argument, context);
    // Pairs become lists, as JavaScript's entries are arrays, so both serialise alike.
    const what = describedBy(argument);
    const pairs = context.temporary(node, `${what}_entries`);
    const key = context.temporary(undefined, `${what}_key`);
    const value = context.temporary(undefined, `${what}_value`);
    context.hoist(node, [
      { kind: "set", target: pairs, value: { kind: "list", items: [] } },
      {
        kind: "for", targets: [key, value], iterable: method(expression(argument, context), "items"),
        body: [{ kind: "do", expr: method(name(pairs), "append", [{ kind: "list", items: [name(key), name(value)] }]) }],
      },
    ]);
    return name(pairs);
  },
  "Array.isArray": (node, context) => {
    const operand = pureOperand(onlyArgument(node, context), context, "Array.isArray's argument");
    return binary("and", binary("and", test(operand, "iterable"), test(operand, "string", true)), test(operand, "mapping", true));
  },
  "Number.isInteger": (node, context) => {
    const operand = pureOperand(onlyArgument(node, context), context, "Number.isInteger's argument");
    return binary("and", binary("and", test(operand, "number"), test(operand, "boolean", true)),
      binary("==", filter(operand, "int"), operand));
  },
  "Math.floor": rounding("floor"),
  "Math.ceil": rounding("ceil"),
  "Math.trunc": rounding("trunc"),
  "Math.abs": (node, context) => filter(expression(onlyArgument(node, context), context), "abs"),
  "Math.max": (node, context) => filter({ kind: "list", items: argumentsOf(node, context) }, "max"),
  "Math.min": (node, context) => filter({ kind: "list", items: argumentsOf(node, context) }, "min"),
};

type MethodTransform = (receiver: Expr, node: CallExpression, context: MacroContext, receiverNode: Node) => Expr;

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

function arity(node: CallExpression, context: MacroContext, count: number): void {
  if (node.getArguments().length !== count) {
    throw context.error(node, Codes.unsupportedCall, `this method takes ${count} argument(s) in the macro language.`);
  }
}

function nonEmptyPattern(node: CallExpression, context: MacroContext): void {
  const pattern = node.getArguments()[0];
  if (pattern === undefined) throw context.error(node, Codes.unsupportedCall, "a pattern is required.");
  if (!isOnly(pattern.getType(), "string")) {
    throw context.error(pattern, Codes.unsupportedCall, "patterns must be strings; regular expressions are not supported.");
  }
  if (literalArgument(node, 0) === "") {
    throw context.error(pattern, Codes.unsupportedCall, "an empty pattern behaves differently in Jinja; it is not supported.");
  }
}

function plainReplacement(node: CallExpression, context: MacroContext): Expr {
  const replacement = node.getArguments()[1];
  const text = literalArgument(node, 1);
  if (replacement === undefined || text === undefined || text.includes("$")) {
    throw context.error(replacement ?? node, Codes.unsupportedCall,
      "the replacement must be a string literal without '$' (JavaScript expands '$&', '$1'… in it; Jinja does not).");
  }
  return lit(text);
}

const STRING_METHODS: Record<string, MethodTransform> = {
  toLowerCase: (receiver, node, context) => (arity(node, context, 0), filter(receiver, "lower")),
  toUpperCase: (receiver, node, context) => (arity(node, context, 0), filter(receiver, "upper")),
  trim: (receiver, node, context) => (arity(node, context, 0), filter(receiver, "trim")),
  startsWith: (receiver, node, context) => (arity(node, context, 1), method(receiver, "startswith", argumentsOf(node, context))),
  endsWith: (receiver, node, context) => (arity(node, context, 1), method(receiver, "endswith", argumentsOf(node, context))),
  includes: (receiver, node, context) => (arity(node, context, 1), binary("in", argumentsOf(node, context)[0]!, receiver)),
  split: (receiver, node, context) => {
    arity(node, context, 1);
    nonEmptyPattern(node, context);
    return method(receiver, "split", argumentsOf(node, context));
  },
  replaceAll: (receiver, node, context) => {
    arity(node, context, 2);
    nonEmptyPattern(node, context);
    const replacement = plainReplacement(node, context);
    return filter(receiver, "replace", [expression(node.getArguments()[0]!, context), replacement]);
  },
  replace: (receiver, node, context) => {
    arity(node, context, 2);
    nonEmptyPattern(node, context);
    const replacement = plainReplacement(node, context);
    // JavaScript replaces the first match only: Python's str.replace with a count of 1, the same in
    // dbt-core and in dbt 2.x (a split/join form is not: dbt 2.x's join drops leading empty items).
    return method(receiver, "replace", [expression(node.getArguments()[0]!, context), replacement, lit(1)]);
  },
  slice: (receiver, node, context) => slice(receiver, node, context),
};

/** A literal negative bound (`-2`) as its magnitude, else undefined. */
function negativeLiteral(bound: Expr | undefined): number | undefined {
  if (bound === undefined) return undefined;
  if (bound.kind === "literal" && typeof bound.value === "number" && bound.value < 0) return -bound.value;
  if (bound.kind === "negate" && bound.operand.kind === "literal" && typeof bound.operand.value === "number" && bound.operand.value > 0) {
    return bound.operand.value;
  }
  return undefined;
}

const reversed = (object: Expr): Expr => ({ kind: "slice", object, start: undefined, end: undefined, step: lit(-1) });

function slice(receiver: Expr, node: CallExpression, context: MacroContext): Expr {
  const args = node.getArguments();
  if (args.length > 2) throw context.error(node, Codes.unsupportedCall, "slice takes at most two arguments.");
  for (const argument of args) {
    if (!isOnly(argument.getType(), "number")) throw context.error(argument, Codes.unsupportedCall, "slice bounds must be numbers.");
  }
  const [start, end] = argumentsOf(node, context);
  const fromEnd = negativeLiteral(start);
  const dropEnd = negativeLiteral(end);
  if (fromEnd === undefined && dropEnd === undefined) return { kind: "slice", object: receiver, start: start ?? lit(0), end };
  // dbt 2.x gets a negative bound past the start wrong ("-"[-2:] is "", not "-"). Counting from the
  // end on the reversed value uses only non-negative bounds, which both engines agree on:
  // x.slice(-j) = x[::-1][:j][::-1], x.slice(a, -k) = x[a:][::-1][k:][::-1], x.slice(-j, -k) = x[::-1][:j][k:][::-1].
  if (fromEnd !== undefined && end !== undefined && dropEnd === undefined) {
    throw context.error(args[0]!, Codes.unsupportedCall, "slice(-n, end) is not portable to dbt 2.x; use a non-negative start or a negative end.");
  }
  let back: Expr;
  if (fromEnd !== undefined) back = { kind: "slice", object: reversed(receiver), start: undefined, end: lit(fromEnd) };
  else back = reversed(start === undefined || (start.kind === "literal" && start.value === 0) ? receiver : { kind: "slice", object: receiver, start, end: undefined });
  if (dropEnd !== undefined) back = { kind: "slice", object: back, start: lit(dropEnd), end: undefined };
  return reversed(back);
}

const ARRAY_METHODS: Record<string, MethodTransform> = {
  join: (receiver, node, context, receiverNode) => {
    const elementType = receiverNode.getType().getArrayElementType() ?? receiverNode.getType().getNumberIndexType();
    const separatorNode = node.getArguments()[0];
    const separator = separatorNode === undefined ? lit(",") : expression(separatorNode, context);
    // Booleans: `True | string | lower` is 'true' in dbt-core, as `true | string` already is in dbt 2.x.
    if (elementType !== undefined && isOnly(elementType, "boolean")) {
      return method(separator, "join", [filter(filter(receiver, "map", [lit("string")]), "map", [lit("lower")])]);
    }
    if (elementType === undefined || !isOnly(elementType, "string", "number")) {
      throw context.error(receiverNode, Codes.unprintableValue,
        "join needs an array of strings, numbers or booleans (null prints 'None' in Jinja, and a mix of booleans " +
          "and other values cannot be told apart).");
    }
    // Numbers never print empty, so the join filter is exact. dbt 2.x's join filter drops leading
    // empty strings (["", "a"] | join("-") is "a"); Python's str.join is the same on both engines.
    if (isOnly(elementType, "number")) return filter(receiver, "join", [separator]);
    return method(separator, "join", [isOnly(elementType, "string") ? receiver : filter(receiver, "map", [lit("string")])]);
  },
  includes: (receiver, node, context) => (arity(node, context, 1), binary("in", argumentsOf(node, context)[0]!, receiver)),
  concat: (receiver, node, context) => {
    for (const argument of node.getArguments()) {
      if (!isOnly(argument.getType(), "array")) throw context.error(argument, Codes.unsupportedCall, "concat takes arrays.");
    }
    return [receiver, ...argumentsOf(node, context)].reduce((left, right) => binary("+", left, right));
  },
  slice: (receiver, node, context) => slice(receiver, node, context),
  map: (receiver, node, context) => lowerCallback("map", receiver, node, context),
  filter: (receiver, node, context) => lowerCallback("filter", receiver, node, context),
  some: (receiver, node, context) => lowerCallback("some", receiver, node, context),
  every: (receiver, node, context) => lowerCallback("every", receiver, node, context),
  push: (_receiver, node, context) => {
    throw context.error(node, Codes.unsupportedCall, "push is a statement: call it on a line of its own.");
  },
};

const BOOLEAN_METHODS: Record<string, MethodTransform> = {
  toString: (receiver: Expr, node: CallExpression, context: MacroContext) =>
    (arity(node, context, 0), conditional(receiver, lit("true"), lit("false"))),
};

const NUMBER_METHODS: Record<string, MethodTransform> = {
  toString: (receiver: Expr, node: CallExpression, context: MacroContext, receiverNode: Node) => (arity(node, context, 0),
    filter(integralFloatAsInteger(receiver, receiverNode, context, "toString()'s receiver"), "string")),
};

function methodCall(node: CallExpression, receiverNode: Node, methodName: string, context: MacroContext): Expr {
  const type = receiverNode.getType();
  const table = isOnly(type, "string") ? STRING_METHODS : isOnly(type, "array") ? ARRAY_METHODS
    : isOnly(type, "number") ? NUMBER_METHODS : isOnly(type, "boolean") ? BOOLEAN_METHODS : undefined;
  const transform = table?.[methodName];
  if (transform === undefined || !Object.prototype.hasOwnProperty.call(table, methodName)) {
    const where = includes(type, "nullish") ? " (the receiver may be null or undefined: narrow it first)" : "";
    throw context.error(node.getExpression(), Codes.unsupportedCall,
      `'.${methodName}()' on '${describe(type)}' is not part of the macro language${where}.`);
  }
  const receiver = expression(receiverNode, context);
  return transform(receiver, node, context, receiverNode);
}

