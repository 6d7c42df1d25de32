/** Names: a local, a prelude value, or an inlined module constant (transforms/identifiers.ts). */
import { SyntaxKind } from "ts-morph";
import type { VisitorMap } from "../../context.js";
import type { Expr } from "../../ir.js";
import { resolveIdentifier } from "../identifiers.js";

export const identifierVisitors: VisitorMap<Expr> = {
  [SyntaxKind.Identifier]: (node, context) => resolveIdentifier(node, context),
};
