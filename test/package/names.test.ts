/**
 * The name helpers that planning calls for every job (sql/names.ts) take shortcuts around their
 * loops over characters: unquoted names split at the dots, safe names replace common characters
 * first and make the joined parts safe in one call. Each case below states what the original
 * character-by-character rules give, and TypeScript and dbt-core's Jinja must both give it.
 */
import { afterAll, describe, expect, it } from "vitest";
import { compileToScratch, JinjaOracle } from "../../scripts/engines/jinja-engine.js";
import { runTsMacro } from "../../scripts/engines/ts-engine.js";
import { PackageEngines, PACKAGE_SOURCES } from "../support/package-engines.js";
import { context, minimalVars, PROD_TARGET } from "./configs.js";

const oracle = new JinjaOracle();
const compiled = await compileToScratch(PACKAGE_SOURCES);
const engines = new PackageEngines();
afterAll(async () => {
  await oracle.close();
  await engines.close();
});

/** The macro's result in both engines (private helpers are `_name` in dbt), which must agree. */
async function returned(macro: string, args: Record<string, unknown>): Promise<unknown> {
  const [ts, jinja] = await Promise.all([runTsMacro(PACKAGE_SOURCES, macro, { args }), oracle.render(compiled, `_${macro}`, { args })]);
  expect(ts.error).toBeNull();
  expect(jinja).toEqual(ts);
  return ts.returned;
}

const T300 = "T".repeat(300);
const PARSED: Array<[string, string[], string | null]> = [
  ["RAW.SALES.ORDERS", ["RAW", "SALES", "ORDERS"], null],
  ["raw.sales._orders$1", ["RAW", "SALES", "_ORDERS$1"], null],
  ["ORDERS", ["ORDERS"], null],
  ["", [""], "has an empty part"],
  ["RAW..ORDERS", ["RAW", ""], "has an empty part"],
  ["RAW.SALES.", ["RAW", "SALES", ""], "has an empty part"],
  [".ORDERS", [""], "has an empty part"],
  ["RAW.1SALES.ORDERS", ["RAW", "1SALES"], "'1SALES' must be quoted to be used as a name"],
  ["RAW.SALES.ORDERS; DROP TABLE X", ["RAW", "SALES", "ORDERS; DROP TABLE X"], "'ORDERS; DROP TABLE X' must be quoted to be used as a name"],
  ["über.sales", ["ÜBER"], "'über' must be quoted to be used as a name"],
  ["RAW.a\tb", ["RAW", "A\tB"], "'a\tb' must be quoted to be used as a name"],
  [`RAW.${T300}`, ["RAW", T300], `'${T300}' must be quoted to be used as a name`],
  ['RAW.SALES."Order Items"', ["RAW", "SALES", "Order Items"], null],
  ['"raw"."sales".orders', ["raw", "sales", "ORDERS"], null],
  ['RAW."It""s"', ["RAW", 'It"s'], null],
  ['RAW."x"y', ["RAW"], "has text after a closing quote"],
  ['RAW."line\nbreak"', ["RAW", "line\nbreak"], "has a control character"],
  [`RAW."${T300}"`, ["RAW", T300], "has a part longer than 255 characters"],
  ['RAW."open', ["RAW"], "has an unclosed quote"],
];

describe("parse_object_name", () => {
  it.each(PARSED)("%j", async (text, parts, error) => {
    expect(await returned("parse_object_name", { text })).toEqual({ parts, error });
  });
});

const SAFE: Array<[string, string]> = [
  ["ORDERS", "ORDERS"],
  ["job 0", "JOB_0"],
  ["daily-sales.eu/v2: (main), $x", "DAILY_SALES_EU_V2___MAIN____X"],
  ["Daily Sales – EU", "DAILY_SALES___EU"],
  ["売上 daily", "___DAILY"],
  ["straße", "STRASSE"],
  ["sales'; drop table x; --", "SALES___DROP_TABLE_X____"],
  ["line\nbreak", "LINE_BREAK"],
];

describe("safe_name_part", () => {
  it.each(SAFE)("%j", async (text, safe) => {
    expect(await returned("safe_name_part", { text })).toEqual(safe);
  });
});

describe("job_stream_name", () => {
  it.each<[string[], string]>([
    [["RAW", "SALES", "ORDERS"], "ORCH_STREAM__7__RAW__SALES__ORDERS"],
    [["RAW", "SALES", "Order Items"], "ORCH_STREAM__7__RAW__SALES__ORDER_ITEMS"],
    // Parts ending or starting in `_` keep them on either side of the `__` between parts.
    [["A_", "_B", "c$"], "ORCH_STREAM__7__A____B__C_"],
    [["raw", "売上", "x.y"], "ORCH_STREAM__7__RAW______X_Y"],
  ])("%j", async (table, name) => {
    expect(await returned("job_stream_name", { job_id: 7, table })).toEqual(name);
  });
});

it("dbt 2.x plans the same names as TypeScript and dbt-core for jobs and tables of every kind above", async () => {
  const tables = PARSED.filter(([, parts, error]) => error === null && parts.length === 3).map(([text]) => text);
  const jobs = SAFE.map(([name], index) => ({ name, job_id: 100 + index, tables: [tables[index % tables.length]] }));
  const ctx = context({ ...minimalVars(), jobs }, { target: PROD_TARGET, args: { dry_run: true, offline: true, verbose: true } });
  const { ts, jinja, fusion } = await engines.all("build_orchestration_resources", ctx);
  expect(ts.error).toBeNull();
  expect(jinja).toEqual(ts);
  expect(fusion).toEqual(ts);
  // A dry run executes nothing and returns the SQL it would run.
  const planned = ts.returned as string[];
  for (const [index, [, safe]] of SAFE.entries()) {
    expect(planned.some((sql) => sql.startsWith(`create or alter task "ANALYTICS"."ANALYTICS"."ORCH_TASK__${safe}__${100 + index}"`))).toBe(true);
  }
});
