/**
 * A large constant list or dict that one macro reads more than once is set once, under a name, and
 * read through it: `PROCEDURE_ARGUMENTS.slice(0, 5)` and `.slice(5)` print the eleven pairs once
 * (`{% set procedure_arguments = [...] %}`), not twice.
 *
 * The rule, kept narrow so that nothing can change meaning:
 * - the value is a list or dict of literals only (evaluating it has no effect, and setting it first,
 *   at the top of the macro, gives the same value), of at least MIN_NODES nodes;
 * - it occurs at least twice in the macro, and *every* occurrence is only read where it stands (the
 *   object of an index or slice, a loop's iterable, the right of `in`, a filter's operand, the receiver
 *   of a read-only method): a list passed to a call or stored could be changed through one name and
 *   seen through another, where each literal was a new list;
 * - the name is the module constant the literal came from, in lower case (`constantNames`), else
 *   `shared_literal`, made unique against every name the macro binds or reads.
 */
import {
  constantNameOf, isReadOnlyMethod, name, setStmt, type Expr, type Macro, type Stmt,
} from "./ir.js";
import { childrenOf, mapChildren, rewriteStatement, statementExprs } from "./ir-walk.js";

/** Smaller literals read as easily as a name. */
const MIN_NODES = 12;

interface Occurrence {
  expr: Expr;
  readOnly: boolean;
}

export function shareRepeatedLiterals(macro: Macro, packageName: string): void {
  const occurrences = new Map<string, Occurrence[]>();
  const note = (expr: Expr, readOnly: boolean): void => {
    if (!isConstantCollection(expr) || size(expr) < MIN_NODES) return;
    const key = JSON.stringify(expr);
    occurrences.set(key, [...(occurrences.get(key) ?? []), { expr, readOnly }]);
  };
  const visit = (expr: Expr, readOnly: boolean): void => {
    note(expr, readOnly);
    if (isConstantCollection(expr)) return;
    for (const child of childrenOf(expr)) visit(child, readsInPlace(expr, child));
  };
  walkStatements(macro.body, (stmt) => statementExprs(stmt).forEach((expr) => visit(expr, stmt.kind === "for")));
  macro.params.forEach((param) => param.default !== undefined && visit(param.default, false));

  const shared = [...occurrences].filter(([, found]) => found.length >= 2 && found.every((item) => item.readOnly));
  if (shared.length === 0) return;
  const taken = namesIn(macro, packageName);
  const names = new Map<string, string>();
  const sets: Stmt[] = [];
  for (const [key, found] of shared) {
    const base = (constantNameOf(found[0]!.expr) ?? "shared_literal").toLowerCase();
    let candidate = base;
    for (let suffix = 2; taken.has(candidate); suffix += 1) candidate = `${base}_${suffix}`;
    taken.add(candidate);
    names.set(key, candidate);
    sets.push(setStmt(candidate, found[0]!.expr));
  }
  const replace = (expr: Expr): Expr => {
    const shareName = isConstantCollection(expr) ? names.get(JSON.stringify(expr)) : undefined;
    return shareName !== undefined ? name(shareName) : mapChildren(expr, replace);
  };
  macro.body = [...sets, ...macro.body.map((stmt) => rewriteStatement(stmt, replace))];
}

function isConstantCollection(expr: Expr): boolean {
  return (expr.kind === "list" || expr.kind === "dict") && isConstant(expr);
}

function isConstant(expr: Expr): boolean {
  if (expr.kind === "literal") return true;
  if (expr.kind === "list") return expr.items.every(isConstant);
  if (expr.kind === "dict") return expr.entries.every(([key, value]) => isConstant(key) && isConstant(value));
  return false;
}

/** True when `parent` only reads `child` where it stands (no call can keep or change it). */
function readsInPlace(parent: Expr, child: Expr): boolean {
  switch (parent.kind) {
    case "item":
    case "slice":
    case "attr":
      return parent.object === child;
    case "filter":
      return parent.operand === child;
    case "binary":
      return (parent.op === "in" || parent.op === "not in") && parent.right === child;
    case "call":
      return parent.callee.kind === "attr" && parent.callee.object === child && isReadOnlyMethod(parent.callee.name);
    default:
      return false;
  }
}

function size(expr: Expr): number {
  return 1 + childrenOf(expr).reduce((total, child) => total + size(child), 0);
}

function walkStatements(body: Stmt[], visit: (stmt: Stmt) => void): void {
  for (const stmt of body) {
    visit(stmt);
    if (stmt.kind === "for") walkStatements(stmt.body, visit);
    if (stmt.kind === "if") {
      stmt.branches.forEach((branch) => walkStatements(branch.body, visit));
      walkStatements(stmt.otherwise ?? [], visit);
    }
  }
}

/** Every name the macro binds or reads, and the names Jinja gives meaning to inside a macro. */
function namesIn(macro: Macro, packageName: string): Set<string> {
  const names = new Set([packageName, "loop", "kwargs", "varargs", "caller", ...macro.params.map((param) => param.name)]);
  const visitExpr = (expr: Expr): void => {
    if (expr.kind === "name") names.add(expr.name);
    childrenOf(expr).forEach(visitExpr);
  };
  walkStatements(macro.body, (stmt) => {
    if (stmt.kind === "set" || stmt.kind === "setRaw") names.add(stmt.target.split(".")[0]!);
    if (stmt.kind === "for") stmt.targets.forEach((target) => names.add(target));
    statementExprs(stmt).forEach(visitExpr);
  });
  macro.params.forEach((param) => param.default !== undefined && visitExpr(param.default));
  return names;
}
