/**
 * Drops the private macros nothing calls. After inlining, many helpers have no call site left; a
 * macro that is still printed but never runs misleads a dbt user (overriding it changes nothing).
 * Kept: every macro that is not private (public macros, their `snowflake__`/`default__` dispatch
 * implementations, every macro of a folder without `@public`), and every private macro a kept macro
 * refers to: through a call (`package.x(…)` or a bare `x(…)`), as a value, or by its name in a
 * string (as `adapter.dispatch` finds a macro), so a reference the pass does not understand keeps it.
 */
import type { Expr, JinjaModule, Macro, Stmt } from "./ir.js";
import { childrenOf, statementExprs } from "./ir-walk.js";

/** Removes the uncalled private macros from `modules` (in place) and gives their names. */
export function dropUncalledPrivateMacros(modules: JinjaModule[], packageName: string, privateNames: Set<string>): Set<string> {
  const byName = new Map(modules.flatMap((module) => module.macros).map((macro) => [macro.name, macro]));
  const kept = new Set<string>();
  const pending = [...byName.values()].filter((macro) => !privateNames.has(macro.name));
  while (pending.length > 0) {
    const current = pending.pop()!;
    if (kept.has(current.name)) continue;
    kept.add(current.name);
    for (const referenced of referencedMacros(current, packageName)) {
      const target = byName.get(referenced);
      if (target !== undefined && !kept.has(referenced)) pending.push(target);
    }
  }
  const dropped = new Set([...byName.keys()].filter((macroName) => !kept.has(macroName)));
  for (const module of modules) module.macros = module.macros.filter((macro) => kept.has(macro.name));
  return dropped;
}

/** Every name the macro may reach a macro by: `package.x`, a bare name `x`, a string `"x"`. */
function referencedMacros(macro: Macro, packageName: string): Set<string> {
  const found = new Set<string>();
  const visitExpr = (expr: Expr): void => {
    if (expr.kind === "name") found.add(expr.name);
    else if (expr.kind === "literal" && typeof expr.value === "string") found.add(expr.value);
    else if (expr.kind === "attr" && expr.object.kind === "name" && expr.object.name === packageName) found.add(expr.name);
    childrenOf(expr).forEach(visitExpr);
  };
  const visitStmt = (stmt: Stmt): void => {
    statementExprs(stmt).forEach(visitExpr);
    if (stmt.kind === "if") stmt.branches.forEach((branch) => branch.body.forEach(visitStmt));
    if (stmt.kind === "if") stmt.otherwise?.forEach(visitStmt);
    if (stmt.kind === "for") stmt.body.forEach(visitStmt);
  };
  for (const param of macro.params) if (param.default !== undefined) visitExpr(param.default);
  macro.body.forEach(visitStmt);
  return found;
}
