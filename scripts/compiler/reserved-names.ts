/**
 * Names dbt already defines (context members, Jinja globals, dbt's packages and their macros, dbt
 * 2.x's bundled macros): a package macro of such a name would hide dbt's inside the package.
 * The list is generated from the installed dbt by scripts/compiler/dbt_reserved_names.py.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./repo.js";

export const RESERVED_NAMES_FILE = join(REPO_ROOT, "scripts", "compiler", "dbt-reserved-names.json");

/** Where dbt defines each reserved name (a section of the list), by name. */
let reserved: Map<string, string> | undefined;

const SECTION_LABELS: Record<string, string> = {
  dbt_core_context_members: "a member of dbt's Jinja context",
  jinja_globals: "a global of dbt's Jinja environment",
  dbt_packages: "the name of one of dbt's own packages",
  dbt_core_adapters_snowflake_macros: "a macro of dbt-core, dbt-adapters or dbt-snowflake",
  dbt_2_macros: "a macro bundled with dbt 2.x",
};

/** What dbt makes of `name`, or undefined when dbt gives it no meaning. */
export function dbtMeaningOf(name: string): string | undefined {
  if (reserved === undefined) {
    reserved = new Map();
    const document = JSON.parse(readFileSync(RESERVED_NAMES_FILE, "utf8")) as Record<string, unknown>;
    for (const [section, label] of Object.entries(SECTION_LABELS)) {
      const names = document[section];
      if (!Array.isArray(names)) throw new Error(`${RESERVED_NAMES_FILE} has no list '${section}'`);
      for (const reservedName of names) if (!reserved.has(reservedName)) reserved.set(String(reservedName), label);
    }
  }
  return reserved.get(name);
}
