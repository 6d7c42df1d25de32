/** Walking the Jinja IR: the sub-expressions of a node, and rebuilding a node with rewritten parts (through the factories). */
import {
  attr, binary, call, conditional, dict, doStmt, filter, forStmt, ifStmt, item, list, negate, not, returnStmt, setStmt, slice, test,
  type Expr, type Stmt,
} from "./ir.js";

/** The node with each direct sub-expression replaced by `f(child)`. */
export function mapChildren(expr: Expr, f: (child: Expr) => Expr): Expr {
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

/** The direct sub-expressions of an expression. */
export function childrenOf(expr: Expr): Expr[] {
  const found: Expr[] = [];
  mapChildren(expr, (child) => (found.push(child), child));
  return found;
}

/** The expressions a statement evaluates itself (not those of the statements nested in it). */
export function statementExprs(stmt: Stmt): Expr[] {
  switch (stmt.kind) {
    case "set":
      return [stmt.value];
    case "do":
      return [stmt.expr];
    case "return":
      return [stmt.value];
    case "if":
      return stmt.branches.map((branch) => branch.test);
    case "for":
      return [stmt.iterable];
    case "setRaw":
    case "break":
    case "continue":
      return [];
  }
}

/** The statement with every expression in it, nested statements included, rewritten by `rewrite`. */
export function rewriteStatement(stmt: Stmt, rewrite: (expr: Expr) => Expr): Stmt {
  switch (stmt.kind) {
    case "set":
      return setStmt(stmt.target, rewrite(stmt.value));
    case "do":
      return doStmt(rewrite(stmt.expr));
    case "return":
      return returnStmt(rewrite(stmt.value));
    case "if":
      return ifStmt(
        stmt.branches.map((branch) => ({ test: rewrite(branch.test), body: branch.body.map((s) => rewriteStatement(s, rewrite)) })),
        stmt.otherwise?.map((s) => rewriteStatement(s, rewrite)),
      );
    case "for":
      return forStmt(stmt.targets, rewrite(stmt.iterable), stmt.body.map((s) => rewriteStatement(s, rewrite)));
    case "setRaw":
    case "break":
    case "continue":
      return stmt;
  }
}

