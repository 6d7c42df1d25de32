/** map / filter / some / every with an arrow callback, lowered to a loop ahead of the statement. */
import { Node, type CallExpression } from "ts-morph";
import { Codes } from "../diagnostics.js";
import { describedBy, NAMESPACE, type MacroContext } from "../context.js";
import { attr, lit, method, name, not, type Expr, type Stmt } from "../ir.js";
import { expression } from "./expressions.js";
import { truthy } from "./truthiness.js";

export type CallbackKind = "map" | "filter" | "some" | "every";

export function lowerCallback(kind: CallbackKind, receiver: Expr, node: CallExpression, context: MacroContext): Expr {
  const [callback, ...rest] = node.getArguments();
  if (callback === undefined || rest.length > 0 || !Node.isArrowFunction(callback)) {
    throw context.error(node, Codes.unsupportedCall, `${kind} takes one arrow function, e.g. '.${kind}((x) => …)'.`);
  }
  const body = callback.getBody();
  const result = Node.isBlock(body) ? singleReturn(body, context) : body;
  const [itemParameter, indexParameter, ...extra] = callback.getParameters();
  if (itemParameter === undefined || extra.length > 0) {
    throw context.error(callback, Codes.unsupportedCall, `${kind}'s callback takes (item) or (item, index).`);
  }
  for (const parameter of callback.getParameters()) {
    if (!Node.isIdentifier(parameter.getNameNode())) {
      throw context.error(parameter, Codes.parameter, "destructuring callback parameters is not supported.");
    }
  }
  const item = context.declare(itemParameter.getNameNode());
  const loopBody: Stmt[] = [];
  if (indexParameter !== undefined) {
    loopBody.push({ kind: "set", target: context.declareLoopIndex(indexParameter.getNameNode()), value: attr(name("loop"), "index0") });
  }
  const { value, hoisted } = context.collecting(() => {
    const transformed = expression(result, context);
    return kind === "map" ? transformed : truthy(context, result, result.getType(), transformed);
  });
  loopBody.push(...hoisted);

  if (kind === "map" || kind === "filter") {
    const list = context.temporary(node, `${describedBy(receiverNodeOf(node))}_${kind === "map" ? "mapped" : "kept"}`);
    const append: Stmt = { kind: "do", expr: method(name(list), "append", [kind === "map" ? value : name(item)]) };
    loopBody.push(kind === "map" ? append : { kind: "if", branches: [{ test: value, body: [append] }], otherwise: undefined });
    context.hoist(node, [
      { kind: "set", target: list, value: { kind: "list", items: [] } },
      { kind: "for", targets: [item], iterable: receiver, body: loopBody },
    ]);
    return name(list);
  }
  // The flag is written inside the loop, so it lives in the macro's namespace.
  context.usesNamespace = true;
  const flag = `${NAMESPACE}.${context.temporary(node, `${kind === "some" ? "any" : "all"}_${describedBy(receiverNodeOf(node))}`)}`;
  const initial = kind === "every";
  loopBody.push({
    kind: "if",
    branches: [{ test: kind === "some" ? value : not(value), body: [{ kind: "set", target: flag, value: lit(!initial) }] }],
    otherwise: undefined,
  });
  context.hoist(node, [
    { kind: "set", target: flag, value: lit(initial) },
    { kind: "for", targets: [item], iterable: receiver, body: loopBody },
  ]);
  return name(flag);
}

function receiverNodeOf(node: CallExpression): Node {
  const callee = node.getExpression();
  return Node.isPropertyAccessExpression(callee) ? callee.getExpression() : callee;
}

function singleReturn(body: Node, context: MacroContext): Node {
  const statements = Node.isBlock(body) ? body.getStatements() : [];
  const only = statements[0];
  if (statements.length === 1 && only !== undefined && Node.isReturnStatement(only) && only.getExpression() !== undefined) {
    return only.getExpression()!;
  }
  throw context.error(body, Codes.unsupportedCall,
    "callbacks hold one expression ('(x) => x.name'); write a for loop for anything longer.");
}
