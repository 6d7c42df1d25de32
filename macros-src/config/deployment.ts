/**
 * Where a run deploys: whether it is prod, why, and the schema it builds in. Prod is a target in
 * `prod_targets`, or a dbt Cloud run that dbt Cloud itself reports as a prod deployment; a non-prod
 * target builds in a schema of its own by default, so it never shares prod's objects.
 */
import { envVar, target } from "dbt-prelude";
import { profile_identifier } from "../sql/names.js";
import { boolean_value } from "./checks.js";

/**
 * Set by dbt Cloud on every run it invokes (docs.getdbt.com/docs/build/environment-variables#special-environment-variables):
 * the environment's type, `dev`, `staging` or `prod` (empty for a general deployment environment), and
 * the invocation's context, `dev`, `staging`, `prod` or `ci`.
 */
export const ENVIRONMENT_TYPE_VARIABLE = "DBT_CLOUD_ENVIRONMENT_TYPE";
export const INVOCATION_CONTEXT_VARIABLE = "DBT_CLOUD_INVOCATION_CONTEXT";

export const DEPLOYMENT_KEYS = ["isolate_non_prod_schema", "non_prod_streams", "drop_original_macro_objects"];

export interface Deployment {
  is_prod: boolean;
  /** How prod was decided, for the plan's header. */
  reason: string;
  /** The target's name, recorded in the comment of every object it builds. */
  target_name: string;
}

/** The deployment's own settings: isolation of non-prod targets, streams outside prod, the original macros' objects. */
export interface DeploymentSettings {
  isolate_non_prod_schema: boolean;
  non_prod_streams: boolean;
  drop_original_macro_objects: boolean;
}

/** A CI invocation is never prod, whatever its target is called: it tests a change that is not merged yet. */
export function deployment(prod_targets: string[]): Deployment {
  const environment_type = envVar(ENVIRONMENT_TYPE_VARIABLE, "").toLowerCase();
  const context = envVar(INVOCATION_CONTEXT_VARIABLE, "").toLowerCase();
  const name = target.name;
  const cloud = `${ENVIRONMENT_TYPE_VARIABLE}=${environment_type === "" ? "(unset)" : environment_type}, ` +
    `${INVOCATION_CONTEXT_VARIABLE}=${context === "" ? "(unset)" : context}`;
  if (context === "ci") {
    return { is_prod: false, target_name: name, reason: `not prod: a dbt Cloud CI run (${cloud}) is never prod` };
  }
  if (prod_targets.includes(name)) {
    return { is_prod: true, target_name: name, reason: `prod: target '${name}' is in prod_targets` };
  }
  if (environment_type === "prod" && context === "prod") {
    return { is_prod: true, target_name: name, reason: `prod: dbt Cloud reports a prod deployment run (${cloud})` };
  }
  return {
    is_prod: false, target_name: name,
    reason: `not prod: target '${name}' is not in prod_targets [${prod_targets.join(", ")}] and dbt Cloud reports no prod deployment run (${cloud})`,
  };
}

function flag(raw: Record<string, unknown>, key: string, fallback: boolean, problems: string[]): boolean {
  if (raw[key] == null) return fallback;
  const value = boolean_value(raw[key], key, problems);
  return value === null ? fallback : value;
}

export function deployment_settings(raw: Record<string, unknown>, problems: string[]): DeploymentSettings {
  return {
    isolate_non_prod_schema: flag(raw, "isolate_non_prod_schema", true, problems),
    non_prod_streams: flag(raw, "non_prod_streams", true, problems),
    drop_original_macro_objects: flag(raw, "drop_original_macro_objects", false, problems),
  };
}

/**
 * The schema a run builds in: the configured one in prod; outside prod, `<target schema>_<schema>`
 * (as dbt names a custom schema by default), unless isolate_non_prod_schema is false. Without a
 * configured schema every target builds in its own target schema already.
 */
export function deployment_schema(configured: string, deploy: Deployment, settings: DeploymentSettings): string {
  if (deploy.is_prod || !settings.isolate_non_prod_schema) return configured;
  return `${profile_identifier(target.schema)}_${configured}`;
}
