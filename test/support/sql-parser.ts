/** sqlfluff's snowflake dialect and the connector's splitter: one long-lived Python process per test file. */
import { join } from "node:path";
import { createInterface } from "node:readline";
import { execa } from "execa";
import { REPO_ROOT } from "../../scripts/compiler/repo.js";
import { VENV_PYTHON } from "../../scripts/engines/jinja-engine.js";

export interface ParseReport {
  statements: number;
  unparsable: string[];
  pieces: number;
}

type Checker = (statements: string[]) => Promise<ParseReport[]>;
let checker: Checker | undefined;

function startChecker(): Checker {
  // The process ends when this test process closes its stdin, at exit.
  const process = execa(VENV_PYTHON, [join(REPO_ROOT, "test", "support", "parse_statements.py"), "--serve"],
    { stdin: "pipe", stdout: "pipe", stderr: "inherit", reject: false });
  const waiting: Array<(reports: ParseReport[]) => void> = [];
  createInterface({ input: process.stdout }).on("line", (line) => waiting.shift()?.(JSON.parse(line) as ParseReport[]));
  // Requests are answered in order, one line each.
  return (statements) => new Promise((resolve) => {
    waiting.push(resolve);
    process.stdin.write(`${JSON.stringify(statements)}\n`);
  });
}

export function parseWithSqlfluff(statements: string[]): Promise<ParseReport[]> {
  checker ??= startChecker();
  return checker(statements);
}
