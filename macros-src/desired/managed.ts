/**
 * How the package recognises its own objects: every managed object's COMMENT starts with
 * MANAGED_PREFIX and ends with the fingerprint (MD5) of the definition it was built from, so a
 * rebuild can tell "unchanged" from "changed" from "not ours" with one SHOW per object kind.
 */
import type { Deployment } from "../config/deployment.js";
import { localMd5 } from "dbt-prelude";

export const MANAGED_PREFIX = "Managed by the dbt_cloud_orchestration dbt package";
const FINGERPRINT_OPENING = " (definition ";

/** In the comment of a task made by create_task_generic, so the declarative build can tell it from its own. */
export const ORIGINAL_TASK_MARK = ", made by create_task_generic";
/** Each declarative stream's comment names its job; create_stream_generic's says only `changes of <table>`. */
const JOB_STREAM_MARK = " for dbt Cloud job ";

/**
 * Whether a managed object was made by one of the original single-object macros (create_stream_generic,
 * create_task_generic): the declarative build keeps those unless drop_original_macro_objects is set.
 */
export function is_original_macro_comment(kind: string, comment: string): boolean {
  if (kind === "stream") return comment.includes(": changes of ") && !comment.includes(JOB_STREAM_MARK);
  return comment.includes(ORIGINAL_TASK_MARK);
}

/** A desired object: its kind, names, fingerprint and the statement that creates it. */
export interface DesiredObject {
  kind: string;
  name: string;
  label: string;
  fingerprint: string;
  sql: string;
}

export function managed_comment(what: string): string {
  return `${MANAGED_PREFIX}: ${what}`;
}

/**
 * Who built an object, after its fingerprint and outside it: `[prod target prod]` or `[non-prod target dev]`.
 * Outside, so the same definition built by two targets has the same fingerprint.
 */
export function owner_marker(deploy: Deployment): string {
  return ` [${deploy.is_prod ? "prod" : "non-prod"} target ${deploy.target_name}]`;
}

/** The comment with the fingerprint of the definition it belongs to, and who built it. */
export function fingerprinted_comment(what: string, fingerprint: string, deploy: Deployment): string {
  return `${managed_comment(what)}${FINGERPRINT_OPENING}${fingerprint})${owner_marker(deploy)}`;
}

/** "prod" or "non-prod" as the comment's owner marker says, "" when it has none (built before the marker existed). */
export function comment_owner(comment: string): string {
  const parts = comment.split(" [");
  const marker = parts[parts.length - 1]!;
  if (parts.length < 2 || !marker.endsWith("]")) return "";
  if (marker.startsWith("prod target ")) return "prod";
  if (marker.startsWith("non-prod target ")) return "non-prod";
  return "";
}

/** The target named in the comment's owner marker ("" without one). */
export function comment_owner_target(comment: string): string {
  const parts = comment.split(" target ");
  const owner = comment_owner(comment);
  return owner === "" ? "" : parts[parts.length - 1]!.slice(0, -1);
}

/** The fingerprint of a definition drafted with the plain comment. */
export function fingerprint_of(draft_sql: string): string {
  return localMd5(draft_sql);
}

export function is_managed_comment(comment: string): boolean {
  return comment.startsWith(MANAGED_PREFIX);
}

/** The fingerprint a managed comment carries, or "" when it carries none. */
export function comment_fingerprint(comment: string): string {
  const parts = comment.split(FINGERPRINT_OPENING);
  if (parts.length < 2) return "";
  const tail = parts[parts.length - 1]!;
  return tail.length >= 33 && tail.slice(32, 33) === ")" ? tail.slice(0, 32) : "";
}
