/** One transform per statement syntax kind: TypeScript statement → Jinja statements. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Node, SyntaxKind, type Statement } from "ts-morph";
import { Codes } from "../diagnostics.js";
import { describedBy, type MacroContext } from "../context.js";
import { attr, binary, lit, method, name, type Expr, type Stmt } from "../ir.js";
import { PRELUDE_COMPILE_TIME } from "../prelude-map.js";
import { includes, isOnly } from "../types.js";
import { expression, printable, surelyInteger, unwrap } from "./expressions.js";
import { isPreludeDeclaration, targetSymbol } from "./identifiers.js";
import { truthy } from "./truthiness.js";

type StatementTransform = (node: never, context: MacroContext) => Stmt[];

const transforms: Partial<Record<SyntaxKind, StatementTransform>> = {
  [SyntaxKind.VariableStatement]: (node: Node, context) => variableStatement(node, context),
  [SyntaxKind.ExpressionStatement]: (node: Node, context) => expressionStatement(node, context),
  [SyntaxKind.IfStatement]: (node: Node, context) => ifStatement(node, context),
  [SyntaxKind.ForOfStatement]: (node: Node, context) => forOfStatement(node, context),
  [SyntaxKind.Block]: (node: Node, context) => block(node, context),
  [SyntaxKind.ReturnStatement]: (node: Node, context) => returnStatement(node, context),
  [SyntaxKind.BreakStatement]: (node: Node, context) => loopControl(node, context, "break"),
  [SyntaxKind.ContinueStatement]: (node: Node, context) => loopControl(node, context, "continue"),
  [SyntaxKind.EmptyStatement]: () => [],
};

const ADVICE: Partial<Record<SyntaxKind, string>> = {
  [SyntaxKind.ThrowStatement]: "call raiseCompilerError(message) from the prelude instead of 'throw'",
  [SyntaxKind.TryStatement]: "Jinja cannot catch errors; validate before acting instead",
  [SyntaxKind.WhileStatement]: "Jinja has no while loop; loop over an array with 'for … of'",
  [SyntaxKind.DoStatement]: "Jinja has no do-while loop; loop over an array with 'for … of'",
  [SyntaxKind.ForStatement]: "write 'for (const x of xs)' or 'for (const [i, x] of xs.entries())'",
  [SyntaxKind.ForInStatement]: "write 'for (const [key, value] of Object.entries(o))'",
  [SyntaxKind.SwitchStatement]: "write an if / else if chain",
  [SyntaxKind.FunctionDeclaration]: "declare functions at the top of a file; each becomes a macro",
  [SyntaxKind.ClassDeclaration]: "use interfaces and plain objects",
  [SyntaxKind.LabeledStatement]: "labels have no Jinja equivalent",
};

export function statement(node: Node, context: MacroContext): Stmt[] {
  const transform = transforms[node.getKind()];
  if (transform === undefined) {
    const advice = ADVICE[node.getKind()];
    throw context.error(node, Codes.unsupportedStatement,
      `${node.getKindName()} is not part of the macro language${advice === undefined ? "" : `: ${advice}`}.`);
  }
  return transform(node as never, context);
}

export function statements(nodes: Statement[], context: MacroContext): Stmt[] {
  return nodes.flatMap((node) => statement(node, context));
}

/** Transforms an expression, placing the statements it hoists before the statement that uses it. */
function withHoisted(context: MacroContext, build: () => Stmt[]): Stmt[] {
  const { value, hoisted } = context.collecting(build);
  return [...hoisted, ...value];
}

function block(node: Node, context: MacroContext): Stmt[] {
  if (!Node.isBlock(node)) throw new Error("unreachable");
  return statements(node.getStatements(), context);
}

function assignTarget(context: MacroContext, identifier: Node): string {
  const jinjaName = context.declare(identifier);
  const symbol = identifier.getSymbol();
  return symbol !== undefined && context.namespaced.has(symbol) ? context.local(symbol)! : jinjaName;
}

function variableStatement(node: Node, context: MacroContext): Stmt[] {
  if (!Node.isVariableStatement(node)) throw new Error("unreachable");
  return node.getDeclarations().flatMap((declaration) => {
    const nameNode = declaration.getNameNode();
    if (!Node.isIdentifier(nameNode)) {
      throw context.error(nameNode, Codes.unsupportedStatement, "destructuring declarations are not part of the macro language.");
    }
    const initializer = declaration.getInitializer();
    const embedded = initializer === undefined ? undefined : embedCall(initializer, context);
    if (embedded !== undefined) {
      return [{ kind: "setRaw", target: assignTarget(context, nameNode), text: embedded }];
    }
    return withHoisted(context, () => {
      const value = initializer === undefined ? lit(null) : expression(initializer, context);
      const target = assignTarget(context, nameNode);
      // A const that surely holds an integer prints without the integral-float guard.
      if (node.getDeclarationKind() === "const" && surelyInteger(value, context)) context.integerNames.add(target);
      return [{ kind: "set", target, value }];
    });
  });
}

/** `embed("file")`: the file's text, read now, relative to the source file. */
function embedCall(node: Node, context: MacroContext): string | undefined {
  const inner = unwrap(node);
  if (!Node.isCallExpression(inner) || !Node.isIdentifier(inner.getExpression())) return undefined;
  const symbol = targetSymbol(inner.getExpression().getSymbol());
  if (symbol === undefined || !PRELUDE_COMPILE_TIME.has(symbol.getName()) ||
    !isPreludeDeclaration(symbol.getDeclarations()[0], context)) {
    return undefined;
  }
  const [pathNode, ...rest] = inner.getArguments();
  if (pathNode === undefined || rest.length > 0 || !Node.isStringLiteral(pathNode)) {
    throw context.error(inner, Codes.embed, "embed takes one string literal: a path relative to this file.");
  }
  const path = resolve(dirname(node.getSourceFile().getFilePath()), pathNode.getLiteralValue());
  context.program.filesRead.add(path);
  if (!existsSync(path)) throw context.error(pathNode, Codes.embed, `embed: no file at '${pathNode.getLiteralValue()}'.`);
  const text = readFileSync(path, "utf8");
  if (text.includes("{% endraw %}") || /\{%-?\s*endraw\s*-?%\}/.test(text)) {
    throw context.error(pathNode, Codes.embed, "the embedded file contains 'endraw', which would end the raw block early.");
  }
  return text;
}

const COMPOUND: Partial<Record<SyntaxKind, "+" | "-" | "*">> = {
  [SyntaxKind.PlusEqualsToken]: "+",
  [SyntaxKind.MinusEqualsToken]: "-",
  [SyntaxKind.AsteriskEqualsToken]: "*",
};

function expressionStatement(node: Node, context: MacroContext): Stmt[] {
  if (!Node.isExpressionStatement(node)) throw new Error("unreachable");
  const inner = unwrap(node.getExpression());
  return withHoisted(context, () => {
    if (Node.isBinaryExpression(inner)) {
      const operator = inner.getOperatorToken().getKind();
      if (operator === SyntaxKind.EqualsToken) return assignment(inner.getLeft(), expression(inner.getRight(), context), context);
      const compound = COMPOUND[operator];
      if (compound !== undefined) {
        const left = inner.getLeft();
        const right = inner.getRight();
        const concatenates = compound === "+" && (includes(left.getType(), "string") || includes(right.getType(), "string"));
        if (!concatenates && !(isOnly(left.getType(), "number") && isOnly(right.getType(), "number"))) {
          throw context.error(inner, Codes.unsupportedExpression, "compound assignment needs numbers, or a string for '+='.");
        }
        const value = concatenates
          ? binary("~", printable(left, context, "a '+=' operand"), printable(right, context, "a '+=' operand"))
          : binary(compound, expression(left, context), expression(right, context));
        return assignment(left, value, context);
      }
    }
    if (Node.isPostfixUnaryExpression(inner) || Node.isPrefixUnaryExpression(inner)) {
      const operator = inner.getOperatorToken();
      if (operator === SyntaxKind.PlusPlusToken || operator === SyntaxKind.MinusMinusToken) {
        const operand = inner.getOperand();
        return assignment(operand, binary(operator === SyntaxKind.PlusPlusToken ? "+" : "-", expression(operand, context), lit(1)), context);
      }
    }
    if (Node.isCallExpression(inner)) {
      const callee = inner.getExpression();
      if (Node.isPropertyAccessExpression(callee) && callee.getName() === "push" && isOnly(callee.getExpression().getType(), "array")) {
        const list = expression(callee.getExpression(), context);
        return inner.getArguments().map((argument): Stmt => {
          if (!Node.isSpreadElement(argument)) return { kind: "do", expr: method(list, "append", [expression(argument, context)]) };
          // `xs.push(...ys)`: append each item, as JavaScript does.
          const item = context.temporary(undefined, `${describedBy(argument.getExpression())}_item`);
          return {
            kind: "for", targets: [item], iterable: expression(argument.getExpression(), context),
            body: [{ kind: "do", expr: method(list, "append", [name(item)]) }],
          };
        });
      }
      return [{ kind: "do", expr: expression(inner, context) }];
    }
    throw context.error(inner, Codes.unsupportedStatement,
      "only calls, assignments, increments and push can stand as statements.");
  });
}

function assignment(target: Node, value: Expr, context: MacroContext): Stmt[] {
  const inner = unwrap(target);
  if (Node.isIdentifier(inner)) {
    const symbol = targetSymbol(inner.getSymbol());
    const local = symbol === undefined ? undefined : context.local(symbol);
    if (local === undefined) throw context.error(inner, Codes.unsupportedStatement, `'${inner.getText()}' is not a local of this macro.`);
    return [{ kind: "set", target: local, value }];
  }
  if (Node.isPropertyAccessExpression(inner) || Node.isElementAccessExpression(inner)) {
    const objectNode = inner.getExpression();
    if (!isOnly(objectNode.getType(), "object")) {
      throw context.error(inner, Codes.unsupportedStatement,
        "only object properties can be assigned (Jinja lists cannot be assigned by index).");
    }
    const key = Node.isPropertyAccessExpression(inner) ? lit(inner.getName()) : expression(inner.getArgumentExpressionOrThrow(), context);
    return [{ kind: "do", expr: method(expression(objectNode, context), "update", [{ kind: "dict", entries: [[key, value]] }]) }];
  }
  throw context.error(inner, Codes.unsupportedStatement, "this cannot be assigned to.");
}

function ifStatement(node: Node, context: MacroContext): Stmt[] {
  if (!Node.isIfStatement(node)) throw new Error("unreachable");
  const condition = node.getExpression();
  return withHoisted(context, () => {
    const testExpr = truthy(context, condition, condition.getType(), expression(condition, context));
    const thenBody = statement(node.getThenStatement(), context);
    const elseNode = node.getElseStatement();
    if (elseNode === undefined) return [{ kind: "if", branches: [{ test: testExpr, body: thenBody }], otherwise: undefined }];
    const elseBody = statement(elseNode, context);
    // `else if` whose condition needed no hoisted statements becomes `elif`.
    const only = elseBody[0];
    if (Node.isIfStatement(elseNode) && elseBody.length === 1 && only?.kind === "if") {
      return [{ kind: "if", branches: [{ test: testExpr, body: thenBody }, ...only.branches], otherwise: only.otherwise }];
    }
    return [{ kind: "if", branches: [{ test: testExpr, body: thenBody }], otherwise: elseBody }];
  });
}

function forOfStatement(node: Node, context: MacroContext): Stmt[] {
  if (!Node.isForOfStatement(node)) throw new Error("unreachable");
  if (node.isAwaited()) throw context.error(node, Codes.unsupportedStatement, "for await is not part of the macro language.");
  const initializer = node.getInitializer();
  if (!Node.isVariableDeclarationList(initializer) || initializer.getDeclarations().length !== 1) {
    throw context.error(initializer, Codes.unsupportedStatement, "declare the loop variable: 'for (const x of xs)'.");
  }
  const binding = initializer.getDeclarations()[0]!.getNameNode();
  const iterableNode = unwrap(node.getExpression());
  return withHoisted(context, () => {
    const prologue: Stmt[] = [];
    let targets: string[];
    let iterable: Expr;
    if (Node.isArrayBindingPattern(binding)) {
      const names = binding.getElements().map((element) => {
        if (!Node.isBindingElement(element) || !Node.isIdentifier(element.getNameNode()) || element.getInitializer() !== undefined ||
          element.getDotDotDotToken() !== undefined) {
          throw context.error(element, Codes.unsupportedStatement, "loop destructuring takes plain names: 'for (const [a, b] of …)'.");
        }
        return element.getNameNode();
      });
      const entriesOf = entriesCall(iterableNode);
      if (entriesOf?.kind === "array" && names.length === 2) {
        // `for (const [i, x] of xs.entries())`: Jinja's loop.index0 is the index.
        targets = [context.declare(names[1]!)];
        prologue.push({ kind: "set", target: context.declareLoopIndex(names[0]!), value: attr(name("loop"), "index0") });
        iterable = expression(entriesOf.receiver, context);
      } else if (entriesOf?.kind === "object" && names.length === 2) {
        targets = names.map((identifier) => context.declare(identifier));
        iterable = method(expression(entriesOf.receiver, context), "items");
      } else {
        targets = names.map((identifier) => context.declare(identifier));
        iterable = expression(iterableNode, context);
      }
    } else if (Node.isIdentifier(binding)) {
      if (!isOnly(iterableNode.getType(), "array", "string")) {
        throw context.error(iterableNode, Codes.unsupportedStatement, "for … of loops over arrays and strings.");
      }
      targets = [context.declare(binding)];
      iterable = expression(iterableNode, context);
    } else {
      throw context.error(binding, Codes.unsupportedStatement, "object destructuring in a loop is not supported.");
    }
    const body = [...prologue, ...statement(node.getStatement(), context)];
    return [{ kind: "for", targets, iterable, body }];
  });
}

function entriesCall(node: Node): { kind: "array" | "object"; receiver: Node } | undefined {
  if (!Node.isCallExpression(node)) return undefined;
  const callee = node.getExpression();
  if (!Node.isPropertyAccessExpression(callee)) return undefined;
  if (callee.getName() === "entries" && node.getArguments().length === 0 && isOnly(callee.getExpression().getType(), "array")) {
    return { kind: "array", receiver: callee.getExpression() };
  }
  const receiver = callee.getExpression();
  if (callee.getName() === "entries" && Node.isIdentifier(receiver) && receiver.getText() === "Object" && node.getArguments().length === 1) {
    return { kind: "object", receiver: node.getArguments()[0]! };
  }
  return undefined;
}

function returnStatement(node: Node, context: MacroContext): Stmt[] {
  if (!Node.isReturnStatement(node)) throw new Error("unreachable");
  const value = node.getExpression();
  return withHoisted(context, () => [{ kind: "return", value: value === undefined ? lit(null) : expression(value, context) }]);
}

function loopControl(node: Node, context: MacroContext, kind: "break" | "continue"): Stmt[] {
  if ((Node.isBreakStatement(node) || Node.isContinueStatement(node)) && node.getLabel() !== undefined) {
    throw context.error(node, Codes.unsupportedStatement, "labelled break/continue has no Jinja equivalent.");
  }
  if (node.getFirstAncestor((ancestor) => Node.isForOfStatement(ancestor) || Node.isFunctionDeclaration(ancestor))?.getKind() !==
    SyntaxKind.ForOfStatement) {
    throw context.error(node, Codes.unsupportedStatement, `${kind} must be inside a for … of loop.`);
  }
  return [{ kind }];
}

