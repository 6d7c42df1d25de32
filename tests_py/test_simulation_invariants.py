"""The simulation's invariants over hand-made event logs: a correct week passes, and each invariant fails on a
week that breaks it (so the simulated weeks of test_simulation.py can fail)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from simulation import invariants
from simulation.events import (
    DIED,
    SUCCEEDED,
    Arrival,
    CloudRun,
    EventLog,
    Invocation,
    JobSpec,
    LogRow,
    Pending,
)
from simulation.summary import summarise

ORDERS = "RAW.SALES.ORDERS"
JOB = JobSpec(
    name="orders",
    job_id=1,
    task="ORCH_TASK__ORDERS__1",
    tables=(ORDERS,),
    schedule="15 MINUTE",
    upstream_job_id=111,
    min_elapsed_seconds=600,
    min_start_time="06:00",
    max_start_time="20:00",
    days_of_week=(0, 1, 2, 3, 4),
)


def at(hour: int, minute: int = 0, day: int = 1) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=UTC)  # 2026-06-01 is a Monday


def invocation(hour, minute, outcome, *, run=None, created=(), consumed=0, api_calls=3, wake="schedule", **extra):
    return Invocation(
        job_id=1,
        task=JOB.task,
        at=at(hour, minute),
        ended_at=at(hour, minute),
        wake=wake,
        state=extra.pop("state", SUCCEEDED),
        outcome=outcome,
        run_id=run,
        created_run_ids=tuple(created),
        consumed={ORDERS: consumed} if consumed else {},
        statements=12,
        api_calls=api_calls,
        **extra,
    )


def correct_week() -> EventLog:
    """Rows at 08:00, a run at 08:15; rows at 09:00, a run at 09:15; a keep-alive wake finds nothing at 10:00;
    rows at 11:00 wait through a closed window at 21:00 and are still pending at the end."""
    return EventLog(
        seed=0,
        days=1,
        timezone="UTC",
        start=at(0),
        end=at(23, 59),
        jobs=[JOB],
        arrivals=[Arrival(ORDERS, at(8), 10), Arrival(ORDERS, at(9), 5), Arrival(ORDERS, at(11), 7)],
        invocations=[
            invocation(8, 15, "TRIGGERED", run=1, created=[1], consumed=10),
            invocation(9, 15, "TRIGGERED", run=2, created=[2], consumed=5),
            invocation(10, 0, "SKIPPED", api_calls=0, wake="keep-alive", reason="no rows in the streams"),
            invocation(21, 0, "SKIPPED", api_calls=0, reason="outside the start window or weekdays"),
        ],
        runs=[
            CloudRun(900, 111, at(5), 10, at(5, 30)),
            CloudRun(1, 1, at(8, 15), 10, at(8, 25)),
            CloudRun(2, 1, at(9, 15), 10, at(9, 30)),
        ],
        log_rows=[
            LogRow(1, at(8, 15), "TRIGGERED", 1, "Success"),
            LogRow(1, at(9, 15), "TRIGGERED", 2),
            LogRow(1, at(10), "SKIPPED"),
            LogRow(1, at(21), "SKIPPED"),
        ],
        pending=[Pending(1, ORDERS, 7)],
    )


def replaced(log: EventLog, **changes) -> EventLog:
    return dataclasses.replace(log, **changes)


def test_a_correct_week_breaks_no_invariant():
    assert invariants.violations(correct_week()) == {name: [] for name in invariants.INVARIANTS}


def test_the_event_log_survives_json():
    log = correct_week()
    assert invariants.violations(EventLog.from_json(log.to_json())) == invariants.violations(log)
    assert EventLog.from_json(log.to_json()) == log


def test_a_commit_on_skip_loses_the_change():
    log = correct_week()
    log.invocations[3] = invocation(21, 0, "SKIPPED", api_calls=0, consumed=7)
    log = replaced(log, pending=[])
    (violation,) = invariants.no_change_lost(log)
    assert "consumed 7 rows without a run of the job (outcome SKIPPED" in violation


def test_rows_that_vanish_from_a_stream_are_lost():
    (violation,) = invariants.no_change_lost(replaced(correct_week(), pending=[Pending(1, ORDERS, 2)]))
    assert violation == "orders: RAW.SALES.ORDERS: 22 rows arrived, 15 consumed and 2 pending (5 unaccounted for)"


def test_a_run_on_a_keep_alive_wake_is_a_run_for_nothing():
    log = correct_week()
    log.invocations[2] = invocation(10, 0, "TRIGGERED", run=3, created=[3], wake="keep-alive")
    log.runs.append(CloudRun(3, 1, at(10), 10, at(10, 10)))
    (violation,) = invariants.no_run_for_nothing(log)
    assert violation.startswith("orders: run 3 created at 2026-06-01 10:00:00 by the keep-alive task run")
    assert summarise(log).runs_per_necessary_run == pytest.approx(3 / 2)


def test_two_runs_from_one_task_run():
    log = correct_week()
    log.invocations[0] = invocation(8, 15, "TRIGGERED", run=1, created=[1, 3], consumed=10)
    log.runs.append(CloudRun(3, 1, at(8, 15), 10, at(8, 25)))
    assert "orders: the task run at 2026-06-01 08:15:00 created runs 1, 3" in invariants.never_two_runs_for_one_change(
        log
    )


def test_a_run_repeated_after_a_task_run_died_before_commit():
    """The first task run created run 1 and died; the next one triggered again instead of adopting run 1."""
    log = correct_week()
    log.invocations[0:1] = [
        invocation(8, 15, None, created=[1], state=DIED),
        invocation(8, 30, "TRIGGERED", run=3, created=[3], consumed=10),
    ]
    log.runs.append(CloudRun(3, 1, at(8, 30), 10, at(8, 40)))
    log.log_rows[0] = LogRow(1, at(8, 30), "TRIGGERED", 3, "Success")
    assert invariants.never_two_runs_for_one_change(log) == [
        "orders: run 3 (2026-06-01 08:30:00) repeats run 1 (2026-06-01 08:15:00): no change arrived between them"
    ]
    assert invariants.no_run_for_nothing(log) == []  # rows did wait: it is the repeat that is wrong


@pytest.mark.parametrize("status", ["TRIGGERED", "ADOPTED"])
def test_the_adopted_run_of_a_task_run_that_died_breaks_nothing(status):
    log = correct_week()
    log.invocations[0:1] = [
        invocation(8, 15, None, created=[1], state=DIED),
        invocation(8, 30, status, run=1, consumed=10),
    ]
    log.log_rows[0] = LogRow(1, at(8, 30), status, 1, "Success")
    assert invariants.violations(log) == {name: [] for name in invariants.INVARIANTS}
    assert summarise(log).adopted == 1


def test_a_task_run_without_its_log_row():
    log = correct_week()
    del log.log_rows[2]
    assert invariants.every_invocation_logged(log) == ["orders: the task run at 2026-06-01 10:00:00 has 0 log rows"]


def test_a_log_row_whose_status_is_not_the_outcome():
    log = correct_week()
    log.log_rows[3] = LogRow(1, at(21), "ERROR")
    assert invariants.every_invocation_logged(log) == [
        "orders: the task run at 2026-06-01 21:00:00 logged ERROR but ended SKIPPED"
    ]


def test_an_outcome_never_filled_in():
    log = correct_week()
    log.log_rows[0] = LogRow(1, at(8, 15), "TRIGGERED", 1)
    (violation,) = invariants.every_invocation_logged(log)
    assert violation.startswith("job 1: run 1 finished at 2026-06-01 08:25:00 but its log row has no outcome")


@pytest.mark.parametrize(
    ("moved_to", "failure"),
    [
        (at(20, 1), "started 20:01 local, outside 06:00-20:00"),
        (datetime(2026, 6, 6, 9, 15, tzinfo=UTC), "started on weekday 5, not in [0, 1, 2, 3, 4]"),
        (at(8, 20), "started 300 s after run 1, under min_elapsed_seconds 600"),
        (at(8, 20), "started while run 1 of the job was unfinished"),
    ],
)
def test_a_run_outside_a_gate(moved_to, failure):
    log = correct_week()
    log.invocations[1] = dataclasses.replace(log.invocations[1], at=moved_to, ended_at=moved_to)
    log.runs[2] = dataclasses.replace(log.runs[2], created=moved_to)
    assert f"orders: run 2: {failure}" in invariants.gates_hold(log)


def test_a_run_before_the_upstream_job_succeeded_that_day():
    log = correct_week()
    log.runs[0] = CloudRun(900, 111, at(5), 20, at(5, 30))  # failed
    assert invariants.gates_hold(log) == [
        f"orders: run {run}: started with no successful run of upstream job 111 that day" for run in (1, 2)
    ]


def test_a_window_crossing_midnight_admits_both_sides():
    night = dataclasses.replace(JOB, min_start_time="22:00", max_start_time="02:00", upstream_job_id=None)
    assert [invariants._in_window(night, at(hour, minute)) for hour, minute in [(22, 0), (1, 59), (2, 0), (2, 1)]] == [
        True,
        True,
        True,
        False,
    ]
    assert not invariants._in_window(night, at(12))
