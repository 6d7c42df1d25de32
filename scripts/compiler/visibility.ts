/**
 * Which macros a package shows its users. A source folder declares its surface by tagging macros
 * `@public` in their JSDoc; once any macro carries the tag, every other macro is private:
 *
 * - a public macro keeps its name and is documented in the generated `macros/*.yml`;
 * - a dispatch implementation of a public macro (`snowflake__x`, `default__x` for a public `x`) keeps
 *   its name, because `adapter.dispatch` looks it up by that name, and is hidden from the docs;
 * - every other macro is a helper: its dbt name gets PRIVATE_PREFIX (dbt-utils' convention, e.g.
 *   `_is_relation`) and it is hidden from the docs (`docs: show: false`).
 *
 * A folder without any `@public` macro (the compiler corpus, a user's own folder) keeps every name,
 * and documents its exported macros, as before.
 */
import type { FunctionDeclaration } from "ts-morph";

export const PRIVATE_PREFIX = "_";
export const PUBLIC_TAG = "public";

/** `unlisted`: in a folder without `@public` macros, a function that is not exported (no docs entry). */
export type Visibility = "public" | "dispatch" | "private" | "unlisted";

export interface MacroVisibility {
  /** The macro's name in dbt. */
  dbtName: string;
  visibility: Visibility;
}

export function isTaggedPublic(fn: FunctionDeclaration): boolean {
  return fn.getJsDocs().some((doc) => doc.getTags().some((tag) => tag.getTagName() === PUBLIC_TAG));
}

/** TypeScript name → dbt name and visibility, for every macro of one source folder. */
export function macroVisibilities(functions: Map<string, FunctionDeclaration>): Map<string, MacroVisibility> {
  const publicNames = new Set([...functions].filter(([, fn]) => isTaggedPublic(fn)).map(([name]) => name));
  const result = new Map<string, MacroVisibility>();
  for (const [name, fn] of functions) {
    if (publicNames.size === 0) {
      result.set(name, { dbtName: name, visibility: fn.isExported() ? "public" : "unlisted" });
    } else if (publicNames.has(name)) {
      result.set(name, { dbtName: name, visibility: "public" });
    } else if (dispatchedName(name) !== null && publicNames.has(dispatchedName(name)!)) {
      result.set(name, { dbtName: name, visibility: "dispatch" });
    } else {
      result.set(name, { dbtName: `${PRIVATE_PREFIX}${name}`, visibility: "private" });
    }
  }
  return result;
}

/** `x` for `snowflake__x` or `default__x` (dbt's dispatch naming: `<adapter>__<macro>`), else null. */
function dispatchedName(name: string): string | null {
  const match = /^([a-z0-9]+)__(.+)$/.exec(name);
  return match === null ? null : match[2]!;
}
