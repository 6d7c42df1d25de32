/** Calls: prelude functions, macros, and the built-ins the language supports (transforms/builtins/). */
import { Node, SyntaxKind, type CallExpression, type Identifier } from "ts-morph";
import {
  compileTimeCallOutsideConst, functionOutsideSources, notCallable, optionalCall, preludeFunctionWithoutDbtMeaning,
  spreadArgument, uncallableCallee, undefinedForDefaultedParameter, unsupportedMethod,
} from "../../diagnostics.js";
import type { MacroContext, VisitorMap } from "../../context.js";
import { attr, call, filter, name, test, type Expr } from "../../ir.js";
import { PRELUDE_COMPILE_TIME, PRELUDE_FUNCTIONS } from "../../prelude-map.js";
import { describe, includes } from "../../types.js";
import { builtinMethod, globalCall, globalFunction } from "../builtins/index.js";
import { argumentsOf } from "../builtins/lowering.js";
import { isPreludeDeclaration, targetSymbol } from "../identifiers.js";
import { chained, chainObject, objectTypeOf } from "../optional-chain.js";
import { unwrap } from "../syntax.js";

function transformCall(node: CallExpression, context: MacroContext): Expr {
  if (node.getQuestionDotTokenNode() !== undefined) throw optionalCall(node);
  for (const argument of node.getArguments()) {
    if (Node.isSpreadElement(argument) && !isPushStatement(node)) throw spreadArgument(argument);
  }
  const callee = node.getExpression();
  if (Node.isIdentifier(callee)) return identifierCall(node, callee, context);
  // `dispatch(...)(args)`: calling what a call returned.
  if (Node.isCallExpression(unwrap(callee))) return call(context.transformExpression(callee), argumentsOf(node, context));
  if (Node.isPropertyAccessExpression(callee)) {
    const receiver = callee.getExpression();
    const lowering = Node.isIdentifier(receiver) ? globalCall(receiver.getText(), callee.getName()) : undefined;
    if (lowering !== undefined && receiver.getSymbol()?.getDeclarations()[0]?.getSourceFile().isDeclarationFile() !== false) {
      return lowering(node, context);
    }
    return methodCall(node, receiver, callee.getName(), context);
  }
  throw uncallableCallee(callee);
}

function isPushStatement(node: CallExpression): boolean {
  const callee = node.getExpression();
  return Node.isPropertyAccessExpression(callee) && callee.getName() === "push" && Node.isExpressionStatement(node.getParent());
}

function identifierCall(node: CallExpression, callee: Identifier, context: MacroContext): Expr {
  const calleeName = callee.getText();
  const builtin = globalFunction(calleeName);
  if (builtin !== undefined) return builtin(node, context);
  const symbol = targetSymbol(callee.getSymbol());
  const declaration = symbol?.getDeclarations()[0];
  if (symbol !== undefined && isPreludeDeclaration(declaration, context)) {
    const preludeName = symbol.getName();
    if (PRELUDE_COMPILE_TIME.has(preludeName)) throw compileTimeCallOutsideConst(node, preludeName);
    const spec = PRELUDE_FUNCTIONS[preludeName];
    if (spec === undefined) throw preludeFunctionWithoutDbtMeaning(callee, preludeName);
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
        throw undefinedForDefaultedParameter(argument);
      }
    });
    // Qualified, as dbt-utils calls its own macros: dbt resolves a bare name to the package's macros
    // only when the package is the search package (run-operation of a package macro), not when a
    // user's macro, a hook or a model calls the package (dbt-core: "'x' is undefined").
    const dbtName = context.program.dbtNames.get(calleeName) ?? calleeName;
    return call(attr(name(context.program.packageName), dbtName), argumentsOf(node, context));
  }
  if (declaration !== undefined && Node.isFunctionDeclaration(declaration)) throw functionOutsideSources(callee, calleeName);
  // A function-typed local or parameter: the result of adapter.dispatch, or a mistake.
  const local = symbol === undefined ? undefined : context.local(symbol);
  if (local !== undefined) return call(name(local), argumentsOf(node, context));
  throw notCallable(callee, calleeName);
}

function methodCall(node: CallExpression, receiverNode: Node, methodName: string, context: MacroContext): Expr {
  const callee = node.getExpression();
  const type = objectTypeOf(callee, receiverNode);
  const lowering = builtinMethod(type, methodName);
  if (lowering === undefined) throw unsupportedMethod(callee, methodName, describe(type), includes(type, "nullish"));
  const questionDot = Node.isPropertyAccessExpression(callee) && callee.hasQuestionDotToken();
  const { tests, object } = chainObject(callee, receiverNode, questionDot, context);
  // A method that needs statements (map, sort, …) cannot run only when the chain's tests hold.
  const value = tests === undefined ? lowering(object, node, context, receiverNode) : context.conditionally(() => lowering(object, node, context, receiverNode));
  return chained(tests, value, context);
}

export const callVisitors: VisitorMap<Expr> = {
  [SyntaxKind.CallExpression]: transformCall,
};
