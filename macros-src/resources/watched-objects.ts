/**
 * The objects the jobs watch, as Snowflake has them: kind, owner and change tracking. Read with two
 * SHOW queries per distinct watched schema (SHOW TABLES lists tables, dynamic tables with
 * is_dynamic = Y and external tables with is_external = Y; SHOW VIEWS lists views), so the count
 * does not grow with the number of jobs. Offline plans read nothing and assume tables.
 */
import type { OrchestrationConfig } from "../config/types.js";
import { stop_with_error } from "../errors.js";
import { runQuery, type QueryRow } from "../prelude/dbt.js";
import { PACKAGE_NAME } from "../sql/names.js";
import { quote_identifier, quote_literal, quote_name } from "../sql/quoting.js";
import { cell_text, is_true, text_of } from "./live-state.js";

export interface WatchedObject {
  /** "table", "dynamic table", "external table", "view", "materialized view" or "missing". */
  kind: string;
  owner: string;
  change_tracking: boolean;
}

export interface WatchedObjects {
  /** False for an offline plan: nothing was read, every object is assumed to be a table. */
  read: boolean;
  objects: Record<string, WatchedObject>;
  /** The build role (CURRENT_ROLE()), read only when some object lacks change tracking. */
  role: string;
  /** For each owner of an object without change tracking: whether the session has that role (IS_ROLE_IN_SESSION). */
  owners_in_session: Record<string, boolean>;
  queries: number;
}

export function assumed_watched_objects(): WatchedObjects {
  return { read: false, objects: {}, role: "", owners_in_session: {}, queries: 0 };
}

export function object_key(parts: string[]): string {
  return parts.join(".");
}

/** What the plan knows of a watched object: an offline plan assumes a table with change tracking. */
export function watched_object(watched: WatchedObjects, table: string[]): WatchedObject {
  const found = watched.objects[object_key(table)];
  if (found !== undefined) return found;
  return watched.read ? { kind: "missing", owner: "", change_tracking: false } : { kind: "table", owner: "", change_tracking: true };
}

/** SHOW's Y/N and ON/OFF columns. */
function is_yes(value: unknown): boolean {
  return is_true(value) || (typeof value === "string" && (value.toUpperCase() === "Y" || value.toUpperCase() === "ON"));
}

function table_kind(row: QueryRow): string {
  if (is_yes(row["is_external"])) return "external table";
  if (is_yes(row["is_dynamic"])) return "dynamic table";
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

/**
 * Reads the watched schemas; `visible_schemas` (DATABASE.SCHEMA keys), when given, limits the reads
 * to schemas known to exist, so a missing one makes its objects missing instead of failing the query.
 */
export function read_watched_objects(config: OrchestrationConfig, visible_schemas: Record<string, boolean> | null = null): WatchedObjects {
  const watched: WatchedObjects = { read: true, objects: {}, role: "", owners_in_session: {}, queries: 0 };
  const schemas_seen: Record<string, boolean> = {};
  for (const table of distinct_watched(config)) {
    const schema_parts = [table[0]!, table[1]!];
    if (schemas_seen[object_key(schema_parts)] === true) continue;
    schemas_seen[object_key(schema_parts)] = true;
    if (visible_schemas !== null && visible_schemas[object_key(schema_parts)] !== true) continue;
    const schema = quote_name(schema_parts);
    const tables = runQuery(`show tables in schema ${schema}`);
    const views = runQuery(`show views in schema ${schema}`);
    watched.queries += 2;
    for (const row of tables.rows) {
      watched.objects[object_key([...schema_parts, text_of(row, "name")])] =
        { kind: table_kind(row), owner: text_of(row, "owner"), change_tracking: is_yes(row["change_tracking"]) };
    }
    for (const row of views.rows) {
      watched.objects[object_key([...schema_parts, text_of(row, "name")])] = {
        kind: is_yes(row["is_materialized"]) ? "materialized view" : "view", owner: text_of(row, "owner"),
        change_tracking: is_yes(row["change_tracking"]),
      };
    }
  }
  read_owner_roles(config, watched);
  return watched;
}

/**
 * For objects without change tracking: the build role, and whether each owner role is in the
 * session's role hierarchy (IS_ROLE_IN_SESSION, sql-reference/functions/is_role_in_session: primary
 * and secondary roles and the roles they inherit), in one query.
 */
function read_owner_roles(config: OrchestrationConfig, watched: WatchedObjects): void {
  const owners: string[] = [];
  for (const table of distinct_watched(config)) {
    const object = watched_object(watched, table);
    if (needs_change_tracking(object) && object.owner !== "" && !owners.includes(object.owner)) owners.push(object.owner);
  }
  const untracked = distinct_watched(config).filter((table) => needs_change_tracking(watched_object(watched, table)));
  if (untracked.length === 0) return;
  const columns = [`current_role() as "role"`];
  for (const owner of owners) columns.push(`is_role_in_session(${quote_literal(owner)}) as ${quote_identifier(`in_session:${owner}`)}`);
  const result = runQuery(`select ${columns.join(", ")}`);
  watched.queries += 1;
  if (result.rows.length === 0) return;
  const row = result.rows[0]!;
  watched.role = cell_text(row, "role");
  for (const owner of owners) watched.owners_in_session[owner] = is_true(row[`in_session:${owner}`]);
}

/**
 * Change tracking off on a table or view. A dynamic table that refreshes incrementally tracks its
 * changes itself (user-guide/dynamic-tables/streams-on-dts); streams on external tables are insert-only.
 */
export function needs_change_tracking(object: WatchedObject): boolean {
  return (object.kind === "table" || object.kind === "view") && !object.change_tracking;
}

/** The statement the owner runs so that a stream can be created (user-guide/streams-manage). */
export function change_tracking_fix(table: string[], object: WatchedObject): string {
  if (object.kind === "view") {
    return `alter view ${quote_name(table)} set change_tracking = true; ` +
      "and on each of its base tables: alter table <base table> set change_tracking = true;";
  }
  return `alter table ${quote_name(table)} set change_tracking = true;`;
}

/** The build role is the object's owner role or has it in its session (it inherits OWNERSHIP). */
export function owned_by_build_role(watched: WatchedObjects, object: WatchedObject): boolean {
  return object.owner !== "" && (object.owner === watched.role || watched.owners_in_session[object.owner] === true);
}

/**
 * Only the owner may enable change tracking; CREATE STREAM enables it when the build role owns the
 * object, and fails otherwise (user-guide/streams-manage).
 */
export function blocked_by_change_tracking(watched: WatchedObjects, table: string[]): boolean {
  const object = watched_object(watched, table);
  return needs_change_tracking(object) && !owned_by_build_role(watched, object);
}

/**
 * Every reason the watched objects stop the build, before any DDL: a missing object, a kind no
 * stream can watch, a triggered job on an external table (user-guide/tasks-triggered: streams on
 * external tables are not supported), and change tracking that only another role can enable.
 */
export function check_watched_objects(config: OrchestrationConfig, watched: WatchedObjects): void {
  if (!watched.read) return;
  const problems: string[] = [];
  for (const job of config.jobs) {
    const who = `job ${quote_literal(job.name)} (${job.job_id})`;
    for (const table of job.tables) {
      const label = object_key(table);
      const object = watched_object(watched, table);
      if (object.kind === "missing") {
        problems.push(`${who}: ${label} does not exist, or the build role cannot see it (it needs usage on its database and schema and select on it)`);
      } else if (object.kind === "materialized view") {
        problems.push(`${who}: ${label} is a materialized view, which a stream cannot watch; watch its base tables instead`);
      } else if (object.kind === "external table" && job.schedule.kind === "triggered") {
        problems.push(`${who}: ${label} is an external table, and triggered tasks do not support streams on external tables; give the job a schedule`);
      }
    }
  }
  for (const table of distinct_watched(config)) {
    if (!blocked_by_change_tracking(watched, table)) continue;
    const object = watched_object(watched, table);
    problems.push(`${object_key(table)} (${object.kind}) has change tracking off and is owned by role ${object.owner}, ` +
      `which the build role ${watched.role} neither is nor inherits; only its owner can enable it. ` +
      `As ${object.owner}, run: ${change_tracking_fix(table, object)}`);
  }
  if (problems.length > 0) {
    stop_with_error(`${PACKAGE_NAME}: the watched objects stop the build before any statement:\n  - ${problems.join("\n  - ")}`);
  }
}

/** The CREATE STREAM form for the object's kind (sql-reference/sql/create-stream). */
export function stream_source_clause(table: string[], kind: string): string {
  if (kind === "view") return `on view ${quote_name(table)}`;
  if (kind === "dynamic table") return `on dynamic table ${quote_name(table)}`;
  if (kind === "external table") return `on external table ${quote_name(table)} insert_only = true`;
  return `on table ${quote_name(table)}`;
}
