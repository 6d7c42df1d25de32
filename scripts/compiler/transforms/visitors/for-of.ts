/** `for (const x of xs)`, `for (const [i, x] of xs.entries())`, `for (const [k, v] of Object.entries(o))`. */
import { Node, SyntaxKind, type ForOfStatement } from "ts-morph";
import {
  forAwait, loopDestructuringNotPlain, loopOverNonIterable, loopVariableNotDeclared,
} from "../../diagnostics.js";
import { describedBy, NAMESPACE, type MacroContext, type VisitorMap } from "../../context.js";
import { attr, binary, doStmt, filter, forStmt, ifStmt, isPure, lit, name, not, setStmt, type Expr, type Stmt } from "../../ir.js";
import { isOnly } from "../../types.js";
import { destructure } from "../destructuring.js";
import { raiseAt } from "../guard.js";
import { unwrap } from "../syntax.js";

function forOfStatement(node: ForOfStatement, context: MacroContext): Stmt[] {
  if (node.isAwaited()) throw forAwait(node);
  const initializer = node.getInitializer();
  if (!Node.isVariableDeclarationList(initializer) || initializer.getDeclarations().length !== 1) {
    throw loopVariableNotDeclared(initializer);
  }
  const binding = initializer.getDeclarations()[0]!.getNameNode();
  const iterableNode = unwrap(node.getExpression());
  const statements = context.withHoisted(() => {
    const prologue: Stmt[] = [];
    let targets: string[];
    let iterable: Expr;
    const plainNames = Node.isArrayBindingPattern(binding) && binding.getElements().every((element) => Node.isBindingElement(element) &&
      Node.isIdentifier(element.getNameNode()) && element.getInitializer() === undefined && element.getDotDotDotToken() === undefined);
    if (Node.isArrayBindingPattern(binding) && plainNames) {
      const names = binding.getElements().map((element) => {
        if (!Node.isBindingElement(element)) throw loopDestructuringNotPlain(element);
        return element.getNameNode();
      });
      const entriesOf = entriesCall(iterableNode);
      if (entriesOf?.of === "array" && names.length === 2) {
        // `for (const [i, x] of xs.entries())`: Jinja's loop.index0 is the index.
        targets = [context.declare(names[1]!)];
        prologue.push(setStmt(context.declareLoopIndex(names[0]!), attr(name("loop"), "index0")));
        iterable = context.transformExpression(entriesOf.receiver);
      } else {
        targets = names.map((identifier) => context.declare(identifier));
        iterable = context.transformExpression(iterableNode);
      }
    } else if (Node.isIdentifier(binding)) {
      if (!isOnly(iterableNode.getType(), "array", "string")) throw loopOverNonIterable(iterableNode);
      targets = [context.declare(binding)];
      iterable = context.transformExpression(iterableNode);
    } else {
      // A pattern (`for (const { name, id } of jobs)`): the item under a name of its own, destructured first.
      if (!isOnly(iterableNode.getType(), "array")) throw loopOverNonIterable(iterableNode);
      const itemName = context.temporary(undefined, `${describedBy(iterableNode)}_item`);
      targets = [itemName];
      iterable = context.transformExpression(iterableNode);
      prologue.push(...destructure(binding, name(itemName), context, (identifier, value) => [setStmt(context.declare(identifier), value)]));
    }
    if (!mayResize(node, iterableNode) || !isPure(iterable)) {
      return [forStmt(targets, iterable, [...prologue, ...transformBody(node, context, undefined)])];
    }
    // The body may change the array's length. JavaScript's loop sees items pushed during the loop,
    // dbt-core's sees them too and dbt 2.x's walks a copy: each iteration, and the end of a loop not
    // left by break, check that the length is still what it was, or raise (transforms/guard.ts).
    context.usesNamespace = true;
    const length = context.temporary(undefined, `${describedBy(iterableNode)}_length`);
    const broke = `${NAMESPACE}.${context.temporary(undefined, `${describedBy(iterableNode)}_broke`)}`;
    const changed = binary("!=", filter(iterable, "length"), name(length));
    const check = ifStmt([{ test: changed, body: [doStmt(raiseAt(iterableNode, "arrayChangedInLoop"))] }]);
    return [
      setStmt(length, filter(iterable, "length")),
      setStmt(broke, lit(false)),
      forStmt(targets, iterable, [check, ...prologue, ...transformBody(node, context, broke)]),
      ifStmt([{ test: binary("and", not(name(broke)), changed), body: [doStmt(raiseAt(iterableNode, "arrayChangedInLoop"))] }]),
    ];
  });
  if (Node.isIdentifier(binding)) context.releaseLoopVariable(binding);
  return statements;
}

function transformBody(node: ForOfStatement, context: MacroContext, brokeFlag: string | undefined): Stmt[] {
  context.loops.push({ beforeBreak: brokeFlag === undefined ? [] : [setStmt(brokeFlag, lit(true))], beforeContinue: [] });
  try {
    return context.transformStatement(node.getStatement());
  } finally {
    context.loops.pop();
  }
}

const RESIZING_METHODS = new Set(["push", "pop", "shift", "unshift", "splice"]);

/**
 * Whether the loop's body may change the length of the array it walks: it calls a resizing method on
 * an array of a type the walked one fits, or passes such an array to a macro (which may push to it).
 */
function mayResize(node: ForOfStatement, iterableNode: Node): boolean {
  const walked = iterableNode.getType();
  if (!isOnly(walked, "array")) return false;
  const fits = (other: Node) => isOnly(other.getType(), "array") && (walked.isAssignableTo(other.getType()) || other.getType().isAssignableTo(walked));
  return node.getStatement().getDescendantsOfKind(SyntaxKind.CallExpression).some((call) => {
    const callee = call.getExpression();
    if (Node.isPropertyAccessExpression(callee) && RESIZING_METHODS.has(callee.getName())) return fits(callee.getExpression());
    return Node.isIdentifier(callee) && call.getArguments().some(fits);
  });
}

/** `xs.entries()` (an array's): what the loop walks. `Object.entries(o)` is a list of pairs like any other. */
function entriesCall(node: Node): { of: "array"; receiver: Node } | undefined {
  if (!Node.isCallExpression(node)) return undefined;
  const callee = node.getExpression();
  if (!Node.isPropertyAccessExpression(callee)) return undefined;
  if (callee.getName() === "entries" && node.getArguments().length === 0 && isOnly(callee.getExpression().getType(), "array")) {
    return { of: "array", receiver: callee.getExpression() };
  }
  return undefined;
}

export const forOfVisitors: VisitorMap<Stmt[]> = {
  [SyntaxKind.ForOfStatement]: forOfStatement,
};
