/**
 * The Jinja IR: the small language the transforms produce and the printer prints.
 * Kept free of TypeScript types so that transforms and printer stay apart.
 */

export type BinaryOperator =
  | "+" | "-" | "*" | "/" | "%" | "~"
  | "==" | "!=" | "<" | "<=" | ">" | ">="
  | "and" | "or" | "in" | "not in";

export type Expr =
  | { kind: "literal"; value: string | number | boolean | null }
  | { kind: "name"; name: string }
  | { kind: "attr"; object: Expr; name: string }
  | { kind: "item"; object: Expr; key: Expr }
  | { kind: "slice"; object: Expr; start: Expr | undefined; end: Expr | undefined; step?: Expr }
  | { kind: "call"; callee: Expr; args: Expr[]; kwargs: Array<[string, Expr]> }
  | { kind: "binary"; op: BinaryOperator; left: Expr; right: Expr }
  | { kind: "not"; operand: Expr }
  | { kind: "negate"; operand: Expr }
  | { kind: "conditional"; test: Expr; then: Expr; otherwise: Expr }
  | { kind: "list"; items: Expr[] }
  | { kind: "dict"; entries: Array<[Expr, Expr]> }
  | { kind: "filter"; operand: Expr; name: string; args: Expr[] }
  | { kind: "test"; operand: Expr; name: string; negated: boolean };

export interface IfBranch {
  test: Expr;
  body: Stmt[];
}

export type Stmt =
  | { kind: "set"; target: string; value: Expr }
  | { kind: "setRaw"; target: string; text: string }
  | { kind: "do"; expr: Expr }
  | { kind: "if"; branches: IfBranch[]; otherwise: Stmt[] | undefined }
  | { kind: "for"; targets: string[]; iterable: Expr; body: Stmt[] }
  | { kind: "break" }
  | { kind: "continue" }
  | { kind: "return"; value: Expr };

export interface MacroParam {
  name: string;
  default: Expr | undefined;
}

/** Where a macro comes from: the source file (relative to the repository, `/`-separated) and the line of its `function`. */
export interface SourcePosition {
  file: string;
  line: number;
}

export interface Macro {
  name: string;
  params: MacroParam[];
  body: Stmt[];
  /** Printed above the macro (`{#- file:line -#}`), so a dbt stack trace naming it leads back to the TypeScript. */
  source: SourcePosition;
}

export interface JinjaModule {
  sourcePath: string;
  macros: Macro[];
}

// One factory per node kind (as TypeScriptToLua's LuaAST.ts `createX`): the only place IR objects are built.

export const lit = (value: string | number | boolean | null): Expr => ({ kind: "literal", value });
export const name = (identifier: string): Expr => ({ kind: "name", name: identifier });
export const attr = (object: Expr, attribute: string): Expr => ({ kind: "attr", object, name: attribute });
export const item = (object: Expr, key: Expr): Expr => ({ kind: "item", object, key });
/** `object[start:end:step]`; a slice without a step has no `step` key at all. */
export const slice = (object: Expr, start: Expr | undefined, end: Expr | undefined, step?: Expr): Expr =>
  step === undefined ? { kind: "slice", object, start, end } : { kind: "slice", object, start, end, step };
export const call = (callee: Expr, args: Expr[] = [], kwargs: Array<[string, Expr]> = []): Expr => ({
  kind: "call", callee, args, kwargs,
});
export const method = (object: Expr, methodName: string, args: Expr[] = []): Expr =>
  call(attr(object, methodName), args);
export const binary = (op: BinaryOperator, left: Expr, right: Expr): Expr => ({ kind: "binary", op, left, right });
export const not = (operand: Expr): Expr => ({ kind: "not", operand });
export const negate = (operand: Expr): Expr => ({ kind: "negate", operand });
export const conditional = (testExpr: Expr, then: Expr, otherwise: Expr): Expr => ({
  kind: "conditional", test: testExpr, then, otherwise,
});
export const list = (items: Expr[]): Expr => ({ kind: "list", items });
export const dict = (entries: Array<[Expr, Expr]>): Expr => ({ kind: "dict", entries });
export const filter = (operand: Expr, filterName: string, args: Expr[] = []): Expr => ({
  kind: "filter", operand, name: filterName, args,
});
export const test = (operand: Expr, testName: string, negated = false): Expr => ({
  kind: "test", operand, name: testName, negated,
});
export const isNone = (operand: Expr): Expr => test(operand, "none");
export const isNotNone = (operand: Expr): Expr => test(operand, "none", true);

export const macro = (macroName: string, params: MacroParam[], body: Stmt[], source: SourcePosition): Macro => ({
  name: macroName, params, body, source,
});

export const setStmt = (target: string, value: Expr): Stmt => ({ kind: "set", target, value });
export const setRawStmt = (target: string, text: string): Stmt => ({ kind: "setRaw", target, text });
export const doStmt = (expr: Expr): Stmt => ({ kind: "do", expr });
export const ifStmt = (branches: IfBranch[], otherwise: Stmt[] | undefined = undefined): Stmt => ({ kind: "if", branches, otherwise });
export const forStmt = (targets: string[], iterable: Expr, body: Stmt[]): Stmt => ({ kind: "for", targets, iterable, body });
export const breakStmt = (): Stmt => ({ kind: "break" });
export const continueStmt = (): Stmt => ({ kind: "continue" });
export const returnStmt = (value: Expr): Stmt => ({ kind: "return", value });

/** The module constant a literal was inlined from (`PROCEDURE_ARGUMENTS`), for a readable name if it is shared. */
const constantNames = new WeakMap<Expr, string>();
export function nameConstant(expr: Expr, constantName: string): Expr {
  constantNames.set(expr, constantName);
  return expr;
}
export const constantNameOf = (expr: Expr): string | undefined => constantNames.get(expr);

/** Methods that only read their receiver. */
const READ_ONLY_METHODS = new Set([
  "get", "split", "startswith", "endswith", "keys", "values", "items", "find", "rfind", "lstrip", "rstrip", "replace", "join",
]);

export const isReadOnlyMethod = (methodName: string): boolean => READ_ONLY_METHODS.has(methodName);

/** `exceptions.raise_compiler_error(…)`: how compiled code stops the macro. */
export function isGuardRaise(expr: Expr): boolean {
  return expr.kind === "call" && expr.callee.kind === "attr" && expr.callee.name === "raise_compiler_error" &&
    expr.callee.object.kind === "name" && expr.callee.object.name === "exceptions";
}

/** The direct operands of an expression. */
export function operands(expr: Expr): Expr[] {
  switch (expr.kind) {
    case "literal":
    case "name":
      return [];
    case "attr":
      return [expr.object];
    case "not":
    case "negate":
    case "test":
      return [expr.operand];
    case "item":
      return [expr.object, expr.key];
    case "slice":
      return [expr.object, ...[expr.start, expr.end, expr.step].filter((bound): bound is Expr => bound !== undefined)];
    case "binary":
      return [expr.left, expr.right];
    case "conditional":
      return [expr.test, expr.then, expr.otherwise];
    case "list":
      return expr.items;
    case "dict":
      return expr.entries.flat();
    case "filter":
      return [expr.operand, ...expr.args];
    case "call":
      return [expr.callee, ...expr.args, ...expr.kwargs.map(([, value]) => value)];
  }
}

/**
 * True when evaluating the expression may stop the macro with a guard. A lowering that leaves such an
 * operand unevaluated on one branch must still evaluate it there: JavaScript evaluates it first, and throws.
 */
export function containsGuardRaise(expr: Expr): boolean {
  return isGuardRaise(expr) || operands(expr).some(containsGuardRaise);
}

/** True when evaluating the expression twice is as good as once: no side effects. */
export function isPure(expr: Expr): boolean {
  switch (expr.kind) {
    case "literal":
    case "name":
      return true;
    case "attr":
    case "not":
    case "negate":
      return isPure(expr.kind === "attr" ? expr.object : expr.operand);
    case "item":
      return isPure(expr.object) && isPure(expr.key);
    case "slice":
      return isPure(expr.object) && [expr.start, expr.end, expr.step].every((bound) => bound === undefined || isPure(bound));
    case "binary":
      return isPure(expr.left) && isPure(expr.right);
    case "conditional":
      return isPure(expr.test) && isPure(expr.then) && isPure(expr.otherwise);
    case "list":
      return expr.items.every(isPure);
    case "dict":
      return expr.entries.every(([key, value]) => isPure(key) && isPure(value));
    case "filter":
      return isPure(expr.operand) && expr.args.every(isPure);
    case "test":
      return isPure(expr.operand);
    case "call":
      // A guard's raise stops the macro the first time it is evaluated: evaluating it again changes nothing.
      if (isGuardRaise(expr)) return expr.args.every(isPure);
      return expr.callee.kind === "attr" && READ_ONLY_METHODS.has(expr.callee.name) && isPure(expr.callee.object) &&
        expr.args.every(isPure) && expr.kwargs.length === 0;
  }
}
