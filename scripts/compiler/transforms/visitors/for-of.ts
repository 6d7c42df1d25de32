/** `for (const x of xs)`, `for (const [i, x] of xs.entries())`, `for (const [k, v] of Object.entries(o))`. */
import { Node, SyntaxKind, type ForOfStatement } from "ts-morph";
import {
  forAwait, loopDestructuringNotPlain, loopObjectDestructuring, loopOverNonIterable, loopVariableNotDeclared,
} from "../../diagnostics.js";
import type { MacroContext, VisitorMap } from "../../context.js";
import { attr, forStmt, method, name, setStmt, type Expr, type Stmt } from "../../ir.js";
import { isOnly } from "../../types.js";
import { unwrap } from "../syntax.js";

function forOfStatement(node: ForOfStatement, context: MacroContext): Stmt[] {
  if (node.isAwaited()) throw forAwait(node);
  const initializer = node.getInitializer();
  if (!Node.isVariableDeclarationList(initializer) || initializer.getDeclarations().length !== 1) {
    throw loopVariableNotDeclared(initializer);
  }
  const binding = initializer.getDeclarations()[0]!.getNameNode();
  const iterableNode = unwrap(node.getExpression());
  return context.withHoisted(() => {
    const prologue: Stmt[] = [];
    let targets: string[];
    let iterable: Expr;
    if (Node.isArrayBindingPattern(binding)) {
      const names = binding.getElements().map((element) => {
        if (!Node.isBindingElement(element) || !Node.isIdentifier(element.getNameNode()) || element.getInitializer() !== undefined ||
          element.getDotDotDotToken() !== undefined) {
          throw loopDestructuringNotPlain(element);
        }
        return element.getNameNode();
      });
      const entriesOf = entriesCall(iterableNode);
      if (entriesOf?.of === "array" && names.length === 2) {
        // `for (const [i, x] of xs.entries())`: Jinja's loop.index0 is the index.
        targets = [context.declare(names[1]!)];
        prologue.push(setStmt(context.declareLoopIndex(names[0]!), attr(name("loop"), "index0")));
        iterable = context.transformExpression(entriesOf.receiver);
      } else if (entriesOf?.of === "object" && names.length === 2) {
        targets = names.map((identifier) => context.declare(identifier));
        iterable = method(context.transformExpression(entriesOf.receiver), "items");
      } else {
        targets = names.map((identifier) => context.declare(identifier));
        iterable = context.transformExpression(iterableNode);
      }
    } else if (Node.isIdentifier(binding)) {
      if (!isOnly(iterableNode.getType(), "array", "string")) throw loopOverNonIterable(iterableNode);
      targets = [context.declare(binding)];
      iterable = context.transformExpression(iterableNode);
    } else {
      throw loopObjectDestructuring(binding);
    }
    const body = [...prologue, ...context.transformStatement(node.getStatement())];
    return [forStmt(targets, iterable, body)];
  });
}

/** `xs.entries()` (an array's) or `Object.entries(o)`: what the loop walks, and over which receiver. */
function entriesCall(node: Node): { of: "array" | "object"; receiver: Node } | undefined {
  if (!Node.isCallExpression(node)) return undefined;
  const callee = node.getExpression();
  if (!Node.isPropertyAccessExpression(callee)) return undefined;
  if (callee.getName() === "entries" && node.getArguments().length === 0 && isOnly(callee.getExpression().getType(), "array")) {
    return { of: "array", receiver: callee.getExpression() };
  }
  const receiver = callee.getExpression();
  if (callee.getName() === "entries" && Node.isIdentifier(receiver) && receiver.getText() === "Object" && node.getArguments().length === 1) {
    return { of: "object", receiver: node.getArguments()[0]! };
  }
  return undefined;
}

export const forOfVisitors: VisitorMap<Stmt[]> = {
  [SyntaxKind.ForOfStatement]: forOfStatement,
};
