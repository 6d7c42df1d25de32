/** `const`/`let` declarations: a Jinja `set`, or a raw block for `embed("file")`. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Node, SyntaxKind, type VariableDeclarationList, type VariableStatement } from "ts-morph";
import { destructuringDeclaration, embedArguments, embeddedEndraw, embeddedFileMissing } from "../../diagnostics.js";
import type { MacroContext, VisitorMap } from "../../context.js";
import { lit, setRawStmt, setStmt, type Stmt } from "../../ir.js";
import { PRELUDE_COMPILE_TIME } from "../../prelude-map.js";
import { destructure } from "../destructuring.js";
import { isPreludeDeclaration, targetSymbol } from "../identifiers.js";
import { numberBound } from "../printable.js";
import { unwrap } from "../syntax.js";

function assignTarget(context: MacroContext, identifier: Node): string {
  const jinjaName = context.declare(identifier);
  const symbol = identifier.getSymbol();
  return symbol !== undefined && context.namespaced.has(symbol) ? context.local(symbol)! : jinjaName;
}

function variableStatement(node: VariableStatement | VariableDeclarationList, context: MacroContext): Stmt[] {
  return node.getDeclarations().flatMap((declaration) => {
    const nameNode = declaration.getNameNode();
    const initializer = declaration.getInitializer();
    if (!Node.isIdentifier(nameNode)) {
      if (initializer === undefined) throw destructuringDeclaration(nameNode);
      return context.withHoisted(() =>
        destructure(nameNode, context.transformExpression(initializer), context, (identifier, value) => [setStmt(assignTarget(context, identifier), value)]));
    }
    const embedded = initializer === undefined ? undefined : embedCall(initializer, context);
    if (embedded !== undefined) return [setRawStmt(assignTarget(context, nameNode), embedded)];
    return context.withHoisted(() => {
      const value = initializer === undefined ? lit(null) : context.transformExpression(initializer);
      const target = assignTarget(context, nameNode);
      // What a const holds is known wherever it is read (an integer prints without the integral-float guard).
      if (node.getDeclarationKind() === "const") context.numberBounds.set(target, numberBound(value, context));
      return [setStmt(target, value)];
    });
  });
}

/** `embed("file")`: the file's text, read now, relative to the source file. */
function embedCall(node: Node, context: MacroContext): string | undefined {
  const inner = unwrap(node);
  if (!Node.isCallExpression(inner) || !Node.isIdentifier(inner.getExpression())) return undefined;
  const symbol = targetSymbol(inner.getExpression().getSymbol());
  if (symbol === undefined || !PRELUDE_COMPILE_TIME.has(symbol.getName()) ||
    !isPreludeDeclaration(symbol.getDeclarations()[0], context)) {
    return undefined;
  }
  const [pathNode, ...rest] = inner.getArguments();
  if (pathNode === undefined || rest.length > 0 || !Node.isStringLiteral(pathNode)) throw embedArguments(inner);
  const path = resolve(dirname(node.getSourceFile().getFilePath()), pathNode.getLiteralValue());
  context.program.filesRead.add(path);
  if (!existsSync(path)) throw embeddedFileMissing(pathNode, pathNode.getLiteralValue());
  const text = readFileSync(path, "utf8");
  if (text.includes("{% endraw %}") || /\{%-?\s*endraw\s*-?%\}/.test(text)) throw embeddedEndraw(pathNode);
  return text;
}

export const variableVisitors: VisitorMap<Stmt[]> = {
  [SyntaxKind.VariableStatement]: variableStatement,
  // `for (let i = 0; …)`: the loop's initializer.
  [SyntaxKind.VariableDeclarationList]: variableStatement,
};
