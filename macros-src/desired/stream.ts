/** Streams: one per watched table, created if missing and never replaced (that would drop its pending changes). */
import type { JobConfig, OrchestrationConfig } from "../config/types.js";
import { stream_name } from "../sql/names.js";
import { quote_literal } from "../sql/quoting.js";
import { fingerprint_of, fingerprinted_comment, type DesiredObject } from "./managed.js";
import { managed_label, managed_name } from "./names.js";
import type { PlannedStatement } from "../plan/plan-types.js";
import { stream_source_clause } from "../live/watched-objects.js";

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
