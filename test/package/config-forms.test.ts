/**
 * How values reach the config, and the conventions users bring, on the three engines (TypeScript,
 * dbt-core's Jinja, dbt 2.x), which must agree: Jinja nested in vars.dbt_cloud_orchestration is
 * refused by field (dbt renders top-level vars only); {env_var: …} and {var: …} values build what
 * the literal value builds; weekday names; unquoted times; a table listed twice; region URLs; a
 * partial --vars mapping; and the plan's per-job conditions.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MacroContextFile, MacroRun } from "../../scripts/engines/macro-run.js";
import { PackageEngines } from "../support/package-engines.js";
import { context, minimalVars, PROD_TARGET, type Vars } from "./configs.js";

let engines: PackageEngines;
beforeAll(() => {
  engines = new PackageEngines();
});
afterAll(() => engines?.close());

const OFFLINE = { dry_run: true, offline: true };

/** The three engines agree; returns the TypeScript run. */
async function agreed(ctx: MacroContextFile, macro = "build_orchestration_resources"): Promise<MacroRun> {
  const { ts, jinja, fusion } = await engines.all(macro, ctx);
  expect(jinja, "dbt-core's Jinja").toEqual(ts);
  expect(fusion, "dbt 2.x").toEqual(ts);
  return ts;
}

function job(changes: Record<string, unknown>, vars: Vars = minimalVars()): Vars {
  return { ...vars, jobs: [{ ...(vars.jobs as object[])[0], ...changes }] };
}

/** An offline plan of `vars`, with top-level vars and environment variables beside it. */
function offline(vars: Vars, options: { topLevel?: Record<string, unknown>; env?: Record<string, string>; target?: object; format?: string } = {}):
  MacroContextFile {
  const ctx = context(vars, { args: { ...OFFLINE, ...(options.format === undefined ? {} : { format: options.format }) }, env: options.env, target: options.target });
  return { ...ctx, vars: { ...options.topLevel, ...ctx.vars } };
}

/** The problems of a refused config, one per line, without the heading. */
function problems(run: MacroRun): string[] {
  expect(run.statements).toEqual([]);
  expect(run.error).not.toBeNull();
  return run.error!.split("\n").slice(1).map((line) => line.replace(/^ {2}- /, ""));
}

const JINJA_RULE = "holds Jinja, which dbt does not render inside vars.dbt_cloud_orchestration (it renders top-level vars only): " +
  "use {env_var: NAME} (with an optional default: …) or {var: NAME}, a top-level var dbt renders";

describe("Jinja nested in the config is refused, naming the field and the supported forms", () => {
  it.each([
    ["account_id from an environment variable", { ...minimalVars(), account_id: "{{ env_var('ORCH_ACCOUNT_ID') }}" },
      `account_id: '{{ env_var('ORCH_ACCOUNT_ID') }}' ${JINJA_RULE}`],
    ["a prod target from an environment variable", { ...minimalVars(), prod_targets: ["{{ env_var('ORCH_PROD_TARGET') }}"] },
      `prod_targets[0]: '{{ env_var('ORCH_PROD_TARGET') }}' ${JINJA_RULE}`],
    ["a job name with the target's name", job({ name: "payroll {{ target.name }}" }), `jobs[0].name: 'payroll {{ target.name }}' ${JINJA_RULE}`],
    ["a statement in a table name", job({ tables: ["{% if target.name == 'prod' %}RAW{% endif %}.SALES.ORDERS"] }),
      `jobs[0].tables[0]: '{% if target.name == 'prod' %}RAW{% endif %}.SALES.ORDERS' ${JINJA_RULE}`],
  ])("%s", async (_name, vars, expected) => {
    // The field's own check would add nothing: the Jinja is the one problem named.
    expect(problems(await agreed(offline(vars)))).toEqual([expected]);
  });
  // An environment variable whose value holds Jinja is not a case the engines share: dbt 2.x renders what
  // env_var() returns, dbt-core does not (docs/development.md, dbt engines).
});

describe("{env_var: …} and {var: …} build exactly what the literal value builds", () => {
  const literal = job({ upstream_job_id: 111, enabled: false, min_start_time: "06:00" }, { ...minimalVars(), prod_targets: ["prod", "default"] });
  let expected: MacroRun;
  beforeAll(async () => {
    expected = await agreed(offline(literal, { target: PROD_TARGET }));
    expect(expected.error).toBeNull();
  });

  it.each([
    ["environment variables, numbers and true/false from their text", job({
      job_id: { env_var: "ORCH_JOB_ID" }, upstream_job_id: { env_var: "ORCH_UPSTREAM" }, enabled: { env_var: "ORCH_ENABLED" },
      min_start_time: { env_var: "ORCH_START" },
    }, { ...literal, account_id: { env_var: "ORCH_ACCOUNT_ID" }, access_url: { env_var: "ORCH_ACCESS_URL" } }),
    { env: { ORCH_JOB_ID: "67890", ORCH_UPSTREAM: "111", ORCH_ENABLED: "False", ORCH_START: "06:00", ORCH_ACCOUNT_ID: "12345", ORCH_ACCESS_URL: "https://ab123.us1.dbt.com" } }],
    ["an unset environment variable's default", job({ job_id: { env_var: "ORCH_JOB_ID", default: 67890 } },
      { ...literal, prod_targets: ["prod", { env_var: "ORCH_CLOUD_TARGET", default: "default" }] }), {}],
    ["top-level vars, as numbers or as the text dbt renders", job({ job_id: { var: "orch_job_id" } },
      { ...literal, account_id: { var: "orch_account_id" }, prod_targets: [{ var: "orch_prod_target" }, "default"] }),
    { topLevel: { orch_job_id: 67890, orch_account_id: "12345", orch_prod_target: "prod" } }],
    ["a whole list from a top-level var", { ...literal, prod_targets: { var: "orch_prod_targets" } }, { topLevel: { orch_prod_targets: ["prod", "default"] } }],
  ])("%s", async (_name, vars, options) => {
    const run = await agreed(offline(vars as Vars, { ...options, target: PROD_TARGET }));
    expect(run.error).toBeNull();
    expect(run.returned).toEqual(expected.returned);
    expect(run.logs).toEqual(expected.logs);
  });
});

describe("a value that cannot be read is one problem naming the field and the variable", () => {
  it.each([
    ["an unset environment variable", { ...minimalVars(), account_id: { env_var: "ORCH_ACCOUNT_ID" } }, {},
      "account_id: environment variable ORCH_ACCOUNT_ID is not set, and no default is given"],
    ["an environment variable that is not a number", job({ job_id: { env_var: "ORCH_JOB_ID" } }), { env: { ORCH_JOB_ID: "12x" } },
      "jobs[0].job_id: environment variable ORCH_JOB_ID is not a whole number"],
    ["an environment variable that is not true or false", job({ enabled: { env_var: "ORCH_ENABLED" } }), { env: { ORCH_ENABLED: "yes" } },
      "jobs[0].enabled: environment variable ORCH_ENABLED is not true or false"],
    ["a var that is not set", { ...minimalVars(), prod_targets: [{ var: "orch_prod_target" }] }, {},
      "prod_targets[0]: var 'orch_prod_target' is not set: define it at the top level of vars in dbt_project.yml, or pass --vars '{orch_prod_target: …}'"],
    ["a secret environment variable", { ...minimalVars(), account_id: { env_var: "DBT_ENV_SECRET_ACCOUNT" } }, {},
      "account_id: env_var: dbt lets no macro read DBT_ENV_SECRET_* variables (only profiles.yml and packages.yml may); use another name"],
    ["a misspelt key", { ...minimalVars(), account_id: { env_var: "ORCH_ACCOUNT_ID", defualt: 1 } }, {},
      "account_id: unknown key 'defualt' (expected env_var or var, and default)"],
    ["a var that is not a number", job({ job_id: { var: "orch_job_id" } }), { topLevel: { orch_job_id: "67890a" } },
      "jobs[0].job_id: '67890a' (var orch_job_id) is not a whole number"],
    ["a default holding Jinja", job({ job_id: { env_var: "ORCH_JOB_ID", default: "{{ 5 }}" } }), {}, `jobs[0].job_id: the default '{{ 5 }}' ${JINJA_RULE}`],
    ["both forms at once", { ...minimalVars(), account_id: { env_var: "A", var: "b" } }, {}, "account_id: give env_var or var, not both"],
  ])("%s", async (_name, vars, options, expected) => {
    expect(problems(await agreed(offline(vars, options)))).toEqual([expected]);
  });
});

it("a value read from the environment is never printed, also where the field's own check refuses it", async () => {
  const secret = "dbtc_s3cret-Tok3n";
  const run = await agreed(offline({ ...minimalVars(), access_url: { env_var: "ORCH_ACCESS_URL" }, account_id: { env_var: "ORCH_ACCOUNT_ID" } },
    { env: { ORCH_ACCESS_URL: secret, ORCH_ACCOUNT_ID: secret } }));
  expect(problems(run)).toEqual([
    "account_id: environment variable ORCH_ACCOUNT_ID is not a whole number",
    "access_url: (the value of environment variable ORCH_ACCESS_URL) is not the https URL of a dbt Cloud account, e.g. 'https://ab123.us1.dbt.com' (no path, no port)",
  ]);
  expect(JSON.stringify(run)).not.toContain("s3cret");
});

describe("weekdays", () => {
  it("names MON … SUN, in any case, build the task the numbers build (0 = Monday)", async () => {
    const [named, numbered] = await Promise.all([
      agreed(offline(job({ days_of_week: ["MON", "wed", "Fri"] }))),
      agreed(offline(job({ days_of_week: [0, 2, 4] }))),
    ]);
    expect(named.error).toBeNull();
    expect(named.returned).toEqual(numbered.returned);
    expect((named.returned as string[]).find((sql) => sql.startsWith("create or alter task"))).toContain("dayofweekiso(local_now) - 1 in (0, 2, 4)");
  });

  it("create_task_generic takes names too", async () => {
    const args = { job_id: 42, job_name: "hourly", streams: ["S"], dry_run: true };
    const [named, numbered] = await Promise.all([
      agreed(context(minimalVars(), { args: { ...args, days_of_week: ["mon", "FRI"] } }), "create_task_generic"),
      agreed(context(minimalVars(), { args: { ...args, days_of_week: [0, 4] } }), "create_task_generic"),
    ]);
    expect(named.error).toBeNull();
    expect(named.returned).toEqual(numbered.returned);
    expect((named.returned as string[]).join("\n")).toContain("dayofweekiso(local_now) - 1 in (0, 4)");
  });

  it.each([
    ["a full name", ["MONDAY"], "jobs[0].days_of_week[0]: 'MONDAY' is not a weekday: MON … SUN, or 0-6 with 0 = Monday"],
    ["7, cron's other Sunday", [0, 7], "jobs[0].days_of_week[1]: 7 is not a weekday: MON … SUN, or 0-6 with 0 = Monday"],
    ["a day as a name and as a number", ["MON", 0], "jobs[0].days_of_week[1]: 0 is MON, listed twice"],
  ])("%s is refused", async (_name, days, expected) => {
    expect(problems(await agreed(offline(job({ days_of_week: days }))))).toEqual([expected]);
  });
});

describe("times of day: an unquoted time gets 'quote it' with the time meant", () => {
  it.each([
    // dbt-core's YAML 1.1 reads 8:00 and 18:00 as base-60 numbers.
    ["8:00 as dbt-core reads it", 480,
      "jobs[0].min_start_time: 480 is not a time of day: YAML read an unquoted 8:00 as the sexagesimal (base-60) number 8 × 60 + 0 = 480, as dbt-core does; quote it: '08:00'"],
    ["18:05 as dbt-core reads it", 1085,
      "jobs[0].min_start_time: 1085 is not a time of day: YAML read an unquoted 18:05 as the sexagesimal (base-60) number 18 × 60 + 5 = 1085, as dbt-core does; quote it: '18:05'"],
    // dbt 2.x keeps 8:00 as text.
    ["8:00 as dbt 2.x reads it", "8:00", "jobs[0].min_start_time: '8:00' is not a time of day as HH:MM (two-digit hours); quote it: '08:00'"],
    ["a number beyond a day", 1440, "jobs[0].min_start_time: 1440 is not a time of day as HH:MM (00:00-23:59), quoted: '08:00'"],
    ["24:00", "24:00", "jobs[0].min_start_time: '24:00' is not a time of day as HH:MM (00:00-23:59), quoted: '08:00'"],
  ])("%s", async (_name, time, expected) => {
    expect(problems(await agreed(offline(job({ min_start_time: time }))))).toEqual([expected]);
  });
});

describe("a table listed twice in a job is refused, naming both entries", () => {
  it.each([
    ["in another case", ["RAW.SHOP.ORDERS", "raw.shop.orders"], [],
      "jobs[0].tables[1]: 'raw.shop.orders' is the table RAW.SHOP.ORDERS again, already listed as jobs[0].tables[0] ('RAW.SHOP.ORDERS'); list it once"],
    ["quoted and unquoted alike", ["RAW.SHOP.ORDERS", '"RAW"."SHOP"."ORDERS"'], [],
      "jobs[0].tables[1]: '\"RAW\".\"SHOP\".\"ORDERS\"' is the table RAW.SHOP.ORDERS again, already listed as jobs[0].tables[0] ('RAW.SHOP.ORDERS'); list it once"],
    ["as a table and as a source", ["raw.sales.customers"], ["raw_sales.customers"],
      "jobs[0].sources[0]: 'raw_sales.customers' is the table RAW.SALES.CUSTOMERS again, already listed as jobs[0].tables[0] ('raw.sales.customers'); list it once"],
  ])("%s", async (_name, tables, sources, expected) => {
    expect(problems(await agreed(offline(job({ tables, sources }))))).toEqual([expected]);
  });
});

describe("access_url", () => {
  it.each(["https://cloud.getdbt.com", "https://emea.dbt.com", "https://au.dbt.com/", "https://us1.dbt.com"])("the shared host of %s is refused", async (url) => {
    expect(problems(await agreed(offline({ ...minimalVars(), access_url: url })))).toEqual([
      `access_url: '${url}' is a region URL that many accounts share, not your account's: use the account's own access URL ` +
        "(dbt Cloud, Account settings: 'https://<prefix>.us1.dbt.com' or the like); it is the only host the network rule allows",
    ]);
  });
});

describe("a partial mapping, as a --vars on the command line gives", () => {
  it("names the cause and the fix first", async () => {
    const run = await agreed(offline({ prod_targets: ["prod", "default"] }));
    expect(problems(run)[0]).toBe(
      "account_id, access_url, jobs: missing, while prod_targets is given. A --vars '{dbt_cloud_orchestration: {…}}' on the command line " +
        "replaces the whole mapping of dbt_project.yml (dbt merges no keys): pass the whole mapping there, or write the value that changes " +
        "as {var: NAME} in dbt_project.yml and pass --vars '{NAME: …}'");
  });

  it("says nothing of --vars when only one required key is missing", async () => {
    const { account_id: _, ...rest } = minimalVars();
    expect(problems(await agreed(offline(rest)))).toEqual(["account_id: nothing is not a positive integer"]);
  });
});

describe("the plan shows each job's conditions", () => {
  const vars = {
    ...minimalVars(),
    timezone: "Europe/Amsterdam",
    jobs: [
      { name: "cron habit", job_id: 1, tables: ["RAW.S.A"], days_of_week: [1, 2, 3, 4, 5], min_start_time: "22:00", max_start_time: "02:00", upstream_job_id: 2 },
      { name: "weekends", job_id: 2, tables: ["RAW.S.B"], days_of_week: ["SAT", "SUN"], schedule: "triggered", min_elapsed_seconds: 0 },
      { name: "off", job_id: 3, tables: ["RAW.S.C"], schedule: "USING CRON 0 6 * * 1-5 UTC", enabled: false },
    ],
  };

  it("as text: schedule, weekdays as names, window, upstream gate and gap, in the config's zone", async () => {
    const run = await agreed(offline(vars));
    const printed = run.logs.join("\n");
    expect(printed).toContain([
      "dbt_cloud_orchestration: job conditions (weekdays and windows in Europe/Amsterdam; a task calls dbt Cloud only when all hold):",
      "job         schedule                       weekdays   start window             upstream gate          min gap",
      "cron habit  every 15 MINUTE                TUE-SAT    22:00-02:00 (overnight)  job 2 succeeded today  300 s",
      "weekends    triggered (when data arrives)  SAT,SUN    any time                 none                   0 s",
      "off         disabled (task suspended)      every day  any time                 none                   300 s",
    ].join("\n"));
  });

  it("as json: one entry per job", async () => {
    const run = await agreed(offline(vars, { format: "json" }));
    const document = JSON.parse(run.logs.find((line) => line.startsWith("{"))!) as { jobs: unknown[] };
    expect(document.jobs).toEqual([
      { name: "cron habit", job_id: 1, enabled: true, schedule: "15 MINUTE", weekdays: ["TUE", "WED", "THU", "FRI", "SAT"], min_start_time: "22:00",
        max_start_time: "02:00", timezone: "Europe/Amsterdam", upstream_job_id: 2, min_elapsed_seconds: 300 },
      { name: "weekends", job_id: 2, enabled: true, schedule: "triggered", weekdays: ["SAT", "SUN"], min_start_time: "00:00",
        max_start_time: "23:59", timezone: "Europe/Amsterdam", upstream_job_id: null, min_elapsed_seconds: 0 },
      { name: "off", job_id: 3, enabled: false, schedule: "USING CRON 0 6 * * 1-5 UTC", weekdays: ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"],
        min_start_time: "00:00", max_start_time: "23:59", timezone: "Europe/Amsterdam", upstream_job_id: null, min_elapsed_seconds: 300 },
    ]);
  });
});
