/** What every built-in lowering has: its signature, and the argument checks they share. */
import type { CallExpression, Node } from "ts-morph";
import { expectedOneArgument, methodArity } from "../../diagnostics.js";
import type { MacroContext } from "../../context.js";
import type { Expr } from "../../ir.js";

/** A call of a global function or namespace member (`String(x)`, `Math.floor(x)`). */
export type CallLowering = (node: CallExpression, context: MacroContext) => Expr;

/** A method call on a receiver of a known value kind (`s.trim()`, `xs.join(",")`). */
export type MethodLowering = (receiver: Expr, node: CallExpression, context: MacroContext, receiverNode: Node) => Expr;

export function argumentsOf(node: CallExpression, context: MacroContext): Expr[] {
  return node.getArguments().map((argument) => context.transformExpression(argument));
}

export function onlyArgument(node: CallExpression): Node {
  const args = node.getArguments();
  if (args.length !== 1) throw expectedOneArgument(node);
  return args[0]!;
}

export function arity(node: CallExpression, count: number): void {
  if (node.getArguments().length !== count) throw methodArity(node, count);
}
