/** `dbt run-operation orchestration_graph`: a Mermaid picture of tables → tasks → dbt Cloud jobs. */
import { load_orchestration_config } from "../config/load.js";
import { check_arguments, unsupported_adapter } from "../entry/arguments.js";
import { dispatch, extraKeywordArguments, printLine } from "dbt-prelude";
import { PACKAGE_NAME } from "../sql/names.js";

function label(text: string): string {
  // Mermaid labels sit inside double quotes: a quote in a name becomes its entity.
  return `"${text.replaceAll('"', "#quot;")}"`;
}

/**
 * Prints a Mermaid flowchart of the configuration: each watched table feeds the task of every job
 * that watches it, each task triggers its dbt Cloud job, and a dotted edge runs from an upstream job
 * to the jobs that wait for it. Reads no warehouse state.
 * @public
 */
export function orchestration_graph(): string {
  check_arguments("orchestration_graph", extraKeywordArguments(), []);
  return dispatch<() => string>("orchestration_graph", PACKAGE_NAME)();
}

/** Any adapter but Snowflake. */
export function default__orchestration_graph(): string {
  return unsupported_adapter("orchestration_graph");
}

/** Snowflake implementation of orchestration_graph. */
export function snowflake__orchestration_graph(): string {
  const config = load_orchestration_config();
  const lines = ["flowchart LR"];
  const table_ids: Record<string, string> = {};
  const jobs: number[] = config.jobs.map((job) => job.job_id);
  for (const job of config.jobs) {
    const task = `task_${job.job_id}`;
    const suffix = job.enabled ? "" : " (disabled)";
    lines.push(`  ${task}[${label(`${job.task_name}${suffix}`)}]`);
    lines.push(`  job_${job.job_id}([${label(`dbt Cloud job ${job.job_id}: ${job.name}`)}])`);
    lines.push(`  ${task} -->|${label(job.schedule.kind === "triggered" ? "on change" : job.schedule.text)}| job_${job.job_id}`);
    for (const table of job.tables) {
      const name = table.join(".");
      let id = table_ids[name];
      if (id === undefined) {
        id = `table_${Object.keys(table_ids).length + 1}`;
        table_ids[name] = id;
        lines.push(`  ${id}[(${label(name)})]`);
      }
      lines.push(`  ${id} --> ${task}`);
    }
  }
  for (const job of config.jobs) {
    if (job.upstream_job_id === null) continue;
    if (!jobs.includes(job.upstream_job_id)) {
      jobs.push(job.upstream_job_id);
      lines.push(`  job_${job.upstream_job_id}([${label(`dbt Cloud job ${job.upstream_job_id}`)}])`);
    }
    lines.push(`  job_${job.upstream_job_id} -.->|"succeeded today"| job_${job.job_id}`);
  }
  const diagram = lines.join("\n");
  printLine(diagram);
  return diagram;
}
