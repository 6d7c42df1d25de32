/**
 * What every public macro checks before it does anything: its arguments, and the adapter. A typo
 * must never turn into a different run (dbt 2.x drops unknown keyword arguments silently), so each
 * public macro reads `kwargs` and refuses any keyword it does not know, by name.
 */
import { target } from "dbt-prelude";
import { stop_with_error } from "../errors.js";
import { shown } from "../text/messages.js";
import { PACKAGE_NAME } from "../sql/names.js";

function squashed(name: string): string {
  return name.toLowerCase().replaceAll("_", "").replaceAll("-", "");
}

/** The known argument a typo most likely meant (same letters without `_`/`-`, or a prefix), or null. */
function likely_meant(unknown: string, known: string[]): string | null {
  for (const name of known) {
    if (squashed(name) === squashed(unknown)) return name;
  }
  for (const name of known) {
    if (squashed(unknown).length >= 3 && squashed(name).startsWith(squashed(unknown))) return name;
  }
  return null;
}

/**
 * Refuses keyword arguments the macro does not have (`extra` is its `kwargs`), naming each one and
 * the arguments it does have, before anything runs.
 */
export function check_arguments(macro_name: string, extra: Record<string, unknown>, known: string[]): void {
  const unknown = Object.keys(extra);
  if (unknown.length === 0) return;
  const named: string[] = [];
  for (const name of unknown) {
    const meant = likely_meant(name, known);
    named.push(meant === null ? `'${name}'` : `'${name}' (did you mean '${meant}'?)`);
  }
  const its = known.length === 0 ? "it takes no arguments" : `its arguments are: ${known.join(", ")}`;
  stop_with_error(`${macro_name}: unknown argument ${named.join(", ")}; ${its}. Nothing was run.`);
}

/** Refuses a flag that is not true or false (`--args '{dry_run: "false"}'` would be true in Jinja). */
export function check_flags(macro_name: string, flags: Record<string, unknown>): void {
  for (const name of Object.keys(flags)) {
    const value = flags[name];
    if (value !== true && value !== false) {
      stop_with_error(`${macro_name}: argument '${name}' must be true or false, not ${shown(value)}. Nothing was run.`);
    }
  }
}

/**
 * Refuses a text argument that is missing or not a string (`--args '{table: 5}'`), before it
 * reaches SQL. The value is not shown: a missing one is Jinja's Undefined, which has no JSON.
 */
export function check_texts(macro_name: string, texts: Record<string, unknown>): void {
  for (const name of Object.keys(texts)) {
    const value = texts[name];
    if (typeof value !== "string") stop_with_error(`${macro_name}: argument '${name}' is required and must be a string. Nothing was run.`);
  }
}

/** What `default__<macro>` does on any adapter but Snowflake. */
export function unsupported_adapter(macro_name: string): never {
  return stop_with_error(
    `${macro_name}: ${PACKAGE_NAME} supports only Snowflake (streams, tasks and Python procedures); ` +
      `target '${target.name}' uses the '${target.type}' adapter.`);
}
