"""The event log of a simulated week: everything the invariants and the summary read, JSON-serialisable.

Times are aware datetimes (UTC) in memory and ISO 8601 strings in JSON. A table is named as a watched
table is in the config's resolved form: database.schema.table with quotes where needed (RAW.SALES."Order Items").
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# How a task run ended, as TASK_HISTORY's STATE says it (sql-reference/functions/task_history), plus DIED:
# the run's session ended between the trigger and COMMIT (a crash the simulation injects).
SUCCEEDED, FAILED, SKIPPED_BY_CONDITION, DIED = "SUCCEEDED", "FAILED", "SKIPPED", "DIED"


@dataclass(frozen=True)
class JobSpec:
    """A job as deployed: what the gates and the streams of its task are."""

    name: str
    job_id: int
    task: str
    tables: tuple[str, ...]
    schedule: str  # "triggered", "15 MINUTE", "USING CRON …"
    upstream_job_id: int | None = None
    min_elapsed_seconds: int = 0
    min_start_time: str = "00:00"
    max_start_time: str = "23:59"
    days_of_week: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)  # 0 = Monday


@dataclass(frozen=True)
class Arrival:
    table: str
    at: datetime
    rows: int


@dataclass
class Invocation:
    """One task run. `body_ran` is false when WHEN was false (Snowflake skips the run without running the body)."""

    job_id: int
    task: str
    at: datetime
    ended_at: datetime
    wake: str  # "schedule", "trigger", "keep-alive" or "execute"
    state: str  # SUCCEEDED, FAILED, SKIPPED (WHEN false) or DIED
    body_ran: bool = True
    outcome: str | None = None  # the status the body returned or logged: TRIGGERED, SKIPPED, ERROR
    run_id: int | None = None  # the run the outcome names (created now, or adopted)
    reason: str | None = None  # why it skipped or failed, in a few words
    created_run_ids: tuple[int, ...] = ()  # runs dbt Cloud created while this task run lasted
    consumed: dict[str, int] = field(default_factory=dict)  # table -> rows its streams gave up at COMMIT
    statements: int = 0
    api_calls: int = 0


@dataclass(frozen=True)
class CloudRun:
    """A dbt Cloud run as the stand-in API held it at the end (status: 1-3 unfinished, 10 success, 20 error)."""

    id: int
    job_id: int
    created: datetime
    status: int
    finished: datetime | None = None
    cause: str = ""


@dataclass(frozen=True)
class LogRow:
    job_id: int
    invoked_at: datetime
    status: str
    run_id: int | None = None
    run_status: str | None = None  # the run's outcome, filled by a later invocation
    reason: str | None = None  # the log line saying why it skipped or failed


@dataclass(frozen=True)
class Notification:
    task: str
    at: datetime
    message: str


@dataclass(frozen=True)
class AutoSuspension:
    task: str
    at: datetime
    reason: str


@dataclass(frozen=True)
class Pending:
    """Rows still waiting in one job's stream on one table when the simulation ended."""

    job_id: int
    table: str
    rows: int


@dataclass
class EventLog:
    seed: int
    days: int
    timezone: str
    start: datetime
    end: datetime
    jobs: list[JobSpec] = field(default_factory=list)
    arrivals: list[Arrival] = field(default_factory=list)
    invocations: list[Invocation] = field(default_factory=list)
    runs: list[CloudRun] = field(default_factory=list)
    log_rows: list[LogRow] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
    auto_suspensions: list[AutoSuspension] = field(default_factory=list)
    pending: list[Pending] = field(default_factory=list)

    def job(self, job_id: int) -> JobSpec:
        return next(job for job in self.jobs if job.job_id == job_id)

    def pending_rows(self, job_id: int, table: str) -> int:
        return sum(item.rows for item in self.pending if item.job_id == job_id and item.table == table)

    def to_json(self) -> str:
        return json.dumps(_plain(dataclasses.asdict(self)), indent=1)

    @classmethod
    def from_json(cls, text: str) -> EventLog:
        data = json.loads(text)
        return cls(
            seed=data["seed"],
            days=data["days"],
            timezone=data["timezone"],
            start=_time(data["start"]),
            end=_time(data["end"]),
            jobs=[
                JobSpec(**{**item, "tables": tuple(item["tables"]), "days_of_week": tuple(item["days_of_week"])})
                for item in data["jobs"]
            ],
            arrivals=[Arrival(**_times(item, "at")) for item in data["arrivals"]],
            invocations=[
                Invocation(**{**_times(item, "at", "ended_at"), "created_run_ids": tuple(item["created_run_ids"])})
                for item in data["invocations"]
            ],
            runs=[CloudRun(**_times(item, "created", "finished")) for item in data["runs"]],
            log_rows=[LogRow(**_times(item, "invoked_at")) for item in data["log_rows"]],
            notifications=[Notification(**_times(item, "at")) for item in data["notifications"]],
            auto_suspensions=[AutoSuspension(**_times(item, "at")) for item in data["auto_suspensions"]],
            pending=[Pending(**item) for item in data["pending"]],
        )


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _times(item: dict, *names: str) -> dict:
    return {**item, **{name: _time(item[name]) for name in names}}
