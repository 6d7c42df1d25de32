/**
 * Preflight checks of what the jobs watch (each object: exists, kind, change tracking, owner) and
 * of the time zone, converted by Snowflake itself.
 */
import type { OrchestrationConfig } from "../config/types.js";
import { runQuery } from "../prelude/dbt.js";
import { quote_literal, quote_name } from "../sql/quoting.js";
import {
  change_tracking_fix, distinct_watched, needs_change_tracking, object_key, owned_by_build_role, read_watched_objects, watched_object,
} from "../resources/watched-objects.js";
import { failed, passed, type CheckResult } from "./check.js";
import { cell_text } from "../resources/live-state.js";

/** The DATABASE.SCHEMA keys of the watched schemas that exist (and the role can see). */
function visible_watched_schemas(config: OrchestrationConfig): Record<string, boolean> {
  const visible: Record<string, boolean> = {};
  const databases: Record<string, boolean> = {};
  for (const row of runQuery("show databases").rows) databases[cell_text(row, "name")] = true;
  const asked: Record<string, boolean> = {};
  for (const table of distinct_watched(config)) {
    const database = table[0]!;
    if (databases[database] !== true || asked[database] === true) continue;
    asked[database] = true;
    for (const row of runQuery(`show schemas in database ${quote_name([database])}`).rows) {
      visible[object_key([database, cell_text(row, "name")])] = true;
    }
  }
  return visible;
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
    const label = object_key(table);
    const name = `watched ${label}`;
    const object = watched_object(watched, table);
    const owner_role = object.owner === "" ? "its owner" : `role ${object.owner}`;
    if (object.kind === "missing") {
      checks.push(failed(name, `does not exist, or role ${role} cannot see it`,
        `grant usage on database ${quote_name([table[0]!])} to role ${quote_name([role])}; grant usage on schema ${quote_name([table[0]!, table[1]!])} ` +
          `to role ${quote_name([role])}; grant select on ${quote_name(table)} to role ${quote_name([role])};`));
    } else if (object.kind === "materialized view") {
      checks.push(failed(name, "is a materialized view, which a stream cannot watch", "watch its base tables instead"));
    } else if (object.kind === "external table" && triggered_tables[label] === true) {
      checks.push(failed(name, "is an external table, and triggered tasks do not support streams on external tables",
        "give the jobs that watch it a schedule"));
    } else if (needs_change_tracking(object) && !owned_by_build_role(watched, object)) {
      checks.push(failed(name, `${object.kind} owned by ${owner_role} with change tracking off; only its owner can enable it`,
        `as ${object.owner}: ${change_tracking_fix(table, object)}`));
    } else if (needs_change_tracking(object)) {
      checks.push(passed(name, `${object.kind} owned by ${owner_role}, a role of this session: the first build enables change tracking`));
    } else {
      const tracking = object.kind === "table" || object.kind === "view" ? ", change tracking on" : "";
      checks.push(passed(name, `${object.kind} owned by ${owner_role}${tracking}`));
    }
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
