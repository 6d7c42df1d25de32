/**
 * The list of names dbt defines (scripts/compiler/dbt-reserved-names.json) is complete for the
 * installed dbt-core, dbt-adapters, dbt-snowflake and dbt 2.x: the generator's --check fails when
 * the installed dbt defines a name the list lacks, as it does for a list with one name removed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/compiler/repo.js";
import { RESERVED_NAMES_FILE } from "../../scripts/compiler/reserved-names.js";

const GENERATOR = join(REPO_ROOT, "scripts", "compiler", "dbt_reserved_names.py");
const PYTHON = join(REPO_ROOT, ".venv", "bin", "python");
const scratch = mkdtempSync(join(tmpdir(), "reserved-names-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const check = (list: string) => execa(PYTHON, [GENERATOR, "--check", "--list", list], { reject: false, env: { PYTHONWARNINGS: "ignore" } });

it("holds every macro and context member name of the installed dbt", { timeout: 60_000 }, async () => {
  const result = await check(RESERVED_NAMES_FILE);
  expect(result.stderr).toBe("");
  expect(result.exitCode).toBe(0);
});

it("names what a list lacks, and fails", { timeout: 60_000 }, async () => {
  const document = JSON.parse(readFileSync(RESERVED_NAMES_FILE, "utf8")) as Record<string, string[]>;
  const without = (section: string, name: string) => {
    expect(document[section]).toContain(name);
    document[section] = document[section]!.filter((listed) => listed !== name);
  };
  without("dbt_core_adapters_snowflake_macros", "statement");
  without("dbt_2_macros", "statement");
  without("dbt_core_context_members", "ref");
  const list = join(scratch, "list.json");
  writeFileSync(list, JSON.stringify(document));
  const result = await check(list);
  expect(result.exitCode).toBe(1);
  expect(result.stderr).toContain("lacks 1 name(s) of dbt_core_context_members: ref");
  expect(result.stderr).toContain("lacks 1 name(s) of dbt_core_adapters_snowflake_macros: statement");
  expect(result.stderr).toContain("lacks 1 name(s) of dbt_2_macros: statement");
});
