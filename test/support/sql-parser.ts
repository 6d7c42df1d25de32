/** sqlfluff's snowflake dialect as a parser: one Python process checks a batch of statements. */
import { join } from "node:path";
import { execa } from "execa";
import { REPO_ROOT } from "../../scripts/compiler/compile.js";
import { VENV_PYTHON } from "../../scripts/runtime/jinja-engine.js";

export interface ParseReport {
  statements: number;
  unparsable: string[];
  pieces: number;
}

export async function parseWithSqlfluff(statements: string[]): Promise<ParseReport[]> {
  const result = await execa(VENV_PYTHON, [join(REPO_ROOT, "scripts", "sql", "parse_statements.py")], {
    input: JSON.stringify(statements),
  });
  return JSON.parse(result.stdout) as ParseReport[];
}
