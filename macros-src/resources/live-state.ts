/**
 * The orchestration schema as it is: a constant number of queries (at most six), whatever
 * the number of jobs. Objects are recognised as ours by their COMMENT (see managed.ts).
 */
import type { OrchestrationConfig } from "../config/types.js";
import { asText, runQuery, type QueryRow } from "../prelude/dbt.js";
import { PROCEDURE_NAME } from "../sql/names.js";
import { quote_literal, quote_name } from "../sql/quoting.js";
import { comment_fingerprint, is_managed_comment } from "./managed.js";

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
}

/** A stream going stale this soon (in days) gets a warning in the plan. */
export const STALE_WARNING_DAYS = 3;

/**
 * SHOW STREAMS' stale_after (user-guide/streams-intro: the date the stream becomes stale unless its
 * changes are consumed), as UTC text and compared with now by Snowflake, read from the SHOW's result.
 */
function stream_staleness_sql(): string {
  return [
    `select "name", "comment", "stale", "invalid_reason",`,
    `  to_varchar(convert_timezone('UTC', "stale_after"), 'YYYY-MM-DD HH24:MI') as "stale_after",`,
    `  "stale_after" < dateadd(day, ${STALE_WARNING_DAYS}, current_timestamp()) as "stale_soon"`,
    "from table(result_scan(last_query_id()))",
  ].join("\n");
}

export interface LiveState {
  schema_exists: boolean;
  log_table_exists: boolean;
  log_table_managed: boolean;
  /** The log table's column names (upper case), read only when it exists and is ours. */
  log_table_columns: string[];
  /** Every procedure with the package's procedure name: overloads differ by their signature. */
  procedures: LiveObject[];
  streams: LiveObject[];
  tasks: LiveObject[];
  queries: number;
}

export function empty_live_state(): LiveState {
  return {
    schema_exists: false, log_table_exists: false, log_table_managed: false, log_table_columns: [], procedures: [], streams: [],
    tasks: [], queries: 0,
  };
}

/** A text column; dbt's agate tables turn empty strings into none. */
export function text_of(row: QueryRow, column: string): string {
  const value = row[column];
  return typeof value === "string" ? value : "";
}

/** A column's value as text ("" when null); dbt may hand over typed values (booleans, numbers, timestamps). */
export function cell_text(row: QueryRow, column: string): string {
  const value = row[column];
  if (value == null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "true" : "false";
  return asText(value as string);
}

/** SHOW's 'true'/'false' columns: text from Snowflake, booleans once dbt's agate has typed them. */
export function is_true(value: unknown): boolean {
  return value === true || (typeof value === "string" && value.toLowerCase() === "true");
}

/** The argument types of SHOW PROCEDURES' `arguments`: `DBT_CLOUD_RUN_JOB(VARCHAR, NUMBER) RETURN VARIANT` → `VARCHAR, NUMBER`. */
function signature_of(row: QueryRow): string {
  const parts = text_of(row, "arguments").split(") RETURN ");
  const opened = parts[0]!.split("(");
  return parts.length === 2 && opened.length === 2 ? opened[1]! : "";
}

function live_object(row: QueryRow, comment_column: string): LiveObject {
  const comment = text_of(row, comment_column);
  const invalid = text_of(row, "invalid_reason");
  let broken = "";
  if (is_true(row["stale"])) broken = "stale";
  if (invalid !== "" && invalid.toUpperCase() !== "N/A") broken = broken === "" ? invalid : `${broken}: ${invalid}`;
  return {
    name: text_of(row, "name"), managed: is_managed_comment(comment), fingerprint: comment_fingerprint(comment),
    state: text_of(row, "state").toLowerCase(), broken, signature: signature_of(row), stale_after: text_of(row, "stale_after"),
    stale_soon: is_true(row["stale_soon"]), suspended_reason: text_of(row, "last_suspended_reason"),
  };
}

function named(rows: QueryRow[], name: string): QueryRow[] {
  // LIKE is case-insensitive and '_' matches any character: keep exact names only.
  return rows.filter((row) => text_of(row, "name") === name);
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
  const shown_streams = runQuery(`show streams in schema ${schema}`);
  // RESULT_SCAN reads the SHOW just run (sql-reference/functions/result_scan): one more query, whatever the number of streams.
  const streams = shown_streams.rows.length === 0 ? shown_streams : runQuery(stream_staleness_sql());
  const tasks = runQuery(`show tasks in schema ${schema}`);
  state.queries = shown_streams.rows.length === 0 ? 5 : 6;
  const log_tables = named(tables.rows, config.log_table);
  state.log_table_exists = log_tables.length > 0;
  state.log_table_managed = log_tables.length > 0 && is_managed_comment(text_of(log_tables[0]!, "comment"));
  state.procedures = named(procedures.rows, PROCEDURE_NAME).map((row) => live_object(row, "description"));
  state.streams = streams.rows.map((row) => live_object(row, "comment"));
  state.tasks = tasks.rows.map((row) => live_object(row, "comment"));
  if (state.log_table_managed) {
    // One more query, only for an existing log table: its columns tell an older shape from the current one.
    const columns = runQuery(`describe table ${quote_name([config.database, config.schema, config.log_table])}`);
    state.log_table_columns = columns.rows.map((row) => text_of(row, "name").toUpperCase());
    state.queries = 6;
  }
  return state;
}
