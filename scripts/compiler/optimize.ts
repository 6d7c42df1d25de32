/**
 * IR passes that make the generated Jinja cheaper to run without changing what it computes:
 * - small helpers (a macro whose whole body is `return <expression>`) are inlined at their call
 *   sites: on dbt-core every macro call is a MacroGenerator round trip (a new Jinja context, a
 *   template module, a call stack entry), which dominated the plan's cost;
 * - constant string concatenations (`"a" ~ "b"`) are folded.
 * The helpers stay defined as macros: users and dispatch may still call them.
 */
import {
  attr, binary, call, conditional, dict, doStmt, filter, forStmt, ifStmt, isPure, item, list, lit, negate, not, returnStmt,
  setStmt, slice, test, type Expr, type JinjaModule, type Macro, type MacroParam, type Stmt,
} from "./ir.js";

/** Larger bodies would grow every call site more than the call costs. */
const MAX_INLINED_NODES = 30;
/** Inlined bodies may call further helpers; this bounds the expansion (and ends any cycle). */
const MAX_INLINING_DEPTH = 3;

interface Helper {
  params: MacroParam[];
  body: Expr;
}

export function optimizeModules(modules: JinjaModule[], packageName: string): void {
  const helpers = new Map<string, Helper>();
  for (const macro of modules.flatMap((module) => module.macros)) {
    const helper = asHelper(macro);
    if (helper !== undefined) helpers.set(macro.name, helper);
  }
  for (const module of modules) {
    for (const macro of module.macros) {
      const taken = declaredNames(macro);
      const rewrite = (expr: Expr): Expr => foldConcatenation(inlineCalls(expr, helpers, packageName, taken, 0));
      macro.body = macro.body.map((stmt) => rewriteStmt(stmt, rewrite));
    }
  }
}

function asHelper(macro: Macro): Helper | undefined {
  const [only, ...rest] = macro.body;
  if (only === undefined || rest.length > 0 || only.kind !== "return") return undefined;
  if (size(only.value) > MAX_INLINED_NODES || mentionsDispatch(only.value)) return undefined;
  return { params: macro.params, body: only.value };
}

function inlineCalls(expr: Expr, helpers: Map<string, Helper>, packageName: string, taken: Set<string>, depth: number): Expr {
  const rewritten = mapChildren(expr, (child) => inlineCalls(child, helpers, packageName, taken, depth));
  if (depth >= MAX_INLINING_DEPTH || rewritten.kind !== "call" || rewritten.kwargs.length > 0) return rewritten;
  const callee = rewritten.callee;
  if (callee.kind !== "attr" || callee.object.kind !== "name" || callee.object.name !== packageName) return rewritten;
  const helper = helpers.get(callee.name);
  if (helper === undefined) return rewritten;
  const bindings = bind(helper, rewritten.args, taken);
  if (bindings === undefined) return rewritten;
  return inlineCalls(substitute(helper.body, bindings), helpers, packageName, taken, depth + 1);
}

/**
 * Parameter → argument, when substituting is exact: every argument is pure (no call that could log
 * or query, so evaluating it where the body uses it, or not at all, changes nothing), an argument the
 * body uses more than once is a plain value, every parameter left out has a default, and no name the
 * body reads is a local of the calling macro. One impure argument is allowed when the body is
 * otherwise pure and evaluates that parameter exactly once, unconditionally: it then runs once, as
 * the call's argument did, and nothing else with an effect runs before or after it.
 */
function bind(helper: Helper, args: Expr[], taken: Set<string>): Map<string, Expr> | undefined {
  if (args.length > helper.params.length) return undefined;
  const uses = new Map<string, number>();
  countNames(helper.body, uses);
  const parameterNames = new Set(helper.params.map((param) => param.name));
  for (const free of uses.keys()) if (!parameterNames.has(free) && taken.has(free)) return undefined;
  const bindings = new Map<string, Expr>();
  let impure: string | undefined;
  for (const [index, param] of helper.params.entries()) {
    const value = args[index] ?? param.default;
    if (value === undefined) return undefined;
    if (!isPure(value)) {
      if (impure !== undefined || uses.get(param.name) !== 1) return undefined;
      impure = param.name;
    } else if ((uses.get(param.name) ?? 0) > 1 && !isPlainValue(value)) {
      return undefined;
    }
    bindings.set(param.name, value);
  }
  if (impure !== undefined && !(isPure(helper.body) && evaluatedUnconditionally(helper.body, impure))) return undefined;
  return bindings;
}

/** True when evaluating `expr` always evaluates the name (not only in one branch of `if`, `and`, `or`). */
function evaluatedUnconditionally(expr: Expr, name: string): boolean {
  if (expr.kind === "name") return expr.name === name;
  if (expr.kind === "conditional") return evaluatedUnconditionally(expr.test, name);
  if (expr.kind === "binary" && (expr.op === "and" || expr.op === "or")) return evaluatedUnconditionally(expr.left, name);
  return children(expr).some((child) => evaluatedUnconditionally(child, name));
}

function isPlainValue(expr: Expr): boolean {
  if (expr.kind === "literal" || expr.kind === "name") return true;
  if (expr.kind === "attr") return isPlainValue(expr.object);
  if (expr.kind === "item") return isPlainValue(expr.object) && expr.key.kind === "literal";
  return false;
}

function substitute(expr: Expr, bindings: Map<string, Expr>): Expr {
  if (expr.kind === "name") return bindings.get(expr.name) ?? expr;
  return mapChildren(expr, (child) => substitute(child, bindings));
}

/**
 * `"a" ~ ("b" ~ x) ~ "c" ~ "d"` → `"ab" ~ x ~ "cd"`: `~` turns each operand into text and joins,
 * so a chain is one list of operands however it nests, and adjacent string literals join at compile time.
 */
function foldConcatenation(expr: Expr): Expr {
  const folded = mapChildren(expr, foldConcatenation);
  if (folded.kind !== "binary" || folded.op !== "~") return folded;
  const operands: Expr[] = [];
  for (const operand of concatenated(folded)) {
    const previous = operands[operands.length - 1];
    if (previous?.kind === "literal" && typeof previous.value === "string" && operand.kind === "literal" && typeof operand.value === "string") {
      operands[operands.length - 1] = lit(previous.value + operand.value);
    } else {
      operands.push(operand);
    }
  }
  return operands.reduce((left, right) => binary("~", left, right));
}

function concatenated(expr: Expr): Expr[] {
  return expr.kind === "binary" && expr.op === "~" ? [...concatenated(expr.left), ...concatenated(expr.right)] : [expr];
}

function mapChildren(expr: Expr, f: (child: Expr) => Expr): Expr {
  switch (expr.kind) {
    case "literal":
    case "name":
      return expr;
    case "attr":
      return attr(f(expr.object), expr.name);
    case "item":
      return item(f(expr.object), f(expr.key));
    case "slice":
      return slice(f(expr.object), expr.start && f(expr.start), expr.end && f(expr.end), expr.step && f(expr.step));
    case "call":
      return call(f(expr.callee), expr.args.map(f), expr.kwargs.map(([key, value]) => [key, f(value)]));
    case "binary":
      return binary(expr.op, f(expr.left), f(expr.right));
    case "not":
      return not(f(expr.operand));
    case "negate":
      return negate(f(expr.operand));
    case "conditional":
      return conditional(f(expr.test), f(expr.then), f(expr.otherwise));
    case "list":
      return list(expr.items.map(f));
    case "dict":
      return dict(expr.entries.map(([key, value]) => [f(key), f(value)]));
    case "filter":
      return filter(f(expr.operand), expr.name, expr.args.map(f));
    case "test":
      return test(f(expr.operand), expr.name, expr.negated);
  }
}

function children(expr: Expr): Expr[] {
  const found: Expr[] = [];
  mapChildren(expr, (child) => (found.push(child), child));
  return found;
}

function size(expr: Expr): number {
  return 1 + children(expr).reduce((total, child) => total + size(child), 0);
}

function countNames(expr: Expr, uses: Map<string, number>): void {
  if (expr.kind === "name") uses.set(expr.name, (uses.get(expr.name) ?? 0) + 1);
  for (const child of children(expr)) countNames(child, uses);
}

function mentionsDispatch(expr: Expr): boolean {
  if (expr.kind === "attr" && expr.name === "dispatch") return true;
  return children(expr).some(mentionsDispatch);
}

function rewriteStmt(stmt: Stmt, rewrite: (expr: Expr) => Expr): Stmt {
  switch (stmt.kind) {
    case "set":
      return setStmt(stmt.target, rewrite(stmt.value));
    case "do":
      return doStmt(rewrite(stmt.expr));
    case "return":
      return returnStmt(rewrite(stmt.value));
    case "if":
      return ifStmt(
        stmt.branches.map((branch) => ({ test: rewrite(branch.test), body: branch.body.map((s) => rewriteStmt(s, rewrite)) })),
        stmt.otherwise?.map((s) => rewriteStmt(s, rewrite)),
      );
    case "for":
      return forStmt(stmt.targets, rewrite(stmt.iterable), stmt.body.map((s) => rewriteStmt(s, rewrite)));
    case "setRaw":
    case "break":
    case "continue":
      return stmt;
  }
}

/** Every name the macro binds: parameters, set targets, loop targets (the first segment of `ns.x`). */
function declaredNames(macro: Macro): Set<string> {
  const names = new Set(macro.params.map((param) => param.name));
  const visit = (stmt: Stmt): void => {
    if (stmt.kind === "set" || stmt.kind === "setRaw") names.add(stmt.target.split(".")[0]!);
    if (stmt.kind === "for") {
      stmt.targets.forEach((target) => names.add(target));
      names.add("loop");
      stmt.body.forEach(visit);
    }
    if (stmt.kind === "if") {
      stmt.branches.forEach((branch) => branch.body.forEach(visit));
      stmt.otherwise?.forEach(visit);
    }
  };
  macro.body.forEach(visit);
  return names;
}
