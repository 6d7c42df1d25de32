/** Where the compiler finds the repository and the facts it keeps there (package name, dbt's names). */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

/** The repository: the nearest folder above this module (or above its bundle in .cache/cli) with package.json. */
export const REPO_ROOT = findRepoRoot(fileURLToPath(new URL(".", import.meta.url)));
/** The prelude sits beside the compiler; macros import it by this module name (tsconfig.json's paths). */
export const PRELUDE_FILE = join(REPO_ROOT, "scripts", "compiler", "prelude", "dbt.ts");
export const PRELUDE_MODULE = "dbt-prelude";

function findRepoRoot(start: string): string {
  for (let directory = start; ; directory = dirname(directory)) {
    if (existsSync(join(directory, "package.json")) && existsSync(join(directory, "macros-src"))) return directory;
    if (dirname(directory) === directory) throw new Error(`no repository above ${start}`);
  }
}

/** The dbt_project.yml that names the package of a source folder: the nearest at or above it, else the repository's. */
export function packageProjectFile(sourceDirectory: string): string {
  for (let directory = sourceDirectory; dirname(directory) !== directory; directory = dirname(directory)) {
    if (existsSync(join(directory, "dbt_project.yml"))) return join(directory, "dbt_project.yml");
  }
  return join(REPO_ROOT, "dbt_project.yml");
}

/**
 * The dbt package the compiled macros belong to: `name:` of the nearest dbt_project.yml at or above
 * the source folder, else of the repository's. Calls between macros are qualified with it.
 */
export function packageNameFor(sourceDirectory: string): string {
  const project = packageProjectFile(sourceDirectory);
  const name: unknown = (parse(readFileSync(project, "utf8")) as { name?: unknown } | null)?.name;
  if (typeof name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new Error(`${project} has no valid 'name:' (a dbt package name)`);
  }
  return name;
}
