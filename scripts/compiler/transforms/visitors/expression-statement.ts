/** Expressions standing as statements: calls, assignments, compound assignments, increments and push. */
import { Node, SyntaxKind, type ExpressionStatement } from "ts-morph";
import {
  assignmentToIndex, assignmentToNonLocal, compoundAssignmentOperands, unassignable, unsupportedExpressionStatement,
} from "../../diagnostics.js";
import { describedBy, type MacroContext, type VisitorMap } from "../../context.js";
import { binary, dict, doStmt, filter, forStmt, lit, method, name, setStmt, type Expr, type Stmt } from "../../ir.js";
import { includes, isOnly } from "../../types.js";
import { checkedResult } from "../arithmetic.js";
import { targetSymbol } from "../identifiers.js";
import { exactNumberText, printable } from "../printable.js";
import { unwrap } from "../syntax.js";

const COMPOUND: Partial<Record<SyntaxKind, "+" | "-" | "*">> = {
  [SyntaxKind.PlusEqualsToken]: "+",
  [SyntaxKind.MinusEqualsToken]: "-",
  [SyntaxKind.AsteriskEqualsToken]: "*",
};

function expressionStatement(node: ExpressionStatement, context: MacroContext): Stmt[] {
  return expressionAsStatement(node.getExpression(), context);
}

/** An expression evaluated for its effect: a statement's, or a `for (;;)` loop's initializer or incrementor. */
function expressionAsStatement(node: Node, context: MacroContext): Stmt[] {
  const inner = unwrap(node);
  return context.withHoisted(() => {
    if (Node.isBinaryExpression(inner)) {
      const operator = inner.getOperatorToken().getKind();
      if (operator === SyntaxKind.EqualsToken) return assignment(inner.getLeft(), context.transformExpression(inner.getRight()), context);
      const compound = COMPOUND[operator];
      if (compound !== undefined) {
        const left = inner.getLeft();
        const right = inner.getRight();
        const concatenates = compound === "+" && (includes(left.getType(), "string") || includes(right.getType(), "string"));
        if (!concatenates && !(isOnly(left.getType(), "number") && isOnly(right.getType(), "number"))) {
          throw compoundAssignmentOperands(inner);
        }
        const value = concatenates
          ? binary("~", printable(left, context, "a '+=' operand"), printable(right, context, "a '+=' operand"))
          : checkedResult(inner, binary(compound, context.transformExpression(left), context.transformExpression(right)), context);
        return assignment(left, value, context);
      }
    }
    if (Node.isPostfixUnaryExpression(inner) || Node.isPrefixUnaryExpression(inner)) {
      const operator = inner.getOperatorToken();
      if (operator === SyntaxKind.PlusPlusToken || operator === SyntaxKind.MinusMinusToken) {
        const operand = inner.getOperand();
        return assignment(operand, checkedResult(inner,
          binary(operator === SyntaxKind.PlusPlusToken ? "+" : "-", context.transformExpression(operand), lit(1)), context), context);
      }
    }
    if (Node.isCallExpression(inner)) {
      const callee = inner.getExpression();
      if (Node.isPropertyAccessExpression(callee) && callee.getName() === "push" && isOnly(callee.getExpression().getType(), "array")) {
        const target = context.transformExpression(callee.getExpression());
        return inner.getArguments().map((argument): Stmt => {
          if (!Node.isSpreadElement(argument)) return doStmt(method(target, "append", [context.transformExpression(argument)]));
          // `xs.push(...ys)`: append each item, as JavaScript does.
          const item = context.temporary(undefined, `${describedBy(argument.getExpression())}_item`);
          return forStmt([item], context.transformExpression(argument.getExpression()), [doStmt(method(target, "append", [name(item)]))]);
        });
      }
      return [doStmt(context.transformExpression(inner))];
    }
    throw unsupportedExpressionStatement(inner);
  });
}

function assignment(target: Node, value: Expr, context: MacroContext): Stmt[] {
  const inner = unwrap(target);
  if (Node.isIdentifier(inner)) {
    const symbol = targetSymbol(inner.getSymbol());
    const local = symbol === undefined ? undefined : context.local(symbol);
    if (local === undefined) throw assignmentToNonLocal(inner, inner.getText());
    return [setStmt(local, value)];
  }
  if (Node.isPropertyAccessExpression(inner) || Node.isElementAccessExpression(inner)) {
    const objectNode = inner.getExpression();
    if (!isOnly(objectNode.getType(), "object")) throw assignmentToIndex(inner);
    let key: Expr;
    if (Node.isPropertyAccessExpression(inner)) {
      key = lit(inner.getName());
    } else {
      const keyNode = inner.getArgumentExpressionOrThrow();
      const keyExpr = context.transformExpression(keyNode);
      // A number key names the property by its JavaScript text (r[1] = v sets r["1"]).
      key = isOnly(keyNode.getType(), "number") ? filter(exactNumberText(keyExpr, keyNode, context, "a number key"), "string") : keyExpr;
    }
    return [doStmt(method(context.transformExpression(objectNode), "update", [dict([[key, value]])]))];
  }
  throw unassignable(inner);
}

export const expressionStatementVisitors: VisitorMap<Stmt[]> = {
  [SyntaxKind.ExpressionStatement]: expressionStatement,
  // A `for (;;)` loop's incrementor (`i++`, `i += 2`) or initializer (`i = 0`).
  [SyntaxKind.PostfixUnaryExpression]: expressionAsStatement,
  [SyntaxKind.PrefixUnaryExpression]: expressionAsStatement,
  [SyntaxKind.BinaryExpression]: expressionAsStatement,
};
