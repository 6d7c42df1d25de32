/**
 * Preflight checks of what the jobs watch (each object: exists, kind, change tracking, owner, and
 * for views their base tables and shape: the build's own reading and rules, live/watched-objects.ts) and
 * of the time zone, converted by Snowflake itself.
 */
import type { OrchestrationConfig } from "../config/types.js";
import { runQuery } from "dbt-prelude";
import { quote_literal, quote_name } from "../sql/quoting.js";
import {
  distinct_watched, enables_change_tracking, object_key, read_watched_objects, stream_problems, watched_object,
  type WatchedObject, type WatchedObjects,
} from "../live/watched-objects.js";
import { failed, passed, rows_where, type CheckResult } from "./check.js";
import { cell_text } from "../sql/rows.js";

/**
 * The DATABASE.SCHEMA keys of the watched schemas that exist (and the role can see): SHOW … LIKE per
 * distinct database and schema, so the answers stay small whatever the account holds.
 */
function visible_watched_schemas(config: OrchestrationConfig): Record<string, boolean> {
  const visible: Record<string, boolean> = {};
  const databases: Record<string, boolean> = {};
  for (const table of distinct_watched(config)) {
    const database = table[0]!;
    const schema_key = object_key([database, table[1]!]);
    if (databases[database] === undefined) {
      databases[database] = rows_where(runQuery(`show databases like ${quote_literal(database)}`).rows, "name", database).length > 0;
    }
    if (databases[database] !== true || visible[schema_key] !== undefined) continue;
    const found = rows_where(runQuery(`show schemas like ${quote_literal(table[1]!)} in database ${quote_name([database])}`).rows, "name", table[1]!);
    visible[schema_key] = found.length > 0;
  }
  return visible;
}

/** A passing object's description: kind, owner, and what its stream relies on. */
function described(watched: WatchedObjects, table: string[], object: WatchedObject): string {
  const owner = object.owner === "" ? "its owner" : `role ${object.owner}`;
  if (enables_change_tracking(watched, table)) {
    return `${object.kind} owned by ${owner}; the build role owns what lacks change tracking: the first build enables it`;
  }
  if (object.kind === "dynamic table") return `dynamic table owned by ${owner}, incremental refresh`;
  if (object.kind === "external table") return `external table owned by ${owner}: an insert-only stream`;
  if (object.kind === "externally managed iceberg table") return `Iceberg table owned by ${owner}, another catalog manages it: an insert-only stream`;
  if (object.kind === "view") {
    const names = object.base_objects.map((base) => object_key(base));
    const bases = names.length === 0 ? "" : `; reads ${names.join(", ")}`;
    return `view owned by ${owner}, change tracking on${bases}`;
  }
  return `${object.kind} owned by ${owner}, change tracking on`;
}

export function watched_object_checks(config: OrchestrationConfig, role: string): CheckResult[] {
  const watched = read_watched_objects(config, visible_watched_schemas(config));
  const triggered_tables: Record<string, boolean> = {};
  for (const job of config.jobs) {
    if (job.schedule.kind !== "triggered") continue;
    for (const table of job.tables) triggered_tables[object_key(table)] = true;
  }
  const checks: CheckResult[] = [];
  for (const table of distinct_watched(config)) {
    const name = `watched ${object_key(table)}`;
    const object = watched_object(watched, table);
    if (object.kind === "missing") {
      checks.push(failed(name, `does not exist, or role ${role} cannot see it`,
        `grant usage on database ${quote_name([table[0]!])} to role ${quote_name([role])}; grant usage on schema ${quote_name([table[0]!, table[1]!])} ` +
          `to role ${quote_name([role])}; grant select on ${quote_name(table)} to role ${quote_name([role])};`));
      continue;
    }
    const problems = stream_problems(watched, table, triggered_tables[object_key(table)] === true);
    for (const problem of problems) checks.push(failed(name, problem.why, problem.fix));
    if (problems.length === 0) checks.push(passed(name, described(watched, table, object)));
  }
  return checks;
}

/**
 * CONVERT_TIMEZONE inside an anonymous block whose handler turns a failure into a row, so an unknown
 * zone is a failed check rather than a failed run (sql-reference/sql/execute-immediate).
 */
export function timezone_checks(config: OrchestrationConfig): CheckResult[] {
  const anonymous_block = [
    "begin",
    `  return convert_timezone(${quote_literal(config.timezone)}, current_timestamp())::varchar;`,
    "exception",
    "  when other then",
    "    return 'ERROR: ' || sqlerrm;",
    "end;",
  ].join("\n");
  const result = runQuery(`execute immediate ${quote_literal(anonymous_block)}`);
  const answer = result.rows.length === 0 || result.column_names.length === 0 ? "" : cell_text(result.rows[0]!, result.column_names[0]!);
  const name = `time zone ${config.timezone}`;
  if (answer !== "" && !answer.startsWith("ERROR: ")) return [passed(name, `Snowflake converts it (now ${answer})`)];
  return [failed(name, `Snowflake does not convert it (${answer === "" ? "no answer" : answer})`,
    "set vars.dbt_cloud_orchestration.timezone to a time zone Snowflake knows, such as 'America/Chicago'")];
}
