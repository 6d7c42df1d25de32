/** Streams: one per watched table, created if missing and never replaced (that would drop its pending changes). */
import { stop_with_error } from "../errors.js";
import { load_orchestration_config } from "../config/load.js";
import type { JobConfig, OrchestrationConfig } from "../config/types.js";
import { parse_object_name, stream_name } from "../sql/names.js";
import { quote_literal } from "../sql/quoting.js";
import { fingerprint_of, fingerprinted_comment, type DesiredObject } from "./managed.js";
import { managed_label, managed_name } from "./names.js";
import type { PlannedStatement } from "./plan-types.js";
import { run_plan } from "./run-plan.js";
import { read_one_object, stream_problems, stream_source_clause, watched_object } from "./watched-objects.js";

function stream_sql(qualified: string, source_clause: string, comment: string, replace: boolean): string {
  return `${replace ? "create or replace stream" : "create stream if not exists"} ${qualified}\n` +
    `  ${source_clause}\n  comment = ${quote_literal(comment)}`;
}

/** The name and source clause are built once: the draft (for the fingerprint) and the statement differ only in the comment. */
function stream_object(config: OrchestrationConfig, stream: string, table: string[], kind: string, purpose: string, replace: boolean):
  DesiredObject {
  const qualified = managed_name(config, stream);
  const source_clause = stream_source_clause(table, kind);
  const fingerprint = fingerprint_of(stream_sql(qualified, source_clause, purpose, false));
  return {
    kind: "stream", name: stream, label: managed_label(config, stream), fingerprint,
    sql: stream_sql(qualified, source_clause, fingerprinted_comment(purpose, fingerprint, config.deployment), replace),
  };
}

/**
 * A job's managed stream on its watched object `job.tables[index]`, of the given kind ("table",
 * "view", "dynamic table", "external table"); `replace` only heals a stale or broken one.
 */
export function desired_stream(config: OrchestrationConfig, job: JobConfig, index: number, kind: string, replace = false): DesiredObject {
  const table = job.tables[index]!;
  return stream_object(config, job.stream_names[index]!, table, kind, `changes of ${table.join(".")} for dbt Cloud job ${job.job_id}`, replace);
}

/** create_stream_generic's stream, in the CREATE STREAM form of the table's kind. */
export function stream_statement(config: OrchestrationConfig, table: string[], kind: string): PlannedStatement {
  const stream = stream_object(config, stream_name(table), table, kind, `changes of ${table.join(".")}`, false);
  const on = kind === "table" ? table.join(".") : `${kind} ${table.join(".")}`;
  return {
    action: "create", object: stream.label, sql: stream.sql,
    description: `create stream ${stream.name} on ${on} if missing (never replaced)`,
  };
}

function name_part(value: string, what: string): string {
  const parsed = parse_object_name(value);
  if (parsed.error !== null || parsed.parts.length !== 1) {
    stop_with_error(`create_stream_generic: ${what} '${value}' ${parsed.error ?? "must be a single name"}`);
  }
  return parsed.parts[0]!;
}

/**
 * Snowflake implementation of create_stream_generic (the entry point, with its documentation, is in
 * macros-src/originals.ts). A run reads the table first: its kind chooses the CREATE STREAM form, and
 * what Snowflake would refuse stops here, before the statement. A dry run, like the original macro's,
 * opens no connection: it reads nothing and shows the statement for a table.
 */
export function snowflake__create_stream_generic(database: string, schema: string, table: string, dry_run = false): string[] {
  const config = load_orchestration_config();
  const parts = [name_part(database, "database"), name_part(schema, "schema"), name_part(table, "table")];
  if (dry_run) {
    return run_plan([stream_statement(config, parts, "table")], true,
      "create a stream (the dry run reads nothing: it shows the form for a table; a run reads the object's kind first)");
  }
  const watched = read_one_object(parts);
  const problems = stream_problems(watched, parts, false);
  if (problems.length > 0) {
    stop_with_error(`create_stream_generic: no stream on ${parts.join(".")}:\n  - ` +
      problems.map((problem) => `${parts.join(".")} ${problem.why}; ${problem.fix}`).join("\n  - "));
  }
  return run_plan([stream_statement(config, parts, watched_object(watched, parts).kind)], false, "create a stream");
}
