/**
 * Destructuring (`const [a, b] = pair;`, `const { name, id: jobId = 0 } = job;`, and the same in a
 * `for … of` binding): one `set` per name, reading the value as an index read or a property read
 * would (outside an array: none, JavaScript's undefined). A default applies where JavaScript's does,
 * to undefined only, so a value that may be null cannot have one (none is both). Object rest
 * (`...others`) has no Jinja counterpart; array rest is a slice.
 */
import { Node, type ArrayBindingPattern, type BindingName, type ObjectBindingPattern } from "ts-morph";
import { destructuringDefaultOnNull, destructuringObjectRest } from "../diagnostics.js";
import type { MacroContext } from "../context.js";
import { binary, conditional, filter, isNotNone, item, lit, method, name, setStmt, slice, type Expr, type Stmt } from "../ir.js";
import { includes } from "../types.js";
import { fixedLength } from "./indexing.js";

/** Gives `identifier` its value: a `set` of the local it declares. */
export type Assign = (identifier: Node, value: Expr) => Stmt[];

export function destructure(pattern: BindingName, source: Expr, context: MacroContext, assign: Assign): Stmt[] {
  if (Node.isIdentifier(pattern)) return assign(pattern, source);
  const statements: Stmt[] = [];
  let held = source;
  if (source.kind !== "name") {
    const temporary = context.temporary(undefined, "destructured");
    statements.push(setStmt(temporary, source));
    held = name(temporary);
  }
  if (Node.isArrayBindingPattern(pattern)) statements.push(...arrayPattern(pattern, held, context, assign));
  else statements.push(...objectPattern(pattern as ObjectBindingPattern, held, context, assign));
  return statements;
}

function arrayPattern(pattern: ArrayBindingPattern, source: Expr, context: MacroContext, assign: Assign): Stmt[] {
  const fixed = fixedLength(pattern.getType().getNonNullableType());
  return pattern.getElements().flatMap((element, index): Stmt[] => {
    if (Node.isOmittedExpression(element)) return [];
    if (element.getDotDotDotToken() !== undefined) return destructure(element.getNameNode(), slice(source, lit(index), undefined), context, assign);
    const value = index < fixed ? item(source, lit(index))
      : conditional(binary(">", filter(source, "length"), lit(index)), item(source, lit(index)), lit(null));
    return destructure(element.getNameNode(), withDefault(element, value, context), context, assign);
  });
}

function objectPattern(pattern: ObjectBindingPattern, source: Expr, context: MacroContext, assign: Assign): Stmt[] {
  const type = pattern.getType().getNonNullableType();
  return pattern.getElements().flatMap((element) => {
    if (element.getDotDotDotToken() !== undefined) throw destructuringObjectRest(element);
    const keyNode = element.getPropertyNameNode() ?? element.getNameNode();
    const key = Node.isIdentifier(keyNode) || Node.isStringLiteral(keyNode) ? (Node.isIdentifier(keyNode) ? keyNode.getText() : keyNode.getLiteralValue())
      : keyNode.getText();
    const property = type.getProperty(key);
    const optional = property === undefined || property.isOptional() || includes(property.getTypeAtLocation(pattern), "nullish");
    const value = optional ? method(source, "get", [lit(key)]) : item(source, lit(key));
    return destructure(element.getNameNode(), withDefault(element, value, context), context, assign);
  });
}

function withDefault(element: Node, value: Expr, context: MacroContext): Expr {
  if (!Node.isBindingElement(element)) return value;
  const initializer = element.getInitializer();
  if (initializer === undefined) return value;
  // The binding's type keeps null (a default replaces undefined only): null would take the default in Jinja.
  const type = element.getType();
  if ((type.isUnion() ? type.getUnionTypes() : [type]).some((part) => part.isNull())) throw destructuringDefaultOnNull(element);
  return conditional(isNotNone(value), value, context.transformExpression(initializer));
}
