/**
 * State shared by the transforms of one macro: the checker, the Jinja name of every local, which
 * locals live in the macro's namespace, statements hoisted ahead of the statement being
 * transformed, and the recursion into sub-expressions and nested statements. As in
 * TypeScriptToLua's TransformationContext, visitors recurse through `transformExpression` and
 * `transformStatements` and never import each other: the visitor maps come in through the constructor.
 */
import { Node, SyntaxKind, type KindToNodeMappings, type Symbol as TsSymbol, type TypeChecker, type SourceFile } from "ts-morph";
import {
  cannotHoistHere, effectsReordered, localHidesReservedName, localUsesGeneratedPrefix, loweringUnderCondition, unresolvedDeclaration,
  unsupportedExpressionKind, unsupportedStatementKind,
} from "./diagnostics.js";
import type { Expr, Stmt } from "./ir.js";
import { GENERATED_PREFIX, RESERVED_NAMES } from "./prelude-map.js";
import { effectBefore, statementsHaveEffects } from "./transforms/effects.js";

export const NAMESPACE = `${GENERATED_PREFIX}ns`;

/** What the compiler knows of a number: whether it surely is an integer, and the most its magnitude can be. */
export interface NumberBound {
  integer: boolean;
  magnitude: number;
}

/** Lengths and loop indexes: no Jinja list or string holds 2^31 items. */
export const LENGTH_BOUND: NumberBound = { integer: true, magnitude: 2 ** 31 };

/** Transforms one syntax kind; receives exactly that kind's node type (ts-morph's KindToNodeMappings). */
export type Visitor<N extends Node, Result> = (node: N, context: MacroContext) => Result;

/** One visitor per syntax kind the language supports (TypeScriptToLua's `Visitors`). */
export type VisitorMap<Result> = { [K in SyntaxKind]?: Visitor<KindToNodeMappings[K], Result> };

export interface Visitors {
  expressions: VisitorMap<Expr>;
  statements: VisitorMap<Stmt[]>;
}

/** Runs the map's visitor for `node`'s kind, or gives undefined when the map has none. */
function visit<K extends SyntaxKind, Result>(
  map: VisitorMap<Result>, kind: K, node: Node, context: MacroContext,
): Result | undefined {
  const visitor = map[kind];
  return visitor !== undefined && node.isKind(kind) ? visitor(node, context) : undefined;
}

/** A loop being transformed: statements its `break` runs first (a flag the code after the loop reads), and its `continue`. */
export interface LoopFrame {
  beforeBreak: Stmt[];
  beforeContinue: Stmt[];
}

export interface ProgramFacts {
  checker: TypeChecker;
  preludeFile: string;
  /** Every macro (function declaration) in the compiled sources, by name. */
  macros: Map<string, Node>;
  isSourceFile: (file: SourceFile) => boolean;
  /** TypeScript name → dbt name of every macro (private helpers carry a prefix: visibility.ts). */
  dbtNames: Map<string, string>;
  /** The dbt package of the compiled macros: calls between them are `package.macro(...)`. */
  packageName: string;
  /** Files read besides the program's sources (embedded files), for the compile cache. */
  filesRead: Set<string>;
  /** Macros (TypeScript names) whose calls have no effect (transforms/effects.ts). */
  effectFree: Set<string>;
  /** Their Jinja callees, `package.dbt_name`. */
  effectFreeCallees: Set<string>;
}

export class MacroContext {
  private readonly names = new Map<TsSymbol, string>();
  private readonly taken = new Set<string>();
  readonly namespaced = new Set<TsSymbol>();
  /** Set when lowered code writes to the namespace, so the macro must create it. */
  usesNamespace = false;
  /** What is known of the numbers Jinja names hold (loop indexes, consts): see transforms/printable.ts. */
  readonly numberBounds = new Map<string, NumberBound>();
  /** The same for expressions a lowering made, such as guarded arithmetic (within 2^53). */
  readonly exprBounds = new WeakMap<Expr, NumberBound>();
  /** Inner results of an arithmetic expression, checked against 2^53 by the outermost (transforms/arithmetic.ts). */
  readonly pendingArithmetic = new WeakSet<Expr>();
  /** Values of optional-chain links: the tests of the chain and the value under them (transforms/optional-chain.ts). */
  readonly chainResults = new WeakMap<Expr, { tests: Expr; value: Expr }>();
  /** The loops being transformed, innermost last: what their `break` and `continue` must also do. */
  readonly loops: LoopFrame[] = [];
  private readonly hoisted: Stmt[][] = [];
  private conditionalDepth = 0;

  constructor(readonly program: ProgramFacts, private readonly visitors: Visitors) {
    // A local must not take the dbt name of a private helper: it would hide the macro inside this one.
    for (const [tsName, dbtName] of program.dbtNames) if (dbtName !== tsName) this.taken.add(dbtName);
  }

  get checker(): TypeChecker {
    return this.program.checker;
  }

  transformExpression(node: Node): Expr {
    const expr = visit(this.visitors.expressions, node.getKind(), node, this);
    if (expr === undefined) throw unsupportedExpressionKind(node, node.getKindName());
    return expr;
  }

  transformStatement(node: Node): Stmt[] {
    const stmts = visit(this.visitors.statements, node.getKind(), node, this);
    if (stmts === undefined) throw unsupportedStatementKind(node, node.getKindName());
    return stmts;
  }

  transformStatements(nodes: Node[]): Stmt[] {
    return nodes.flatMap((node) => this.transformStatement(node));
  }

  /** Transforms an expression, placing the statements it hoists before the statements built from it. */
  withHoisted(build: () => Stmt[]): Stmt[] {
    const { value, hoisted } = this.collecting(build);
    return [...hoisted, ...value];
  }

  /** Gives a declared identifier its Jinja name, unique within the macro. */
  declare(identifier: Node): string {
    const symbol = identifier.getSymbol();
    const text = identifier.getText();
    if (symbol === undefined) throw unresolvedDeclaration(identifier, text);
    const existing = this.names.get(symbol);
    if (existing !== undefined) return existing;
    if (RESERVED_NAMES.has(text)) throw localHidesReservedName(identifier, text);
    if (text.startsWith(GENERATED_PREFIX)) throw localUsesGeneratedPrefix(identifier, GENERATED_PREFIX, text);
    let candidate = text;
    for (let suffix = 2; this.taken.has(candidate); suffix += 1) candidate = `${text}_${suffix}`;
    this.taken.add(candidate);
    this.names.set(symbol, candidate);
    return candidate;
  }

  /**
   * Frees the Jinja name of a loop's own variable once the loop is transformed: Jinja scopes a `for`
   * target to its loop, and TypeScript lets no code after the loop read the variable, so a later
   * sibling loop may use the same name (`column`, not `column_2`). A namespaced local outlives the loop and keeps its name.
   */
  releaseLoopVariable(identifier: Node): void {
    const symbol = identifier.getSymbol();
    const jinjaName = symbol === undefined ? undefined : this.names.get(symbol);
    if (symbol !== undefined && jinjaName !== undefined && !this.namespaced.has(symbol)) this.taken.delete(jinjaName);
  }

  /** Declares a loop index (`loop.index0` in Jinja), known to be an integer. */
  declareLoopIndex(identifier: Node): string {
    const jinjaName = this.declare(identifier);
    this.numberBounds.set(jinjaName, LENGTH_BOUND);
    return jinjaName;
  }

  /** The Jinja spelling of a local, or undefined when the symbol is no local of this macro. */
  local(symbol: TsSymbol): string | undefined {
    const jinjaName = this.names.get(symbol);
    if (jinjaName === undefined) return undefined;
    return this.namespaced.has(symbol) ? `${NAMESPACE}.${jinjaName}` : jinjaName;
  }

  /**
   * A compiler-made name, unique in the macro, named for what it holds: the local or key the value
   * of `node` is assigned to (`const names = jobs.map(…)` → `tsj_names`), else `fallback`
   * (`jobs_map`, `object`).
   */
  temporary(node: Node | undefined, fallback: string): string {
    const base = `${GENERATED_PREFIX}${(node === undefined ? undefined : assignedName(node)) ?? fallback}`;
    let candidate = base;
    for (let suffix = 2; this.taken.has(candidate); suffix += 1) candidate = `${base}_${suffix}`;
    this.taken.add(candidate);
    return candidate;
  }

  /** Runs `transform` collecting the statements it hoists; returns both. */
  collecting<T>(transform: () => T): { value: T; hoisted: Stmt[] } {
    this.hoisted.push([]);
    const savedDepth = this.conditionalDepth;
    this.conditionalDepth = 0;
    try {
      const value = transform();
      return { value, hoisted: this.hoisted[this.hoisted.length - 1]! };
    } finally {
      this.hoisted.pop();
      this.conditionalDepth = savedDepth;
    }
  }

  /** Statements that must run before the current statement, to compute part of its value. */
  hoist(node: Node, statements: Stmt[]): void {
    if (this.conditionalDepth > 0) throw loweringUnderCondition(node);
    if (statementsHaveEffects(statements, this.program.effectFreeCallees)) {
      const earlier = effectBefore(node, this.program);
      if (earlier !== undefined) throw effectsReordered(node, earlier.getText().slice(0, 60));
    }
    const buffer = this.hoisted[this.hoisted.length - 1];
    if (buffer === undefined) throw cannotHoistHere(node);
    buffer.push(...statements);
  }

  conditionally<T>(transform: () => T): T {
    this.conditionalDepth += 1;
    try {
      return transform();
    } finally {
      this.conditionalDepth -= 1;
    }
  }
}

/**
 * Locals assigned inside a for loop that does not also declare them: a Jinja `set` there would
 * only change a copy that ends with the iteration, so they live in a namespace instead.
 */
export function findNamespacedLocals(body: Node, checker: TypeChecker): Set<TsSymbol> {
  const result = new Set<TsSymbol>();
  const consider = (target: Node, at: Node) => {
    if (!Node.isIdentifier(target)) return;
    const symbol = checker.getSymbolAtLocation(target);
    const declaration = symbol?.getDeclarations()[0];
    if (symbol === undefined || declaration === undefined) return;
    const loop = at.getFirstAncestor((ancestor) => Node.isForOfStatement(ancestor) || Node.isArrowFunction(ancestor) ||
      Node.isWhileStatement(ancestor) || Node.isDoStatement(ancestor) || Node.isForStatement(ancestor));
    if (loop === undefined) return;
    // A `for (let i = 0; …)` variable lives across the turns, as one declared before the loop.
    const declaredByLoop = Node.isForStatement(loop) && loop.getInitializer() !== undefined && isAncestor(loop.getInitializer()!, declaration);
    if (declaredByLoop || !isAncestor(loop, declaration)) result.add(symbol);
  };
  body.forEachDescendant((node) => {
    if (Node.isBinaryExpression(node)) {
      const operator = node.getOperatorToken().getKind();
      if (operator >= SyntaxKind.FirstAssignment && operator <= SyntaxKind.LastAssignment) consider(node.getLeft(), node);
    } else if (Node.isPrefixUnaryExpression(node) || Node.isPostfixUnaryExpression(node)) {
      consider(node.getOperand(), node);
    }
  });
  return result;
}

/** The plain name a value is stored under (a declared local, an assigned local, an object key), if any. */
function assignedName(node: Node): string | undefined {
  let parent = node.getParent();
  while (parent !== undefined && (Node.isParenthesizedExpression(parent) || Node.isAsExpression(parent) ||
    Node.isNonNullExpression(parent) || Node.isSatisfiesExpression(parent))) {
    parent = parent.getParent();
  }
  let target: Node | undefined;
  if (Node.isVariableDeclaration(parent) || Node.isPropertyAssignment(parent)) target = parent.getNameNode();
  else if (Node.isBinaryExpression(parent) && parent.getOperatorToken().getKind() === SyntaxKind.EqualsToken) target = parent.getLeft();
  const text = target?.getText();
  return text !== undefined && /^[A-Za-z][A-Za-z0-9_]*$/.test(text) ? text : undefined;
}

/** A short name for the value an expression reads (`config.jobs` → `jobs`), for compiler-made names. */
export function describedBy(node: Node): string {
  const text = Node.isPropertyAccessExpression(node) ? node.getName() : Node.isIdentifier(node) ? node.getText() : "";
  return /^[A-Za-z][A-Za-z0-9_]*$/.test(text) ? text : "value";
}

function isAncestor(ancestor: Node, node: Node): boolean {
  for (let current: Node | undefined = node; current !== undefined; current = current.getParent()) {
    if (current === ancestor) return true;
  }
  return false;
}
