/**
 * Parsing of Snowflake object names as users write them in `vars` (`RAW.SALES.ORDERS`,
 * `"RAW"."SALES"."Order Items"`), and the names of the objects the package manages.
 */

export interface ParsedName {
  parts: string[];
  error: string | null;
}

const IDENTIFIER_START = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_";
const IDENTIFIER_REST = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789$";
export const MAX_NAME_LENGTH = 255;

/** True for a name Snowflake accepts without quotes (it resolves it in upper case). */
export function is_plain_identifier(text: string): boolean {
  if (text.length === 0 || text.length > MAX_NAME_LENGTH) return false;
  let first = true;
  for (const ch of text) {
    if (first && !IDENTIFIER_START.includes(ch)) return false;
    if (!first && !IDENTIFIER_REST.includes(ch)) return false;
    first = false;
  }
  return true;
}

function has_control_character(text: string): boolean {
  for (const ch of text) {
    if (ch === "\n" || ch === "\r" || ch === "\t" || ch === "\u0000") return true;
  }
  return false;
}

/**
 * Splits a dotted name into its parts, resolved as Snowflake resolves them: unquoted parts in
 * upper case, quoted parts exactly (with "" standing for one quote).
 */
export function parse_object_name(text: string): ParsedName {
  const parts: string[] = [];
  let current = "";
  let in_quotes = false;
  let was_quoted = false;
  let quote_pending = false;
  let error: string | null = null;
  for (const ch of text) {
    if (error !== null) break;
    if (in_quotes && quote_pending) {
      quote_pending = false;
      if (ch === '"') {
        current += '"';
        continue;
      }
      in_quotes = false;
    } else if (in_quotes) {
      if (ch === '"') quote_pending = true;
      else current += ch;
      continue;
    }
    if (ch === ".") {
      if (current.length === 0) error = "has an empty part";
      else if (!was_quoted && !is_plain_identifier(current)) error = `'${current}' must be quoted to be used as a name`;
      parts.push(was_quoted ? current : current.toUpperCase());
      current = "";
      was_quoted = false;
    } else if (ch === '"') {
      if (current.length > 0 || was_quoted) error = "has a quote in the middle of a part";
      in_quotes = true;
      was_quoted = true;
    } else if (was_quoted) {
      error = "has text after a closing quote";
    } else {
      current += ch;
    }
  }
  if (error === null && in_quotes && !quote_pending) error = "has an unclosed quote";
  if (error === null) {
    if (current.length === 0) error = "has an empty part";
    else if (!was_quoted && !is_plain_identifier(current)) error = `'${current}' must be quoted to be used as a name`;
    parts.push(was_quoted ? current : current.toUpperCase());
  }
  const too_long = parts.some((part) => part.length > MAX_NAME_LENGTH);
  const has_control = parts.some((part) => has_control_character(part));
  if (error === null && too_long) error = `has a part longer than ${MAX_NAME_LENGTH} characters`;
  if (error === null && has_control) error = "has a control character";
  return { parts, error };
}

/** Upper-case letters and digits kept, everything else `_`: a name part safe without quotes. */
export function safe_name_part(text: string): string {
  let out = "";
  for (const ch of text.toUpperCase()) {
    out += "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".includes(ch) ? ch : "_";
  }
  return out;
}

/** create_stream_generic's stream on a table: ORCH_STREAM__<DATABASE>__<SCHEMA>__<TABLE>. */
export function stream_name(table: string[]): string {
  return `ORCH_STREAM__${table.map((part) => safe_name_part(part)).join("__")}`;
}

/**
 * A job's own stream on a table: ORCH_STREAM__<JOB ID>__<DATABASE>__<SCHEMA>__<TABLE>. Each job has its
 * own, because a stream's offset moves for everyone who reads it: a stream shared by two jobs would
 * hand one job's unconsumed changes to the other's commit.
 */
export function job_stream_name(job_id: number, table: string[]): string {
  return `ORCH_STREAM__${job_id}__${table.map((part) => safe_name_part(part)).join("__")}`;
}

/** The managed task of a job: ORCH_TASK__<JOB NAME>__<JOB ID>; the id keeps it unique. */
export function task_name(job_name: string, job_id: number): string {
  return `ORCH_TASK__${safe_name_part(job_name)}__${job_id}`;
}

export const PROCEDURE_NAME = "DBT_CLOUD_RUN_JOB";
export const NETWORK_RULE_NAME = "DBT_CLOUD_API_NETWORK_RULE";
export const PACKAGE_NAME = "dbt_cloud_orchestration";
