/** dbt-core writes target/ (with its partial-parse state) and logs/: test files running dbt at once each get their own. */
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { filesUnder } from "../../scripts/compiler/cache.js";
import { REPO_ROOT } from "../../scripts/compiler/repo.js";

export function isolatedDbtPaths(): Record<string, string> {
  const root = mkdtempSync(join(tmpdir(), "dbt-run-"));
  return { DBT_TARGET_PATH: join(root, "target"), DBT_LOG_PATH: join(root, "logs") };
}

/**
 * dbt's own partial-parse file (`partial_parse.msgpack`), kept between dbt-core commands in the example
 * project, as tests_py/snowflake_standin/dbt_session.py keeps it for in-process sessions: a fresh target
 * folder would make every command parse dbt's ~1,800 macro files again. dbt checks the kept file (vars,
 * profile, target, version, every file's checksum) and parses in full when anything differs. Keyed by the
 * options that decide whether dbt accepts it, and by the macro docs (macroDocsDigest).
 */
const PARTIAL_PARSE_STORE = join(REPO_ROOT, ".cache", "dbt-partial-parse");
const PARTIAL_PARSE_FILE = "partial_parse.msgpack";

/**
 * The package's macro property files (macros/**\/*.yml): dbt's partial parse mishandles a macro removed together
 * with its yml entry (a "Found patch for macro … which was not found" warning a full parse never gives), so a kept
 * file is used only with the macro docs it was written with (as tests_py/snowflake_standin/dbt_session.py does).
 */
function macroDocsDigest(): string {
  const digest = createHash("sha256");
  for (const path of filesUnder(join(REPO_ROOT, "macros"), (name) => name.endsWith(".yml")).sort()) {
    digest.update(`${relative(REPO_ROOT, path)}\0`).update(readFileSync(path)).update("\0");
  }
  return digest.digest("hex");
}

function partialParseKey(args: string[]): string {
  const decisive = args.flatMap((arg, index) => (["--vars", "--target", "--profile"].includes(arg) ? [arg, args[index + 1]] : []));
  return `cli-${createHash("sha256").update(JSON.stringify([...decisive, macroDocsDigest()])).digest("hex").slice(0, 32)}`;
}

export function restorePartialParse(targetPath: string, args: string[]): void {
  const kept = join(PARTIAL_PARSE_STORE, `${partialParseKey(args)}.msgpack`);
  if (!existsSync(kept)) return;
  mkdirSync(targetPath, { recursive: true });
  copyFileSync(kept, join(targetPath, PARTIAL_PARSE_FILE));
}

export function keepPartialParse(targetPath: string, args: string[]): void {
  const written = join(targetPath, PARTIAL_PARSE_FILE);
  if (!existsSync(written)) return;
  mkdirSync(PARTIAL_PARSE_STORE, { recursive: true });
  const key = partialParseKey(args);
  const staging = join(PARTIAL_PARSE_STORE, `${key}.${process.pid}.tmp`);
  copyFileSync(written, staging);
  renameSync(staging, join(PARTIAL_PARSE_STORE, `${key}.msgpack`));
}
