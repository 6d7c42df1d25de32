/** What a name means: a local, a dbt context value from the prelude, or an inlined module constant. */
import { Node, type Symbol as TsSymbol } from "ts-morph";
import { Codes } from "../diagnostics.js";
import type { MacroContext } from "../context.js";
import { lit, name, type Expr } from "../ir.js";
import { PRELUDE_FUNCTIONS, PRELUDE_VALUES } from "../prelude-map.js";
import { expression } from "./expressions.js";

export function targetSymbol(symbol: TsSymbol | undefined): TsSymbol | undefined {
  if (symbol === undefined) return undefined;
  return symbol.isAlias() ? symbol.getAliasedSymbol() ?? symbol : symbol;
}

export function isPreludeDeclaration(node: Node | undefined, context: MacroContext): boolean {
  return node !== undefined && node.getSourceFile().getFilePath() === context.program.preludeFile;
}

export function resolveIdentifier(node: Node, context: MacroContext, symbolOverride?: TsSymbol): Expr {
  const text = node.getText();
  if (text === "undefined") return lit(null);
  const symbol = targetSymbol(symbolOverride ?? node.getSymbol());
  if (symbol === undefined) throw context.error(node, Codes.unsupportedExpression, `cannot resolve '${text}'.`);
  const local = context.local(symbol);
  if (local !== undefined) return name(local);
  const declaration = symbol.getDeclarations()[0];
  if (isPreludeDeclaration(declaration, context)) {
    const dbtName = PRELUDE_VALUES[symbol.getName()];
    if (dbtName !== undefined) return name(dbtName);
    const hint = PRELUDE_FUNCTIONS[symbol.getName()] ? " Call it; functions are not values in Jinja." : "";
    throw context.error(node, Codes.unsupportedExpression, `the prelude's '${symbol.getName()}' cannot be used here.${hint}`);
  }
  if (declaration !== undefined && Node.isVariableDeclaration(declaration) && isModuleConstant(declaration)) {
    return inlineConstant(declaration, node, context);
  }
  if (declaration !== undefined && Node.isFunctionDeclaration(declaration)) {
    throw context.error(node, Codes.unsupportedExpression,
      `'${text}' is a macro; macros can be called but are not values in Jinja.`);
  }
  throw context.error(node, Codes.unsupportedExpression, `'${text}' is not a local, a module constant or a prelude value.`);
}

function isModuleConstant(declaration: Node): boolean {
  const statement = declaration.getParent()?.getParent();
  return statement !== undefined && Node.isVariableStatement(statement) && Node.isSourceFile(statement.getParent()) &&
    Node.isVariableDeclaration(declaration) && declaration.getVariableStatement()?.getDeclarationKind() === "const";
}

/** Module constants have no home in Jinja (macros see no module scope), so each use gets their value. */
function inlineConstant(declaration: Node, use: Node, context: MacroContext): Expr {
  if (!Node.isVariableDeclaration(declaration)) throw new Error("unreachable");
  const initializer = declaration.getInitializer();
  if (initializer === undefined) {
    throw context.error(use, Codes.unsupportedDeclaration, `module constant '${declaration.getName()}' has no value.`);
  }
  return expression(initializer, context);
}

/** Module constants must be literals (or built from literals and other constants), so inlining is exact. */
export function checkModuleConstant(declaration: Node, context: MacroContext): void {
  declaration.forEachDescendant((node, traversal) => {
    if (Node.isCallExpression(node) || Node.isArrowFunction(node) || Node.isFunctionExpression(node) ||
      Node.isNewExpression(node)) {
      throw context.error(node, Codes.unsupportedDeclaration,
        "module constants must be literals (strings, numbers, booleans, arrays and objects of them); " +
          "they are inlined where used.");
    }
    if (Node.isTypeNode(node)) traversal.skip();
  });
}
