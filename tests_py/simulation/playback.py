"""One simulated week: a copy of the deployed warehouse, the simulated clock, the scheduler firing the tasks
the build made, data arriving as DML through the connector, and dbt Cloud behaving as the scenario says.
What happened becomes the event log (events.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import snowflake.connector
from snowflake_standin import SnowflakeStandIn, clock
from snowflake_standin.catalog import qualified
from snowflake_standin.scheduler import Scheduler

from . import events as ev
from .cloud import SimulatedDbtCloud
from .deployment import TOKEN, copy_warehouse, deploy, job_specs
from .recorder import BodyRecord, Recorder
from .scenario import Scenario

LOG_TABLE = '"ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS"'
SECRET = '"ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_ACCESS_TOKEN"'
JUST_BEFORE = timedelta(microseconds=1)

# A change to the built task bodies before the week starts: (task name, body) -> body. Only tests use it,
# to show that a broken body breaks an invariant.
BodyEdit = Callable[[str, str], str]


@dataclass(frozen=True)
class _Happening:
    at: datetime
    order: int
    apply: Callable[[], None]


def play(scenario: Scenario, work_dir: Path, deployed: Path | None = None, body_edit: BodyEdit | None = None):
    """Plays the scenario; `deployed` is a warehouse deploy() made (built now when not given)."""
    deployed = deployed or deploy(scenario, work_dir / "deployed")
    warehouse = copy_warehouse(deployed, work_dir / f"week-{scenario.seed}")
    standin = SnowflakeStandIn(warehouse)
    clock.set_clock(scenario.start)
    try:
        with standin.patch(), SimulatedDbtCloud(scenario, now=clock.current_time) as cloud:
            return _play(scenario, standin, cloud, body_edit)
    finally:
        clock.reset_clock()


def _play(scenario: Scenario, standin: Any, cloud: SimulatedDbtCloud, body_edit: BodyEdit | None) -> ev.EventLog:
    from snowflake_standin.scripting import execute_task_body  # its CALL runs the stored handler

    host = scenario.config["access_url"].split("://", 1)[1].split("/", 1)[0]
    standin.route_egress(host, cloud.url)
    connection = snowflake.connector.connect(database="RAW", role="ACCOUNTADMIN")
    cursor = connection.cursor()
    # The secret's value lives only in the memory of the stand-in that stored it: set it again, as bound text.
    cursor.execute(f"alter secret {SECRET} set secret_string = %s", (TOKEN,))
    if body_edit is not None:
        _edit_bodies(standin, body_edit)
    jobs = job_specs(scenario, standin.catalog)
    recorder = Recorder(scenario, standin, cloud, execute_task_body)
    scheduler = standin.scheduler = Scheduler(standin, body_runner=recorder)  # EXECUTE TASK goes to it too
    landed: list[ev.Arrival] = []  # as they landed: a task run that lasted past an arrival's time delays it
    happenings = sorted(_happenings(scenario, standin, cursor, landed), key=lambda item: (item.at, item.order))
    for happening in [item for item in happenings if item.at < scenario.end]:
        # Whatever is due at the very instant of a happening runs after it (the invariants count a change
        # as waiting for a task run that starts at the time it landed).
        scheduler.run_until(happening.at - JUST_BEFORE)
        clock.set_clock(max(happening.at, clock.current_time()))
        happening.apply()
    scheduler.run_until(scenario.end)
    cloud.catch_up(scenario.end)
    # What the week left, read as a user would: from a session in the orchestration schema.
    reader = snowflake.connector.connect(database="ANALYTICS", schema="ORCHESTRATION", role="ACCOUNTADMIN")
    log = ev.EventLog(
        seed=scenario.seed,
        days=scenario.days,
        timezone=scenario.timezone,
        start=scenario.start.astimezone(clock.current_time().tzinfo),
        end=scenario.end.astimezone(clock.current_time().tzinfo),
        jobs=jobs,
        arrivals=landed,
        runs=cloud.runs(),
        log_rows=_log_rows(reader.cursor()),
        notifications=[
            ev.Notification(item.task.rsplit(".", 1)[-1], _parse(item.payload["timestamp"]), _message(item.payload))
            for item in scheduler.notifications
        ],
        auto_suspensions=[
            ev.AutoSuspension(item.task.rsplit(".", 1)[-1], item.at, item.reason) for item in scheduler.auto_suspensions
        ],
        pending=_pending(reader.cursor(), standin, jobs),
    )
    log.invocations = _invocations(scheduler.history, recorder.records, jobs, standin, log)
    reader.close()
    connection.close()
    return log


def _happenings(scenario: Scenario, standin: Any, cursor: Any, landed: list[ev.Arrival]) -> list[_Happening]:
    happenings = []
    for arrival in scenario.arrivals:

        def land(arrival: ev.Arrival = arrival) -> None:
            cursor.execute(
                f"insert into {arrival.table} (id, loaded_at) select seq4(), current_timestamp()::timestamp_ntz"
                f" from table(generator(rowcount => {arrival.rows}))"
            )
            landed.append(ev.Arrival(arrival.table, clock.current_time(), arrival.rows))

        happenings.append(_Happening(arrival.at, 0, land))
    for signal in scenario.false_signals:
        happenings.append(_Happening(signal.at, 1, lambda signal=signal: _false_signal(standin, signal)))
    for behaviour in scenario.behaviours:
        if behaviour.kind == "401":
            # The operator fixes the token and resumes what the failures suspended (the build would too).
            happenings.append(_Happening(behaviour.end, 2, lambda: _resume_suspended(standin, cursor)))
    return happenings


def _false_signal(standin: Any, signal) -> None:
    """SYSTEM$STREAM_HAS_DATA answers TRUE for the stream until a DML statement consumes it (the hook)."""
    for stream in standin.catalog.streams.values():
        if f"__{signal.job_id}__" in stream.name and qualified(stream.table) == signal.table:
            stream.has_data = True
    standin.catalog.save(standin.catalog_path)


def _resume_suspended(standin: Any, cursor: Any) -> None:
    for task in list(standin.catalog.tasks.values()):
        if task.state == "suspended":
            cursor.execute(f'alter task "{task.database}"."{task.schema}"."{task.name}" resume')


def _edit_bodies(standin: Any, body_edit: BodyEdit) -> None:
    for task in standin.catalog.tasks.values():
        task.definition = body_edit(task.name, task.definition)
    standin.catalog.save(standin.catalog_path)


def _log_rows(cursor: Any) -> list[ev.LogRow]:
    cursor.execute(f"select job_id, invoked_at, status, run_id, run_status, logs from {LOG_TABLE} order by invoked_at")
    return [
        ev.LogRow(
            int(job_id),
            _aware(invoked_at),
            status,
            None if run_id is None else int(run_id),
            run_status,
            _reason(logs),
        )
        for job_id, invoked_at, status, run_id, run_status, logs in cursor.fetchall()
    ]


def _reason(logs: Any) -> str | None:
    """The line saying why: the procedure's `SKIPPED: …` or `ERROR: …`, else the body's own single line."""
    lines = json.loads(logs) if isinstance(logs, str) else list(logs or [])
    said = [line for line in lines if str(line).startswith(("SKIPPED", "ERROR"))]
    return str(said[-1] if said else lines[0]) if lines else None


def _pending(cursor: Any, standin: Any, jobs: list[ev.JobSpec]) -> list[ev.Pending]:
    pending = []
    for job in jobs:
        for stream in standin.catalog.streams.values():
            if f"__{job.job_id}__" not in stream.name:
                continue
            cursor.execute(f'select count(*) from "{stream.database}"."{stream.schema}"."{stream.name}"')
            (rows,) = cursor.fetchone()
            if rows:
                pending.append(ev.Pending(job.job_id, qualified(stream.table), int(rows)))
    return pending


def _invocations(history, records: list[BodyRecord], jobs, standin, log: ev.EventLog) -> list[ev.Invocation]:
    """The scheduler's task runs, with what the recorder saw of each whose body ran (in the same order)."""
    by_task = {job.task: job for job in jobs}
    ran = iter(records)
    expected = {job.job_id: {table: 0 for table in job.tables} for job in jobs}
    arrivals = sorted(log.arrivals, key=lambda item: item.at)
    invocations = []
    for run in history:
        job = by_task[run.task.rsplit(".", 1)[-1]]
        started = run.started or run.scheduled_time
        for arrival in arrivals:
            if arrival.at <= started:
                for waiting in expected.values():
                    if arrival.table in waiting:
                        waiting[arrival.table] += arrival.rows
        arrivals = [arrival for arrival in arrivals if arrival.at > started]
        body_ran = run.state != "SKIPPED"
        record = next(ran) if body_ran else None
        if record is not None and record.task not in ("?", job.task):
            raise AssertionError(f"task run order: the scheduler ran {job.task}, the recorder saw {record.task}")
        consumed = {}
        if record is not None:
            for key in record.moved_streams:
                stream = standin.catalog.streams.get(key)
                if stream is not None and f"__{job.job_id}__" in stream.name:
                    table = qualified(stream.table)
                    if expected[job.job_id][table]:
                        consumed[table] = expected[job.job_id][table]
                    expected[job.job_id][table] = 0
        state = ev.DIED if record is not None and record.died else _state(run.state)
        invocation = ev.Invocation(
            job_id=job.job_id,
            task=job.task,
            at=started,
            ended_at=run.ended or started,
            wake=_wake(run, job),
            state=state,
            body_ran=body_ran,
            outcome=_outcome(run, state),
            created_run_ids=record.created_run_ids if record else (),
            consumed=consumed,
            statements=record.statements if record else 0,
            api_calls=record.api_calls if record else 0,
        )
        invocations.append(invocation)
    _attach_log_rows(invocations, log)
    return invocations


def _state(state: str) -> str:
    return ev.FAILED if state.startswith("FAILED") else state


def _wake(run, job: ev.JobSpec) -> str:
    if run.keep_alive:
        return "keep-alive"
    if run.scheduled_from == "EXECUTE TASK":
        return "execute"
    return "trigger" if job.schedule == "triggered" else "schedule"


def _outcome(run, state: str) -> str | None:
    if state == ev.SUCCEEDED:
        return str(run.return_value) if run.return_value is not None else None
    if state == ev.FAILED:
        return "ERROR"
    return None


def _attach_log_rows(invocations: list[ev.Invocation], log: ev.EventLog) -> None:
    """Each task run's run id and reason, from its log row (what the product recorded)."""
    for invocation in invocations:
        rows = [
            row
            for row in log.log_rows
            if row.job_id == invocation.job_id and invocation.at <= row.invoked_at <= invocation.ended_at
        ]
        if len(rows) == 1:
            invocation.run_id, invocation.reason = rows[0].run_id, rows[0].reason


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=clock.current_time().tzinfo)


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _message(payload: dict) -> str:
    messages = payload.get("messages") or [{}]
    return str(messages[0].get("errorMessage") or json.dumps(payload))[:300]
