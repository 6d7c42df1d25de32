/** The original macros, each callable on its own with `dbt run-operation`, and the one-time API access setup. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../scripts/compiler/repo.js";
import type { MacroRun } from "../../scripts/engines/macro-run.js";
import { PackageEngines } from "../support/package-engines.js";
import { parseWithSqlfluff } from "../support/sql-parser.js";
import { taskBody } from "../support/task-body.js";
import { context, exampleVars, minimalVars, PROD_TARGET } from "./configs.js";
import { watchedResults, type WatchedRow } from "../support/warehouse.js";

let engines: PackageEngines;
beforeAll(() => {
  engines = new PackageEngines();
});
afterAll(() => engines?.close());

async function agreed(macro: string, ctx: Parameters<PackageEngines["both"]>[1]): Promise<MacroRun> {
  const { ts, jinja } = await engines.both(macro, ctx);
  expect(jinja, "the compiled Jinja must answer as the TypeScript does").toEqual(ts);
  return ts;
}

describe("create_stream_generic(database, schema, table)", () => {
  /** The stand-alone stream's reads: SHOW TABLES and SHOW VIEWS of the table's schema (and a kind's one more query). */
  function streamContext(table: string, rows: WatchedRow[], objects: string[][]) {
    return { ...context(minimalVars(), { args: { database: "raw", schema: "SALES", table } }),
      query_results: watchedResults(rows, [["RAW", "SALES"]], undefined, [], objects) };
  }

  it("reads the table, then creates the managed stream if missing, keeping a quoted table's case", async () => {
    const run = await agreed("create_stream_generic", streamContext('"Order Items"', [{ database: "RAW", schema: "SALES", name: "Order Items" }],
      [["RAW", "SALES", "Order Items"]]));
    expect(run.error).toBeNull();
    expect(run.statements.slice(0, 2)).toEqual([`show tables in schema "RAW"."SALES" limit 10000`, `show views in schema "RAW"."SALES" limit 10000`]);
    expect(run.statements).toHaveLength(3);
    expect(run.statements[2]).toMatch(new RegExp(
      '^create stream if not exists "ANALYTICS"."DBT_DEV"."ORCH_STREAM__RAW__SALES__ORDER_ITEMS"\\n' +
        '  on table "RAW"."SALES"."Order Items"\\n' +
        "  comment = 'Managed by the dbt_cloud_orchestration dbt package: changes of RAW\\.SALES\\.Order Items \\(definition [0-9a-f]{32}\\) \\[non-prod target dev\\]'$"));
  });

  it.each([
    ["view", { kind: "view" as const, base: [] }, `  on view "RAW"."SALES"."OBJ"`],
    ["dynamic table", { kind: "dynamic table" as const }, `  on dynamic table "RAW"."SALES"."OBJ"`],
    ["event table", { kind: "event table" as const }, `  on event table "RAW"."SALES"."OBJ"`],
    ["external table", { kind: "external table" as const }, `  on external table "RAW"."SALES"."OBJ" insert_only = true`],
    ["Iceberg table another catalog manages", { kind: "iceberg table" as const, catalog: "POLARIS" }, `  on table "RAW"."SALES"."OBJ" insert_only = true`],
  ])("the stream on a %s has that kind's form", async (_kind, facts, clause) => {
    const run = await agreed("create_stream_generic", streamContext("OBJ", [{ database: "RAW", schema: "SALES", name: "OBJ", ...facts }], [["RAW", "SALES", "OBJ"]]));
    expect(run.error).toBeNull();
    expect(run.statements.at(-1)!.split("\n")[1]).toBe(clause);
  });

  it("refuses, before the statement, what Snowflake would refuse: a hybrid table, a missing one", async () => {
    const hybrid = await agreed("create_stream_generic", streamContext("OBJ", [{ database: "RAW", schema: "SALES", name: "OBJ", kind: "hybrid table" }],
      [["RAW", "SALES", "OBJ"]]));
    expect(hybrid.error).toBe("create_stream_generic: no stream on RAW.SALES.OBJ:\n  - RAW.SALES.OBJ is a hybrid table, and streams cannot watch hybrid tables; " +
      "watch a standard table that receives the same changes");
    expect(hybrid.statements.filter((sql) => sql.startsWith("create"))).toEqual([]);
    const missing = await agreed("create_stream_generic", streamContext("OBJ", [], [["RAW", "SALES", "OBJ"]]));
    expect(missing.error).toContain("RAW.SALES.OBJ does not exist, or the build role cannot see it");
    expect(missing.statements.filter((sql) => sql.startsWith("create"))).toEqual([]);
  });

  it("refuses a name that would need quotes", async () => {
    const run = await agreed("create_stream_generic", context(minimalVars(), {
      args: { database: "raw", schema: "SALES", table: "Order Items" },
    }));
    expect(run.error).toBe("create_stream_generic: table 'Order Items' 'Order Items' must be quoted to be used as a name");
    expect(run.statements).toEqual([]);
  });
});

describe("create_task_generic(job_id, job_name, streams, …)", () => {
  it("keeps the original arguments and defaults", async () => {
    const run = await agreed("create_task_generic", context(minimalVars(), {
      target: PROD_TARGET,
      args: { job_id: 42, job_name: "hourly orders", streams: ["ORCH_STREAM__RAW__SALES__ORDERS"] },
    }));
    expect(run.error).toBeNull();
    expect(run.statements).toHaveLength(3);
    expect(run.statements[1]).toContain("schedule = '15 MINUTE'");
    expect(taskBody(run.statements[1]!)).toContain(
      "'Triggered by Snowflake task ANALYTICS.ANALYTICS.ORCH_TASK__HOURLY_ORDERS__42', null, 300, '00:00', '23:59', array_construct(0, 1, 2, 3, 4, 5, 6), 'UTC', " +
      "object_construct('known_run_ids', :known_runs)) into :outcome;");
    expect(taskBody(run.statements[1]!)).toContain('insert into "ANALYTICS"."ANALYTICS"."ORCHESTRATION_LOGS"');
    expect(run.statements[2]).toBe('alter task "ANALYTICS"."ANALYTICS"."ORCH_TASK__HOURLY_ORDERS__42" resume');
  });

  it("passes upstream_job_id, windows, weekdays and the logging table through", async () => {
    const run = await agreed("create_task_generic", context(minimalVars(), {
      args: {
        job_id: 42, job_name: "hourly", streams: ["RAW.OTHER.MY_STREAM"], schedule: "triggered", upstream_job_id: 7,
        min_elapsed_seconds: 60, min_start_time: "08:00", max_start_time: "18:00", days_of_week: [0, 2],
        prod_override: true, logging_table: "my_logs",
      },
    }));
    expect(run.error).toBeNull();
    // Outside prod it first reads the orchestration schema: a task a prod target built is not its to alter.
    expect(run.statements[0]).toBe(`show schemas like 'DBT_DEV' in database "ANALYTICS"`);
    const task = run.statements[2]!;
    const body = taskBody(task);
    expect(task).not.toContain("schedule =");
    expect(task).toContain(`system$stream_has_data('"RAW"."OTHER"."MY_STREAM"')`);
    expect(body).toContain(", 7, 60, '08:00', '18:00', array_construct(0, 2), 'UTC', object_construct('known_run_ids', :known_runs)) into :outcome;");
    expect(body).toContain('insert into "ANALYTICS"."DBT_DEV"."MY_LOGS"');
    expect(run.statements).toHaveLength(3);
  });

  it("validates its arguments like the config", async () => {
    const run = await agreed("create_task_generic", context(minimalVars(), {
      args: { job_id: 42, job_name: "x", streams: ["S"], days_of_week: [8] },
    }));
    expect(run.error).toBe("create_task_generic: create_task_generic.days_of_week[0]: 8 is not a weekday: MON … SUN, or 0-6 with 0 = Monday");
  });
});

describe("create_proc__dbt_cloud_run_job()", () => {
  it("embeds the handler file exactly", async () => {
    const run = await agreed("create_proc__dbt_cloud_run_job", context(exampleVars(), { target: PROD_TARGET, args: {} }));
    const handler = readFileSync(join(REPO_ROOT, "macros-src", "procedure", "dbt_cloud_run_job.py"), "utf8");
    expect(run.statements).toHaveLength(1);
    const statement = run.statements[0]!;
    expect(statement.slice(statement.indexOf("$$\n") + 3, statement.lastIndexOf("$$"))).toBe(handler);
    expect(statement).toContain(`secrets = ('dbt_cloud_token' = "ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_ACCESS_TOKEN")`);
    expect(statement).toContain('external_access_integrations = ("DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION")');
    const [report] = await parseWithSqlfluff(run.statements);
    expect(report).toEqual({ statements: 1, unparsable: [], pieces: 1 });
    await expect(`${statement};\n`).toMatchFileSnapshot(join("__snapshots__", "create_proc__dbt_cloud_run_job.sql"));
  });
});

describe("create_dbt_cloud_external_access()", () => {
  const TOKEN = "dbtu_S3CRET'TOKEN\\value";
  const env = { DBT_CLOUD_API_TOKEN: TOKEN };

  it("creates or alters the network rule for the configured host only, the secret and the integration, in each object's documented syntax", async () => {
    const run = await agreed("create_dbt_cloud_external_access", context(exampleVars(), { target: PROD_TARGET, env, args: {} }));
    expect(run.error).toBeNull();
    expect(run.statements[0]).toBe(`show integrations like 'DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION'`);
    expect(run.statements[1]).toBe('create schema if not exists "ANALYTICS"."ORCHESTRATION"');
    // CREATE NETWORK RULE has no IF NOT EXISTS; CREATE OR ALTER creates it or sets its value list.
    expect(run.statements[2]).toBe(`create or alter network rule "ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_API_NETWORK_RULE" type = host_port ` +
      `value_list = ('ab123.us1.dbt.com') mode = egress comment = 'Managed by the dbt_cloud_orchestration dbt package: lets the dbt Cloud trigger reach the dbt Cloud API'`);
    expect(run.statements[3]).toContain("secret_string = %s comment = ");
    // The comment records that a prod target stored the token: a non-prod target then leaves it alone.
    expect(run.statements[4]).toBe('alter secret "ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_ACCESS_TOKEN" set secret_string = %s ' +
      "comment = 'Managed by the dbt_cloud_orchestration dbt package: the dbt Cloud API token [prod target prod]'");
    expect(JSON.stringify(run)).not.toContain("S3CRET");
    // CREATE EXTERNAL ACCESS INTEGRATION has neither IF NOT EXISTS nor OR ALTER: SHOW INTEGRATIONS said it is missing.
    expect(run.statements[5]).toBe('create external access integration "DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION" ' +
      'allowed_network_rules = ("ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_API_NETWORK_RULE") allowed_authentication_secrets = ("ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_ACCESS_TOKEN") enabled = true ' +
      "comment = 'Managed by the dbt_cloud_orchestration dbt package: dbt Cloud API access for the dbt Cloud trigger'");
    expect(run.statements).toHaveLength(6);
    const reports = await parseWithSqlfluff(run.statements.slice(1));
    // sqlfluff parses CREATE SCHEMA; the rest are beyond it (asserted above). Every statement stays whole for dbt's splitter.
    expect(reports[0]).toEqual({ statements: 1, unparsable: [], pieces: 1 });
    expect(reports.map((report) => report.pieces)).toEqual([1, 1, 1, 1, 1]);
  });

  it("alters an integration that exists instead (rerun, token rotation): nothing replaced, its grants kept", async () => {
    const existing = { columns: ["name", "type", "category", "enabled"], rows: [["DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION", "EXTERNAL_ACCESS", "SECURITY", "true"]] };
    const run = await agreed("create_dbt_cloud_external_access", { ...context(exampleVars(), { target: PROD_TARGET, env, args: {} }), query_results: [existing] });
    expect(run.error).toBeNull();
    expect(run.statements.at(-1)).toBe('alter external access integration "DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION" ' +
      'set allowed_network_rules = ("ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_API_NETWORK_RULE") allowed_authentication_secrets = ("ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_ACCESS_TOKEN") enabled = true');
    expect(run.statements.some((sql) => sql.includes("or replace"))).toBe(false);
  });

  it("never prints the token: not in logs, not in the returned plan, not in a dry run", async () => {
    for (const dry_run of [false, true]) {
      const run = await agreed("create_dbt_cloud_external_access", context(exampleVars(), { env, args: { dry_run } }));
      expect(JSON.stringify(run.logs)).not.toContain("S3CRET");
      expect(JSON.stringify(run.returned)).not.toContain("S3CRET");
      if (dry_run) expect(run.logs.join("\n")).toContain("<redacted: read from the environment>");
      else expect(run.statements.filter((sql) => sql.includes("secret_string = %s"))).toHaveLength(2);
    }
  });

  it("explains that dbt keeps DBT_ENV_SECRET_ variables from macros, and refuses a missing token, echoing nothing", async () => {
    const wrongName = await agreed("create_dbt_cloud_external_access", context(exampleVars(), {
      env: { DBT_ENV_SECRET_DBT_CLOUD_TOKEN: TOKEN }, args: { token_env_var: "DBT_ENV_SECRET_DBT_CLOUD_TOKEN" },
    }));
    expect(wrongName.error).toBe("create_dbt_cloud_external_access: dbt does not let macros read DBT_ENV_SECRET_* variables; " +
      "put the token in DBT_CLOUD_TOKEN (or any other name) and pass token_env_var.");
    expect(wrongName.error).not.toContain("S3CRET");
    expect(wrongName.statements).toEqual([]);
    const missing = await agreed("create_dbt_cloud_external_access", context(exampleVars(), { env: {}, args: {} }));
    expect(missing.error).toBe(
      "create_dbt_cloud_external_access: set the environment variable DBT_CLOUD_API_TOKEN to a dbt Cloud API token.");
  });

  it("outside prod, refuses to overwrite a secret a prod target stored (or one stored before targets were recorded)", async () => {
    const secretRow = (comment: string) => ({ columns: ["created_on", "name", "schema_name", "database_name", "comment"],
      rows: [["2026-01-01", "DBT_CLOUD_ACCESS_TOKEN", "ORCHESTRATION", "ANALYTICS", comment]] });
    for (const marker of [" [prod target prod]", ""]) {
      const run = await agreed("create_dbt_cloud_external_access", {
        ...context(exampleVars(), { env, args: {} }),
        query_results: [secretRow(`Managed by the dbt_cloud_orchestration dbt package: the dbt Cloud API token${marker}`)],
      });
      expect(run.statements).toEqual([`show secrets like 'DBT_CLOUD_ACCESS_TOKEN' in schema "ANALYTICS"."ORCHESTRATION"`]);
      expect(run.error).toContain("update secret ANALYTICS.ORCHESTRATION.DBT_CLOUD_ACCESS_TOKEN (its token)");
      expect(JSON.stringify(run)).not.toContain("S3CRET");
    }
    const own = await agreed("create_dbt_cloud_external_access", {
      ...context(exampleVars(), { env, args: {} }),
      query_results: [secretRow("Managed by the dbt_cloud_orchestration dbt package: the dbt Cloud API token [non-prod target dev]")],
    });
    expect(own.error).toBeNull();
    expect(own.statements.filter((sql) => sql.includes("secret_string = %s"))).toHaveLength(2);
  });

  it("matches the plain SQL file shipped for teams that set up by hand", async () => {
    const vars = { ...exampleVars(), access_url: "https://your-account-prefix.us1.dbt.com" };
    const run = await agreed("create_dbt_cloud_external_access", context(vars, { target: PROD_TARGET, args: { dry_run: true } }));
    const file = readFileSync(join(REPO_ROOT, "setup", "external_access.sql"), "utf8");
    const statements = file.split("\n").filter((line) => !line.startsWith("--") && line.trim() !== "").join("\n")
      .split(";\n").map((statement) => statement.replace(/;\s*$/, "").trim()).filter((statement) => statement !== "");
    const expected = (run.returned as string[]).map((sql) =>
      sql.replaceAll("'<redacted: read from the environment>'", "'<paste your dbt Cloud API token here>'"));
    expect(statements).toEqual(expected);
  });
});

it("no build statement, log line or error contains the token", async () => {
  const secretEnv = { DBT_CLOUD_API_TOKEN: "dbtu_NEVER_PRINT_ME" };
  for (const args of [{ dry_run: true, offline: true }, { dry_run: true, verbose: true }, { dry_run: false }]) {
    const run = await agreed("build_orchestration_resources", context(exampleVars(), { env: secretEnv, args }));
    expect(JSON.stringify(run)).not.toContain("NEVER_PRINT_ME");
  }
});
