/** What a name means: a local, a dbt context value from the prelude, or an inlined module constant. */
import { Node, type Symbol as TsSymbol, type VariableDeclaration } from "ts-morph";
import {
  macroAsValue, moduleConstantNotLiteral, moduleConstantWithoutValue, preludeValueUnusable, unknownName, unresolvedName,
} from "../diagnostics.js";
import type { MacroContext } from "../context.js";
import { lit, name, nameConstant, type Expr } from "../ir.js";
import { PRELUDE_FUNCTIONS, PRELUDE_VALUES } from "../prelude-map.js";

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
  if (symbol === undefined) throw unresolvedName(node, text);
  const local = context.local(symbol);
  if (local !== undefined) return name(local);
  const declaration = symbol.getDeclarations()[0];
  if (isPreludeDeclaration(declaration, context)) {
    const dbtName = PRELUDE_VALUES[symbol.getName()];
    if (dbtName !== undefined) return name(dbtName);
    throw preludeValueUnusable(node, symbol.getName(), Boolean(PRELUDE_FUNCTIONS[symbol.getName()]));
  }
  if (declaration !== undefined && Node.isVariableDeclaration(declaration) && isModuleConstant(declaration)) {
    return inlineConstant(declaration, node, context);
  }
  if (declaration !== undefined && Node.isFunctionDeclaration(declaration)) throw macroAsValue(node, text);
  throw unknownName(node, text);
}

function isModuleConstant(declaration: VariableDeclaration): boolean {
  const statement = declaration.getParent()?.getParent();
  return statement !== undefined && Node.isVariableStatement(statement) && Node.isSourceFile(statement.getParent()) &&
    declaration.getVariableStatement()?.getDeclarationKind() === "const";
}

/** Module constants have no home in Jinja (macros see no module scope), so each use gets their value. */
function inlineConstant(declaration: VariableDeclaration, use: Node, context: MacroContext): Expr {
  const initializer = declaration.getInitializer();
  if (initializer === undefined) throw moduleConstantWithoutValue(use, declaration.getName());
  return nameConstant(context.transformExpression(initializer), declaration.getName());
}

/** Module constants must be literals (or built from literals and other constants), so inlining is exact. */
export function checkModuleConstant(declaration: Node): void {
  declaration.forEachDescendant((node, traversal) => {
    if (Node.isCallExpression(node) || Node.isArrowFunction(node) || Node.isFunctionExpression(node) ||
      Node.isNewExpression(node)) {
      throw moduleConstantNotLiteral(node);
    }
    if (Node.isTypeNode(node)) traversal.skip();
  });
}
