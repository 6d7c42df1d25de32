/** Template literals: a `~` chain of their text and printable substitutions. */
import { SyntaxKind, type TemplateExpression } from "ts-morph";
import type { MacroContext, VisitorMap } from "../../context.js";
import { binary, filter, lit, type Expr } from "../../ir.js";
import { printable, printsAsString } from "../printable.js";

function templateExpression(node: TemplateExpression, context: MacroContext): Expr {
  const parts: Expr[] = [];
  const head = node.getHead().getLiteralText();
  if (head !== "") parts.push(lit(head));
  for (const span of node.getTemplateSpans()) {
    parts.push(printable(span.getExpression(), context, "a template literal substitution"));
    const text = span.getLiteral().getLiteralText();
    if (text !== "") parts.push(lit(text));
  }
  if (parts.length === 1) {
    const only = node.getTemplateSpans()[0]!.getExpression();
    return printsAsString(only) ? parts[0]! : filter(parts[0]!, "string");
  }
  return parts.reduce((left, right) => binary("~", left, right));
}

export const templateVisitors: VisitorMap<Expr> = {
  [SyntaxKind.TemplateExpression]: templateExpression,
};
