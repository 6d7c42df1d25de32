/**
 * The visitor maps: one visitor per syntax kind of the macro language, from one file per syntax
 * family. A kind without a visitor is not part of the language (diagnostics.ts says so, with advice).
 */
import type { Visitors } from "../../context.js";
import { accessVisitors } from "./access.js";
import { arrayLiteralVisitors } from "./array-literal.js";
import { binaryVisitors } from "./binary.js";
import { blockVisitors } from "./block.js";
import { callVisitors } from "./call.js";
import { conditionalVisitors } from "./conditional.js";
import { expressionStatementVisitors } from "./expression-statement.js";
import { forOfVisitors } from "./for-of.js";
import { identifierVisitors } from "./identifier.js";
import { ifVisitors } from "./if.js";
import { literalVisitors } from "./literals.js";
import { loopControlVisitors } from "./loop-control.js";
import { objectLiteralVisitors } from "./object-literal.js";
import { returnVisitors } from "./return.js";
import { switchVisitors } from "./switch.js";
import { templateVisitors } from "./template.js";
import { transparentVisitors } from "./transparent.js";
import { unaryVisitors } from "./unary.js";
import { variableVisitors } from "./variable.js";
import { whileVisitors } from "./while.js";

export const VISITORS: Visitors = {
  expressions: {
    ...literalVisitors, ...identifierVisitors, ...transparentVisitors, ...templateVisitors, ...arrayLiteralVisitors,
    ...objectLiteralVisitors, ...accessVisitors, ...callVisitors, ...binaryVisitors, ...unaryVisitors, ...conditionalVisitors,
  },
  statements: {
    ...variableVisitors, ...expressionStatementVisitors, ...ifVisitors, ...forOfVisitors, ...blockVisitors, ...returnVisitors,
    ...loopControlVisitors, ...switchVisitors, ...whileVisitors,
  },
};
