/**
 * IR passes that make the generated Jinja cheaper to run without changing what it computes:
 * - small helpers (a macro whose whole body is `return <expression>`) are inlined at their call
 *   sites: on dbt-core every macro call is a MacroGenerator round trip (a new Jinja context, a
 *   template module, a call stack entry), which dominated the plan's cost;
 * - constant conditions are folded: `(a if false else b)` → `b`, and an `if` whose test is a literal
 *   keeps only the branch it takes (a test that is a literal has no effect to keep);
 * - constant string concatenations (`"a" ~ "b"`) are folded.
 * A helper with no call site left is then dropped, unless it is public (uncalled.ts).
 */
import { binary, forStmt, ifStmt, isPure, lit, type Expr, type IfBranch, type JinjaModule, type Macro, type MacroParam, type Stmt } from "./ir.js";
import { childrenOf, mapChildren, rewriteStatement } from "./ir-walk.js";

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
      const rewrite = (expr: Expr): Expr => foldConcatenation(foldConditions(inlineCalls(expr, helpers, packageName, taken, 0)));
      macro.body = foldIfStatements(macro.body.map((stmt) => rewriteStatement(stmt, rewrite)));
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
  return childrenOf(expr).some((child) => evaluatedUnconditionally(child, name));
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

/** The truth of a literal whose truth is the same on every engine (`true`, `false`, `none`), else undefined. */
function literalTruth(expr: Expr): boolean | undefined {
  if (expr.kind !== "literal") return undefined;
  if (typeof expr.value === "boolean") return expr.value;
  return expr.value === null ? false : undefined;
}

/** `(a if true else b)` → `a`, `not false` → `true`: only where the test is a literal after lowering and inlining. */
function foldConditions(expr: Expr): Expr {
  const folded = mapChildren(expr, foldConditions);
  if (folded.kind === "conditional") {
    const truth = literalTruth(folded.test);
    if (truth !== undefined) return truth ? folded.then : folded.otherwise;
  }
  if (folded.kind === "not") {
    const truth = literalTruth(folded.operand);
    if (truth !== undefined) return lit(!truth);
  }
  return folded;
}

/**
 * An `if` whose tests are literals keeps the branch it takes: branches under a false test go, and a
 * true test makes its branch the last one (or the whole statement, when it is the first). The taken
 * body stands in the `if`'s place: a Jinja `if` opens no scope, so its `set`s mean the same there.
 */
function foldIfStatements(body: Stmt[]): Stmt[] {
  return body.flatMap((stmt): Stmt[] => {
    if (stmt.kind === "for") return [forStmt(stmt.targets, stmt.iterable, foldIfStatements(stmt.body))];
    if (stmt.kind !== "if") return [stmt];
    const branches: IfBranch[] = [];
    let otherwise = stmt.otherwise === undefined ? undefined : foldIfStatements(stmt.otherwise);
    for (const branch of stmt.branches) {
      const truth = literalTruth(branch.test);
      if (truth === false) continue;
      if (truth === true) {
        otherwise = foldIfStatements(branch.body);
        break;
      }
      branches.push({ test: branch.test, body: foldIfStatements(branch.body) });
    }
    return branches.length === 0 ? otherwise ?? [] : [ifStmt(branches, otherwise)];
  });
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

function size(expr: Expr): number {
  return 1 + childrenOf(expr).reduce((total, child) => total + size(child), 0);
}

function countNames(expr: Expr, uses: Map<string, number>): void {
  if (expr.kind === "name") uses.set(expr.name, (uses.get(expr.name) ?? 0) + 1);
  for (const child of childrenOf(expr)) countNames(child, uses);
}

function mentionsDispatch(expr: Expr): boolean {
  if (expr.kind === "attr" && expr.name === "dispatch") return true;
  return childrenOf(expr).some(mentionsDispatch);
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
