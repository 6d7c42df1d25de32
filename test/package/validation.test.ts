/**
 * Every bad config is refused before any statement runs, with one error naming each bad field;
 * both engines must refuse it with the same words.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PackageEngines } from "../support/package-engines.js";
import { context, minimalVars, type Vars } from "./configs.js";

let engines: PackageEngines;
beforeAll(() => {
  engines = new PackageEngines();
});
afterAll(() => engines?.close());

function job(changes: Record<string, unknown>): Vars {
  const vars = minimalVars();
  return { ...vars, jobs: [{ ...(vars.jobs as object[])[0], ...changes }] };
}

function withoutJobKey(key: string): Vars {
  const vars = minimalVars();
  const first = { ...(vars.jobs as Array<Record<string, unknown>>)[0] };
  delete first[key];
  return { ...vars, jobs: [first] };
}

const CASES: Array<[string, Vars, string]> = [
  ["missing account_id", (({ account_id: _, ...rest }) => rest)(minimalVars()), "account_id: nothing is not a positive integer"],
  ["account_id as a string", { ...minimalVars(), account_id: "12345" }, "account_id: '12345' is not a positive integer"],
  ["account_id as a boolean", { ...minimalVars(), account_id: true }, "account_id: true is not a positive integer"],
  ["http access_url", { ...minimalVars(), access_url: "http://ab123.us1.dbt.com" }, "access_url: 'http://ab123.us1.dbt.com' is not the https URL"],
  ["access_url with a path", { ...minimalVars(), access_url: "https://ab123.us1.dbt.com/api" }, "access_url: 'https://ab123.us1.dbt.com/api' is not the https URL"],
  ["unknown top-level key", { ...minimalVars(), acount_id: 1 }, "acount_id: unknown key (expected one of:"],
  ["bad timezone", { ...minimalVars(), timezone: "Central Time" }, "timezone: 'Central Time' is not a time zone of the IANA database"],
  ["time zone of the right shape that does not exist", { ...minimalVars(), timezone: "Mars/Olympus" },
    "timezone: 'Mars/Olympus' is not a time zone of the IANA database, such as 'America/Chicago' (exact spelling)"],
  ["time zone in the wrong case", { ...minimalVars(), timezone: "america/chicago" }, "timezone: 'america/chicago' is not a time zone of the IANA database"],
  ["cron with an unknown time zone", job({ schedule: "USING CRON 0 6 * * * Mars/Olympus" }),
    "jobs[0].schedule: 'USING CRON 0 6 * * * Mars/Olympus': time zone 'Mars/Olympus' is not a name of the IANA time zone database, such as 'America/Chicago'"],
  ["suspend_task_after_num_failures negative", { ...minimalVars(), suspend_task_after_num_failures: -1 },
    "suspend_task_after_num_failures: -1 is not a number of failures (0 = never suspend, up to 1000000)"],
  ["suspend_task_after_num_failures as text", { ...minimalVars(), suspend_task_after_num_failures: "10" },
    "suspend_task_after_num_failures: '10' is not a number of failures"],
  ["bad error_integration", { ...minimalVars(), error_integration: "my integration" }, "error_integration: 'my integration' is not a valid Snowflake name"],
  ["bad warehouse", { ...minimalVars(), warehouse: "my warehouse" }, "warehouse: 'my warehouse' is not a valid Snowflake name"],
  ["bad schema", { ...minimalVars(), schema: "orch; drop" }, "schema: 'orch; drop' is not a valid Snowflake name"],
  ["prod_targets not a list", { ...minimalVars(), prod_targets: "prod" }, "prod_targets: 'prod' is not a list"],
  ["no jobs", { ...minimalVars(), jobs: [] }, "jobs: [] is not a non-empty list of jobs"],
  ["job not a mapping", { ...minimalVars(), jobs: ["daily"] }, "jobs[0]: 'daily' is not a mapping of job settings"],
  ["job without a name", withoutJobKey("name"), "jobs[0].name: nothing is not a non-empty string"],
  ["job_id zero", job({ job_id: 0 }), "jobs[0].job_id: 0 is not a positive integer"],
  ["job_id fractional", job({ job_id: 1.5 }), "jobs[0].job_id: 1.5 is not a positive integer"],
  ["unknown job key", job({ schedul: "15 MINUTE" }), "jobs[0].schedul: unknown key"],
  ["no tables or sources", job({ tables: [] }), "jobs[0]: watches no table: give 'tables', 'sources' or both"],
  ["unquoted table with a space", job({ tables: ["RAW.SALES.Order Items"] }), "jobs[0].tables[0]: 'RAW.SALES.Order Items' 'Order Items' must be quoted"],
  ["table with one part", job({ tables: ["ORDERS"] }), "jobs[0].tables[0]: 'ORDERS' must name a table as DATABASE.SCHEMA.TABLE"],
  ["unclosed quote", job({ tables: ['RAW.SALES."Orders'] }), "jobs[0].tables[0]: 'RAW.SALES.\"Orders' has an unclosed quote"],
  ["unknown source", job({ sources: ["raw_sales.returns"] }), "jobs[0].sources[0]: source 'raw_sales.returns' is not defined in this project"],
  ["source without a dot", job({ sources: ["orders"] }), "jobs[0].sources[0]: 'orders' is not a dbt source as 'source_name.table_name'"],
  ["bad schedule", job({ schedule: "every 15 minutes" }), "jobs[0].schedule: 'every 15 minutes' is not a schedule"],
  ["cron with four fields", job({ schedule: "USING CRON 0 6 * * UTC" }),
    "jobs[0].schedule: 'USING CRON 0 6 * * UTC': a cron schedule has five fields and a time zone: " +
      "'USING CRON <minute> <hour> <day of month> <month> <day of week> <time zone>', found 5 word(s) after USING CRON"],
  ["cron minute out of range", job({ schedule: "USING CRON 99 6 * * * UTC" }), "jobs[0].schedule: 'USING CRON 99 6 * * * UTC': minute '99' is not 0-59 (cron field 1)"],
  ["cron hour out of range", job({ schedule: "USING CRON 0 24 * * * UTC" }), "jobs[0].schedule: 'USING CRON 0 24 * * * UTC': hour '24' is not 0-23 (cron field 2)"],
  ["cron month name unknown", job({ schedule: "USING CRON 0 6 * FOO * UTC" }), "jobs[0].schedule: 'USING CRON 0 6 * FOO * UTC': month 'FOO' is not 1-12 or JAN-DEC (cron field 4)"],
  // CREATE TASK documents day of week as 0-6, SUN-SAT or L: 7 is not Sunday there.
  ["cron day of week 7", job({ schedule: "USING CRON 0 6 * * 7 UTC" }), "jobs[0].schedule: 'USING CRON 0 6 * * 7 UTC': day of week '7' is not 0-6, SUN-SAT or L (cron field 5)"],
  ["cron day of week range to 7", job({ schedule: "USING CRON 0 6 * * 1-7 UTC" }), "jobs[0].schedule: 'USING CRON 0 6 * * 1-7 UTC': day of week '1-7' is not 0-6, SUN-SAT or L (cron field 5)"],
  ["cron nth weekday (#)", job({ schedule: "USING CRON 0 6 * * 1#2 UTC" }), "jobs[0].schedule: 'USING CRON 0 6 * * 1#2 UTC': day of week '1#2' is not 0-6, SUN-SAT or L (cron field 5)"],
  ["cron nearest weekday (W)", job({ schedule: "USING CRON 0 6 15W * * UTC" }), "jobs[0].schedule: 'USING CRON 0 6 15W * * UTC': day of month '15W' is not 1-31 or L (cron field 3)"],
  ["cron day of month 0", job({ schedule: "USING CRON 0 6 0 * * UTC" }), "jobs[0].schedule: 'USING CRON 0 6 0 * * UTC': day of month '0' is not 1-31 or L (cron field 3)"],
  ["cron question mark", job({ schedule: "USING CRON 0 6 ? * MON UTC" }), "jobs[0].schedule: 'USING CRON 0 6 ? * MON UTC': day of month '?' is not 1-31 or L (cron field 3)"],
  ["cron L in the hour", job({ schedule: "USING CRON 0 L * * * UTC" }), "jobs[0].schedule: 'USING CRON 0 L * * * UTC': hour 'L' is not 0-23 (cron field 2)"],
  ["interval beyond 8 days", job({ schedule: "11521 MINUTE" }), "jobs[0].schedule: '11521 MINUTE' is not a schedule"],
  ["interval of zero", job({ schedule: "0 MINUTE" }), "jobs[0].schedule: '0 MINUTE' is not a schedule"],
  ["bad start time", job({ min_start_time: "6:00" }), "jobs[0].min_start_time: '6:00' is not a time of day as HH:MM (two-digit hours); quote it: '06:00'"],
  ["bad end time", job({ max_start_time: "24:00" }), "jobs[0].max_start_time: '24:00' is not a time of day as HH:MM"],
  ["weekday out of range", job({ days_of_week: [0, 7] }), "jobs[0].days_of_week[1]: 7 is not a weekday: MON … SUN, or 0-6 with 0 = Monday"],
  ["weekday twice", job({ days_of_week: [1, 1] }), "jobs[0].days_of_week[1]: 1 is TUE, listed twice"],
  ["no weekdays", job({ days_of_week: [] }), "jobs[0].days_of_week: [] is not a non-empty list of weekdays"],
  ["negative min_elapsed_seconds", job({ min_elapsed_seconds: -5 }), "jobs[0].min_elapsed_seconds: -5 is not a whole number of seconds"],
  ["enabled as a string", job({ enabled: "yes" }), "jobs[0].enabled: 'yes' is not true or false"],
  ["upstream is itself", job({ upstream_job_id: 67890 }), "jobs[0].upstream_job_id: a job cannot wait for itself"],
  ["duplicate job id", {
    ...minimalVars(),
    jobs: [{ name: "a", job_id: 1, tables: ["RAW.S.T"] }, { name: "b", job_id: 1, tables: ["RAW.S.T"] }],
  }, "jobs[1].job_id: 1 is used by another job"],
  ["duplicate job name", {
    ...minimalVars(),
    jobs: [{ name: "a", job_id: 1, tables: ["RAW.S.T"] }, { name: "a", job_id: 2, tables: ["RAW.S.T"] }],
  }, "jobs[1].name: 'a' is used by another job"],
  ["tables whose stream names collide", job({ tables: ['RAW.SALES."Order Items"', "RAW.SALES.ORDER_ITEMS"] }),
    "jobs[0]: tables 'RAW.SALES.Order Items' and 'RAW.SALES.ORDER_ITEMS' would share the stream name ORCH_STREAM__67890__RAW__SALES__ORDER_ITEMS"],
];

describe("schedules Snowflake accepts pass", () => {
  it.each(["11520 MINUTE", "192 HOURS", "30 SECONDS", "USING CRON 0 6 * * 1-5 UTC", "USING CRON */15 6-20 L * MON-FRI America/Chicago",
    "USING CRON 0 0 1,15 JAN,JUL * Europe/Amsterdam", "USING CRON 0 18 * * 5L UTC", "USING CRON 30 4 L * * UTC",
    "USING CRON 0 9-17 * * SUN America/Los_Angeles", "USING CRON 0 0 * 4/3 0,6 UTC", "USING CRON 0 6 * * 0-6 UTC"])("%s", async (schedule) => {
    const { ts, jinja } = await engines.both("build_orchestration_resources", context(job({ schedule })));
    expect(jinja).toEqual(ts);
    expect(ts.error).toBeNull();
  });
});

describe("one test per validation error", () => {
  it.each(CASES)("%s", async (_name, vars, expected) => {
    const { ts, jinja } = await engines.both("build_orchestration_resources", context(vars));
    expect(jinja).toEqual(ts);
    expect(ts.statements).toEqual([]);
    expect(ts.error).toContain(`  - ${expected}`);
  });
});

it("lists every problem at once, each with its path", async () => {
  const vars = { ...minimalVars(), account_id: -1, timezone: 5, jobs: [{ name: "", job_id: "x", tables: ["A.B.C"], days_of_week: [9] }] };
  const { ts, jinja } = await engines.both("build_orchestration_resources", context(vars));
  expect(jinja).toEqual(ts);
  expect(ts.error?.split("\n")).toEqual([
    "dbt_cloud_orchestration: 5 problem(s) in vars.dbt_cloud_orchestration:",
    "  - account_id: -1 is not a positive integer",
    "  - timezone: 5 is not a time zone of the IANA database, such as 'America/Chicago' (exact spelling)",
    "  - jobs[0].name: '' is not a non-empty string",
    "  - jobs[0].job_id: 'x' is not a positive integer",
    "  - jobs[0].days_of_week[0]: 9 is not a weekday: MON … SUN, or 0-6 with 0 = Monday",
  ]);
});

it("explains a missing config", async () => {
  const { ts, jinja } = await engines.both("build_orchestration_resources", { ...context(minimalVars()), vars: {} });
  expect(jinja).toEqual(ts);
  expect(ts.error).toMatch(/^dbt_cloud_orchestration: set 'vars: dbt_cloud_orchestration:' in dbt_project.yml/);
});

describe("the target's database and schema, as dbt-snowflake takes them from the profile", () => {
  it.each([
    ["a value in double quotes keeps its case", { database: '"Analytics"', schema: '"dbt_Dev"' }, '"Analytics"."dbt_Dev"'],
    ["any other value resolves in upper case", { database: "analytics", schema: "dbt_dev" }, '"ANALYTICS"."DBT_DEV"'],
    ["a quote inside quotes is doubled", { database: '"My ""Db"""', schema: "dev" }, '"My ""Db"""."DEV"'],
  ])("%s", async (_name, names, qualified) => {
    const vars = { ...minimalVars(), jobs: [{ name: "daily sales", job_id: 67890, tables: ["SALES.ORDERS"] }] };
    const ctx = context(vars, { target: { name: "dev", type: "snowflake", ...names }, args: { dry_run: true, offline: true } });
    const { ts, jinja } = await engines.both("build_orchestration_resources", ctx);
    expect(jinja).toEqual(ts);
    expect(ts.error).toBeNull();
    const statements = ts.returned as string[];
    expect(statements[0]).toBe(`create schema if not exists ${qualified}`);
    // A two-part table name is in the target's database, resolved the same way.
    const database = qualified.split('"."')[0] + '"';
    expect(statements.find((sql) => sql.startsWith("create stream"))).toContain(`on table ${database}."SALES"."ORDERS"`);
  });
});
