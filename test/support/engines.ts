/** What the three engines are compared on. */
import type { MacroRun } from "../../scripts/engines/macro-run.js";

/**
 * Errors that dbt itself words (not `raise_compiler_error` messages, which must match exactly) are
 * worded differently by dbt 2.x: reduced to the part both engines say.
 */
const DBT_OWNED_ERRORS: Array<[RegExp, string]> = [
  [/^Required var '([^']+)' not found in config:[\s\S]*$/, "Required var '$1' not found in config"],
  [/^Env var required but not provided: '([^']+)'$/, "Env var required but not provided: '$1'"],
  [/^'env_var': environment variable '([^']+)' not found$/, "Env var required but not provided: '$1'"],
  [/^(?:unknown function: )?In dispatch: No macro named '([^']+)' found within namespace: '([^']+)'[\s\S]*$/,
    "In dispatch: No macro named '$1' found within namespace: '$2'"],
];

export function acrossEngines(run: MacroRun): MacroRun {
  let error = run.error;
  if (error !== null) {
    for (const [pattern, replacement] of DBT_OWNED_ERRORS) {
      if (pattern.test(error)) {
        error = error.replace(pattern, replacement);
        break;
      }
    }
  }
  return { ...run, error };
}
