/** `break` and `continue`, inside a `for … of` loop of the same macro and without a label. */
import { Node, SyntaxKind, type BreakStatement, type ContinueStatement } from "ts-morph";
import { labelledLoopControl, loopControlOutsideLoop } from "../../diagnostics.js";
import type { VisitorMap } from "../../context.js";
import { breakStmt, continueStmt, type Stmt } from "../../ir.js";

function checkLoopControl(node: BreakStatement | ContinueStatement, keyword: "break" | "continue"): void {
  if (node.getLabel() !== undefined) throw labelledLoopControl(node);
  if (node.getFirstAncestor((ancestor) => Node.isForOfStatement(ancestor) || Node.isFunctionDeclaration(ancestor))?.getKind() !==
    SyntaxKind.ForOfStatement) {
    throw loopControlOutsideLoop(node, keyword);
  }
}

export const loopControlVisitors: VisitorMap<Stmt[]> = {
  [SyntaxKind.BreakStatement]: (node) => (checkLoopControl(node, "break"), [breakStmt()]),
  [SyntaxKind.ContinueStatement]: (node) => (checkLoopControl(node, "continue"), [continueStmt()]),
};
