/**
 * Scratch dbt projects for the Fusion engine (dbt 2.x, `.venv-fusion/bin/dbt`).
 *
 * - `preparePackage(compiledDir)` copies compiled macros into `.cache/fusion/packages/<digest>/` as the
 *   local package `dbt_cloud_orchestration`. Safety: a macro may use only offline `adapter` members
 *   (`dispatch`, `quote`, `type`); `adapter.add_query(` is rewritten to the root stub
 *   `fusion_engine_add_query(` (dbt-core's oracle stubs the same adapter method); any other adapter
 *   member refuses the run, since it could open a real warehouse connection.
 *   The package also gets the batch driver `fusion_engine_drive_batch(cases)`.
 * - `writeCaseProject(dir, ...)` writes the root project of a batch of cases: a dummy profile built from
 *   `target`, `models/sources.yml` from `graph.sources`, and root macros overriding `run_query` and
 *   `statement` (each case's scripted results, nothing executed).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { REPO_ROOT } from "../../compiler/repo.js";
import type { SourceNode, Target } from "../../compiler/prelude/dbt.js";
import { DEFAULT_TARGET, type MacroContextFile } from "../macro-run.js";

export const PACKAGE_NAME = "dbt_cloud_orchestration";
export const FUSION_CACHE = join(REPO_ROOT, ".cache", "fusion");
export const FUSION_DBT = join(process.env.FUSION_VENV ?? join(REPO_ROOT, ".venv-fusion"), "bin", "dbt");

/** Markers of the lines the root macros print (PrintEvent); everything else printed is a log line. */
export const MARK = {
  statement: "\u27e6fusion-engine:statement\u27e7",
  returned: "\u27e6fusion-engine:returned\u27e7",
  /** Printed before each case of a batch, with its index. */
  case: "\u27e6fusion-engine:case\u27e7",
} as const;

/** One macro call of a batch: the cases of one run-operation share the project, profile, vars and env. */
export interface BatchCase {
  macro: string;
  args: Record<string, unknown>;
  queryResults: MacroContextFile["query_results"];
}

const ALLOWED_ADAPTER_MEMBERS = new Set(["dispatch", "quote", "type"]);

function sqlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sqlFiles(path));
    else if (entry.endsWith(".sql")) out.push(path);
  }
  return out;
}

/** Copies `compiledDir` into a package folder (rewritten only when the compiled text changed). */
export function preparePackage(compiledDir: string): string {
  const files = sqlFiles(compiledDir).map((path) => ({ rel: relative(compiledDir, path), text: readFileSync(path, "utf8") }));
  const digest = createHash("sha256");
  for (const file of files) digest.update(`${file.rel}\0${file.text}\0`);
  // The driver is part of the package: a changed driver is a new package.
  const driverText = drivers(files);
  digest.update(driverText);
  const packageDir = join(FUSION_CACHE, "packages", digest.digest("hex").slice(0, 16));
  if (statSync(join(packageDir, "dbt_project.yml"), { throwIfNoEntry: false })) return packageDir;
  for (const file of files) {
    for (const match of file.text.matchAll(/\badapter\.(\w+)/g)) {
      if (match[1] !== "add_query" && !ALLOWED_ADAPTER_MEMBERS.has(match[1]!)) {
        throw new Error(`fusion engine: ${file.rel} uses adapter.${match[1]}, which could reach a real warehouse; refusing to run it`);
      }
    }
  }
  const staging = `${packageDir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, "macros"), { recursive: true });
  writeFileSync(join(staging, "dbt_project.yml"),
    `name: ${PACKAGE_NAME}\nversion: "0.0.0"\nconfig-version: 2\nmacro-paths: ["macros"]\n`);
  for (const file of files) {
    const target = join(staging, "macros", file.rel);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.text.replace(/\badapter\.add_query\(/g, "fusion_engine_add_query("));
  }
  writeFileSync(join(staging, "macros", "fusion_engine_drivers.sql"), driverText);
  try {
    rmSync(packageDir, { recursive: true, force: true });
    // rename is atomic; a concurrent writer of the same digest wrote the same text
    renameOrKeep(staging, packageDir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return packageDir;
}

function renameOrKeep(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch {
    /* another process won the race with identical content */
  }
}

function yamlScalar(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/** profiles.yml: dummy credentials; the target's own fields (name, type, database, schema, ...) win. */
function profileYaml(target: Target): string {
  const { name, type, database, schema, ...rest } = target;
  const fields: Record<string, unknown> = type === "snowflake"
    ? { account: "dummy", user: "dummy", password: "dummy", warehouse: "W", database: database ?? "db" }
    : type === "postgres" || type === "redshift"
      ? { host: "127.0.0.1", port: 5432, user: "dummy", password: "dummy", dbname: database ?? "db" }
      : { database: database ?? "db" };
  Object.assign(fields, rest, { type, schema, threads: 1 });
  const lines = Object.entries(fields).map(([key, value]) => `      ${key}: ${yamlScalar(value)}`);
  return `fusion_engine:\n  target: ${yamlScalar(name)}\n  outputs:\n    ${yamlScalar(name)}:\n${lines.join("\n")}\n`;
}

/** The root project's name: the package of the sources' unique ids (`source.<project>.<source>.<name>`). */
function rootProjectName(sources: Record<string, SourceNode>): string {
  const names = new Set(Object.values(sources).map((node) => node.unique_id.split(".")[1]!));
  if (names.size > 1) throw new Error(`fusion engine: graph.sources come from several projects: ${[...names].join(", ")}`);
  return [...names][0] ?? "fusion_engine_root";
}

/** models/sources.yml reproducing `graph.sources` (source name, database, schema, identifier, quoting). */
function sourcesYaml(sources: Record<string, SourceNode>): string | undefined {
  const groups = new Map<string, SourceNode[]>();
  for (const node of Object.values(sources)) groups.set(node.source_name, [...(groups.get(node.source_name) ?? []), node]);
  if (groups.size === 0) return undefined;
  const lines = ["version: 2", "sources:"];
  for (const [sourceName, nodes] of groups) {
    const first = nodes[0]!;
    for (const node of nodes) {
      if (node.database !== first.database || node.schema !== first.schema) {
        throw new Error(`fusion engine: source ${sourceName} has tables in several schemas; sources.yml cannot express that`);
      }
    }
    lines.push(`  - name: ${yamlScalar(sourceName)}`);
    if (first.database !== null) lines.push(`    database: ${yamlScalar(first.database)}`);
    lines.push(`    schema: ${yamlScalar(first.schema)}`, "    tables:");
    for (const node of nodes) {
      lines.push(`      - name: ${yamlScalar(node.name)}`);
      if (node.identifier !== null && node.identifier !== node.name) lines.push(`        identifier: ${yamlScalar(node.identifier)}`);
      const quoting = Object.entries(node.quoting ?? {}).filter(([, value]) => typeof value === "boolean");
      if (quoting.length > 0) {
        lines.push("        quoting:", ...quoting.map(([key, value]) => `          ${key}: ${String(value)}`));
      }
    }
  }
  return `${lines.join("\n")}\n`;
}

/** A JSON document as a Jinja expression, without any Jinja escaping rules: a raw block read by fromjson. */
function jinjaJson(name: string, value: unknown): string {
  // `%` only occurs inside JSON strings, so escaping it keeps the JSON valid and makes `{% endraw %}` impossible.
  const json = JSON.stringify(value).replace(/%/g, "\\u0025");
  return `{%- set ${name}_text -%}{% raw %}${json}{% endraw %}{%- endset -%}\n  {%- set ${name} = fromjson(${name}_text) -%}`;
}

/**
 * The batch driver, inside the package: dbt 2.x runs a package macro called from the root project as
 * \`pkg.macro()\` without its package's macros in scope (a bare call to a sibling macro fails with
 * "Jinja macro or function \`x\` is unknown"), while \`run-operation pkg_macro\` resolves siblings as
 * dbt-core does. It calls each case's macro with its arguments (from \`--args\`, parsed by dbt as
 * run-operation parses any), in order, printing the case's index before and its return value after.
 */
function drivers(files: Array<{ text: string }>): string {
  const names = [...new Set(files.flatMap((file) => [...file.text.matchAll(/\{%-?\s*macro\s+(\w+)\s*\(/g)].map((match) => match[1]!)))];
  const calls = names.map((macro, index) =>
    `    {%- ${index === 0 ? "if" : "elif"} case.macro == ${JSON.stringify(macro)} -%}\n      {%- set returned = ${macro}(**case.args) -%}`);
  return `{% macro fusion_engine_drive_batch(cases) %}
  {%- for case in cases -%}
    {%- do store_result("fusion_engine_case", response=(loop.index0 ~ "")) -%}
    {%- do print(${JSON.stringify(MARK.case)} ~ loop.index0) -%}
    {%- set returned = none -%}
${calls.join("\n")}
    {%- else -%}
      {%- do exceptions.raise_compiler_error("fusion engine: no macro named " ~ case.macro) -%}
    {%- endif -%}
    {%- if returned is undefined or returned is none -%}
      {%- do print(${JSON.stringify(MARK.returned)} ~ "null") -%}
    {%- else -%}
      {%- do print(${JSON.stringify(MARK.returned)} ~ tojson(returned)) -%}
    {%- endif -%}
  {%- endfor -%}
{% endmacro %}
`;
}

function rootMacros(cases: BatchCase[]): string {
  const results = cases.map((batchCase) => (batchCase.queryResults ?? []).map((item) => {
    const rows = item.rows.map((values) => Object.fromEntries(item.columns.map((column, index) => [column, values[index] ?? null])));
    return { rows, column_names: item.columns, columns: item.columns };
  }));
  // Each case counts its own queries and gets its own scripted results: the batch driver stores the case's
  // index. dbt 2.x lets a stored result be loaded once, so it is stored again after each load.
  const countQuery = `{%- set case = load_result("fusion_engine_case")["response"]["message"] -%}
  {%- do store_result("fusion_engine_case", response=case) -%}
  {%- set previous = load_result("fusion_engine_query_count_" ~ case) -%}
  {%- set n = 0 if previous is none else (previous["response"]["message"] | int) -%}
  {%- do store_result("fusion_engine_query_count_" ~ case, response=((n + 1) ~ "")) -%}
  {%- do print(${JSON.stringify(MARK.statement)} ~ tojson(sql ~ "")) -%}`;
  return `{# Written by scripts/engines/fusion/project.ts: the warehouse is scripted, nothing is executed. #}
{% macro run_query(sql) %}
  ${countQuery}
  ${jinjaJson("results", results)}
  {%- set scripted = results[case | int] -%}
  {{- return(scripted[n] if n < (scripted | length) else {"rows": [], "column_names": [], "columns": []}) -}}
{% endmacro %}

{% macro fusion_engine_add_query(sql, auto_begin=true, bindings=none, abridge_sql_log=false) %}
  ${countQuery}
  {{- return(none) -}}
{% endmacro %}

{% macro statement(name=none, fetch_result=false, auto_begin=true, language="sql") %}
  {%- do exceptions.raise_compiler_error("fusion engine: {% call statement %} is not scripted; use run_query") -%}
{% endmacro %}

`;
}

/** Where a slot's project records the package folder its dbt_packages/ and package-lock.yml were installed from. */
const INSTALLED_PACKAGE_FILE = ".installed-package";

/**
 * A slot's project is reused from batch to batch. dbt 2.x keeps the package its package-lock.yml names
 * (and the link in dbt_packages/) even when packages.yml names another folder, so a slot that ran one
 * source folder's macros would go on running them for the next: when the package changes, the lock,
 * the installed link and the parse state go, and dbt installs the new package.
 */
function forgetOtherPackage(project: string, packageDir: string): void {
  const marker = join(project, INSTALLED_PACKAGE_FILE);
  const installed = statSync(marker, { throwIfNoEntry: false }) ? readFileSync(marker, "utf8") : undefined;
  if (installed === packageDir) return;
  for (const stale of ["package-lock.yml", "dbt_packages", "target"]) rmSync(join(project, stale), { recursive: true, force: true });
  mkdirSync(project, { recursive: true });
  writeFileSync(marker, packageDir);
}

/** Writes (replaces) the root project and profile of a batch of cases sharing `context`'s target, sources, vars and env. */
export function writeCaseProject(dir: string, packageDir: string, context: MacroContextFile, cases: BatchCase[]): { project: string; profiles: string } {
  const target = context.target ?? DEFAULT_TARGET;
  const sources = context.graph?.sources ?? {};
  const project = join(dir, "project");
  const profiles = join(dir, "profiles");
  rmSync(join(project, "models"), { recursive: true, force: true });
  forgetOtherPackage(project, packageDir);
  mkdirSync(join(project, "macros"), { recursive: true });
  mkdirSync(join(project, "models"), { recursive: true });
  mkdirSync(profiles, { recursive: true });
  writeFileSync(join(profiles, "profiles.yml"), profileYaml(target));
  writeFileSync(join(project, "dbt_project.yml"),
    `name: ${rootProjectName(sources)}\nversion: "0.0.0"\nconfig-version: 2\nprofile: fusion_engine\nmacro-paths: ["macros"]\nmodel-paths: ["models"]\n`);
  writeFileSync(join(project, "packages.yml"), `packages:\n  - local: ${yamlScalar(packageDir)}\n`);
  const sourcesFile = sourcesYaml(sources);
  if (sourcesFile !== undefined) writeFileSync(join(project, "models", "sources.yml"), sourcesFile);
  writeFileSync(join(project, "macros", "fusion_engine.sql"), rootMacros(cases));
  return { project, profiles };
}
