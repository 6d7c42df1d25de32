"""Tasks fire on the stand-in's simulated clock (snowflake_standin/scheduler.py, task_schedule.py).

The tasks are created through the connector as any client would; their bodies go to a scripted body
runner (below), which runs no SQL: these tests are about when a task runs, not what its body does.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
import snowflake.connector
from snowflake_standin import SnowflakeStandIn, clock
from snowflake_standin.scheduler import TaskNotModelled

SCHEMA = "ANALYTICS.ORCH"
START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday


class ScriptedBodyRunner:
    """A body runner that runs no SQL: it records when each task body was handed to it and answers what the
    test scripted (a value to return, or an exception to raise), optionally taking simulated time."""

    def __init__(self):
        self.calls: list[tuple[str, datetime]] = []
        self.failing: set[str] = set()
        self.duration = timedelta(0)

    def __call__(self, cursor, body_sql: str):
        self.calls.append((body_sql, clock.current_time()))
        if self.duration:
            clock.advance(self.duration)
        if body_sql in self.failing:
            raise RuntimeError(f"scripted failure of {body_sql}")
        return "done"


@pytest.fixture
def standin(tmp_path):
    standin = SnowflakeStandIn(tmp_path)
    with standin.patch():
        clock.set_clock(START)
        connection = snowflake.connector.connect(database="ANALYTICS", schema="ORCH")
        cursor = connection.cursor()
        cursor.execute("create schema if not exists ANALYTICS.ORCH")
        cursor.execute(f"create table {SCHEMA}.T (id int)")
        cursor.execute(f"create stream {SCHEMA}.S on table {SCHEMA}.T")
        standin.runner = ScriptedBodyRunner()
        standin.scheduler.body_runner = standin.runner
        standin.cursor = cursor
        try:
            yield standin
        finally:
            clock.reset_clock()
            connection.close()


def create_task(standin, name: str, settings: str, body: str | None = None, resume: bool = True) -> None:
    standin.cursor.execute(f"create task {SCHEMA}.{name} {settings} as {body or f'select {name!r}'}")
    if resume:
        standin.cursor.execute(f"alter task {SCHEMA}.{name} resume")


def starts(standin, name: str) -> list[datetime]:
    return [run.started for run in standin.scheduler.runs_of(name) if run.started is not None]


def test_an_interval_task_runs_every_interval_from_its_resume(standin):
    create_task(standin, "EVERY_15", "schedule = '15 MINUTE'")
    standin.scheduler.run_until(START + timedelta(hours=1))
    assert starts(standin, "EVERY_15") == [START + timedelta(minutes=m) for m in (15, 30, 45, 60)]
    assert {run.state for run in standin.scheduler.history} == {"SUCCEEDED"}
    assert clock.current_time() == START + timedelta(hours=1)


def test_a_cron_task_runs_in_its_zone_and_follows_daylight_saving(standin):
    # 2026-03-08: America/Chicago moves from CST (UTC-6) to CDT (UTC-5); 02:30 does not exist that day.
    create_task(standin, "AT_0230", "schedule = 'USING CRON 30 2 * * * America/Chicago'")
    create_task(standin, "WEEKDAYS_6", "schedule = 'USING CRON 0 6 * * 1-5 America/Chicago'")
    standin.scheduler.run_until(datetime(2026, 3, 11, 0, 0, tzinfo=UTC))
    assert starts(standin, "AT_0230") == [
        datetime(2026, 3, 3, 8, 30, tzinfo=UTC),
        datetime(2026, 3, 4, 8, 30, tzinfo=UTC),
        datetime(2026, 3, 5, 8, 30, tzinfo=UTC),
        datetime(2026, 3, 6, 8, 30, tzinfo=UTC),
        datetime(2026, 3, 7, 8, 30, tzinfo=UTC),
        # 03-08: no run (the spring change skips 02:30); from 03-09 on, 02:30 CDT is 07:30 UTC.
        datetime(2026, 3, 9, 7, 30, tzinfo=UTC),
        datetime(2026, 3, 10, 7, 30, tzinfo=UTC),
    ]
    assert starts(standin, "WEEKDAYS_6") == [
        datetime(2026, 3, d, 12, 0, tzinfo=UTC)
        for d in (3, 4, 5, 6)  # Tue-Fri, 06:00 CST
    ] + [datetime(2026, 3, d, 11, 0, tzinfo=UTC) for d in (9, 10)]  # Mon-Tue, 06:00 CDT


def test_a_cron_time_that_happens_twice_runs_twice(standin):
    clock.set_clock(datetime(2026, 10, 31, 12, 0, tzinfo=UTC))
    create_task(standin, "AT_0130", "schedule = 'USING CRON 30 1 * * * America/Chicago'")
    standin.scheduler.run_until(datetime(2026, 11, 2, 0, 0, tzinfo=UTC))
    assert starts(standin, "AT_0130") == [
        datetime(2026, 11, 1, 6, 30, tzinfo=UTC),  # 01:30 CDT
        datetime(2026, 11, 1, 7, 30, tzinfo=UTC),  # 01:30 CST, an hour later
    ]


def test_a_suspended_task_never_runs_and_a_resumed_one_starts_over(standin):
    create_task(standin, "EVERY_10", "schedule = '10 MINUTE'", resume=False)
    standin.scheduler.run_until(START + timedelta(hours=1))
    assert standin.scheduler.history == []
    standin.cursor.execute(f"alter task {SCHEMA}.EVERY_10 resume")
    standin.scheduler.run_until(START + timedelta(minutes=80))
    standin.cursor.execute(f"alter task {SCHEMA}.EVERY_10 suspend")
    standin.scheduler.run_until(START + timedelta(hours=3))
    assert starts(standin, "EVERY_10") == [START + timedelta(minutes=70), START + timedelta(minutes=80)]


def test_a_run_still_going_at_the_next_scheduled_time_skips_it(standin):
    create_task(standin, "SLOW", "schedule = '1 MINUTE'")
    standin.runner.duration = timedelta(seconds=150)  # each run takes 2.5 minutes
    standin.scheduler.run_until(START + timedelta(minutes=6))
    runs = standin.scheduler.runs_of("SLOW")
    assert [(run.scheduled_time - START, run.state) for run in runs] == [
        (timedelta(minutes=1), "SUCCEEDED"),
        (timedelta(minutes=2), "SKIPPED"),
        (timedelta(minutes=3), "SKIPPED"),
        (timedelta(minutes=4), "SUCCEEDED"),
        (timedelta(minutes=5), "SKIPPED"),
        (timedelta(minutes=6), "SKIPPED"),
    ]
    # Never two at once: each run starts after the previous one ended.
    ran = [run for run in runs if run.state == "SUCCEEDED"]
    assert all(later.started >= earlier.ended for earlier, later in itertools.pairwise(ran))


def triggered(standin, name: str, interval: int = 60, extra: str = "") -> None:
    create_task(
        standin,
        name,
        f"user_task_minimum_trigger_interval_in_seconds = {interval} {extra} when system$stream_has_data('{SCHEMA}.S')",
    )


def test_a_triggered_task_runs_when_its_stream_has_data_and_not_more_often_than_its_interval(standin):
    triggered(standin, "ON_DATA", interval=300)
    standin.scheduler.run_until(START + timedelta(minutes=10))
    assert starts(standin, "ON_DATA") == []  # WHEN false: nothing runs, nothing is recorded
    standin.set_stream_has_data("S", True)
    standin.scheduler.run_until(START + timedelta(minutes=20))
    # Runs at once, then no sooner than 300 s after each start while the stream keeps data.
    assert starts(standin, "ON_DATA") == [START + timedelta(minutes=m) for m in (10, 15, 20)]
    standin.set_stream_has_data("S", False)
    standin.scheduler.run_until(START + timedelta(hours=1))
    assert len(starts(standin, "ON_DATA")) == 3
    assert {run.scheduled_from for run in standin.scheduler.history} == {"TRIGGER"}


def test_a_quiet_stream_guarded_task_still_runs_every_12_hours(standin):
    triggered(standin, "QUIET")
    standin.scheduler.run_until(START + timedelta(days=1, minutes=1))
    runs = standin.scheduler.runs_of("QUIET")
    assert [(run.started - START, run.keep_alive) for run in runs] == [
        (timedelta(hours=12), True),
        (timedelta(hours=24), True),
    ]
    assert runner_saw(standin) == ["select 'QUIET'"] * 2  # the body runs although the WHEN is not true


def runner_saw(standin) -> list[str]:
    return [body for body, _ in standin.runner.calls]


def test_a_scheduled_stream_guarded_task_runs_only_on_data_at_its_times(standin):
    create_task(standin, "SCHEDULED_ON_DATA", f"schedule = '60 MINUTE' when system$stream_has_data('{SCHEMA}.S')")
    standin.scheduler.run_until(START + timedelta(hours=3))
    standin.set_stream_has_data("S", True)
    standin.scheduler.run_until(START + timedelta(hours=5))
    standin.set_stream_has_data("S", False)
    standin.scheduler.run_until(START + timedelta(hours=17))
    assert [(run.started - START, run.keep_alive) for run in standin.scheduler.runs_of("SCHEDULED_ON_DATA")] == [
        (timedelta(hours=4), False),
        (timedelta(hours=5), False),
        (timedelta(hours=17), True),  # the first scheduled time 12 hours after the last run
    ]
    assert all(run.state == "SUCCEEDED" for run in standin.scheduler.history)  # no SKIPPED for a false WHEN


def test_consecutive_failures_suspend_the_task_and_each_failure_notifies(standin):
    standin.add_notification_integration("ERRORS_SNS", "QUEUE - AWS_SNS")
    create_task(
        standin,
        "FLAKY",
        "schedule = '5 MINUTE' suspend_task_after_num_failures = 3 error_integration = ERRORS_SNS",
    )
    body = "select 'FLAKY'"
    standin.runner.failing.add(body)
    standin.scheduler.run_until(START + timedelta(minutes=10))  # two failures
    standin.runner.failing.clear()
    standin.scheduler.run_until(START + timedelta(minutes=15))  # a success resets the count
    standin.runner.failing.add(body)
    standin.scheduler.run_until(START + timedelta(hours=1))
    states = [run.state for run in standin.scheduler.runs_of("FLAKY")]
    assert states == ["FAILED", "FAILED", "SUCCEEDED", "FAILED", "FAILED", "FAILED_AND_AUTO_SUSPENDED"]
    task = standin.task("FLAKY")
    assert (task.state, task.last_suspended_reason) == ("suspended", "SUSPENDED_DUE_TO_ERRORS")
    (suspension,) = standin.scheduler.auto_suspensions
    expected = (f"{SCHEMA}.FLAKY", START + timedelta(minutes=30), 3)
    assert (suspension.task, suspension.at, suspension.failures) == expected
    notifications = standin.scheduler.notifications
    assert [n.integration for n in notifications] == ["ERRORS_SNS"] * 5
    message = notifications[-1].payload
    assert (message["messageType"], message["taskName"]) == ("USER_TASK_FAILED", f"{SCHEMA}.FLAKY")
    assert message["messages"][0]["errorMessage"] == "RuntimeError: scripted failure of select 'FLAKY'"
    assert message["messages"][0]["scheduledTime"] == "2026-03-02T12:30:00.000Z"
    cursor = standin.cursor
    cursor.execute(f"show tasks like 'FLAKY' in schema {SCHEMA}")
    row = dict(zip([c[0] for c in cursor.description], cursor.fetchone(), strict=True))
    assert (row["state"], row["last_suspended_reason"]) == ("suspended", "SUSPENDED_DUE_TO_ERRORS")


def test_a_failure_without_an_error_integration_notifies_nobody(standin):
    create_task(standin, "NO_INTEGRATION", "schedule = '5 MINUTE'")
    standin.runner.failing.add("select 'NO_INTEGRATION'")
    standin.scheduler.run_until(START + timedelta(minutes=5))
    assert [run.state for run in standin.scheduler.history] == ["FAILED"]
    assert standin.scheduler.notifications == []


def test_execute_task_runs_once_now_even_when_suspended(standin):
    create_task(standin, "BY_HAND", "schedule = '60 MINUTE'", resume=False)
    clock.advance(timedelta(minutes=7))
    standin.cursor.execute(f"execute task {SCHEMA}.BY_HAND")
    assert standin.scheduler.history == []  # asynchronous: it runs when the scheduler next runs
    standin.scheduler.run_until(START + timedelta(hours=3))
    (run,) = standin.scheduler.runs_of("BY_HAND")
    assert (run.scheduled_from, run.started, run.state) == ("EXECUTE TASK", START + timedelta(minutes=7), "SUCCEEDED")
    with pytest.raises(snowflake.connector.errors.ProgrammingError, match="does not exist"):
        standin.cursor.execute(f"execute task {SCHEMA}.NO_SUCH_TASK")


def test_what_the_scheduler_does_not_model_is_refused_by_name(standin):
    create_task(standin, "RETRIES", "schedule = '5 MINUTE' task_auto_retry_attempts = 2")
    with pytest.raises(TaskNotModelled, match="TASK_AUTO_RETRY_ATTEMPTS"):
        standin.scheduler.run_until(START + timedelta(minutes=5))
    standin.cursor.execute(f"drop task {SCHEMA}.RETRIES")
    create_task(standin, "LAST_DAY", "schedule = 'USING CRON 0 6 L * * UTC'")
    with pytest.raises(ValueError, match=r"special characters \['L'\]"):
        standin.scheduler.run_until(START + timedelta(minutes=5))


def test_current_timestamp_follows_the_simulated_clock(standin):
    cursor = standin.cursor
    cursor.execute("select current_timestamp(), sysdate(), 'current_timestamp'")
    now, sysdate, text = cursor.fetchone()
    assert (now, sysdate.replace(tzinfo=UTC), text) == (START, START, "current_timestamp")
    clock.advance(timedelta(hours=2))
    cursor.execute(f"insert into {SCHEMA}.T select 1 where current_timestamp() > '2026-03-02 13:00:00'::timestamp_tz")
    cursor.execute(f"select count(*) from {SCHEMA}.T")
    assert cursor.fetchone() == (1,)
