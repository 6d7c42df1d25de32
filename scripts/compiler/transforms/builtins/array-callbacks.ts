/** map / filter / some / every with an arrow callback, lowered to a loop ahead of the statement. */
import { Node, type CallExpression } from "ts-morph";
import {
  callbackBodyTooLong, callbackNotArrow, callbackParameterDestructured, callbackParameters, reduceArguments,
} from "../../diagnostics.js";
import { describedBy, NAMESPACE, type MacroContext } from "../../context.js";
import {
  attr, binary, doStmt, filter, forStmt, ifStmt, isPure, item as item_, list, lit, method, name, not, setStmt, slice, type Expr, type Stmt,
} from "../../ir.js";
import { raiseAt } from "../guard.js";
import { truthy } from "../truthiness.js";

export type CallbackKind = "map" | "filter" | "some" | "every";

export function lowerCallback(kind: CallbackKind, receiver: Expr, node: CallExpression, context: MacroContext): Expr {
  const [callback, ...rest] = node.getArguments();
  if (callback === undefined || rest.length > 0 || !Node.isArrowFunction(callback)) throw callbackNotArrow(node, kind);
  const body = callback.getBody();
  const result = Node.isBlock(body) ? singleReturn(body) : body;
  const [itemParameter, indexParameter, ...extra] = callback.getParameters();
  if (itemParameter === undefined || extra.length > 0) throw callbackParameters(callback, kind);
  for (const parameter of callback.getParameters()) {
    if (!Node.isIdentifier(parameter.getNameNode())) throw callbackParameterDestructured(parameter);
  }
  const item = context.declare(itemParameter.getNameNode());
  const loopBody: Stmt[] = [];
  if (indexParameter !== undefined) {
    loopBody.push(setStmt(context.declareLoopIndex(indexParameter.getNameNode()), attr(name("loop"), "index0")));
  }
  const { value, hoisted } = context.collecting(() => {
    const transformed = context.transformExpression(result);
    return kind === "map" ? transformed : truthy(result, result.getType(), transformed);
  });
  loopBody.push(...hoisted);

  if (kind === "map" || kind === "filter") {
    const kept = context.temporary(node, `${describedBy(receiverNodeOf(node))}_${kind === "map" ? "mapped" : "kept"}`);
    const append = doStmt(method(name(kept), "append", [kind === "map" ? value : name(item)]));
    loopBody.push(kind === "map" ? append : ifStmt([{ test: value, body: [append] }]));
    context.hoist(node, [setStmt(kept, list([])), forStmt([item], receiver, loopBody)]);
    context.releaseLoopVariable(itemParameter.getNameNode());
    return name(kept);
  }
  // The flag is written inside the loop, so it lives in the macro's namespace.
  context.usesNamespace = true;
  const flag = `${NAMESPACE}.${context.temporary(node, `${kind === "some" ? "any" : "all"}_${describedBy(receiverNodeOf(node))}`)}`;
  const initial = kind === "every";
  loopBody.push(ifStmt([{ test: kind === "some" ? value : not(value), body: [setStmt(flag, lit(!initial))] }]));
  context.hoist(node, [setStmt(flag, lit(initial)), forStmt([item], receiver, loopBody)]);
  context.releaseLoopVariable(itemParameter.getNameNode());
  return name(flag);
}

function receiverNodeOf(node: CallExpression): Node {
  const callee = node.getExpression();
  return Node.isPropertyAccessExpression(callee) ? callee.getExpression() : callee;
}

function singleReturn(body: Node): Node {
  const statements = Node.isBlock(body) ? body.getStatements() : [];
  const only = statements[0];
  if (statements.length === 1 && only !== undefined && Node.isReturnStatement(only) && only.getExpression() !== undefined) {
    return only.getExpression()!;
  }
  throw callbackBodyTooLong(body);
}

/**
 * `xs.reduce((total, x, i) => e, initial)`: a loop carrying the total in the macro's namespace. Without
 * an initial value, the first item starts it and an empty array raises (JavaScript throws a TypeError).
 */
export function lowerReduce(receiver: Expr, node: CallExpression, context: MacroContext): Expr {
  const [callback, initialNode, ...rest] = node.getArguments();
  if (callback === undefined || rest.length > 0 || !Node.isArrowFunction(callback)) throw reduceArguments(node);
  const body = callback.getBody();
  const result = Node.isBlock(body) ? singleReturn(body) : body;
  const [totalParameter, itemParameter, indexParameter, ...extra] = callback.getParameters();
  if (totalParameter === undefined || itemParameter === undefined || extra.length > 0) throw reduceArguments(node);
  for (const parameter of callback.getParameters()) {
    if (!Node.isIdentifier(parameter.getNameNode())) throw callbackParameterDestructured(parameter);
  }
  const totalSymbol = totalParameter.getNameNode().getSymbol();
  if (totalSymbol !== undefined) context.namespaced.add(totalSymbol);
  context.declare(totalParameter.getNameNode());
  const total = totalSymbol === undefined ? undefined : context.local(totalSymbol);
  if (total === undefined) throw reduceArguments(node);
  context.usesNamespace = true;
  const item = context.declare(itemParameter.getNameNode());
  const loopBody: Stmt[] = [];
  const offset = initialNode === undefined ? 1 : 0;
  if (indexParameter !== undefined) {
    const index = attr(name("loop"), "index0");
    loopBody.push(setStmt(context.declareLoopIndex(indexParameter.getNameNode()), offset === 0 ? index : binary("+", index, lit(offset))));
  }
  const { value, hoisted } = context.collecting(() => context.transformExpression(result));
  loopBody.push(...hoisted, setStmt(total, value));
  if (initialNode !== undefined) {
    context.hoist(node, [setStmt(total, context.transformExpression(initialNode)), forStmt([item], receiver, loopBody)]);
  } else {
    if (!isPure(receiver)) throw reduceArguments(node);
    context.hoist(node, [
      ifStmt([{ test: binary("==", filter(receiver, "length"), lit(0)), body: [doStmt(raiseAt(node, "emptyReduce"))] }]),
      setStmt(total, item_(receiver, lit(0))),
      forStmt([item], slice(receiver, lit(1), undefined), loopBody),
    ]);
  }
  return name(total);
}
