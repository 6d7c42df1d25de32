/** Configurations and dbt contexts for the package tests. The example project's config is read from its dbt_project.yml. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "../../scripts/compiler/repo.js";
import { parse_object_name } from "../../macros-src/sql/names.js";
import type { MacroContextFile } from "../../scripts/engines/macro-run.js";
import { watchedResults, type WatchedRow } from "../support/warehouse.js";

export const INTEGRATION_PROJECT = join(REPO_ROOT, "integration_tests");

export type Vars = Record<string, unknown>;

export function exampleVars(): Vars {
  const project = parse(readFileSync(join(INTEGRATION_PROJECT, "dbt_project.yml"), "utf8")) as { vars: Vars };
  return structuredClone(project.vars.dbt_cloud_orchestration as Vars);
}

/** The sources of integration_tests/models/sources.yml as dbt puts them in `graph.sources`. */
export function exampleGraph(): NonNullable<MacroContextFile["graph"]> {
  const source = (sourceName: string, schema: string, name: string, identifier = name) => ({
    unique_id: `source.dbt_cloud_orchestration_integration_tests.${sourceName}.${name}`,
    source_name: sourceName, name, database: "RAW", schema, identifier,
    quoting: { database: null, schema: null, identifier: null, column: null },
  });
  const nodes = [
    source("raw_sales", "SALES", "customers"),
    source("raw_sales", "SALES", "orders"),
    source("raw_finance", "FINANCE", "ledger", "GENERAL_LEDGER"),
  ];
  return { nodes: {}, sources: Object.fromEntries(nodes.map((node) => [node.unique_id, node])) };
}

export const DEV_TARGET = { name: "dev", type: "snowflake", database: "ANALYTICS", schema: "dbt_dev" };
export const PROD_TARGET = { name: "prod", type: "snowflake", database: "ANALYTICS", schema: "analytics" };

export function minimalVars(): Vars {
  return {
    account_id: 12345,
    access_url: "https://ab123.us1.dbt.com",
    jobs: [{ name: "daily sales", job_id: 67890, tables: ["RAW.SALES.ORDERS"] }],
  };
}

/**
 * What the build reads first when every watched table exists with change tracking on: the
 * watched-object queries (test/support/warehouse.ts) for the tables the jobs name, tables then
 * sources, in the order the package reads their schemas.
 */
export function watchedTablesExist(vars: Vars): NonNullable<MacroContextFile["query_results"]> {
  const sources = Object.values(exampleGraph().sources) as Array<Record<string, string>>;
  const rows: WatchedRow[] = [];
  const schemas: string[][] = [];
  const add = (parts: string[]) => {
    if (parts.length !== 3) return;
    const [database, schema, name] = parts as [string, string, string];
    if (!schemas.some(([d, s]) => d === database && s === schema)) schemas.push([database, schema]);
    rows.push({ database, schema, name });
  };
  for (const job of (vars.jobs ?? []) as Array<Record<string, unknown>>) {
    for (const name of (job.tables ?? []) as unknown[]) if (typeof name === "string") add(parse_object_name(name).parts);
    for (const name of (job.sources ?? []) as unknown[]) {
      const node = sources.find((item) => `${item.source_name}.${item.name}` === name);
      if (node !== undefined) add([node.database!, node.schema!, node.identifier!].map((part) => part.toUpperCase()));
    }
  }
  return watchedResults(rows, schemas)!;
}

export function context(vars: Vars, options: { target?: object; args?: Record<string, unknown>; env?: Record<string, string> } = {}):
  MacroContextFile {
  return {
    target: (options.target ?? DEV_TARGET) as MacroContextFile["target"],
    vars: { dbt_cloud_orchestration: vars },
    graph: exampleGraph(),
    // A build against an account where the watched tables exist and the orchestration schema does
    // not: every object is created.
    args: options.args ?? { dry_run: false },
    query_results: options.args === undefined ? watchedTablesExist(vars) : undefined,
    env: options.env ?? {},
  };
}

function withJob(vars: Vars, changes: Record<string, unknown>): Vars {
  const jobs = vars.jobs as Array<Record<string, unknown>>;
  return { ...vars, jobs: [{ ...jobs[0], ...changes }, ...jobs.slice(1)] };
}

/** The statement matrix: each entry is built through both engines and snapshotted. */
export const MATRIX: Record<string, MacroContextFile> = {
  minimal: context(minimalVars()),
  full_example_dev: context(exampleVars()),
  full_example_prod: context(exampleVars(), { target: PROD_TARGET }),
  serverless: context({ ...minimalVars(), warehouse: null }, { target: PROD_TARGET }),
  triggered: context(withJob(minimalVars(), { schedule: "triggered" }), { target: PROD_TARGET }),
  cross_midnight_window: context(withJob(minimalVars(), { min_start_time: "22:00", max_start_time: "02:00", days_of_week: [5, 6] })),
  shared_table: context({
    ...minimalVars(),
    jobs: [
      { name: "orders hourly", job_id: 1, tables: ["RAW.SALES.ORDERS"], schedule: "60 MINUTE" },
      { name: "orders finance", job_id: 2, tables: ["raw.sales.orders", "RAW.SALES.REFUNDS"], upstream_job_id: 1 },
    ],
  }, { target: PROD_TARGET }),
  dev_prod_override: {
    ...context(minimalVars(), { args: { dry_run: false, prod_override: true } }),
    query_results: watchedTablesExist(minimalVars()),
  },
  select_changed: context({
    ...minimalVars(),
    jobs: [{ name: "daily sales", job_id: 67890, tables: ["RAW.SALES.ORDERS"], sources: ["raw_sales.customers"], select_changed: true }],
  }, { target: PROD_TARGET }),
  task_settings: context({
    ...withJob(minimalVars(), { schedule: "triggered", min_elapsed_seconds: 0 }),
    suspend_task_after_num_failures: 3,
    error_integration: "task_failures",
  }, { target: PROD_TARGET }),
  custom_prod_target_and_disabled_job: context({
    ...minimalVars(),
    prod_targets: ["production"],
    jobs: [
      { name: "daily sales", job_id: 67890, tables: ["RAW.SALES.ORDERS"] },
      { name: "retired", job_id: 5, tables: ["RAW.SALES.ORDERS"], enabled: false },
    ],
  }, { target: { ...PROD_TARGET, name: "production" } }),
};
