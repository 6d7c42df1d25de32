/**
 * The values of `vars: dbt_cloud_orchestration` as the loader checks them. dbt renders Jinja in
 * top-level vars only: a `{{ … }}` nested in this mapping reaches the macros as text (on dbt-core and
 * dbt 2.x alike), so it is refused here, naming the field. A value may instead be read from an
 * environment variable, `{env_var: NAME}` (optionally `default:`), or from a top-level var, which dbt
 * does render, `{var: NAME}`.
 */
import { envVar, getVar, isMapping } from "dbt-prelude";
import { problem } from "./checks.js";
import { shown } from "../text/messages.js";

/** What envVar and getVar return for a name that is not set (no config value can be this text). */
const UNSET = "<dbt_cloud_orchestration: not set>";
/** dbt-core refuses env_var() on these outside profiles.yml and packages.yml. */
const SECRET_PREFIX = "DBT_ENV_SECRET_";
const READ_KEYS = ["env_var", "var", "default"];
const WHOLE_NUMBER_DIGITS = 15;
const DIGIT_VALUES: Record<string, number> = { "0": 0, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "7": 7, "8": 8, "9": 9 };

/**
 * The problems of resolving values, and the paths they stopped (the loader's own checks say nothing
 * more there); and each value read from the environment as [path, text, variable], so that no message
 * prints it (it may be a secret pointed at by mistake).
 */
export interface Resolution {
  problems: string[];
  failed: string[];
  from_environment: string[][];
}

/** How a field takes text from an environment variable: as it is, as a whole number, or as true/false. */
const TEXT = "text";
const WHOLE_NUMBER = "whole number";
const TRUE_FALSE = "true/false";

const TOP_LEVEL_KINDS: Record<string, string> = {
  account_id: WHOLE_NUMBER, access_url: TEXT, timezone: TEXT, warehouse: TEXT, schema: TEXT,
  external_access_integration: TEXT, secret: TEXT, log_table: TEXT, drop_orphans: TRUE_FALSE,
  suspend_task_after_num_failures: WHOLE_NUMBER, error_integration: TEXT,
  // The deployment switches (config/deployment.ts).
  isolate_non_prod_schema: TRUE_FALSE, non_prod_streams: TRUE_FALSE, drop_original_macro_objects: TRUE_FALSE,
};
const JOB_KINDS: Record<string, string> = {
  name: TEXT, job_id: WHOLE_NUMBER, schedule: TEXT, upstream_job_id: WHOLE_NUMBER, min_elapsed_seconds: WHOLE_NUMBER,
  min_start_time: TEXT, max_start_time: TEXT, enabled: TRUE_FALSE, select_changed: TRUE_FALSE,
};
/** List fields: the list may come from a top-level var, and each entry may be read as any other value. */
const TOP_LEVEL_LISTS: Record<string, string> = { prod_targets: TEXT };
const JOB_LISTS: Record<string, string> = { tables: TEXT, sources: TEXT, days_of_week: TEXT };

/** Text holding a Jinja expression or statement, which dbt left as it is. */
export function holds_jinja(value: unknown): boolean {
  return typeof value === "string" && (value.includes("{{") || value.includes("{%"));
}

function refuse(resolution: Resolution, path: string, message: string): null {
  problem(resolution.problems, path, message);
  resolution.failed.push(path);
  return null;
}

function jinja_refused(resolution: Resolution, path: string, what: string): null {
  return refuse(resolution, path,
    `${what} holds Jinja, which dbt does not render inside vars.dbt_cloud_orchestration (it renders ` +
      "top-level vars only): use {env_var: NAME} (with an optional default: …) or {var: NAME}, a top-level var dbt renders");
}

/** Digits only, at most 15 of them (whole numbers JavaScript and Jinja hold alike), or -1. */
function whole_number_value(text: string): number {
  if (text.length === 0 || text.length > WHOLE_NUMBER_DIGITS) return -1;
  let value = 0;
  for (const ch of text) {
    const digit = DIGIT_VALUES[ch];
    if (digit === undefined) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** Text read for a field, as the field takes it: a whole number or true/false when the field wants one. `what` names it in messages. */
function typed_text(resolution: Resolution, path: string, text: string, kind: string, what: string): unknown {
  if (kind === WHOLE_NUMBER) {
    const number = whole_number_value(text.trim());
    if (number < 0) return refuse(resolution, path, `${what} is not a whole number`);
    return number;
  }
  if (kind === TRUE_FALSE) {
    const word = text.trim().toLowerCase();
    if (word === "true") return true;
    if (word === "false") return false;
    return refuse(resolution, path, `${what} is not true or false`);
  }
  return text;
}

/** `{env_var: NAME, default: …}` or `{var: NAME}`: the value it reads. */
function read_value(resolution: Resolution, path: string, form: Record<string, unknown>, kind: string): unknown {
  for (const key of Object.keys(form)) {
    if (!READ_KEYS.includes(key)) return refuse(resolution, path, `unknown key '${key}' (expected env_var or var, and default)`);
  }
  if (form["env_var"] != null && form["var"] != null) return refuse(resolution, path, "give env_var or var, not both");
  if (form["env_var"] != null) {
    const name = form["env_var"];
    if (typeof name !== "string" || name.trim().length === 0) return refuse(resolution, path, `env_var: ${shown(name)} is not the name of an environment variable`);
    if (name.startsWith(SECRET_PREFIX)) {
      return refuse(resolution, path,
        `env_var: dbt lets no macro read ${SECRET_PREFIX}* variables (only profiles.yml and packages.yml may); use another name`);
    }
    // The variable's value is never shown: a message names the variable instead.
    const what = `environment variable ${name}`;
    const text = envVar(name, UNSET);
    if (text === UNSET) {
      if (form["default"] == null) return refuse(resolution, path, `environment variable ${name} is not set, and no default is given`);
      const fallback = form["default"];
      if (isMapping(fallback) || Array.isArray(fallback)) return refuse(resolution, path, `default: ${shown(fallback)} is not a plain value`);
      if (holds_jinja(fallback)) return jinja_refused(resolution, path, `the default ${shown(fallback)}`);
      if (typeof fallback === "string") return typed_text(resolution, path, fallback, kind, `the default ${shown(fallback)}`);
      return fallback;
    }
    if (holds_jinja(text)) return jinja_refused(resolution, path, what);
    resolution.from_environment.push([path, text, name]);
    return typed_text(resolution, path, text, kind, what);
  }
  if (form["var"] != null) {
    const name = form["var"];
    if (typeof name !== "string" || name.trim().length === 0) return refuse(resolution, path, `var: ${shown(name)} is not the name of a var`);
    if (form["default"] != null) return refuse(resolution, path, "a var takes no default here: give the var a value in dbt_project.yml");
    const value = getVar<unknown>(name, UNSET);
    if (value === UNSET || value == null) {
      return refuse(resolution, path, `var '${name}' is not set: define it at the top level of vars in dbt_project.yml, or pass --vars '{${name}: …}'`);
    }
    const what = `${shown(value)} (var ${name})`;
    if (holds_jinja(value)) return jinja_refused(resolution, path, what);
    if (typeof value === "string") return typed_text(resolution, path, value, kind, what);
    return value;
  }
  return refuse(resolution, path, `${shown(form)} is not a value: write the value, {env_var: NAME} or {var: NAME}`);
}

/** One value: text holding Jinja is refused; `{env_var: …}` and `{var: …}` are read; anything else is kept. */
export function resolved_value(value: unknown, path: string, kind: string, resolution: Resolution): unknown {
  if (holds_jinja(value)) return jinja_refused(resolution, path, shown(value));
  if (isMapping(value) && ("env_var" in value || "var" in value)) return read_value(resolution, path, value, kind);
  return value;
}

/** A list field: the list itself may come from a top-level var; each entry is resolved. */
function resolved_list(value: unknown, path: string, kind: string, resolution: Resolution): unknown {
  const list = isMapping(value) && "var" in value ? read_value(resolution, path, value, kind) : value;
  if (!Array.isArray(list)) return resolved_value(list, path, kind, resolution);
  // A number, a boolean or text without Jinja is kept without a macro call: a plan of hundreds of jobs reads thousands.
  const entries: unknown[] = [];
  for (const [index, entry] of list.entries()) {
    if (typeof entry === "number" || typeof entry === "boolean" || (typeof entry === "string" && !entry.includes("{{") && !entry.includes("{%"))) {
      entries.push(entry);
    } else {
      entries.push(resolved_value(entry, `${path}[${index}]`, kind, resolution));
    }
  }
  return entries;
}

function resolved_mapping(raw: Record<string, unknown>, path: string, kinds: Record<string, string>, lists: Record<string, string>,
  resolution: Resolution): Record<string, unknown> {
  const resolved: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    const value = raw[key];
    const list_kind = lists[key];
    if (list_kind !== undefined) {
      resolved[key] = resolved_list(value, `${path}${key}`, list_kind, resolution);
    } else if (typeof value === "number" || typeof value === "boolean" || (typeof value === "string" && !value.includes("{{") && !value.includes("{%"))) {
      resolved[key] = value;
    } else {
      resolved[key] = resolved_value(value, `${path}${key}`, kinds[key] ?? TEXT, resolution);
    }
  }
  return resolved;
}

/** The config with every value resolved; the problems and the paths they stopped go to `resolution`. */
export function resolved_config(raw: Record<string, unknown>, resolution: Resolution): Record<string, unknown> {
  const resolved = resolved_mapping(raw, "", TOP_LEVEL_KINDS, TOP_LEVEL_LISTS, resolution);
  const jobs = raw["jobs"];
  if (Array.isArray(jobs)) {
    resolved["jobs"] = jobs.map((job, index) => (isMapping(job) ? resolved_mapping(job, `jobs[${index}].`, JOB_KINDS, JOB_LISTS, resolution)
      : resolved_value(job, `jobs[${index}]`, TEXT, resolution)));
  }
  return resolved;
}

/** A job's settings given as macro arguments (create_task_generic), resolved like a job in vars. */
export function resolved_job(raw: Record<string, unknown>, path: string, resolution: Resolution): Record<string, unknown> {
  return resolved_mapping(raw, `${path}.`, JOB_KINDS, JOB_LISTS, resolution);
}

/**
 * The problems to report: those of resolution, and the loader's own except where resolution already
 * stopped, each value read from the environment replaced by the variable's name.
 */
export function reported_problems(resolution: Resolution, checked: string[]): string[] {
  const reported = [...resolution.problems];
  for (const item of checked) {
    let stopped = false;
    for (const path of resolution.failed) {
      if (item.startsWith(`${path}: `)) stopped = true;
    }
    let message = item;
    for (const [path, text, name] of resolution.from_environment) {
      if (message.startsWith(`${path!}: `)) message = message.split(shown(text)).join(`(the value of environment variable ${name!})`);
    }
    if (!stopped) reported.push(message);
  }
  return reported;
}
