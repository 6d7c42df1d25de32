/** map / filter / some / every with an arrow callback, lowered to a loop ahead of the statement. */
import { Node, type CallExpression } from "ts-morph";
import { callbackBodyTooLong, callbackNotArrow, callbackParameterDestructured, callbackParameters } from "../../diagnostics.js";
import { describedBy, NAMESPACE, type MacroContext } from "../../context.js";
import { attr, doStmt, forStmt, ifStmt, list, lit, method, name, not, setStmt, type Expr, type Stmt } from "../../ir.js";
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
    return name(kept);
  }
  // The flag is written inside the loop, so it lives in the macro's namespace.
  context.usesNamespace = true;
  const flag = `${NAMESPACE}.${context.temporary(node, `${kind === "some" ? "any" : "all"}_${describedBy(receiverNodeOf(node))}`)}`;
  const initial = kind === "every";
  loopBody.push(ifStmt([{ test: kind === "some" ? value : not(value), body: [setStmt(flag, lit(!initial))] }]));
  context.hoist(node, [setStmt(flag, lit(initial)), forStmt([item], receiver, loopBody)]);
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
