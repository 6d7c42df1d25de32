/**
 * `switch`: an if / elif chain comparing with `===` (transforms/equality.ts). A clause ends with
 * `break`, `return`, `continue` or a call that raises; clauses without statements share the next
 * one's body (`case "a": case "b": …`). Falling through from a clause with statements is refused.
 */
import { Node, SyntaxKind, type CaseClause, type DefaultClause, type SwitchStatement } from "ts-morph";
import { switchFallthrough, switchOnObject } from "../../diagnostics.js";
import type { MacroContext, VisitorMap } from "../../context.js";
import { binary, ifStmt, isNone, isPure, setStmt, name, type Expr, type IfBranch, type Stmt } from "../../ir.js";
import { includes } from "../../types.js";
import { isNullishLiteral, requireOneNullish, strictEquality } from "../equality.js";

function endsClause(statement: Node | undefined): boolean {
  if (statement === undefined) return false;
  if (Node.isBreakStatement(statement) || Node.isReturnStatement(statement) || Node.isContinueStatement(statement)) return true;
  if (Node.isBlock(statement)) return endsClause(statement.getStatements().at(-1));
  if (Node.isExpressionStatement(statement)) return /^raiseCompilerError\(|^stop_with_error\(/.test(statement.getExpression().getText());
  return false;
}

function switchStatement(node: SwitchStatement, context: MacroContext): Stmt[] {
  const discriminantNode = node.getExpression();
  if (includes(discriminantNode.getType(), "array") || includes(discriminantNode.getType(), "object")) throw switchOnObject(discriminantNode);
  return context.withHoisted(() => {
    const prologue: Stmt[] = [];
    let discriminant = context.transformExpression(discriminantNode);
    if (!isPure(discriminant)) {
      const temporary = context.temporary(undefined, "switch");
      prologue.push(setStmt(temporary, discriminant));
      discriminant = name(temporary);
    }
    const branches: IfBranch[] = [];
    let otherwise: Stmt[] | undefined;
    let pending: Array<CaseClause | DefaultClause> = [];
    const clauses = node.getClauses();
    for (const clause of clauses) {
      pending.push(clause);
      const statements = clause.getStatements();
      if (statements.length === 0) continue;
      // The last clause ends with the switch.
      if (clause !== clauses.at(-1) && !endsClause(statements.at(-1))) throw switchFallthrough(clause);
      const last = statements.at(-1);
      const kept = last !== undefined && Node.isBreakStatement(last) ? statements.slice(0, -1) : statements;
      const body = context.transformStatements(kept);
      if (pending.some((item) => Node.isDefaultClause(item))) {
        otherwise = body;
      } else {
        const tests = pending.map((item) => caseTest(discriminantNode, discriminant, item as CaseClause, context));
        branches.push({ test: tests.reduce((all, one) => binary("or", all, one)), body });
      }
      pending = [];
    }
    if (branches.length === 0) return [...prologue, ...(otherwise ?? [])];
    return [...prologue, ifStmt(branches, otherwise)];
  });
}

function caseTest(discriminantNode: Node, discriminant: Expr, clause: CaseClause, context: MacroContext): Expr {
  const valueNode = clause.getExpression();
  if (isNullishLiteral(valueNode)) {
    requireOneNullish(valueNode, discriminantNode);
    return isNone(discriminant);
  }
  return strictEquality(discriminantNode, valueNode, discriminant, context.transformExpression(valueNode));
}

export const switchVisitors: VisitorMap<Stmt[]> = {
  [SyntaxKind.SwitchStatement]: switchStatement,
};
