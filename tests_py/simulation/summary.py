"""The table printed after a simulated week: what the runtime did, and what it cost."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from .events import DIED, FAILED, EventLog
from .invariants import RECORDS_A_RUN, repeated_runs, runs_for_nothing, task_created_runs


@dataclass
class Summary:
    task_runs: int  # every task run, the ones WHEN skipped included
    invocations: int  # task runs whose body ran
    runs: int  # dbt Cloud runs the tasks created
    adopted: int  # runs a task run recorded that an earlier one had created
    necessary_runs: int  # runs that had rows waiting and repeat no earlier run
    skips: Counter
    errors: int  # task runs that failed, or whose outcome was ERROR
    died: int
    notifications: int
    auto_suspensions: int
    pending_rows: int
    statements_per_invocation: tuple[float, int]  # mean, max
    api_calls_per_invocation: tuple[float, int]
    executions_per_job_day: dict[str, dict[str, int]] = field(default_factory=dict)  # job -> local date -> count

    @property
    def runs_per_necessary_run(self) -> float | None:
        return None if self.necessary_runs == 0 else self.runs / self.necessary_runs


def _mean_max(values: list[int]) -> tuple[float, int]:
    return (sum(values) / len(values), max(values)) if values else (0.0, 0)


def summarise(log: EventLog) -> Summary:
    ran = [item for item in log.invocations if item.body_ran]
    runs = [run for job in log.jobs for run, _ in task_created_runs(log, job)]
    wasteful = {run.id for _, run, _ in runs_for_nothing(log)} | {later.id for _, _, later in repeated_runs(log)}
    zone = ZoneInfo(log.timezone)
    per_day: dict[str, dict[str, int]] = {}
    for item in ran:
        days = per_day.setdefault(log.job(item.job_id).name, {})
        day = item.at.astimezone(zone).date().isoformat()
        days[day] = days.get(day, 0) + 1
    return Summary(
        task_runs=len(log.invocations),
        invocations=len(ran),
        runs=len(runs),
        adopted=sum(1 for item in ran if item.outcome in RECORDS_A_RUN and item.run_id not in item.created_run_ids),
        necessary_runs=sum(1 for run in runs if run.id not in wasteful),
        skips=Counter(item.reason or "(no reason given)" for item in ran if item.outcome == "SKIPPED"),
        errors=sum(1 for item in ran if item.state == FAILED or item.outcome == "ERROR"),
        died=sum(1 for item in ran if item.state == DIED),
        notifications=len(log.notifications),
        auto_suspensions=len(log.auto_suspensions),
        pending_rows=sum(item.rows for item in log.pending),
        statements_per_invocation=_mean_max([item.statements for item in ran]),
        api_calls_per_invocation=_mean_max([item.api_calls for item in ran]),
        executions_per_job_day=per_day,
    )


def format_summary(log: EventLog, summary: Summary) -> str:
    ratio = summary.runs_per_necessary_run
    lines = [
        f"simulated {_span(log)} from {log.start:%Y-%m-%d %H:%M} UTC, seed {log.seed}, {len(log.jobs)} jobs,"
        f" {len(log.arrivals)} arrivals",
        "",
        f"{'task runs (WHEN false included)':<40}{summary.task_runs:>10}",
        f"{'invocations (body ran)':<40}{summary.invocations:>10}",
        f"{'dbt Cloud runs created':<40}{summary.runs:>10}",
        f"{'runs adopted after a task run died':<40}{summary.adopted:>10}",
        f"{'runs per necessary run (goal 1.00)':<40}{'-' if ratio is None else f'{ratio:.2f}':>10}",
        f"{'errors (failed task runs)':<40}{summary.errors:>10}",
        f"{'task runs that died before COMMIT':<40}{summary.died:>10}",
        f"{'error notifications':<40}{summary.notifications:>10}",
        f"{'auto-suspensions':<40}{summary.auto_suspensions:>10}",
        f"{'rows pending at the end':<40}{summary.pending_rows:>10}",
        f"{'statements per invocation (mean / max)':<40}{_pair(summary.statements_per_invocation):>10}",
        f"{'API calls per invocation (mean / max)':<40}{_pair(summary.api_calls_per_invocation):>10}",
        "",
        "skips by reason:",
        *[f"  {count:>6}  {reason}" for reason, count in summary.skips.most_common()],
        "",
        "task executions per job per day (body ran):",
    ]
    days = sorted({day for per_job in summary.executions_per_job_day.values() for day in per_job})
    width = max([len(job.name) for job in log.jobs] + [4])
    lines.append(f"  {'job':<{width}}  " + "  ".join(day[5:] for day in days))
    for job in log.jobs:
        counts = summary.executions_per_job_day.get(job.name, {})
        lines.append(f"  {job.name:<{width}}  " + "  ".join(f"{counts.get(day, 0):>5}" for day in days))
    return "\n".join(lines)


def _span(log: EventLog) -> str:
    hours = (log.end - log.start).total_seconds() / 3600
    return f"{hours / 24:g} days" if hours % 24 == 0 else f"{hours:g} hours"


def _pair(values: tuple[float, int]) -> str:
    return f"{values[0]:.1f} / {values[1]}"
