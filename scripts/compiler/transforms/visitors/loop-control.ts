/** `break` and `continue`, inside a loop of the same macro and without a label; they run what their loop asks first. */
import { Node, SyntaxKind, type BreakStatement, type ContinueStatement } from "ts-morph";
import { labelledLoopControl, loopControlOutsideLoop } from "../../diagnostics.js";
import type { MacroContext, VisitorMap } from "../../context.js";
import { breakStmt, continueStmt, type Stmt } from "../../ir.js";

const isLoop = (node: Node): boolean => Node.isForOfStatement(node) || Node.isWhileStatement(node) || Node.isDoStatement(node) ||
  Node.isForStatement(node);

function checkLoopControl(node: BreakStatement | ContinueStatement, keyword: "break" | "continue"): void {
  if (node.getLabel() !== undefined) throw labelledLoopControl(node);
  // `break` ends the innermost loop or switch (a switch's own breaks are its clauses' ends, see switch.ts);
  // `continue` goes on with the innermost loop.
  const owner = node.getFirstAncestor((ancestor) => isLoop(ancestor) || Node.isFunctionDeclaration(ancestor) ||
    (keyword === "break" && Node.isSwitchStatement(ancestor)));
  if (owner === undefined || !isLoop(owner)) throw loopControlOutsideLoop(node, keyword);
}

function loopControl(node: BreakStatement | ContinueStatement, context: MacroContext, keyword: "break" | "continue"): Stmt[] {
  checkLoopControl(node, keyword);
  const frame = context.loops[context.loops.length - 1];
  if (keyword === "break") return [...(frame?.beforeBreak ?? []), breakStmt()];
  return [...(frame?.beforeContinue ?? []), continueStmt()];
}

export const loopControlVisitors: VisitorMap<Stmt[]> = {
  [SyntaxKind.BreakStatement]: (node, context) => loopControl(node, context, "break"),
  [SyntaxKind.ContinueStatement]: (node, context) => loopControl(node, context, "continue"),
};
