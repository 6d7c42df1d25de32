/**
 * `while`, `do … while` and `for (init; test; update)`. Jinja has only `for … in`, so the loop walks
 * `range(100000)` inside `range(100000)` (dbt-core's sandbox refuses larger ranges, dbt 2.x too) and
 * stops when the test fails; a flag in the macro's namespace ends the outer walk. A loop still running
 * after 10^10 turns raises (transforms/guard.ts). `break` sets the flag; `continue` runs the update
 * (and a do-while's test) first, as JavaScript does.
 */
import { Node, SyntaxKind, type DoStatement, type ForStatement, type WhileStatement } from "ts-morph";
import { NAMESPACE, type MacroContext, type VisitorMap } from "../../context.js";
import { breakStmt, call, doStmt, forStmt, ifStmt, lit, name, not, setStmt, type Stmt } from "../../ir.js";
import { raiseAt } from "../guard.js";
import { truthy } from "../truthiness.js";

const TURNS = 100000;

function loop(node: WhileStatement | DoStatement | ForStatement, context: MacroContext, prologue: Stmt[], testNode: Node | undefined,
  update: () => Stmt[], testFirst: boolean): Stmt[] {
  context.usesNamespace = true;
  const done = `${NAMESPACE}.${context.temporary(undefined, "loop_done")}`;
  const stop: Stmt[] = [setStmt(done, lit(true)), breakStmt()];
  // The test, with what it hoists, as statements that end the loop when it fails.
  const check = (): Stmt[] => {
    if (testNode === undefined) return [];
    const { value, hoisted } = context.collecting(() => truthy(testNode, testNode.getType(), context.transformExpression(testNode)));
    return [...hoisted, ifStmt([{ test: not(value), body: stop }])];
  };
  const beforeContinue = [...update(), ...(testFirst ? [] : check())];
  context.loops.push({ beforeBreak: [setStmt(done, lit(true))], beforeContinue });
  let body: Stmt[];
  try {
    body = context.transformStatement(node.getStatement());
  } finally {
    context.loops.pop();
  }
  const turn = testFirst ? [...check(), ...body, ...update()] : [...body, ...update(), ...check()];
  const outer = context.temporary(undefined, "turns");
  const inner = context.temporary(undefined, "turn");
  const range = call(name("range"), [lit(TURNS)]);
  return [
    ...prologue,
    setStmt(done, lit(false)),
    forStmt([outer], range, [forStmt([inner], range, turn), ifStmt([{ test: name(done), body: [breakStmt()] }])]),
    ifStmt([{ test: not(name(done)), body: [doStmt(raiseAt(node, "loopLimit"))] }]),
  ];
}

export const whileVisitors: VisitorMap<Stmt[]> = {
  [SyntaxKind.WhileStatement]: (node, context) => loop(node, context, [], node.getExpression(), () => [], true),
  [SyntaxKind.DoStatement]: (node, context) => loop(node, context, [], node.getExpression(), () => [], false),
  [SyntaxKind.ForStatement]: (node, context) => {
    // The initializer (`let i = 0`) and the incrementor (`i++`) are transformed as statements of their own.
    const initializer = node.getInitializer();
    const prologue = initializer === undefined ? [] : context.transformStatement(initializer);
    const incrementor = node.getIncrementor();
    const update = (): Stmt[] => (incrementor === undefined ? [] : context.transformStatement(incrementor));
    return loop(node, context, prologue, node.getCondition(), update, true);
  },
};
