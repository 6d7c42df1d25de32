/**
 * The orchestration schema as it is: a constant number of queries (at most six), whatever
 * the number of jobs. Objects are recognised as ours by their COMMENT (see desired/managed.ts).
 */
import { cell_text, is_true, named, text_of } from "../sql/rows.js";
import type { OrchestrationConfig } from "../config/types.js";
import { runQuery, type QueryRow, type QueryTable } from "dbt-prelude";
import { new_rows, next_page_from, show_all, show_page } from "../sql/show.js";
import { PROCEDURE_NAME } from "../sql/names.js";
import { quote_literal, quote_name } from "../sql/quoting.js";
import { comment_fingerprint, comment_owner, comment_owner_target, is_managed_comment, is_original_macro_comment } from "../desired/managed.js";
import { managed_name } from "../desired/names.js";
import { expired_log_rows } from "../desired/schema.js";

export interface LiveObject {
  name: string;
  managed: boolean;
  fingerprint: string;
  /** Tasks: "started" or "suspended". */
  state: string;
  /** Streams: why the stream cannot be read any more ("" when it can). */
  broken: string;
  /** Procedures: the argument types, as in `NAME(VARCHAR, NUMBER) RETURN …` ("" for other objects). */
  signature: string;
  /** Streams: when Snowflake will consider it stale, UTC, 'YYYY-MM-DD HH24:MI' ("" when unknown). */
  stale_after: string;
  /** Streams: stale within STALE_WARNING_DAYS days from now. */
  stale_soon: boolean;
  /** Tasks: SHOW TASKS' last_suspended_reason, e.g. SUSPENDED_DUE_TO_ERRORS ("" when none). */
  suspended_reason: string;
  /** "prod" or "non-prod" as its comment records who built it; "" when built before the package recorded it. */
  owner: string;
  /** The target that built it, from its comment ("" when not recorded). */
  owner_target: string;
  /** Made by create_stream_generic or create_task_generic (desired/managed.ts). */
  original: boolean;
  /** Tasks: whether its body calls the package's procedure, which calls dbt Cloud. */
  calls_dbt_cloud: boolean;
}

/** A stream going stale this soon (in days) gets a warning in the plan. */
export const STALE_WARNING_DAYS = 3;

/**
 * SHOW STREAMS' stale_after (user-guide/streams-intro: the date the stream becomes stale unless its
 * changes are consumed), as UTC text and compared with now by Snowflake, read from the SHOW's result
 * (https://docs.snowflake.com/en/sql-reference/functions/result_scan). Columns are named by position,
 * taken from the SHOW's own column names: SHOW's columns are lower case and a query can name them only
 * in double quotes, which QUOTED_IDENTIFIERS_IGNORE_CASE = TRUE would resolve in upper case
 * (https://docs.snowflake.com/en/sql-reference/identifiers-syntax). The aliases are unquoted for the same reason.
 */
function stream_staleness_sql(name_position: number, stale_after_position: number): string {
  const stale_after = `$${stale_after_position}`;
  return [
    `select $${name_position} as STREAM_NAME,`,
    `  to_varchar(convert_timezone('UTC', ${stale_after}), 'YYYY-MM-DD HH24:MI') as STALE_AFTER_UTC,`,
    `  ${stale_after} < dateadd(day, ${STALE_WARNING_DAYS}, current_timestamp()) as STALE_SOON,`,
    `  ${stale_after} < current_timestamp() as STALE_NOW`,
    "from table(result_scan(last_query_id()))",
  ].join("\n");
}

/** The 1-based position of `column` among a result's columns (0 when it has none). */
function column_position(table: QueryTable, column: string): number {
  for (const [index, name] of table.column_names.entries()) {
    if (name === column) return index + 1;
  }
  return 0;
}

/** Each stream row of a SHOW STREAMS page with stale_after (UTC text), stale_soon and stale_now from the RESULT_SCAN of that page. */
function with_staleness(page: QueryTable, rows: QueryRow[]): QueryRow[] {
  const name_position = column_position(page, "name");
  const stale_after_position = column_position(page, "stale_after");
  if (page.rows.length === 0 || name_position === 0 || stale_after_position === 0) return rows;
  const staleness: Record<string, QueryRow> = {};
  for (const row of runQuery(stream_staleness_sql(name_position, stale_after_position)).rows) staleness[cell_text(row, "STREAM_NAME")] = row;
  const completed: QueryRow[] = [];
  for (const row of rows) {
    const found = staleness[text_of(row, "name")];
    if (found === undefined) completed.push(row);
    else completed.push({ ...row, stale_after: cell_text(found, "STALE_AFTER_UTC"), stale_soon: found["STALE_SOON"], stale_now: found["STALE_NOW"] });
  }
  return completed;
}

/** SHOW STREAMS of the schema, every page, each followed by the RESULT_SCAN of its staleness. */
function stream_pages(command: string, from: string, rows: QueryRow[], state: LiveState): QueryRow[] {
  const page = show_page(command, from);
  state.queries += page.rows.length === 0 ? 1 : 2;
  rows.push(...with_staleness(page, new_rows(page, from)));
  const next = next_page_from(page);
  return next === "" ? rows : stream_pages(command, next, rows, state);
}

export interface LiveState {
  schema_exists: boolean;
  log_table_exists: boolean;
  log_table_managed: boolean;
  /** Who built the log table (LiveObject.owner). */
  log_table_owner: string;
  /** The log table's column names (upper case), read only when it exists and is ours. */
  log_table_columns: string[];
  /** How many of its rows are older than log_retention_days, as text ("0" when it is not ours or has none). */
  log_rows_expired: string;
  /** Every procedure with the package's procedure name: overloads differ by their signature. */
  procedures: LiveObject[];
  streams: LiveObject[];
  tasks: LiveObject[];
  queries: number;
}

export function empty_live_state(): LiveState {
  return {
    schema_exists: false, log_table_exists: false, log_table_managed: false, log_table_owner: "", log_table_columns: [],
    log_rows_expired: "0", procedures: [], streams: [],
    tasks: [], queries: 0,
  };
}

/** The argument types of SHOW PROCEDURES' `arguments`: `DBT_CLOUD_RUN_JOB(VARCHAR, NUMBER) RETURN VARIANT` → `VARCHAR, NUMBER`. */
function signature_of(row: QueryRow): string {
  const parts = text_of(row, "arguments").split(") RETURN ");
  const opened = parts[0]!.split("(");
  return parts.length === 2 && opened.length === 2 ? opened[1]! : "";
}

function live_object(row: QueryRow, comment_column: string, kind: string): LiveObject {
  const comment = text_of(row, comment_column);
  // What SHOW STREAMS documents (sql-reference/sql/show-streams): `stale`, and `stale_after`, the time the stream
  // becomes stale; its `invalid_reason` is documented as always N/A, so it tells nothing.
  let broken = "";
  if (is_true(row["stale"])) broken = "stale";
  else if (is_true(row["stale_now"])) broken = `stale since ${text_of(row, "stale_after")} UTC`;
  return {
    name: text_of(row, "name"), managed: is_managed_comment(comment), fingerprint: comment_fingerprint(comment),
    state: text_of(row, "state").toLowerCase(), broken, signature: signature_of(row), stale_after: text_of(row, "stale_after"),
    stale_soon: is_true(row["stale_soon"]), suspended_reason: text_of(row, "last_suspended_reason"),
    owner: comment_owner(comment), owner_target: comment_owner_target(comment), original: is_original_macro_comment(kind, comment),
    calls_dbt_cloud: text_of(row, "definition").includes(`."${PROCEDURE_NAME}"(`),
  };
}

export function read_live_state(config: OrchestrationConfig): LiveState {
  const state = empty_live_state();
  const schema = quote_name([config.database, config.schema]);
  const schemas = runQuery(`show schemas like ${quote_literal(config.schema)} in database ${quote_name([config.database])}`);
  state.queries = 1;
  if (named(schemas.rows, config.schema).length === 0) return state;
  state.schema_exists = true;
  const tables = runQuery(`show tables like ${quote_literal(config.log_table)} in schema ${schema}`);
  const procedures = runQuery(`show procedures like ${quote_literal(PROCEDURE_NAME)} in schema ${schema}`);
  state.queries = 3;
  const streams = stream_pages(`show streams in schema ${schema}`, "", [], state);
  const tasks = show_all(`show tasks in schema ${schema}`);
  state.queries += 1;
  const log_tables = named(tables.rows, config.log_table);
  state.log_table_exists = log_tables.length > 0;
  state.log_table_managed = log_tables.length > 0 && is_managed_comment(text_of(log_tables[0]!, "comment"));
  state.log_table_owner = log_tables.length > 0 ? comment_owner(text_of(log_tables[0]!, "comment")) : "";
  state.procedures = named(procedures.rows, PROCEDURE_NAME).map((row) => live_object(row, "description", "procedure"));
  state.streams = streams.map((row) => live_object(row, "comment", "stream"));
  state.tasks = tasks.map((row) => live_object(row, "comment", "task"));
  if (state.log_table_managed) {
    // One more query, only for an existing log table: its columns tell an older shape from the current one.
    const columns = runQuery(`describe table ${quote_name([config.database, config.schema, config.log_table])}`);
    state.log_table_columns = columns.rows.map((row) => text_of(row, "name").toUpperCase());
    state.queries += 1;
  }
  return state;
}

/**
 * For the build: how many log rows are past log_retention_days (one count, only for an existing log
 * table of ours), so its plan deletes only when there is something to delete and a rebuild stays unchanged.
 */
export function read_expired_log_rows(config: OrchestrationConfig, state: LiveState): void {
  if (!state.log_table_managed) return;
  const expired = runQuery(`select count(*) as EXPIRED_ROWS from ${managed_name(config, config.log_table)} where ${expired_log_rows(config)}`);
  state.queries += 1;
  if (expired.rows.length > 0 && cell_text(expired.rows[0]!, "EXPIRED_ROWS") !== "") state.log_rows_expired = cell_text(expired.rows[0]!, "EXPIRED_ROWS");
}
