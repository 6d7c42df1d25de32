/** Boolean built-ins: `toString()` prints 'true'/'false' as JavaScript does (dbt-core would print 'True'). */
import type { CallExpression } from "ts-morph";
import { conditional, lit, type Expr } from "../../ir.js";
import { arity, type MethodLowering } from "./lowering.js";

export const BOOLEAN_METHODS: Record<string, MethodLowering> = {
  // Typed by hand: a `toString` key takes no contextual type from the Record (it is also Object's method).
  toString: (receiver: Expr, node: CallExpression) => (arity(node, 0), conditional(receiver, lit("true"), lit("false"))),
};
