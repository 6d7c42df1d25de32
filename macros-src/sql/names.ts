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

/**
 * True for a name Snowflake accepts without quotes (it resolves it in upper case). Every start
 * character is also a rest character, so one loop checks them all and the first is checked apart:
 * no loop variable to carry, which in dbt-core's sandboxed Jinja would cost a namespace read per character.
 */
export function is_plain_identifier(text: string): boolean {
  if (text.length === 0 || text.length > MAX_NAME_LENGTH) return false;
  if (!IDENTIFIER_START.includes(text.slice(0, 1))) return false;
  for (const ch of text) {
    if (!IDENTIFIER_REST.includes(ch)) return false;
  }
  return true;
}

/** A newline, carriage return, tab or NUL, which no name part may hold (parse_object_name refuses them). */
function has_control_character(text: string): boolean {
  return text.includes("\n") || text.includes("\r") || text.includes("\t") || text.includes("\u0000");
}

/**
 * Splits a dotted name into its parts, resolved as Snowflake resolves them: unquoted parts in
 * upper case, quoted parts exactly (with "" standing for one quote).
 */
export function parse_object_name(text: string): ParsedName {
  const parts: string[] = [];
  let error: string | null = null;
  if (!text.includes('"')) {
    // Without quotes, the parts are what lies between the dots (the common case, and without a
    // loop over characters): the same parts, in upper case, and the same first error as below.
    for (const piece of text.split(".")) {
      if (piece.length === 0) error = "has an empty part";
      else if (!is_plain_identifier(piece)) error = `'${piece}' must be quoted to be used as a name`;
      parts.push(piece.toUpperCase());
      if (error !== null) break;
    }
  } else {
    let current = "";
    let in_quotes = false;
    let was_quoted = false;
    let quote_pending = false;
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
  }
  // Quoted parts too must fit and carry no control character.
  const too_long = parts.some((part) => part.length > MAX_NAME_LENGTH);
  const has_control = parts.some((part) => has_control_character(part));
  if (error === null && too_long) error = `has a part longer than ${MAX_NAME_LENGTH} characters`;
  if (error === null && has_control) error = "has a control character";
  return { parts, error };
}

const SAFE_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/**
 * Upper-case letters and digits kept, everything else `_`: a name part safe without quotes.
 * Planning makes four such parts per job. The characters names most often hold besides letters and
 * digits are replaced first, without a loop; then, in the common case, one plain loop finds nothing
 * left to replace. Only text with other characters takes the loop that rebuilds it one character at
 * a time (in dbt-core's sandboxed Jinja, a namespace read and write per character).
 */
export function safe_name_part(text: string): string {
  const upper = text.toUpperCase().replaceAll(" ", "_").replaceAll("-", "_").replaceAll(".", "_").replaceAll("$", "_")
    .replaceAll("/", "_").replaceAll(":", "_").replaceAll("(", "_").replaceAll(")", "_").replaceAll(",", "_");
  for (const ch of upper) {
    if (ch !== "_" && !SAFE_CHARACTERS.includes(ch)) return each_character_safe(upper);
  }
  return upper;
}

function each_character_safe(text: string): string {
  let out = "";
  for (const ch of text) {
    out += SAFE_CHARACTERS.includes(ch) ? ch : "_";
  }
  return out;
}

/** create_stream_generic's stream on a table: ORCH_STREAM__<DATABASE>__<SCHEMA>__<TABLE>. */
export function stream_name(table: string[]): string {
  return `ORCH_STREAM__${safe_name_parts(table)}`;
}

/**
 * A job's own stream on a table: ORCH_STREAM__<JOB ID>__<DATABASE>__<SCHEMA>__<TABLE>. Each job has its
 * own, because a stream's offset moves for everyone who reads it: a stream shared by two jobs would
 * hand one job's unconsumed changes to the other's commit.
 */
export function job_stream_name(job_id: number, table: string[]): string {
  return `ORCH_STREAM__${job_id}__${safe_name_parts(table)}`;
}

/**
 * Each part made safe, joined by `__`. safe_name_part works character by character and keeps `_`,
 * so making the joined text safe gives the same name with one call and no loop over the parts.
 */
function safe_name_parts(parts: string[]): string {
  return safe_name_part(parts.join("__"));
}

/** The managed task of a job: ORCH_TASK__<JOB NAME>__<JOB ID>; the id keeps it unique. */
export function task_name(job_name: string, job_id: number): string {
  return `ORCH_TASK__${safe_name_part(job_name)}__${job_id}`;
}

export const PROCEDURE_NAME = "DBT_CLOUD_RUN_JOB";
export const NETWORK_RULE_NAME = "DBT_CLOUD_API_NETWORK_RULE";
export const PACKAGE_NAME = "dbt_cloud_orchestration";

/**
 * A name part as Snowflake prints it inside a qualified name (SHOW GRANTS' `name`, DESCRIBE
 * INTEGRATION's lists): bare when it resolves unquoted (upper case, plain characters), double-quoted
 * otherwise (sql-reference/identifiers-syntax).
 */
export function display_part(part: string): string {
  return is_plain_identifier(part) && part === part.toUpperCase() ? part : `"${part.replaceAll('"', '""')}"`;
}

/** A qualified name as Snowflake prints it: DB.SCHEMA."Mixed Case". */
export function display_name(parts: string[]): string {
  return parts.map((part) => display_part(part)).join(".");
}

/**
 * The database or schema a dbt profile names, as Snowflake resolves it. dbt-snowflake takes a value
 * already in double quotes as the exact name (quotes stripped) and upper-cases any other, as an
 * unquoted identifier resolves (dbt-snowflake's SnowflakeAdapter._make_match_kwargs:
 * https://github.com/dbt-labs/dbt-adapters/blob/main/dbt-snowflake/src/dbt/adapters/snowflake/impl.py),
 * so '"Analytics"' in profiles.yml is the database Analytics and 'analytics' is ANALYTICS.
 */
export function profile_identifier(text: string): string {
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) return text.slice(1, -1).replaceAll('""', '"');
  return text.toUpperCase();
}
