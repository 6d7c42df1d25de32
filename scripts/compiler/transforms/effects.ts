/**
 * Statements a lowering runs ahead of the statement it belongs to (a callback's loop, an object
 * spread, `Object.entries`, `sort`) run before everything in that statement. That keeps JavaScript's
 * order unless the hoisted statements have effects (a macro or prelude call, a change to an array
 * the program can see) and a call with effects stands to their left in the same statement, which
 * JavaScript runs first: `log(a) + xs.map((x) => f(x))`. That case is refused (context.hoist).
 */
import { Node, SyntaxKind } from "ts-morph";
import { isGuardRaise, isPure, operands, type Expr, type Stmt } from "../ir.js";
import { GENERATED_PREFIX } from "../prelude-map.js";

/** The prelude's functions without effects: they compute a value from their arguments. */
const PURE_PRELUDE = new Set(["toJson", "fromJson", "asText", "isMapping", "localMd5", "isExecuting", "extraKeywordArguments", "embed"]);
const MUTATING_METHODS = new Set(["push", "pop", "shift", "unshift", "splice", "sort", "reverse"]);

/** The facts about the program the check needs (a part of context.ts's ProgramFacts). */
export interface CallFacts {
  macros: Map<string, Node>;
  preludeFile: string;
  /** Macros (TypeScript names) whose calls have no effect: see effectFreeMacros. */
  effectFree: Set<string>;
}

function hasEffect(call: Node, facts: CallFacts): boolean {
  if (Node.isBinaryExpression(call)) {
    // An assignment to a property of an object the macro did not make.
    const operator = call.getOperatorToken().getKind();
    if (operator < SyntaxKind.FirstAssignment || operator > SyntaxKind.LastAssignment) return false;
    const target = call.getLeft();
    return (Node.isPropertyAccessExpression(target) || Node.isElementAccessExpression(target)) && !madeHere(target, call);
  }
  if (!Node.isCallExpression(call)) return false;
  const callee = call.getExpression();
  if (Node.isPropertyAccessExpression(callee)) return MUTATING_METHODS.has(callee.getName()) && !madeHere(callee, call);
  if (!Node.isIdentifier(callee)) return true;
  const symbol = callee.getSymbol();
  const declaration = (symbol?.isAlias() ? symbol.getAliasedSymbol() : symbol)?.getDeclarations()[0];
  if (declaration === undefined) return true;
  if (declaration.getSourceFile().getFilePath() === facts.preludeFile) return !PURE_PRELUDE.has(callee.getText());
  if (Node.isFunctionDeclaration(declaration)) return facts.macros.get(callee.getText()) === declaration && !facts.effectFree.has(callee.getText());
  return !declaration.getSourceFile().isDeclarationFile();
}

/** `xs.push(…)` or `o.k = v` on a local the enclosing macro declared (not a parameter): no one else sees it. */
function madeHere(access: Node, at: Node): boolean {
  let root = access;
  while (Node.isPropertyAccessExpression(root) || Node.isElementAccessExpression(root)) root = root.getExpression();
  if (!Node.isIdentifier(root)) return false;
  const declaration = root.getSymbol()?.getDeclarations()[0];
  const macro = at.getFirstAncestor((ancestor) => Node.isFunctionDeclaration(ancestor));
  return declaration !== undefined && Node.isVariableDeclaration(declaration) && macro !== undefined &&
    declaration.getFirstAncestor((ancestor) => Node.isFunctionDeclaration(ancestor)) === macro;
}

/**
 * The macros whose calls have no effect: no prelude call with one (log, run_query, raise, …), no call
 * of a macro with one, no change to an object it did not make. A fixed point over the program.
 */
export function effectFreeMacros(macros: Map<string, Node>, preludeFile: string): Set<string> {
  const effectFree = new Set(macros.keys());
  const facts: CallFacts = { macros, preludeFile, effectFree };
  for (let changed = true; changed;) {
    changed = false;
    for (const [macroName, declaration] of macros) {
      if (!effectFree.has(macroName)) continue;
      if (declaration.getDescendants().some((node) => hasEffect(node, facts))) {
        effectFree.delete(macroName);
        changed = true;
      }
    }
  }
  return effectFree;
}

/** A call with effects in `node`'s statement that JavaScript runs before `node` (it ends before `node` starts). */
export function effectBefore(node: Node, facts: CallFacts): Node | undefined {
  const statement = node.getFirstAncestor((ancestor) => Node.isStatement(ancestor));
  if (statement === undefined) return undefined;
  return statement.getDescendants().find((candidate) => candidate.getEnd() <= node.getStart() && hasEffect(candidate, facts));
}

function exprHasEffects(expr: Expr, effectFreeCallees: Set<string>): boolean {
  if (expr.kind === "call") {
    if (isGuardRaise(expr)) return false;
    const callee = expr.callee;
    // The lowering's own lists and dicts (append, update) are no one else's.
    const onTemporary = callee.kind === "attr" && callee.object.kind === "name" &&
      callee.object.name.split(".").pop()!.startsWith(GENERATED_PREFIX);
    const effectFreeMacro = callee.kind === "attr" && callee.object.kind === "name" && effectFreeCallees.has(`${callee.object.name}.${callee.name}`);
    if (!onTemporary && !effectFreeMacro && !isPure(expr)) return true;
    return [...expr.args, ...expr.kwargs.map(([, value]) => value)].some((child) => exprHasEffects(child, effectFreeCallees));
  }
  return operands(expr).some((child) => exprHasEffects(child, effectFreeCallees));
}

/**
 * True when running the statements has an effect outside the lowering's own temporaries.
 * `effectFreeCallees`: the Jinja callees (`package.macro`) of the effect-free macros.
 */
export function statementsHaveEffects(statements: Stmt[], effectFreeCallees: Set<string>): boolean {
  const expr = (value: Expr) => exprHasEffects(value, effectFreeCallees);
  const block = (body: Stmt[]) => statementsHaveEffects(body, effectFreeCallees);
  return statements.some((stmt) => {
    switch (stmt.kind) {
      case "set":
        return expr(stmt.value);
      case "do":
        return expr(stmt.expr);
      case "return":
        return expr(stmt.value);
      case "if":
        return stmt.branches.some((branch) => expr(branch.test) || block(branch.body)) || block(stmt.otherwise ?? []);
      case "for":
        return expr(stmt.iterable) || block(stmt.body);
      default:
        return false;
    }
  });
}
