/**
 * How the package recognises its own objects: every managed object's COMMENT starts with
 * MANAGED_PREFIX and ends with the fingerprint (MD5) of the definition it was built from, so a
 * rebuild can tell "unchanged" from "changed" from "not ours" with one SHOW per object kind.
 */
import { localMd5 } from "../prelude/dbt.js";

export const MANAGED_PREFIX = "Managed by the dbt_cloud_orchestration dbt package";
const FINGERPRINT_OPENING = " (definition ";

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

/** The comment with the fingerprint of the definition it belongs to. */
export function fingerprinted_comment(what: string, fingerprint: string): string {
  return `${managed_comment(what)}${FINGERPRINT_OPENING}${fingerprint})`;
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
  return tail.length === 33 && tail.endsWith(")") ? tail.slice(0, 32) : "";
}
