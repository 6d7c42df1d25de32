/**
 * Diagnostics: `file:line:col - error CODE: message`, never a stack trace. Every message the
 * compiler gives is built here, by a named factory (as TypeScriptToLua's utils/diagnostics.ts), so
 * the transforms say which error they raise and this file says how it reads.
 */
import { relative } from "node:path";
import type { Node } from "ts-morph";

export const Codes = {
  unsupportedStatement: "TSJ1001",
  unsupportedDeclaration: "TSJ1002",
  unsupportedExpression: "TSJ1003",
  unsupportedCall: "TSJ1004",
  ambiguousTruthiness: "TSJ1005",
  unprintableValue: "TSJ1006",
  unportableArithmetic: "TSJ1007",
  conditionalLowering: "TSJ1008",
  nameConflict: "TSJ1009",
  embed: "TSJ1010",
  parameter: "TSJ1011",
  looseEquality: "TSJ1012",
  unsupportedType: "TSJ1013",
} as const;

export type DiagnosticCode = (typeof Codes)[keyof typeof Codes] | `TS${number}`;

export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  code: DiagnosticCode;
  message: string;
}

/** A diagnostic thrown out of the transforms: the compiler reports it and goes on with the next declaration. */
export class CompileError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

export function formatDiagnostic(diagnostic: Diagnostic, cwd = process.cwd()): string {
  const file = relative(cwd, diagnostic.file) || diagnostic.file;
  return `${file}:${diagnostic.line}:${diagnostic.column} - error ${diagnostic.code}: ${diagnostic.message}`;
}

export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.code.localeCompare(b.code),
  );
}

function diagnosticAt(node: Node, code: DiagnosticCode, message: string): Diagnostic {
  const sourceFile = node.getSourceFile();
  const { line, column } = sourceFile.getLineAndColumnAtPos(node.getStart());
  return { file: sourceFile.getFilePath(), line, column, code, message };
}

export type ErrorFactory<A extends unknown[]> = (node: Node, ...args: A) => CompileError;

/** A factory of one error: its code, and its message from the facts the transform passes. */
function createErrorFactory<A extends unknown[]>(code: DiagnosticCode, message: (...args: A) => string): ErrorFactory<A> {
  return (node, ...args) => new CompileError(diagnosticAt(node, code, message(...args)));
}

// Declarations and names (compile.ts, context.ts).

export const macroNamedAsPackage = createErrorFactory(Codes.nameConflict, (macroName: string) =>
  `macro '${macroName}' has the package's name (dbt_project.yml), which qualifies every call between its macros. Rename it.`);

export const macroHidesDbtName = createErrorFactory(Codes.nameConflict, (macroName: string, meaning: string) =>
  `macro '${macroName}' would hide ${meaning} inside the package; dbt's names are taken ` +
    "(scripts/compiler/dbt-reserved-names.json). Rename it.");

export const duplicateMacro = createErrorFactory(Codes.nameConflict, (macroName: string, earlierFile: string) =>
  `macro '${macroName}' is also defined in ${earlierFile}; dbt macro names are global.`);

export const moduleVariableNotConst = createErrorFactory(Codes.unsupportedDeclaration, () =>
  "module-level variables must be const: Jinja macros share no module state.");

export const unsupportedTopLevelStatement = createErrorFactory(Codes.unsupportedDeclaration, (kindName: string) =>
  `${kindName} at the top of a file is not part of the macro language: ` +
    "write functions (each becomes a macro), const literals, imports, types and interfaces.");

export const macroWithoutName = createErrorFactory(Codes.unsupportedDeclaration, () => "macros need a name.");

export const asyncOrGeneratorMacro = createErrorFactory(Codes.unsupportedDeclaration, () =>
  "async and generator functions are not part of the macro language.");

export const invalidMacroName = createErrorFactory(Codes.nameConflict, (macroName: string) =>
  `'${macroName}' cannot be a dbt macro name.`);

export const macroWithoutBody = createErrorFactory(Codes.unsupportedDeclaration, () => "macros need a body.");

export const parameterNotPlainName = createErrorFactory(Codes.parameter, () =>
  "macro parameters are plain names (no destructuring, no rest).");

export const parameterDefaultNotLiteral = createErrorFactory(Codes.parameter, () =>
  "a computed default applies to undefined only, but this parameter may be null, and both are none in Jinja; " +
    "default it to a literal, or write 'const value = param ?? fallback' in the body.");

export const unresolvedDeclaration = createErrorFactory(Codes.unsupportedExpression, (text: string) =>
  `cannot resolve '${text}'`);

export const localHidesReservedName = createErrorFactory(Codes.nameConflict, (text: string) =>
  `'${text}' is a name of dbt's context or of Jinja; a local of that name would hide it. Rename it.`);

export const localUsesGeneratedPrefix = createErrorFactory(Codes.nameConflict, (prefix: string, text: string) =>
  `names starting with '${prefix}' are reserved for the compiler. Rename '${text}'.`);

export const loweringUnderCondition = createErrorFactory(Codes.conditionalLowering, () =>
  "this needs a loop in Jinja, which would run even where JavaScript would not evaluate it " +
    "(right of &&, ||, ?? or inside ?:). Compute it in a statement of its own first.");

export const effectsReordered = createErrorFactory(Codes.conditionalLowering, (earlierCall: string) =>
  `this needs statements with effects that Jinja runs before the whole statement, so before '${earlierCall}', ` +
    "which JavaScript runs first. Compute it in a statement of its own first.");

export const cannotHoistHere = createErrorFactory(Codes.unsupportedExpression, () => "cannot lower this here");

// Names in expressions (transforms/identifiers.ts).

export const unresolvedName = createErrorFactory(Codes.unsupportedExpression, (text: string) => `cannot resolve '${text}'.`);

export const preludeValueUnusable = createErrorFactory(Codes.unsupportedExpression, (preludeName: string, isFunction: boolean) =>
  `the prelude's '${preludeName}' cannot be used here.${isFunction ? " Call it; functions are not values in Jinja." : ""}`);

export const macroAsValue = createErrorFactory(Codes.unsupportedExpression, (text: string) =>
  `'${text}' is a macro; macros can be called but are not values in Jinja.`);

export const unknownName = createErrorFactory(Codes.unsupportedExpression, (text: string) =>
  `'${text}' is not a local, a module constant or a prelude value.`);

export const moduleConstantWithoutValue = createErrorFactory(Codes.unsupportedDeclaration, (constantName: string) =>
  `module constant '${constantName}' has no value.`);

export const moduleConstantNotLiteral = createErrorFactory(Codes.unsupportedDeclaration, () =>
  "module constants must be literals (strings, numbers, booleans, arrays and objects of them); " +
    "they are inlined where used.");

// Expressions (transforms/visitors/).

export const unsupportedExpressionKind = createErrorFactory(Codes.unsupportedExpression, (kindName: string) =>
  `${kindName} is not part of the macro language (see docs/macro-language.md).`);

export const unprintableValue = createErrorFactory(Codes.unprintableValue, (what: string, typeText: string) =>
  `${what} of type '${typeText}' would print differently in Jinja (null prints 'None'; a mix of ` +
    "booleans and other values cannot be told apart). Convert it to a string explicitly first.");

export const impureNumberToPrint = createErrorFactory(Codes.unprintableValue, (what: string) =>
  `${what} is a number, which Jinja may print as a float ('3.0' where JavaScript prints '3'); ` +
    "assign it to a const first so that the compiler can print it as JavaScript does.");

export const spreadNotArray = createErrorFactory(Codes.unsupportedExpression, () =>
  "only arrays may be spread into an array literal.");

export const arrayHole = createErrorFactory(Codes.unsupportedExpression, () => "array holes are not part of the macro language.");

export const computedKeyNotString = createErrorFactory(Codes.unsupportedExpression, () => "computed keys must be strings.");

export const unsupportedKeyKind = createErrorFactory(Codes.unsupportedExpression, (kindName: string) =>
  `${kindName} keys are not supported.`);

export const spreadNotObject = createErrorFactory(Codes.unsupportedExpression, () =>
  "only objects may be spread into an object literal.");

export const unsupportedObjectMember = createErrorFactory(Codes.unsupportedExpression, (kindName: string) =>
  `${kindName} in an object literal is not part of the macro language; write 'key: value'.`);


export const unsupportedProperty = createErrorFactory(Codes.unsupportedExpression, (property: string, typeText: string) =>
  `'.${property}' on a value of type '${typeText}' is not part of the macro language.`);

export const propertyAccessNeedsObject = createErrorFactory(Codes.unsupportedType, (typeText: string) =>
  `property access needs an object, not '${typeText}'; narrow the type first.`);


export const indexNotNumber = createErrorFactory(Codes.unsupportedExpression, () => "array and string indexes must be numbers.");

export const objectKeyNotString = createErrorFactory(Codes.unsupportedExpression, () => "object keys must be strings.");

export const indexingNeedsArrayOrObject = createErrorFactory(Codes.unsupportedType, (typeText: string) =>
  `indexing a value of type '${typeText}' is not supported; narrow the type first.`);

export const ambiguousNullishComparison = createErrorFactory(Codes.looseEquality, (operandText: string) =>
  `'${operandText}' may be null or undefined, which are both none in Jinja; ` +
    `test both with '${operandText} == null' (or '!= null').`);

export const typeofNeedsStringLiteral = createErrorFactory(Codes.unsupportedExpression, () =>
  "compare 'typeof x' with a string literal.");

export const unportableTypeofTest = createErrorFactory(Codes.unsupportedExpression, (typeName: string) =>
  `'typeof x === "${typeName}"' has no portable Jinja test; use Array.isArray(x), ` +
    "'x !== null' or a 'string'/'number'/'boolean'/'undefined' test.");

export const identityComparison = createErrorFactory(Codes.looseEquality, () =>
  "'===' compares arrays and objects by identity in JavaScript and by value in Jinja; compare their contents.");

export const looseEquality = createErrorFactory(Codes.looseEquality, () =>
  "loose equality ('==', '!=') coerces types in JavaScript and not in Jinja; use '===' or '!=='.");

export const floatQuotient = createErrorFactory(Codes.unportableArithmetic, () =>
  "'/' yields a float in Jinja ('6 / 2' is '3.0'): print or compare the quotient where it is computed " +
    "(`${a / b}`, String(a / b), a / b > c), or wrap it in Math.floor, Math.ceil or Math.trunc.");

export const inOperatorOperands = createErrorFactory(Codes.unsupportedExpression, () =>
  "'key in object' needs a string key and an object.");

export const orderingOperands = createErrorFactory(Codes.unsupportedExpression, () =>
  "ordering comparisons need two numbers or two strings (mixed types coerce in JavaScript and fail in Jinja).");

export const unsupportedOperator = createErrorFactory(Codes.unsupportedExpression, (operatorText: string) =>
  `the '${operatorText}' operator is not part of the macro language here.`);

export const arithmeticNeedsNumbers = createErrorFactory(Codes.unsupportedExpression, (typeText: string) =>
  `arithmetic needs numbers, not '${typeText}'.`);

export const plusOperands = createErrorFactory(Codes.unsupportedExpression, (leftType: string, rightType: string) =>
  `'+' needs two numbers or a string, not '${leftType}' and '${rightType}'.`);

export const operandEvaluatedTwice = createErrorFactory(Codes.unsupportedExpression, (what: string) =>
  `${what} is evaluated more than once in Jinja; assign it to a const first.`);

export const negationNeedsNumber = createErrorFactory(Codes.unsupportedExpression, () => "unary '-' needs a number.");

export const unsupportedPrefixOperator = createErrorFactory(Codes.unsupportedExpression, (operatorText: string) =>
  `the prefix operator '${operatorText}' is not part of the macro language here ` +
    "(increments are statements: write 'x += 1' on a line of its own).");

export const ambiguousTruthiness = createErrorFactory(Codes.ambiguousTruthiness, (typeText: string) =>
  `the truth of a value of type '${typeText}' differs between JavaScript and Jinja ` +
    "(empty arrays and objects are true in JavaScript, false in Jinja). Compare explicitly, e.g. " +
    "'x !== undefined', 'x.length > 0' or 'typeof x === \"string\"'.");

// Calls (transforms/visitors/call.ts, transforms/builtins/).

export const optionalCall = createErrorFactory(Codes.unsupportedExpression, () =>
  "optional calls ('?.()') are not part of the macro language.");

export const spreadArgument = createErrorFactory(Codes.unsupportedCall, () => "spread arguments are not part of the macro language.");

export const uncallableCallee = createErrorFactory(Codes.unsupportedCall, () => "only named functions and methods can be called.");

export const stringConversionWithoutArgument = createErrorFactory(Codes.unsupportedCall, () => "String() needs an argument.");

export const compileTimeCallOutsideConst = createErrorFactory(Codes.embed, (preludeName: string) =>
  `${preludeName}() is evaluated at compile time and may only initialise a const: 'const text = ${preludeName}("file")'.`);

export const preludeFunctionWithoutDbtMeaning = createErrorFactory(Codes.unsupportedCall, (preludeName: string) =>
  `the prelude's '${preludeName}' has no dbt meaning.`);

export const undefinedForDefaultedParameter = createErrorFactory(Codes.parameter, () =>
  "passing 'undefined' uses the default in JavaScript but passes none in Jinja; leave the argument out.");

export const functionOutsideSources = createErrorFactory(Codes.unsupportedCall, (calleeName: string) =>
  `'${calleeName}' is not a macro of the compiled sources; import it from a file in the source folder.`);

export const notCallable = createErrorFactory(Codes.unsupportedCall, (calleeName: string) =>
  `'${calleeName}' cannot be called from a macro.`);

export const expectedOneArgument = createErrorFactory(Codes.unsupportedCall, () => "this call takes exactly one argument.");

export const expectedObjectArgument = createErrorFactory(Codes.unsupportedCall, (typeText: string) =>
  `expected an object, not '${typeText}'.`);

export const divisionNeedsNumbers = createErrorFactory(Codes.unsupportedExpression, () => "division needs numbers.");

export const expectedNumberArgument = createErrorFactory(Codes.unsupportedCall, () => "expected a number.");

export const mathWithoutArguments = createErrorFactory(Codes.unsupportedCall, () =>
  "Math.max() and Math.min() need at least one argument (without, they are -Infinity and Infinity, which Jinja cannot hold).");

export const toFixedDigits = createErrorFactory(Codes.unsupportedCall, (most: number) =>
  `toFixed takes one integer literal from 0 to ${most} (the number of digits), e.g. 'x.toFixed(2)'.`);

export const methodArity = createErrorFactory(Codes.unsupportedCall, (count: number) =>
  `this method takes ${count} argument(s) in the macro language.`);

export const patternRequired = createErrorFactory(Codes.unsupportedCall, () => "a pattern is required.");

export const patternNotString = createErrorFactory(Codes.unsupportedCall, () =>
  "patterns must be strings; regular expressions are not supported.");

export const emptyPattern = createErrorFactory(Codes.unsupportedCall, () =>
  "an empty pattern behaves differently in Jinja; it is not supported.");

export const replacementNotPlain = createErrorFactory(Codes.unsupportedCall, () =>
  "the replacement must be a string literal without '$' (JavaScript expands '$&', '$1'… in it; Jinja does not).");

export const splitLimitNotLiteral = createErrorFactory(Codes.unsupportedCall, () =>
  "split's limit must be a non-negative integer literal ('s.split(\",\", 2)'); otherwise slice the result: 's.split(\",\").slice(0, n)'.");

export const repeatCountNotInteger = createErrorFactory(Codes.unsupportedCall, () =>
  "repeat's count must be surely an integer (a literal, a length or a loop index); write Math.floor(n) first.");

export const sliceArity = createErrorFactory(Codes.unsupportedCall, () => "slice takes at most two arguments.");

export const sliceBoundNotNumber = createErrorFactory(Codes.unsupportedCall, () => "slice bounds must be numbers.");

export const negativeSliceStartWithEnd = createErrorFactory(Codes.unsupportedCall, () =>
  "slice(-n, end) is not portable to dbt 2.x; use a non-negative start or a negative end.");

export const unjoinableArray = createErrorFactory(Codes.unprintableValue, () =>
  "join needs an array of strings, numbers or booleans (null prints 'None' in Jinja, and a mix of booleans " +
    "and other values cannot be told apart); for an array of arrays, join the inner arrays first: xs.map((x) => x.join(\",\")).join(sep).");

export const concatNeedsArrays = createErrorFactory(Codes.unsupportedCall, () => "concat takes arrays.");

export const pushAsExpression = createErrorFactory(Codes.unsupportedCall, () =>
  "push is a statement: call it on a line of its own.");

export const unsupportedMethod = createErrorFactory(Codes.unsupportedCall,
  (methodName: string, typeText: string, mayBeNullish: boolean) =>
    `'.${methodName}()' on '${typeText}' is not part of the macro language` +
      `${mayBeNullish ? " (the receiver may be null or undefined: narrow it first)" : ""}.`);

export const unsupportedSort = createErrorFactory(Codes.unsupportedCall, () =>
  "sort is lowered for strings ('names.sort()') and for numbers with '(a, b) => a - b' or '(a, b) => b - a'; " +
    "for anything else build the order with a loop (without a comparator, JavaScript compares numbers as text).");

export const reduceArguments = createErrorFactory(Codes.unsupportedCall, () =>
  "reduce takes an arrow function '(total, x) => …' (or '(total, x, i) => …') and an initial value, e.g. 'xs.reduce((t, x) => t + x, 0)'.");

export const callbackNotArrow = createErrorFactory(Codes.unsupportedCall, (methodName: string) =>
  `${methodName} takes one arrow function, e.g. '.${methodName}((x) => …)'.`);

export const callbackParameters = createErrorFactory(Codes.unsupportedCall, (methodName: string) =>
  `${methodName}'s callback takes (item) or (item, index).`);

export const callbackParameterDestructured = createErrorFactory(Codes.parameter, () =>
  "destructuring callback parameters is not supported.");

export const callbackBodyTooLong = createErrorFactory(Codes.unsupportedCall, () =>
  "callbacks hold one expression ('(x) => x.name'); write a for loop for anything longer.");

// Statements (transforms/visitors/).

/** What to write instead of a statement the language lacks, by the statement's syntax kind. */
const STATEMENT_ADVICE: Record<string, string> = {
  ThrowStatement: "call raiseCompilerError(message) from the prelude instead of 'throw'",
  TryStatement: "Jinja cannot catch errors; validate before acting instead",
  ForInStatement: "write 'for (const [key, value] of Object.entries(o))'",
  FunctionDeclaration: "declare functions at the top of a file; each becomes a macro",
  ClassDeclaration: "use interfaces and plain objects",
  LabeledStatement: "labels have no Jinja equivalent",
};

export const unsupportedStatementKind = createErrorFactory(Codes.unsupportedStatement, (kindName: string) => {
  const advice = Object.prototype.hasOwnProperty.call(STATEMENT_ADVICE, kindName) ? STATEMENT_ADVICE[kindName] : undefined;
  return `${kindName} is not part of the macro language${advice === undefined ? "" : `: ${advice}`}.`;
});

export const switchFallthrough = createErrorFactory(Codes.unsupportedStatement, () =>
  "this case falls through into the next one; end it with break, return or continue (Jinja's if / elif has no fall-through).");

export const switchOnObject = createErrorFactory(Codes.looseEquality, () =>
  "switch compares with '===', which compares arrays and objects by identity in JavaScript and by value in Jinja; switch on a string or number.");

export const destructuringObjectRest = createErrorFactory(Codes.unsupportedStatement, () =>
  "object rest ('...others') has no Jinja counterpart; read the keys you need.");

export const destructuringDefaultOnNull = createErrorFactory(Codes.looseEquality, () =>
  "a default applies to undefined only, but this value may be null, and null and undefined are both none in Jinja; " +
    "read it and write 'value ?? fallback' if null should take the fallback too.");

export const destructuringDeclaration = createErrorFactory(Codes.unsupportedStatement, () =>
  "destructuring declarations are not part of the macro language.");

export const embedArguments = createErrorFactory(Codes.embed, () =>
  "embed takes one string literal: a path relative to this file.");

export const embeddedFileMissing = createErrorFactory(Codes.embed, (path: string) => `embed: no file at '${path}'.`);

export const embeddedEndraw = createErrorFactory(Codes.embed, () =>
  "the embedded file contains 'endraw', which would end the raw block early.");

export const compoundAssignmentOperands = createErrorFactory(Codes.unsupportedExpression, () =>
  "compound assignment needs numbers, or a string for '+='.");

export const unsupportedExpressionStatement = createErrorFactory(Codes.unsupportedStatement, () =>
  "only calls, assignments, increments and push can stand as statements.");

export const assignmentToNonLocal = createErrorFactory(Codes.unsupportedStatement, (text: string) =>
  `'${text}' is not a local of this macro.`);

export const assignmentToIndex = createErrorFactory(Codes.unsupportedStatement, () =>
  "only object properties can be assigned (Jinja lists cannot be assigned by index).");

export const unassignable = createErrorFactory(Codes.unsupportedStatement, () => "this cannot be assigned to.");

export const forAwait = createErrorFactory(Codes.unsupportedStatement, () => "for await is not part of the macro language.");

export const loopVariableNotDeclared = createErrorFactory(Codes.unsupportedStatement, () =>
  "declare the loop variable: 'for (const x of xs)'.");

export const loopDestructuringNotPlain = createErrorFactory(Codes.unsupportedStatement, () =>
  "loop destructuring takes plain names: 'for (const [a, b] of …)'.");

export const loopOverNonIterable = createErrorFactory(Codes.unsupportedStatement, () =>
  "for … of loops over arrays and strings.");


export const labelledLoopControl = createErrorFactory(Codes.unsupportedStatement, () =>
  "labelled break/continue has no Jinja equivalent.");

export const loopControlOutsideLoop = createErrorFactory(Codes.unsupportedStatement, (keyword: "break" | "continue") =>
  `${keyword} must be inside a for … of loop.`);

// Run-time guards (transforms/guard.ts): where a lowering is exact only for part of what the TypeScript
// type allows, the compiled macro checks that part and raises this message, after `file:line:col: `,
// where JavaScript would go on with a value dbt cannot reproduce.

/** A run-time guard's message, from the source text it guards. */
export type GuardMessage = (sourceText: string) => string;

export const GUARD_MESSAGES = {
  indexPastEnd: (text: string) => `${text} reads outside the array or string ('!' asserted it does not)`,
  notNull: (text: string) => `${text} is null or undefined ('!' asserted it is not)`,
  inexactInteger: (text: string) => `${text} is beyond ±2^53, where JavaScript rounds integers and dbt does not`,
  unprintableNumber: (text: string) => `${text} prints differently in JavaScript and dbt (beyond ±2^53, below 0.0001, or a fraction exactly halfway between two shortest texts)`,
  divisionByZero: (text: string) => `${text} divides by zero, which is Infinity or NaN in JavaScript and an error in dbt`,
  arrayChangedInLoop: (text: string) =>
    `the array ${text} changed length while a for … of loop walked it; dbt 2.x walks a copy, so loop over a copy ('[...xs]') or collect the changes and apply them after the loop`,
  tieInToFixed: (text: string) =>
    `${text} is exactly halfway between two results, which dbt-core and dbt 2.x round differently; round it yourself first`,
  floatsJoined: (text: string) =>
    `${text} joins numbers that Jinja holds as floats ('3.0'); map them to text first: xs.map((x) => String(x)).join(sep)`,
  stringTooLong: (text: string) => `${text} would build a string of more than 16,777,216 characters`,
  emptyReduce: (text: string) => `${text}: reduce of an empty array with no initial value`,
  loopLimit: (text: string) => `${text} ran 10^10 times, the most a compiled loop may run`,
} satisfies Record<string, GuardMessage>;
