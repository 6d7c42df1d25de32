/**
 * A value built under a compiler-made name and then copied into the local it was written for
 * (`const names = rows.map(…)` lowers to `set tsj_names = []`, a loop appending to it, then
 * `set names = tsj_names`) is built under the local's own name instead, and the copy goes.
 *
 * Exact when, within one statement list: the made-up name is set once, at the first statement, and
 * read nowhere after the copy; the local is neither read nor set between the two statements (the
 * local's TypeScript declaration is the copy, so no code before it reads it). Everything in
 * between then sees the same value under another name, and after the copy the local holds the same list.
 */
import { forStmt, ifStmt, name, setRawStmt, setStmt, type Expr, type Macro, type Stmt } from "./ir.js";
import { childrenOf, mapChildren, rewriteStatement, statementExprs } from "./ir-walk.js";
import { GENERATED_PREFIX } from "./prelude-map.js";

export function nameResultsAfterTheirLocals(macro: Macro): void {
  const counts = new Map<string, number>();
  countNames(macro.body, counts);
  macro.body = rewriteList(macro.body, counts);
}

function rewriteList(body: Stmt[], counts: Map<string, number>): Stmt[] {
  let list = body.map((stmt) => rewriteNested(stmt, counts));
  for (let start = 0; start < list.length; start += 1) {
    const first = list[start]!;
    if (first.kind !== "set" || !first.target.startsWith(GENERATED_PREFIX) || first.target.includes(".")) continue;
    const made = first.target;
    const copyAt = list.findIndex((stmt, index) => index > start && stmt.kind === "set" && !stmt.target.includes(".") &&
      stmt.value.kind === "name" && stmt.value.name === made);
    if (copyAt === -1) continue;
    const copy = list[copyAt] as Extract<Stmt, { kind: "set" }>;
    const local = copy.target;
    const between = list.slice(start, copyAt);
    const uses = new Map<string, number>();
    countNames(between, uses);
    // Every mention of the made-up name is between the two statements (plus the copy), and it is bound once.
    if ((uses.get(made) ?? 0) + 1 !== counts.get(made) || bindings(between, made) !== 1 || (uses.get(local) ?? 0) > 0) continue;
    const renamed = between.map((stmt) => renameIn(stmt, made, local));
    list = [...list.slice(0, start), ...renamed, ...list.slice(copyAt + 1)];
  }
  return list;
}

function rewriteNested(stmt: Stmt, counts: Map<string, number>): Stmt {
  if (stmt.kind === "for") return forStmt(stmt.targets, stmt.iterable, rewriteList(stmt.body, counts));
  if (stmt.kind === "if") {
    return ifStmt(stmt.branches.map((branch) => ({ test: branch.test, body: rewriteList(branch.body, counts) })),
      stmt.otherwise === undefined ? undefined : rewriteList(stmt.otherwise, counts));
  }
  return stmt;
}

/** How often each name is mentioned: read, set (the first segment of `ns.x` too) or a loop target. */
function countNames(body: Stmt[], counts: Map<string, number>): void {
  const add = (key: string): void => void counts.set(key, (counts.get(key) ?? 0) + 1);
  const visitExpr = (expr: Expr): void => {
    if (expr.kind === "name") add(expr.name);
    childrenOf(expr).forEach(visitExpr);
  };
  for (const stmt of body) {
    if (stmt.kind === "set" || stmt.kind === "setRaw") add(stmt.target.split(".")[0]!);
    if (stmt.kind === "for") stmt.targets.forEach(add);
    statementExprs(stmt).forEach(visitExpr);
    if (stmt.kind === "for") countNames(stmt.body, counts);
    if (stmt.kind === "if") {
      stmt.branches.forEach((branch) => countNames(branch.body, counts));
      countNames(stmt.otherwise ?? [], counts);
    }
  }
}

function bindings(body: Stmt[], target: string): number {
  return body.reduce((total, stmt) => {
    const own = (stmt.kind === "set" || stmt.kind === "setRaw") && stmt.target === target ? 1 : 0;
    const targets = stmt.kind === "for" && stmt.targets.includes(target) ? 1 : 0;
    const nested = stmt.kind === "for" ? bindings(stmt.body, target)
      : stmt.kind === "if" ? stmt.branches.reduce((sum, branch) => sum + bindings(branch.body, target), bindings(stmt.otherwise ?? [], target)) : 0;
    return total + own + targets + nested;
  }, 0);
}

function renameIn(stmt: Stmt, from: string, to: string): Stmt {
  const renameExpr = (expr: Expr): Expr => (expr.kind === "name" && expr.name === from ? name(to) : mapChildren(expr, renameExpr));
  const target = (text: string): string => (text === from ? to : text);
  const rewritten = rewriteStatement(stmt, renameExpr);
  switch (rewritten.kind) {
    case "set":
      return setStmt(target(rewritten.target), rewritten.value);
    case "setRaw":
      return setRawStmt(target(rewritten.target), rewritten.text);
    case "for":
      return forStmt(rewritten.targets.map(target), rewritten.iterable, rewritten.body.map((s) => renameIn(s, from, to)));
    case "if":
      return ifStmt(rewritten.branches.map((branch) => ({ test: branch.test, body: branch.body.map((s) => renameIn(s, from, to)) })),
        rewritten.otherwise?.map((s) => renameIn(s, from, to)));
    default:
      return rewritten;
  }
}
