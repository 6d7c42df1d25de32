"""Around each task run the scheduler makes: what it sent, what dbt Cloud saw, what its streams gave up.

The scheduler (snowflake_standin/scheduler.py) hands every body to a body runner; this one runs the
stand-in's Snowflake Scripting executor and records, per run, the statements that reached the connector,
the requests dbt Cloud received, the runs it created and which streams' offsets moved. It also plays the
scenario's "dies after POST": the session of the first task run in such a span that created a run ends at
its COMMIT, so the transaction never commits (the task run fails, as any run whose session ends does).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from snowflake_standin import clock

from .cloud import SimulatedDbtCloud
from .scenario import CloudBehaviour, Scenario


class SessionEnded(BaseException):
    """Raised at COMMIT to end the session; a BaseException so that no EXCEPTION block of the body sees it."""


@dataclass
class BodyRecord:
    task: str  # the task's name
    started: datetime
    statements: int = 0
    api_calls: int = 0
    created_run_ids: tuple[int, ...] = ()
    moved_streams: tuple[str, ...] = ()  # catalog keys of the streams whose offset moved
    died: bool = False


@dataclass
class Recorder:
    scenario: Scenario
    standin: Any
    cloud: SimulatedDbtCloud
    execute_body: Callable[[Any, str], object]
    records: list[BodyRecord] = field(default_factory=list)
    _deaths_used: set[CloudBehaviour] = field(default_factory=set)

    def __call__(self, cursor: Any, body_sql: str) -> object:
        now = clock.current_time()
        self.cloud.catch_up(now)
        record = BodyRecord(task=_task_name(cursor, body_sql, self.standin), started=now)
        self.records.append(record)
        offsets = self._offsets()
        statements, requests, runs = len(self.standin.statements), self.cloud.request_count(), self.cloud.run_ids()
        death = self._armed_death(now)
        if death is not None:
            _end_session_at_commit(cursor, lambda: self.cloud.run_ids() - runs)
        try:
            return self.execute_body(cursor, body_sql)
        except SessionEnded:
            record.died = True
            self._deaths_used.add(death)
            cursor.__class__.execute(cursor, "rollback")  # the server aborts a dead session's transaction
            raise RuntimeError("the task run's session ended before COMMIT (simulated)") from None
        finally:
            record.statements = len(self.standin.statements) - statements
            record.api_calls = self.cloud.request_count() - requests
            record.created_run_ids = tuple(sorted(self.cloud.run_ids() - runs))
            after = self._offsets()
            record.moved_streams = tuple(key for key, offset in after.items() if offsets.get(key) != offset)

    def _offsets(self) -> dict[str, str]:
        return {key: stream.offset_on for key, stream in self.standin.catalog.streams.items()}

    def _armed_death(self, moment: datetime) -> CloudBehaviour | None:
        for item in self.scenario.behaviours_at(moment):
            if item.kind == "dies after POST" and item not in self._deaths_used:
                return item
        return None


def _end_session_at_commit(cursor: Any, new_runs: Callable[[], set[int]]) -> None:
    """The cursor's COMMIT ends the session instead, once dbt Cloud has created a run in this task run."""
    execute = cursor.execute

    def execute_or_die(sql: str, *args: Any, **kwargs: Any) -> Any:
        if sql.strip().rstrip(";").strip().lower() in ("commit", "commit work") and new_runs():
            raise SessionEnded
        return execute(sql, *args, **kwargs)

    cursor.execute = execute_or_die


def _task_name(cursor: Any, body_sql: str, standin: Any) -> str:
    """The task whose body this is: the one task whose definition is this text."""
    names = [task.name for task in standin.catalog.tasks.values() if task.definition == body_sql]
    return names[0] if len(names) == 1 else "?"
