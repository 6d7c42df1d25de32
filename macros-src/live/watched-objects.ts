/**
 * The objects the jobs watch, as Snowflake has them: kind, owner, change tracking, and for views
 * their text and base tables. Read per distinct watched schema with SHOW TABLES and SHOW VIEWS
 * (paged: sql/show.ts), so the count does not grow with the number of jobs; a dynamic table's
 * refresh mode, an Iceberg table's catalog and a view's base tables cost one more query each, only
 * for such objects. Offline plans read nothing and assume tables.
 *
 * SHOW TABLES tells the kinds apart by its flags: is_external, is_event (event tables, 2023_05:
 * https://docs.snowflake.com/en/release-notes/bcr-bundles/2023_05/bcr-1006-1157), is_hybrid
 * (https://docs.snowflake.com/en/release-notes/bcr-bundles/2023_08/bcr-1415), is_iceberg
 * (https://docs.snowflake.com/en/release-notes/bcr-bundles/2023_08/bcr-1448) and is_dynamic
 * (https://docs.snowflake.com/en/release-notes/bcr-bundles/2024_03/bcr-1580); SHOW VIEWS has
 * is_materialized, is_secure and the view's text.
 */
import type { OrchestrationConfig } from "../config/types.js";
import { stop_with_error } from "../errors.js";
import { runQuery, type QueryRow } from "dbt-prelude";
import { PACKAGE_NAME } from "../sql/names.js";
import { quote_identifier, quote_literal, quote_name } from "../sql/quoting.js";
import { show_all } from "../sql/show.js";
import { cell_text, is_true, text_of } from "../sql/rows.js";
import { unsupported_view_clauses } from "./view-shape.js";

export interface WatchedObject {
  /**
   * "table", "dynamic table", "external table", "event table", "hybrid table", "iceberg table",
   * "externally managed iceberg table", "view", "materialized view" or "missing".
   */
  kind: string;
  owner: string;
  change_tracking: boolean;
  /** Dynamic tables: SHOW DYNAMIC TABLES' refresh_mode (INCREMENTAL or FULL). */
  refresh_mode: string;
  /** Views: SHOW VIEWS' text, the CREATE VIEW statement ("" when Snowflake hides it, as for another role's secure view). */
  text: string;
  is_secure: boolean;
  /** Views: the tables and views the view reads (GET_OBJECT_REFERENCES), as [database, schema, name]. */
  base_objects: string[][];
}

export interface WatchedObjects {
  /** False for an offline plan: nothing was read, every object is assumed to be a table. */
  read: boolean;
  /** The watched objects and, for views, the objects under them, by DATABASE.SCHEMA.NAME. */
  objects: Record<string, WatchedObject>;
  /** The build role (CURRENT_ROLE()), read only when some object lacks change tracking. */
  role: string;
  /** For each owner of an object without change tracking: whether the session has that role (IS_ROLE_IN_SESSION). */
  owners_in_session: Record<string, boolean>;
  queries: number;
}

/** How many views deep the base tables of a view are followed (a view over a view over a table is two). */
const VIEW_DEPTH = 8;

export function assumed_watched_objects(): WatchedObjects {
  return { read: false, objects: {}, role: "", owners_in_session: {}, queries: 0 };
}

export function object_key(parts: string[]): string {
  return parts.join(".");
}

function object_of(kind: string, owner: string, change_tracking: boolean): WatchedObject {
  return { kind, owner, change_tracking, refresh_mode: "", text: "", is_secure: false, base_objects: [] };
}

/** What the plan knows of a watched object: an offline plan assumes a table with change tracking. */
export function watched_object(watched: WatchedObjects, table: string[]): WatchedObject {
  const found = watched.objects[object_key(table)];
  if (found !== undefined) return found;
  return watched.read ? object_of("missing", "", false) : object_of("table", "", true);
}

/** SHOW's Y/N and ON/OFF columns (and true/false, as is_event prints it). */
function is_yes(value: unknown): boolean {
  return is_true(value) || (typeof value === "string" && (value.toUpperCase() === "Y" || value.toUpperCase() === "ON"));
}

function table_kind(row: QueryRow): string {
  if (is_yes(row["is_external"])) return "external table";
  if (is_yes(row["is_event"])) return "event table";
  if (is_yes(row["is_hybrid"])) return "hybrid table";
  if (is_yes(row["is_dynamic"])) return "dynamic table";
  if (is_yes(row["is_iceberg"])) return "iceberg table";
  return "table";
}

/** Every watched table of every job, once. */
export function distinct_watched(config: OrchestrationConfig): string[][] {
  const seen: Record<string, boolean> = {};
  const tables: string[][] = [];
  for (const job of config.jobs) {
    for (const table of job.tables) {
      if (seen[object_key(table)] !== true) tables.push(table);
      seen[object_key(table)] = true;
    }
  }
  return tables;
}

/** SHOW TABLES and SHOW VIEWS of one schema, every page, into `watched.objects`. */
function read_schema(watched: WatchedObjects, schema_parts: string[]): void {
  const schema = quote_name(schema_parts);
  const tables = show_all(`show tables in schema ${schema}`);
  const views = show_all(`show views in schema ${schema}`);
  watched.queries += 2;
  for (const row of tables) {
    watched.objects[object_key([...schema_parts, text_of(row, "name")])] =
      object_of(table_kind(row), text_of(row, "owner"), is_yes(row["change_tracking"]));
  }
  for (const row of views) {
    const view = object_of(is_yes(row["is_materialized"]) ? "materialized view" : "view", text_of(row, "owner"), is_yes(row["change_tracking"]));
    view.text = text_of(row, "text");
    view.is_secure = is_yes(row["is_secure"]);
    watched.objects[object_key([...schema_parts, text_of(row, "name")])] = view;
  }
}

/** The row of SHOW <kind> LIKE '<name>' IN SCHEMA with exactly that name (LIKE ignores case and '_' matches any character). */
function named_row(command: string, table: string[]): QueryRow | null {
  const rows = runQuery(`${command} like ${quote_literal(table[2]!)} in schema ${quote_name([table[0]!, table[1]!])}`).rows;
  const found = rows.filter((row) => text_of(row, "name") === table[2]!);
  return found.length === 0 ? null : found[0]!;
}

/**
 * A dynamic table's refresh mode (SHOW DYNAMIC TABLES' refresh_mode:
 * https://docs.snowflake.com/en/sql-reference/sql/show-dynamic-tables), and whether an Iceberg
 * table's catalog is Snowflake (SHOW ICEBERG TABLES' catalog_name is SNOWFLAKE) or another one
 * (https://docs.snowflake.com/en/sql-reference/sql/show-iceberg-tables).
 */
function read_kind_details(watched: WatchedObjects, table: string[], object: WatchedObject): void {
  if (object.kind === "dynamic table") {
    const row = named_row("show dynamic tables", table);
    watched.queries += 1;
    object.refresh_mode = row === null ? "" : text_of(row, "refresh_mode").toUpperCase();
  } else if (object.kind === "iceberg table") {
    const row = named_row("show iceberg tables", table);
    watched.queries += 1;
    const catalog = row === null ? "SNOWFLAKE" : text_of(row, "catalog_name").toUpperCase();
    if (catalog !== "" && catalog !== "SNOWFLAKE") object.kind = "externally managed iceberg table";
  }
}

/**
 * The tables and views a view reads, from GET_OBJECT_REFERENCES
 * (https://docs.snowflake.com/en/sql-reference/functions/get_object_references: the names go in as
 * quoted identifiers inside string literals; the columns are upper case, so QUOTED_IDENTIFIERS_IGNORE_CASE
 * does not change them).
 */
function name_argument(part: string): string {
  return quote_literal(quote_identifier(part));
}

function read_view_references(watched: WatchedObjects, view: string[], object: WatchedObject): void {
  const rows = runQuery(
    "select referenced_database_name, referenced_schema_name, referenced_object_name " +
      `from table(${quote_name([view[0]!, "INFORMATION_SCHEMA", "GET_OBJECT_REFERENCES"])}(` +
      `database_name => ${name_argument(view[0]!)}, schema_name => ${name_argument(view[1]!)}, object_name => ${name_argument(view[2]!)}))`).rows;
  watched.queries += 1;
  object.base_objects = rows.map((row) => [
    cell_text(row, "REFERENCED_DATABASE_NAME"), cell_text(row, "REFERENCED_SCHEMA_NAME"), cell_text(row, "REFERENCED_OBJECT_NAME"),
  ]);
}

/**
 * Reads `objects` and, for views, the objects under them, `depth` views deep; each schema once.
 * `visible_schemas` (DATABASE.SCHEMA keys), when given, limits the reads to schemas known to exist.
 */
function read_objects(watched: WatchedObjects, objects: string[][], schemas_read: Record<string, boolean>,
  visible_schemas: Record<string, boolean> | null, depth: number): void {
  for (const table of objects) {
    const schema_parts = [table[0]!, table[1]!];
    const schema_key = object_key(schema_parts);
    if (schemas_read[schema_key] === true) continue;
    schemas_read[schema_key] = true;
    if (visible_schemas !== null && visible_schemas[schema_key] !== true) continue;
    read_schema(watched, schema_parts);
  }
  const below: string[][] = [];
  for (const table of objects) {
    const object = watched.objects[object_key(table)];
    if (object === undefined || object.refresh_mode !== "" || object.base_objects.length > 0) continue;
    read_kind_details(watched, table, object);
    // Another role's secure view hides its text and its references (GET_OBJECT_REFERENCES needs OWNERSHIP then).
    if (object.kind === "view" && depth > 0 && (!object.is_secure || object.text !== "")) {
      read_view_references(watched, table, object);
      below.push(...object.base_objects);
    }
  }
  if (below.length > 0) read_objects(watched, below, schemas_read, visible_schemas, depth - 1);
}

/** Reads the watched objects (live build, dry run, preflight); see the module's comment. */
export function read_watched_objects(config: OrchestrationConfig, visible_schemas: Record<string, boolean> | null = null): WatchedObjects {
  const watched: WatchedObjects = { read: true, objects: {}, role: "", owners_in_session: {}, queries: 0 };
  read_objects(watched, distinct_watched(config), {}, visible_schemas, VIEW_DEPTH);
  read_owner_roles(watched, distinct_watched(config));
  return watched;
}

/** create_stream_generic's one table: read as a watched object of its own. */
export function read_one_object(table: string[]): WatchedObjects {
  const watched: WatchedObjects = { read: true, objects: {}, role: "", owners_in_session: {}, queries: 0 };
  read_objects(watched, [table], {}, null, VIEW_DEPTH);
  read_owner_roles(watched, [table]);
  return watched;
}

/** Every object whose change tracking a stream on `table` needs: the object, and for a view each object under it. */
function tracked_objects(watched: WatchedObjects, table: string[], depth: number): string[][] {
  const object = watched_object(watched, table);
  const found: string[][] = [table];
  if (object.kind !== "view" || depth === 0) return found;
  for (const base of object.base_objects) found.push(...tracked_objects(watched, base, depth - 1));
  return found;
}

/**
 * For objects without change tracking: the build role, and whether each owner role is in the
 * session's role hierarchy (IS_ROLE_IN_SESSION: https://docs.snowflake.com/en/sql-reference/functions/is_role_in_session),
 * in one query. Aliases are unquoted, so the columns come back in upper case whatever
 * QUOTED_IDENTIFIERS_IGNORE_CASE says.
 */
function read_owner_roles(watched: WatchedObjects, watched_tables: string[][]): void {
  const owners: string[] = [];
  let untracked = false;
  for (const table of watched_tables) {
    for (const tracked of tracked_objects(watched, table, VIEW_DEPTH)) {
      const object = watched_object(watched, tracked);
      if (!needs_change_tracking(object)) continue;
      untracked = true;
      if (object.owner !== "" && !owners.includes(object.owner)) owners.push(object.owner);
    }
  }
  if (!untracked) return;
  const columns = ["current_role() as BUILD_ROLE"];
  for (const [index, owner] of owners.entries()) columns.push(`is_role_in_session(${quote_literal(owner)}) as OWNER_ROLE_${index}`);
  const result = runQuery(`select ${columns.join(", ")}`);
  watched.queries += 1;
  if (result.rows.length === 0) return;
  const row = result.rows[0]!;
  watched.role = cell_text(row, "BUILD_ROLE");
  for (const [index, owner] of owners.entries()) watched.owners_in_session[owner] = is_true(row[`OWNER_ROLE_${index}`]);
}

/** The kinds whose streams need change tracking on the object (dynamic tables track their own; external tables are insert-only). */
const TRACKED_KINDS = ["table", "view", "event table", "iceberg table", "externally managed iceberg table"];

/**
 * Change tracking off on an object a stream needs it on (user-guide/streams-manage). A dynamic table
 * that refreshes incrementally tracks its changes itself (user-guide/dynamic-tables/streams-on-dts).
 */
export function needs_change_tracking(object: WatchedObject): boolean {
  return TRACKED_KINDS.includes(object.kind) && !object.change_tracking;
}

/** The statement the owner runs so that a stream can be created (user-guide/streams-manage). */
export function change_tracking_fix(table: string[], object: WatchedObject): string {
  if (object.kind === "view") return `alter view ${quote_name(table)} set change_tracking = true;`;
  return `alter table ${quote_name(table)} set change_tracking = true;`;
}

/** The build role is the object's owner role or has it in its session (it inherits OWNERSHIP). */
export function owned_by_build_role(watched: WatchedObjects, object: WatchedObject): boolean {
  return object.owner !== "" && (object.owner === watched.role || watched.owners_in_session[object.owner] === true);
}

/**
 * Only the owner may enable change tracking; CREATE STREAM enables it on the object (and a view's
 * base tables) when the build role owns them, and fails otherwise (user-guide/streams-manage).
 */
export function blocked_by_change_tracking(watched: WatchedObjects, table: string[]): boolean {
  return change_tracking_problems(watched, table).length > 0;
}

/** Whether some object under the stream (the object, or a view's base object) lacks change tracking. */
export function enables_change_tracking(watched: WatchedObjects, table: string[]): boolean {
  return tracked_objects(watched, table, VIEW_DEPTH).some((tracked) => needs_change_tracking(watched_object(watched, tracked)));
}

/** One reason Snowflake would refuse the stream: what, why, and what to do. */
export interface WatchProblem {
  /** DATABASE.SCHEMA.NAME of the object at fault (a view's base table, say). */
  object: string;
  why: string;
  fix: string;
}

function change_tracking_problems(watched: WatchedObjects, table: string[]): WatchProblem[] {
  const problems: WatchProblem[] = [];
  const build_role = watched.role === "" ? "the build role" : `the build role ${watched.role}`;
  for (const tracked of tracked_objects(watched, table, VIEW_DEPTH)) {
    const object = watched_object(watched, tracked);
    if (!needs_change_tracking(object) || owned_by_build_role(watched, object)) continue;
    const owner = object.owner === "" ? "another role" : `role ${object.owner}`;
    const subject = object_key(tracked) === object_key(table) ? `is a ${object.kind} with change tracking off, owned by ${owner}`
      : `reads ${object.kind} ${object_key(tracked)}, which has change tracking off and is owned by ${owner}`;
    problems.push({
      object: object_key(tracked),
      why: `${subject}, which ${build_role} neither is nor inherits; only its owner can enable it`,
      fix: `as ${object.owner === "" ? "its owner" : object.owner}, run: ${change_tracking_fix(tracked, object)}`,
    });
  }
  return problems;
}

/** Kinds a stream on a view cannot follow under the view. */
const UNFOLLOWED_UNDER_VIEW = ["hybrid table", "external table", "materialized view"];

function refusal(table: string[], why: string, fix: string): WatchProblem[] {
  return [{ object: object_key(table), why, fix }];
}

/**
 * Every reason Snowflake would refuse a stream on `table` for a job (`triggered`: the job has no
 * schedule), each a phrase about the watched object, with what to do:
 * - missing, or invisible to the build role;
 * - a materialized view or a hybrid table: no stream can watch them
 *   (https://docs.snowflake.com/en/user-guide/streams-intro;
 *   https://docs.snowflake.com/en/user-guide/tables-hybrid-limitations);
 * - an external table watched by a triggered task (https://docs.snowflake.com/en/user-guide/tasks-triggered);
 * - a dynamic table that refreshes in full: streams need incremental refresh
 *   (https://docs.snowflake.com/en/user-guide/dynamic-tables/streams-on-dts);
 * - a view with GROUP BY, QUALIFY, LIMIT or DISTINCT, or over a hybrid or external table or a
 *   materialized view (https://docs.snowflake.com/en/user-guide/streams-intro, "Streams on views");
 * - change tracking off on the object or, for a view, an object under it, owned by a role the build
 *   role neither is nor inherits (https://docs.snowflake.com/en/user-guide/streams-manage).
 */
export function stream_problems(watched: WatchedObjects, table: string[], triggered: boolean): WatchProblem[] {
  if (!watched.read) return [];
  const object = watched_object(watched, table);
  if (object.kind === "missing") {
    return refusal(table, "does not exist, or the build role cannot see it", "grant usage on its database and schema and select on it to the build role");
  }
  if (object.kind === "materialized view") return refusal(table, "is a materialized view, which a stream cannot watch", "watch its base tables instead");
  if (object.kind === "hybrid table") return refusal(table, "is a hybrid table, and streams cannot watch hybrid tables", "watch a standard table that receives the same changes");
  if (object.kind === "external table" && triggered) {
    return refusal(table, "is an external table, and triggered tasks do not support streams on external tables", "give the job a schedule");
  }
  if (object.kind === "dynamic table" && object.refresh_mode === "FULL") {
    return refusal(table, "is a dynamic table that refreshes in full (refresh_mode FULL), and streams need incremental refresh",
      "recreate it with refresh_mode = incremental, or watch its base tables");
  }
  const problems: WatchProblem[] = [];
  if (object.kind === "view") {
    const clauses = unsupported_view_clauses(object.text);
    if (clauses.length > 0) {
      problems.push(...refusal(table, `is a view with ${clauses.join(", ")}, which streams on views do not support`,
        "watch its base tables, or a view without GROUP BY, QUALIFY, LIMIT or DISTINCT"));
    }
    for (const base of object.base_objects) {
      const below = watched_object(watched, base);
      if (!UNFOLLOWED_UNDER_VIEW.includes(below.kind)) continue;
      problems.push({ object: object_key(base), why: `reads ${below.kind} ${object_key(base)}, which a stream on a view cannot follow`,
        fix: "watch a view over standard tables, or the tables themselves" });
    }
  }
  problems.push(...change_tracking_problems(watched, table));
  return problems;
}

/** Whether a job runs without a schedule (a triggered task). */
function is_triggered(job: { schedule: { kind: string } }): boolean {
  return job.schedule.kind === "triggered";
}

/**
 * Stops the build before any DDL when Snowflake would refuse a stream, listing every problem: what,
 * why, and what to do.
 */
export function check_watched_objects(config: OrchestrationConfig, watched: WatchedObjects): void {
  if (!watched.read) return;
  const problems: string[] = [];
  const reported: Record<string, boolean> = {};
  for (const job of config.jobs) {
    const who = `job ${quote_literal(job.name)} (${job.job_id})`;
    for (const table of job.tables) {
      for (const problem of stream_problems(watched, table, is_triggered(job))) {
        const line = `${object_key(table)} ${problem.why}; ${problem.fix}`;
        // A problem of the object itself is the same for every job that watches it: said once.
        if (reported[line] === true) continue;
        reported[line] = true;
        problems.push(`${who}: ${line}`);
      }
    }
  }
  if (problems.length > 0) {
    stop_with_error(`${PACKAGE_NAME}: the watched objects stop the build before any statement:\n  - ${problems.join("\n  - ")}`);
  }
}

/**
 * The CREATE STREAM form for the object's kind (https://docs.snowflake.com/en/sql-reference/sql/create-stream):
 * ON VIEW, ON DYNAMIC TABLE, ON EVENT TABLE, ON EXTERNAL TABLE … INSERT_ONLY = TRUE, and INSERT_ONLY
 * for an Iceberg table another catalog manages (insert-only streams are the only ones it supports).
 */
export function stream_source_clause(table: string[], kind: string): string {
  if (kind === "view") return `on view ${quote_name(table)}`;
  if (kind === "dynamic table") return `on dynamic table ${quote_name(table)}`;
  if (kind === "event table") return `on event table ${quote_name(table)}`;
  if (kind === "external table") return `on external table ${quote_name(table)} insert_only = true`;
  if (kind === "externally managed iceberg table") return `on table ${quote_name(table)} insert_only = true`;
  return `on table ${quote_name(table)}`;
}
