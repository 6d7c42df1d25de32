/** Array literals: Jinja lists, spreads joined with `+`. */
import { Node, SyntaxKind, type ArrayLiteralExpression } from "ts-morph";
import { arrayHole, spreadNotArray } from "../../diagnostics.js";
import type { MacroContext, VisitorMap } from "../../context.js";
import { binary, filter, list, type Expr } from "../../ir.js";
import { isOnly } from "../../types.js";

function arrayLiteral(node: ArrayLiteralExpression, context: MacroContext): Expr {
  const segments: Expr[] = [];
  let run: Expr[] = [];
  for (const element of node.getElements()) {
    if (Node.isSpreadElement(element)) {
      if (run.length > 0) segments.push(list(run));
      run = [];
      const spread = element.getExpression();
      if (!isOnly(spread.getType(), "array")) throw spreadNotArray(spread);
      segments.push(context.transformExpression(spread));
    } else if (Node.isOmittedExpression(element)) {
      throw arrayHole(element);
    } else {
      run.push(context.transformExpression(element));
    }
  }
  if (run.length > 0 || segments.length === 0) segments.push(list(run));
  // Adding lists builds a new list in both engines, as spreading does in JavaScript.
  // A lone spread ('[...xs]') is a copy in JavaScript; '| list' copies in Jinja.
  if (segments.length === 1) return segments[0]!.kind === "list" ? segments[0]! : filter(segments[0]!, "list");
  return segments.reduce((l, r) => binary("+", l, r));
}

export const arrayLiteralVisitors: VisitorMap<Expr> = {
  [SyntaxKind.ArrayLiteralExpression]: arrayLiteral,
};
