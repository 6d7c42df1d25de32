/**
 * Each job's start conditions as the plan shows them: its schedule, weekdays (as names), start window,
 * upstream gate and minimum gap, so that a misread convention (days_of_week [1, 2, 3, 4, 5] is
 * Tuesday-Saturday) shows before anything is built.
 */
import { WEEKDAY_NAMES, weekday_names } from "../config/calendar.js";
import type { JobConfig, OrchestrationConfig } from "../config/types.js";
import { plain_table } from "../text/table.js";

/** One job's conditions, as the json plan holds them. */
export interface JobConditions {
  name: string;
  job_id: number;
  enabled: boolean;
  /** '15 MINUTE', 'USING CRON …' or 'triggered'. */
  schedule: string;
  /** Weekday names, MON … SUN, in week order. */
  weekdays: string[];
  min_start_time: string;
  max_start_time: string;
  /** The zone of the weekdays and the window. */
  timezone: string;
  upstream_job_id: number | null;
  min_elapsed_seconds: number;
}

/** What the plan shows of the jobs: text lines (a heading, then the table) and the json entries. */
export interface ConditionsSection {
  heading: string;
  table: string[];
  jobs: JobConditions[];
}

function schedule_cell(job: JobConfig): string {
  if (!job.enabled) return "disabled (task suspended)";
  if (job.schedule.kind === "triggered") return "triggered (when data arrives)";
  if (job.schedule.kind === "interval") return `every ${job.schedule.text}`;
  return job.schedule.text;
}

function window_cell(job: JobConfig): string {
  if (job.min_start_time === "00:00" && job.max_start_time === "23:59") return "any time";
  return `${job.min_start_time}-${job.max_start_time}${job.min_start_time > job.max_start_time ? " (overnight)" : ""}`;
}

/** Every configured job's conditions, in config order: a heading naming the zone and one aligned row per job. */
export function job_conditions(config: OrchestrationConfig): ConditionsSection {
  const rows = [["job", "schedule", "weekdays", "start window", "upstream gate", "min gap"]];
  const jobs: JobConditions[] = [];
  for (const job of config.jobs) {
    rows.push([
      job.name,
      schedule_cell(job),
      weekday_names(job.days_of_week),
      window_cell(job),
      job.upstream_job_id === null ? "none" : `job ${job.upstream_job_id} succeeded today`,
      `${job.min_elapsed_seconds} s`,
    ]);
    const days = [...job.days_of_week];
    days.sort((a, b) => a - b);
    jobs.push({
      name: job.name,
      job_id: job.job_id,
      enabled: job.enabled,
      schedule: job.schedule.kind === "triggered" ? "triggered" : job.schedule.text,
      weekdays: days.map((day) => WEEKDAY_NAMES[day]!),
      min_start_time: job.min_start_time,
      max_start_time: job.max_start_time,
      timezone: config.timezone,
      upstream_job_id: job.upstream_job_id,
      min_elapsed_seconds: job.min_elapsed_seconds,
    });
  }
  return {
    heading: `job conditions (weekdays and windows in ${config.timezone}; a task calls dbt Cloud only when all hold):`,
    table: plain_table(rows),
    jobs,
  };
}
