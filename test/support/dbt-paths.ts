/** dbt-core writes target/ (with its partial-parse state) and logs/: test files running dbt at once each get their own. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function isolatedDbtPaths(): Record<string, string> {
  const root = mkdtempSync(join(tmpdir(), "dbt-run-"));
  return { DBT_TARGET_PATH: join(root, "target"), DBT_LOG_PATH: join(root, "logs") };
}
