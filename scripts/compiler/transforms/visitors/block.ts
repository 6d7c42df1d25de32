/** Blocks are their statements (Jinja scopes by macro and loop, not by block); `;` alone is nothing. */
import { SyntaxKind } from "ts-morph";
import type { VisitorMap } from "../../context.js";
import type { Stmt } from "../../ir.js";

export const blockVisitors: VisitorMap<Stmt[]> = {
  [SyntaxKind.Block]: (node, context) => context.transformStatements(node.getStatements()),
  [SyntaxKind.EmptyStatement]: () => [],
};
