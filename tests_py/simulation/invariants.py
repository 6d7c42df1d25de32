"""What must hold of any simulated week (events.py), each a function returning its violations (empty: it holds).

- no change lost: every row that arrived on a watched table is either still pending in each watching job's
  stream or was consumed by a task run that recorded a dbt Cloud run of that job;
- no run for nothing: every run a task created had rows waiting in the job's streams;
- never two runs for one change: one run at most per task run, and a change arrived between two runs of a job;
- every invocation logged: one log row per task run whose body ran (unless its session died), with the same
  status, and a run's outcome filled in once a later task run of the job has asked dbt Cloud;
- gates hold: every run a task created started inside the job's window and weekdays, after min_elapsed_seconds,
  with no run of the job unfinished, and after a successful run of the upstream job that day.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

from .events import DIED, SUCCEEDED, CloudRun, EventLog, Invocation, JobSpec

SUCCESS = 10
# The outcomes that name the run a task run recorded: one it created, or one an earlier task run created
# before its session ended, found again by the change it was for and adopted.
RECORDS_A_RUN = ("TRIGGERED", "ADOPTED")


def _invocations(log: EventLog, job: JobSpec) -> list[Invocation]:
    return sorted((item for item in log.invocations if item.job_id == job.job_id), key=lambda item: item.at)


def task_created_runs(log: EventLog, job: JobSpec) -> list[tuple[CloudRun, Invocation]]:
    """The job's runs that its task created, with the task run that created each, oldest first."""
    runs = {run.id: run for run in log.runs}
    created = [
        (runs[run_id], invocation)
        for invocation in _invocations(log, job)
        for run_id in invocation.created_run_ids
        if run_id in runs
    ]
    return sorted(created, key=lambda pair: pair[0].created)


def _arrived_rows(log: EventLog, job: JobSpec, since: datetime | None, until: datetime) -> int:
    """Rows that arrived on the job's tables in (since, until]."""
    return sum(
        arrival.rows
        for arrival in log.arrivals
        if arrival.table in job.tables and (since is None or arrival.at > since) and arrival.at <= until
    )


def _waiting_rows(log: EventLog, job: JobSpec, invocation: Invocation) -> int:
    """Rows in the job's streams when a task run started: arrived by then, less what earlier runs consumed."""
    consumed = sum(
        sum(earlier.consumed.values())
        for earlier in _invocations(log, job)
        if earlier.at < invocation.at and earlier is not invocation
    )
    return _arrived_rows(log, job, None, invocation.at) - consumed


def runs_for_nothing(log: EventLog) -> list[tuple[JobSpec, CloudRun, Invocation]]:
    return [
        (job, run, invocation)
        for job in log.jobs
        for run, invocation in task_created_runs(log, job)
        if _waiting_rows(log, job, invocation) <= 0
    ]


def repeated_runs(log: EventLog) -> list[tuple[JobSpec, CloudRun, CloudRun]]:
    """(job, earlier, later): a later run of the job with no change arrived since the earlier one was created."""
    repeats = []
    for job in log.jobs:
        created = task_created_runs(log, job)
        for (earlier, _), (later, invocation) in pairwise(created):
            if _arrived_rows(log, job, earlier.created, invocation.at) <= 0:
                repeats.append((job, earlier, later))
    return repeats


def no_change_lost(log: EventLog) -> list[str]:
    violations = []
    runs = {run.id: run for run in log.runs}
    for job in log.jobs:
        for table in job.tables:
            arrived = sum(arrival.rows for arrival in log.arrivals if arrival.table == table)
            consumed = sum(item.consumed.get(table, 0) for item in _invocations(log, job))
            pending = log.pending_rows(job.job_id, table)
            if arrived != consumed + pending:
                violations.append(
                    f"{job.name}: {table}: {arrived} rows arrived, {consumed} consumed and {pending} pending"
                    f" ({arrived - consumed - pending} unaccounted for)"
                )
        for invocation in _invocations(log, job):
            rows = sum(invocation.consumed.values())
            if rows <= 0:
                continue
            run = runs.get(invocation.run_id) if invocation.run_id is not None else None
            recorded = invocation.outcome in RECORDS_A_RUN and invocation.state == SUCCEEDED
            if not recorded or run is None or run.job_id != job.job_id:
                violations.append(
                    f"{job.name}: the task run at {invocation.at:%Y-%m-%d %H:%M:%S} consumed {rows} rows without"
                    f" a run of the job (outcome {invocation.outcome}, state {invocation.state},"
                    f" run {invocation.run_id})"
                )
    return violations


def no_run_for_nothing(log: EventLog) -> list[str]:
    return [
        f"{job.name}: run {run.id} created at {run.created:%Y-%m-%d %H:%M:%S} by the {invocation.wake} task run"
        f" at {invocation.at:%H:%M:%S} while no row waited in the job's streams"
        for job, run, invocation in runs_for_nothing(log)
    ]


def never_two_runs_for_one_change(log: EventLog) -> list[str]:
    violations = [
        f"{log.job(item.job_id).name}: the task run at {item.at:%Y-%m-%d %H:%M:%S} created runs"
        f" {', '.join(map(str, item.created_run_ids))}"
        for item in log.invocations
        if len(item.created_run_ids) > 1
    ]
    violations += [
        f"{job.name}: run {later.id} ({later.created:%Y-%m-%d %H:%M:%S}) repeats run {earlier.id}"
        f" ({earlier.created:%Y-%m-%d %H:%M:%S}): no change arrived between them"
        for job, earlier, later in repeated_runs(log)
    ]
    return violations


def every_invocation_logged(log: EventLog) -> list[str]:
    violations = []
    runs = {run.id: run for run in log.runs}
    unmatched = list(log.log_rows)
    for invocation in sorted(log.invocations, key=lambda item: item.at):
        if not invocation.body_ran or invocation.state == DIED:
            continue
        name = log.job(invocation.job_id).name
        rows = [
            row
            for row in unmatched
            if row.job_id == invocation.job_id and invocation.at <= row.invoked_at <= invocation.ended_at
        ]
        if len(rows) != 1:
            violations.append(f"{name}: the task run at {invocation.at:%Y-%m-%d %H:%M:%S} has {len(rows)} log rows")
            continue
        (row,) = rows
        unmatched.remove(row)
        if row.status != invocation.outcome:
            violations.append(
                f"{name}: the task run at {invocation.at:%Y-%m-%d %H:%M:%S} logged {row.status}"
                f" but ended {invocation.outcome}"
            )
    violations += [
        f"job {row.job_id}: log row at {row.invoked_at:%Y-%m-%d %H:%M:%S} ({row.status}) belongs to no task run"
        for row in unmatched
    ]
    for row in log.log_rows:
        run = runs.get(row.run_id) if row.status in RECORDS_A_RUN else None
        if run is None or run.finished is None or row.run_status is not None:
            continue
        asked_later = [
            item
            for item in log.invocations
            if item.job_id == row.job_id and item.state == SUCCEEDED and item.api_calls > 0 and item.at > run.finished
        ]
        if asked_later:
            violations.append(
                f"job {row.job_id}: run {run.id} finished at {run.finished:%Y-%m-%d %H:%M:%S} but its log row has no"
                f" outcome after the task run at {asked_later[0].at:%Y-%m-%d %H:%M:%S} asked dbt Cloud"
            )
    return violations


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _in_window(job: JobSpec, local: datetime) -> bool:
    """Inclusive at minute resolution; a window whose end is before its start crosses midnight."""
    now, start, end = local.hour * 60 + local.minute, _minutes(job.min_start_time), _minutes(job.max_start_time)
    return start <= now <= end if start <= end else (now >= start or now <= end)


def _gate_failures(log: EventLog, job: JobSpec, run: CloudRun, zone: ZoneInfo) -> Iterator[str]:
    local = run.created.astimezone(zone)
    if not _in_window(job, local):
        yield f"started {local:%H:%M} local, outside {job.min_start_time}-{job.max_start_time}"
    if local.weekday() not in job.days_of_week:
        yield f"started on weekday {local.weekday()}, not in {list(job.days_of_week)}"
    earlier = [other for other in log.runs if other.job_id == job.job_id and other.created < run.created]
    if earlier:
        newest = max(earlier, key=lambda other: other.created)
        elapsed = (run.created - newest.created).total_seconds()
        if elapsed < job.min_elapsed_seconds:
            yield f"started {elapsed:.0f} s after run {newest.id}, under min_elapsed_seconds {job.min_elapsed_seconds}"
        unfinished = [other.id for other in earlier if other.finished is None or other.finished > run.created]
        if unfinished:
            yield f"started while run {unfinished[0]} of the job was unfinished"
    if job.upstream_job_id is not None:
        succeeded_today = [
            other
            for other in log.runs
            if other.job_id == job.upstream_job_id
            and other.status == SUCCESS
            and other.finished is not None
            and other.finished <= run.created
            and other.finished.astimezone(zone).date() == local.date()
        ]
        if not succeeded_today:
            yield f"started with no successful run of upstream job {job.upstream_job_id} that day"


def gates_hold(log: EventLog) -> list[str]:
    zone = ZoneInfo(log.timezone)
    return [
        f"{job.name}: run {run.id}: {failure}"
        for job in log.jobs
        for run, _ in task_created_runs(log, job)
        for failure in _gate_failures(log, job, run, zone)
    ]


INVARIANTS: dict[str, Callable[[EventLog], list[str]]] = {
    "no change lost": no_change_lost,
    "no run for nothing": no_run_for_nothing,
    "never two runs for one change": never_two_runs_for_one_change,
    "every invocation logged": every_invocation_logged,
    "gates hold": gates_hold,
}


def violations(log: EventLog) -> dict[str, list[str]]:
    """Each invariant's violations, by name: all empty when the week was correct."""
    return {name: check(log) for name, check in INVARIANTS.items()}
