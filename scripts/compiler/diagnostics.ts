/** Diagnostics: `file:line:col - error CODE: message`, never a stack trace. */
import { relative } from "node:path";

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

export function formatDiagnostic(diagnostic: Diagnostic, cwd = process.cwd()): string {
  const file = relative(cwd, diagnostic.file) || diagnostic.file;
  return `${file}:${diagnostic.line}:${diagnostic.column} - error ${diagnostic.code}: ${diagnostic.message}`;
}

export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.code.localeCompare(b.code),
  );
}
