/** Literals: strings, numbers, booleans and null are Jinja literals as they are. */
import { SyntaxKind } from "ts-morph";
import type { VisitorMap } from "../../context.js";
import { lit, type Expr } from "../../ir.js";

export const literalVisitors: VisitorMap<Expr> = {
  [SyntaxKind.StringLiteral]: (node) => lit(node.getLiteralValue()),
  [SyntaxKind.NoSubstitutionTemplateLiteral]: (node) => lit(node.getLiteralValue()),
  [SyntaxKind.NumericLiteral]: (node) => lit(Number(node.getLiteralValue())),
  [SyntaxKind.TrueKeyword]: () => lit(true),
  [SyntaxKind.FalseKeyword]: () => lit(false),
  [SyntaxKind.NullKeyword]: () => lit(null),
};
