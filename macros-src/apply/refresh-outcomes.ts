/**
 * On-demand run outcomes: for each job with runs the log table still has as unfinished, one CALL of
 * the procedure in mode 'refresh' (one read-only dbt Cloud request at most), then one UPDATE of
 * those log rows with what it reported.
 */
import type { OrchestrationConfig } from "../config/types.js";
import { asText, fromJson, isMapping, log, runQuery, toJson, type QueryRow } from "dbt-prelude";
import { quote_literal } from "../sql/quoting.js";
import type { LiveState } from "../live/live-state.js";
import { procedure_name } from "../desired/names.js";
import { record_outcomes_sql, unfinished_runs_sql } from "../desired/outcomes.js";
import { current_procedure } from "../plan/reconcile.js";

/** The procedure's refresh looks at one page of the job's newest runs: the API's page maximum. */
const REFRESH_LIMIT = 100;
const DIGITS = "0123456789";

/** Run ids from a comma-separated list the log table returned; anything but digits is dropped. */
function run_ids(text: string): string[] {
  const ids: string[] = [];
  for (const part of text.split(",")) {
    const id = part.trim();
    let digits = id.length > 0;
    for (const ch of id) {
      if (!DIGITS.includes(ch)) digits = false;
    }
    if (digits) ids.push(id);
  }
  return ids;
}

function pending_runs(config: OrchestrationConfig): Record<string, string[]> {
  const result = runQuery([
    // Unquoted aliases come back in upper case whatever QUOTED_IDENTIFIERS_IGNORE_CASE says (sql-reference/identifiers-syntax).
    "select job_id::varchar as JOB_ID, listagg(run_id::varchar, ',') within group (order by run_id) as RUN_IDS",
    `from (${unfinished_runs_sql(config, "", REFRESH_LIMIT)})`,
    "group by job_id",
  ].join("\n"));
  const pending: Record<string, string[]> = {};
  for (const row of result.rows) {
    const job_id = row["JOB_ID"];
    const ids = row["RUN_IDS"];
    if (job_id != null && ids != null) pending[asText(job_id as string)] = run_ids(asText(ids as string));
  }
  return pending;
}

/** The procedure's VARIANT result: JSON text through the connector, or already a mapping. */
function call_result(row: QueryRow, column: string): Record<string, unknown> {
  const value = row[column];
  if (isMapping(value)) return value;
  const parsed = value == null ? null : fromJson(asText(value as string));
  return isMapping(parsed) ? parsed : {};
}

function refresh_call(config: OrchestrationConfig, job_id: number, ids: string[]): string {
  return `call ${procedure_name(config)}(${quote_literal(config.access_url)}, ${config.account_id}, ${job_id}, ` +
    `'refresh run outcomes', null, null, null, null, null, ${quote_literal(config.timezone)}, ` +
    `object_construct('mode', 'refresh', 'known_run_ids', array_construct(${ids.join(", ")})))`;
}

/**
 * Asks dbt Cloud how the log table's unfinished runs ended and records it; returns one line per job
 * asked. A dry run prints the calls and asks nothing.
 */
export function refresh_outcomes(config: OrchestrationConfig, live: LiveState, dry_run: boolean): string[] {
  if (!live.log_table_exists || current_procedure(live) === null) {
    log("run outcomes: no log table or no procedure yet, nothing to refresh", true);
    return [];
  }
  const pending = pending_runs(config);
  const lines: string[] = [];
  for (const job of config.jobs) {
    const ids = pending[String(job.job_id)] ?? [];
    if (ids.length === 0) continue;
    const label = `${job.name} (${job.job_id})`;
    const statement_sql = refresh_call(config, job.job_id, ids);
    if (dry_run) {
      log(`${statement_sql};`, true);
      lines.push(`${label}: would ask about ${ids.length} unfinished run(s)`);
      continue;
    }
    const result = runQuery(statement_sql);
    const outcome = result.rows.length > 0 ? call_result(result.rows[0]!, result.column_names[0]!) : {};
    const runs = Array.isArray(outcome["runs"]) ? outcome["runs"] : [];
    const status = outcome["status"];
    if (status !== "OK") {
      const logs = Array.isArray(outcome["logs"]) ? outcome["logs"] : [];
      const last = logs.length > 0 ? logs[logs.length - 1] : null;
      const answered = typeof status === "string" ? status : "no status";
      lines.push(`${label}: the procedure answered ${answered}: ${typeof last === "string" ? last : "no log line"}`);
      continue;
    }
    if (runs.length > 0) runQuery(record_outcomes_sql(config, job.job_id, `parse_json(${quote_literal(toJson({ runs }))})`));
    lines.push(`${label}: ${runs.length} of ${ids.length} unfinished run(s) found in dbt Cloud and recorded`);
  }
  for (const line of lines) log(`run outcomes: ${line}`, true);
  return lines;
}
