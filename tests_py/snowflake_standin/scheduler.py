"""Tasks fire: the stand-in's scheduler, on the simulated clock (clock.py).

`Scheduler(standin).run_until(moment)` walks the clock forward to `moment`, firing every started task
when it is due, in time order; each run's body goes to a body runner (pluggable: `execute_task_body(cursor,
body_sql)` of scripting.py once it exists, or a test's own) on a new session of the task's database and
schema, as the task's owner. Every run, skip, error notification and auto-suspension is kept as a record
(`history`, `notifications`, `auto_suspensions`), and each record is appended to
`standin-task-history.jsonl` in the stand-in's folder.

The rules, each from the page it cites:
- Tasks are created suspended and a suspended task never runs on its schedule; `EXECUTE TASK` runs a
  task once "independent of the schedule", suspended or not, asynchronously: the run happens when the
  scheduler next runs, at the time of the request (sql-reference/sql/create-task, sql-reference/sql/execute-task).
- SCHEDULE: task_schedule.py. Snowflake "ensures only one instance of a task with a schedule is executed
  at a given time. If a task is still running when the next scheduled execution time occurs, then that
  scheduled time is skipped" (user-guide/tasks-intro): a SKIPPED record for each such time.
- A triggered task (no SCHEDULE, a WHEN): runs when its WHEN is true, and not sooner than
  USER_TASK_MINIMUM_TRIGGER_INTERVAL_IN_SECONDS after its previous run started (user-guide/tasks-triggered,
  sql-reference/sql/create-task; 30 s when the task does not set it). The WHEN is evaluated when the task
  becomes eligible and again after anything ran (nothing else changes data inside `run_until`: the code
  driving the simulation changes it between calls, and each call looks again).
- A task guarded by a stream (a WHEN calling SYSTEM$STREAM_HAS_DATA) "is executed approximately every 12
  hours to prevent the stream from going stale" (release-notes/bcr-bundles/2024_06/bcr-1710): when 12 hours
  passed since its last run started (or since it was resumed) the body runs although the WHEN is not true;
  the record says `keep_alive`. A scheduled task with such a WHEN runs only at scheduled times when the
  WHEN is true (no SKIPPED record for a false one: the 2024_06 behaviour), and its keep-alive run comes at
  the first scheduled time 12 hours on. Any other WHEN that is false records SKIPPED.
- A failed run (the body raised) counts toward SUSPEND_TASK_AFTER_NUM_FAILURES, consecutive failures only
  (default 10, 0 never suspends): the run that reaches it is FAILED_AND_AUTO_SUSPENDED and the task is
  suspended with last_suspended_reason SUSPENDED_DUE_TO_ERRORS (release-notes/bcr-bundles/2023_08/bcr-1412,
  2023_01/bcr-899, 2023_08/bcr-1385-1414). A success resets the count; so does a resume.
- A failed run of a task with ERROR_INTEGRATION sends a USER_TASK_FAILED notification with the payload
  of user-guide/tasks-errors-payload; the stand-in records it instead of sending it.
Refused by name when a task uses them: ALLOW_OVERLAPPING_EXECUTION = TRUE, USER_TASK_TIMEOUT_MS,
TASK_AUTO_RETRY_ATTEMPTS, task graphs (refused at CREATE already), and any task parameter not listed in
MODELLED_PARAMETERS.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from . import catalog as cat
from . import clock
from .task_schedule import Schedule, parse_schedule

# What a body runner does: runs `body_sql` (the task's AS clause, as stored) on the cursor; returns the
# task's return value; raises when the run fails.
BodyRunner = Callable[[Any, str], object]

KEEP_ALIVE = timedelta(hours=12)  # bcr-1710: "approximately every 12 hours"; exactly 12 h here
DEFAULT_MINIMUM_TRIGGER_INTERVAL = 30
DEFAULT_SUSPEND_AFTER_FAILURES = 10
# Task parameters whose effect the scheduler models or which change nothing it models (compute sizing).
MODELLED_PARAMETERS = {
    "USER_TASK_MINIMUM_TRIGGER_INTERVAL_IN_SECONDS",
    "SUSPEND_TASK_AFTER_NUM_FAILURES",
    "ERROR_INTEGRATION",
    "ALLOW_OVERLAPPING_EXECUTION",
    "TARGET_COMPLETION_INTERVAL",
    "USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE",
}
_ERROR_MESSAGE_LIMIT = 1000


class TaskNotModelled(RuntimeError):
    """A task the scheduler cannot run faithfully: refused by name."""


@dataclass
class TaskRun:
    """One run (or skipped run) of a task, as TASK_HISTORY would list it."""

    task: str  # DATABASE.SCHEMA.NAME
    scheduled_time: datetime
    scheduled_from: str  # SCHEDULE, TRIGGER or EXECUTE TASK (TASK_HISTORY's SCHEDULED_FROM)
    state: str  # SUCCEEDED, FAILED, FAILED_AND_AUTO_SUSPENDED or SKIPPED
    started: datetime | None = None
    ended: datetime | None = None
    return_value: object = None
    error: str | None = None
    keep_alive: bool = False  # a stream-guarded task's 12-hour run: its WHEN was not true
    run_id: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass
class ErrorNotification:
    integration: str
    task: str
    payload: dict


@dataclass
class AutoSuspension:
    task: str
    at: datetime
    failures: int
    reason: str = "SUSPENDED_DUE_TO_ERRORS"


@dataclass
class _Tracked:
    """What the scheduler knows of one started task."""

    schedule: Schedule | None
    resumed_at: datetime
    next_scheduled: datetime | None
    keep_alive_from: datetime
    last_start: datetime | None = None
    failures: int = 0
    check_when: bool = True  # a triggered task's WHEN is worth evaluating again


def _stream_guarded(task: cat.Task) -> bool:
    return task.condition is not None and "SYSTEM$STREAM_HAS_DATA" in task.condition.upper()


class Scheduler:
    def __init__(self, standin: Any, body_runner: BodyRunner | None = None, connect: Callable[..., Any] | None = None):
        self.standin = standin
        self.body_runner = body_runner
        self._connect = connect
        self.history: list[TaskRun] = []
        self.notifications: list[ErrorNotification] = []
        self.auto_suspensions: list[AutoSuspension] = []
        self._tracked: dict[str, _Tracked] = {}
        self._requested: list[tuple[datetime, str]] = []  # EXECUTE TASK: (requested at, task key)
        self._when_sessions: dict[tuple[str, str, str], Any] = {}

    # ---- what tests and the simulation call ------------------------------------------------------------

    def run_until(self, moment: datetime) -> list[TaskRun]:
        """Fires everything due up to `moment` (inclusive), in time order; the clock ends at `moment`."""
        if not clock.is_simulated():
            raise RuntimeError("the scheduler runs on simulated time: call clock.set_clock first")
        first = len(self.history)
        for tracked in self._tracked.values():
            tracked.check_when = True  # data may have changed since the last call
        while True:
            self._sync()
            due = self._next_due()
            if due is None or due[0] > moment:
                break
            when, key, kind = due
            if when > clock.current_time():
                clock.set_clock(when)
            self._fire(key, kind, when)
        if moment > clock.current_time():
            clock.set_clock(moment)
        return self.history[first:]

    def advance(self, delta: timedelta | float) -> list[TaskRun]:
        step = delta if isinstance(delta, timedelta) else timedelta(seconds=delta)
        return self.run_until(clock.current_time() + step)

    def execute_task(self, key: str) -> None:
        """EXECUTE TASK: one run at the current time, when the scheduler next runs (its key: catalog.Catalog.key)."""
        if key not in self._tasks():
            raise KeyError(f"no task {key}")
        self._requested.append((clock.current_time(), key))

    def close(self) -> None:
        """Closes the sessions kept for WHEN checks (the stand-in's patch ends)."""
        for connection in self._when_sessions.values():
            connection.close()
        self._when_sessions.clear()

    def runs_of(self, name: str) -> list[TaskRun]:
        return [run for run in self.history if run.task == name or run.task.rsplit(".", 1)[-1] == name]

    # ---- keeping up with the catalog ---------------------------------------------------------------------

    def _tasks(self) -> dict[str, cat.Task]:
        return self.standin.catalog.tasks

    def _sync(self) -> None:
        """Starts tracking tasks seen started (as resumed now), stops tracking suspended or dropped ones."""
        now = clock.current_time()
        tasks = self._tasks()
        for key in list(self._tracked):
            if key not in tasks or tasks[key].state != "started":
                del self._tracked[key]
        for key, task in tasks.items():
            if task.state == "started" and key not in self._tracked:
                self._check_modelled(task)
                schedule = parse_schedule(task.schedule) if task.schedule else None
                self._tracked[key] = _Tracked(
                    schedule=schedule,
                    resumed_at=now,
                    next_scheduled=schedule.next_after(now) if schedule else None,
                    keep_alive_from=now,
                )

    @staticmethod
    def _check_modelled(task: cat.Task) -> None:
        for name, value in task.parameters.items():
            if name not in MODELLED_PARAMETERS:
                raise TaskNotModelled(f"task {task.name}: parameter {name} is not modelled by the stand-in's scheduler")
            if name == "ALLOW_OVERLAPPING_EXECUTION" and value.upper() == "TRUE":
                raise TaskNotModelled(f"task {task.name}: ALLOW_OVERLAPPING_EXECUTION = TRUE is not modelled")

    def _minimum_interval(self, task: cat.Task) -> timedelta:
        value = task.parameters.get("USER_TASK_MINIMUM_TRIGGER_INTERVAL_IN_SECONDS")
        return timedelta(seconds=int(value) if value else DEFAULT_MINIMUM_TRIGGER_INTERVAL)

    def _next_due(self) -> tuple[datetime, str, str] | None:
        """(when, task key, kind): the earliest thing to do; kinds: execute, schedule, trigger, keep-alive."""
        now = clock.current_time()
        candidates: list[tuple[datetime, str, str]] = []
        for requested_at, key in self._requested:
            candidates.append((max(requested_at, now), key, "execute"))
        tasks = self._tasks()
        for key, tracked in self._tracked.items():
            task = tasks[key]
            if tracked.next_scheduled is not None:
                candidates.append((tracked.next_scheduled, key, "schedule"))
                continue
            if task.condition is None:
                continue  # neither scheduled nor triggered: runs only by EXECUTE TASK
            eligible = now
            if tracked.last_start is not None:
                eligible = max(now, tracked.last_start + self._minimum_interval(task))
            if tracked.check_when:
                candidates.append((eligible, key, "trigger"))
            if _stream_guarded(task):
                candidates.append((max(eligible, tracked.keep_alive_from + KEEP_ALIVE), key, "keep-alive"))
        return min(candidates, key=lambda item: (item[0], item[2] != "execute")) if candidates else None

    # ---- one run -----------------------------------------------------------------------------------------

    def _fire(self, key: str, kind: str, when: datetime) -> None:
        tasks = self._tasks()
        if kind == "execute":
            self._requested.remove(next(item for item in self._requested if item[1] == key))
            if key not in tasks:
                return  # dropped before it ran
            self._run(tasks[key], when, "EXECUTE TASK", keep_alive=False)
            return
        task, tracked = tasks[key], self._tracked[key]
        if kind == "schedule":
            assert tracked.schedule is not None
            tracked.next_scheduled = tracked.schedule.next_after(when)
            keep_alive = _stream_guarded(task) and when >= tracked.keep_alive_from + KEEP_ALIVE
            if task.condition is not None and not keep_alive and not self._when_true(task):
                if not _stream_guarded(task):
                    self._record(TaskRun(_qualified(task), when, "SCHEDULE", "SKIPPED", error="condition is false"))
                return
            self._run(task, when, "TRIGGER" if _stream_guarded(task) else "SCHEDULE", keep_alive=keep_alive)
            return
        if kind == "trigger":
            tracked.check_when = False
            if self._when_true(task):
                self._run(task, when, "TRIGGER", keep_alive=False)
            return
        self._run(task, when, "TRIGGER", keep_alive=True)

    def _when_true(self, task: cat.Task) -> bool:
        """The WHEN, evaluated on a session kept per database, schema and owner (the check is no task run)."""
        place = (task.database, task.schema, task.owner)
        connection = self._when_sessions.get(place)
        if connection is None:
            connection = self._when_sessions[place] = self._session(task)
        cursor = connection.cursor()
        cursor.execute(f"select ({task.condition})")
        row = cursor.fetchone()
        return bool(row and row[0])

    def _run(self, task: cat.Task, when: datetime, scheduled_from: str, keep_alive: bool) -> None:
        key = cat.Catalog.key([task.database, task.schema, task.name])
        tracked = self._tracked.get(key)
        run = TaskRun(_qualified(task), when, scheduled_from, "SUCCEEDED", keep_alive=keep_alive)
        run.started = clock.current_time()
        if tracked is not None:
            tracked.last_start = run.started
            tracked.keep_alive_from = run.started
        runner = self._runner(task.definition)
        connection = self._session(task)
        try:
            run.return_value = runner(connection.cursor(), task.definition)
        except Exception as error:  # a failed run is a record, not a crash of the simulation
            run.state = "FAILED"
            run.error = f"{type(error).__name__}: {error}"[:_ERROR_MESSAGE_LIMIT]
        finally:
            connection.close()
        run.ended = clock.current_time()
        failures = self._failures(task, tracked, run)
        self._record(run)
        if run.state != "SUCCEEDED":
            self._notify(task, run)
        if failures is not None:
            self._auto_suspend(task, run, failures)
        if tracked is not None:
            self._skip_overlapped(task, tracked, run)
        for other in self._tracked.values():
            other.check_when = True  # the run may have changed what any WHEN sees

    def _failures(self, task: cat.Task, tracked: _Tracked | None, run: TaskRun) -> int | None:
        """Counts the run; the number of consecutive failures when the task must now be suspended, else None."""
        if tracked is None:
            return None
        if run.state == "SUCCEEDED":
            tracked.failures = 0
            return None
        tracked.failures += 1
        limit = int(task.parameters.get("SUSPEND_TASK_AFTER_NUM_FAILURES", DEFAULT_SUSPEND_AFTER_FAILURES))
        if limit > 0 and tracked.failures >= limit:
            run.state = "FAILED_AND_AUTO_SUSPENDED"
            return tracked.failures
        return None

    def _auto_suspend(self, task: cat.Task, run: TaskRun, failures: int) -> None:
        assert run.ended is not None
        task.state = "suspended"
        task.last_suspended_on = run.ended.isoformat()
        task.last_suspended_reason = "SUSPENDED_DUE_TO_ERRORS"
        self.standin.catalog.save(self.standin.catalog_path)
        suspension = AutoSuspension(_qualified(task), run.ended, failures)
        self.auto_suspensions.append(suspension)
        self._journal("auto_suspension", asdict(suspension))

    def _notify(self, task: cat.Task, run: TaskRun) -> None:
        integration = task.parameters.get("ERROR_INTEGRATION")
        if not integration:
            return
        payload = {
            "version": "1.0",
            "messageId": str(uuid.uuid4()),
            "messageType": "USER_TASK_FAILED",
            "timestamp": _wire(clock.current_time()),
            "accountName": "STANDIN",
            "taskName": run.task,
            "taskId": task.id,
            "rootTaskName": run.task,
            "rootTaskId": task.id,
            "messages": [
                {
                    "runId": _wire(run.scheduled_time),
                    "scheduledTime": _wire(run.scheduled_time),
                    "queryStartTime": _wire(run.started),
                    "completedTime": _wire(run.ended),
                    "errorCode": "STANDIN",
                    "errorMessage": run.error,
                }
            ],
        }
        notification = ErrorNotification(integration, run.task, payload)
        self.notifications.append(notification)
        self._journal("error_notification", asdict(notification))

    def _skip_overlapped(self, task: cat.Task, tracked: _Tracked, run: TaskRun) -> None:
        """Scheduled times that came while the run was still going are skipped (tasks-intro)."""
        if tracked.schedule is None or tracked.next_scheduled is None or run.ended is None:
            return
        if self._tasks().get(cat.Catalog.key([task.database, task.schema, task.name])) is not task:
            return
        while tracked.next_scheduled <= run.ended:
            skipped = tracked.next_scheduled
            self._record(
                TaskRun(run.task, skipped, "SCHEDULE", "SKIPPED", error="the previous run was still executing")
            )
            tracked.next_scheduled = tracked.schedule.next_after(skipped)

    # ---- sessions, runner, records -------------------------------------------------------------------------

    def _session(self, task: cat.Task) -> Any:
        """A new session in the task's database and schema, as its owner (each run is a session of its own)."""
        if self._connect is not None:
            return self._connect(task)
        import snowflake.connector

        return snowflake.connector.connect(database=task.database, schema=task.schema, role=task.owner)

    def _runner(self, body_sql: str) -> BodyRunner:
        """The given runner; else a Snowflake Scripting body goes to scripting.execute_task_body and a single
        statement (a CALL, an INSERT…) runs as it is: a task's body is "a single SQL statement, a call to a
        stored procedure, or procedural logic using Snowflake Scripting" (sql-reference/sql/create-task)."""
        if self.body_runner is not None:
            return self.body_runner
        if not _SCRIPTING.match(body_sql):
            return run_single_statement
        try:
            from .scripting import execute_task_body  # the Snowflake Scripting executor, when present
        except ImportError:
            raise TaskNotModelled(
                "a Snowflake Scripting task body needs scripting.execute_task_body, which is not available"
            ) from None
        return execute_task_body

    def _record(self, run: TaskRun) -> None:
        self.history.append(run)
        self._journal("task_run", asdict(run))

    def _journal(self, kind: str, record: dict) -> None:
        path = self.standin.db_dir / "standin-task-history.jsonl"
        with path.open("a") as journal:
            journal.write(json.dumps({"kind": kind, **record}, default=str) + "\n")


_SCRIPTING = re.compile(r"\s*(EXECUTE\s+IMMEDIATE|DECLARE|BEGIN)\b", re.IGNORECASE)


def run_single_statement(cursor: Any, body_sql: str) -> object:
    """A body that is one statement: its first value is the run's return value (a CALL's result)."""
    cursor.execute(body_sql)
    row = cursor.fetchone() if cursor.description else None
    return row[0] if row else None


def _qualified(task: cat.Task) -> str:
    return f"{task.database}.{task.schema}.{task.name}"


def _wire(moment: datetime | None) -> str:
    if moment is None:
        return "null"
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
