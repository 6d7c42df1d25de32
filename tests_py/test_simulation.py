"""The simulated week as acceptance: the example project's jobs (and more) built through real dbt-core, then
seeded weeks of data, gates and dbt Cloud faults played on the stand-in's scheduler, Scripting executor and
procedure runtime. Every invariant (simulation/invariants.py) must hold for every seed, and a body broken on
purpose must break the invariant that guards against it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from simulation.deployment import deploy
from simulation.events import Arrival, EventLog
from simulation.invariants import INVARIANTS, violations
from simulation.playback import play
from simulation.scenario import CloudBehaviour, FalseSignal, UpstreamRun, make_scenario
from simulation.summary import summarise

SEEDS = (11, 12, 13)
DAYS = 1
# A short week: the first 8 hours of each seed's Monday (night skips, the upstream run, the windows opening,
# faults when the seed puts them there); the tests after it stage one fault each. `npm run bench` plays a week.
HOURS = 8
QUIET_HOURS = 12.5  # past the 12-hour keep-alive run
CUSTOMER_360 = 67893
DAILY_SALES = 67890
# The body's check for rows (a keep-alive wake or a false SYSTEM$STREAM_HAS_DATA calls nobody), made never true.
ROWS_CHECK, NO_ROWS_CHECK = "if (pending_rows = 0) then", "if (pending_rows < 0) then"
# The rollback of every outcome but a run, which a broken body would turn into a commit for ERROR.
ROLLBACK_ON_ERROR = "  else\n    rollback;\n  end if;"
COMMIT_ON_ERROR = (
    "  else\n    if (outcome:status::varchar = ''ERROR'') then\n      commit;\n    else\n      rollback;\n    end if;\n"
    "  end if;"
)


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    """One build for every week of this module: the config does not depend on the seed."""
    return deploy(make_scenario(SEEDS[0], DAYS), tmp_path_factory.mktemp("deployed"))


def week(seed: int, deployed, tmp_path, hours: float = HOURS, edit=None, adjust=None) -> EventLog:
    scenario = make_scenario(seed, DAYS)
    scenario.hours = hours
    if adjust is not None:
        adjust(scenario)
    return play(scenario, tmp_path, deployed, body_edit=edit)


def broken(log: EventLog) -> dict[str, list[str]]:
    return {name: found for name, found in violations(log).items() if found}


@pytest.mark.parametrize("seed", SEEDS)
def test_a_seeded_week_keeps_every_invariant(seed, deployed, tmp_path):
    log = week(seed, deployed, tmp_path)
    assert broken(log) == {}
    summary = summarise(log)
    # The week did what it is for: runs, skips, and nothing wasted.
    assert summary.runs > 0 and summary.skips and summary.runs_per_necessary_run == 1.0
    assert {"trigger", "schedule"} <= {item.wake for item in log.invocations}


def local(scenario, hour: int, minute: int = 0, day: int = 0) -> datetime:
    return scenario.start + timedelta(days=day, hours=hour, minutes=minute)


def quiet_but_for_a_false_signal(scenario) -> None:
    """Nothing lands all day; at noon the stream of customer 360 on RAW.CRM.ACCOUNTS says it has data."""
    scenario.arrivals, scenario.behaviours = [], []
    scenario.false_signals = [
        FalseSignal(CUSTOMER_360, "RAW.CRM.ACCOUNTS", local(scenario, 12, 0) + timedelta(seconds=1))
    ]


def death_after_the_trigger(scenario) -> None:
    """Orders land at 06:20 on a Monday, the upstream job succeeded at 06:00, and from 06:25 the first task run
    that triggers a run dies before its COMMIT."""
    scenario.arrivals = [Arrival("RAW.SALES.ORDERS", local(scenario, 6, 20) + timedelta(seconds=1), 42)]
    scenario.false_signals = []
    scenario.upstream_runs = [UpstreamRun(111, local(scenario, 5, 30), local(scenario, 6, 0), True)]
    scenario.behaviours = [CloudBehaviour("dies after POST", local(scenario, 6, 25), local(scenario, 7, 30))]


def test_a_run_whose_task_run_died_before_commit_is_adopted_not_repeated(deployed, tmp_path):
    log = week(23, deployed, tmp_path, adjust=death_after_the_trigger)
    assert broken(log) == {}
    died = [item for item in log.invocations if item.state == "DIED"]
    assert [item.job_id for item in died] == [DAILY_SALES]
    (created,) = died[0].created_run_ids
    adopted = [item for item in log.invocations if item.run_id == created and item.state == "SUCCEEDED"]
    assert [item.outcome for item in adopted] == ["ADOPTED"]
    assert [run.id for run in log.runs if run.job_id == DAILY_SALES] == [created]
    assert len(log.notifications) == 1


def orders_wait_while(kind: str, start: tuple[int, int], end: tuple[int, int]):
    """Orders land at 06:20 on a Monday, the upstream job succeeded at 06:00, and dbt Cloud misbehaves."""

    def adjust(scenario) -> None:
        death_after_the_trigger(scenario)
        scenario.behaviours = [CloudBehaviour(kind, local(scenario, *start), local(scenario, *end))]

    return adjust


def test_an_expired_token_fails_the_task_run_notifies_and_suspends_nothing_lost(deployed, tmp_path):
    """401 from 06:25 to 07:30: the 06:30, 06:45, 07:00 and 07:15 runs fail (the fourth suspends the task); the
    operator fixes the token and resumes it at 07:30; the next run triggers the job for the same rows."""
    log = week(24, deployed, tmp_path, adjust=orders_wait_while("401", (6, 25), (7, 30)))
    assert broken(log) == {}
    daily = [item for item in log.invocations if item.job_id == DAILY_SALES and item.body_ran]
    failed = [item for item in daily if item.state == "FAILED"]
    assert len(failed) == 4 and all(item.outcome == "ERROR" and item.consumed == {} for item in failed)
    assert [row.status for row in log.log_rows if row.job_id == DAILY_SALES][:4] == ["ERROR"] * 4
    assert [item.task for item in log.notifications] == [failed[0].task] * 4
    assert [item.task for item in log.auto_suspensions] == [failed[0].task]
    (triggered,) = [item for item in daily if item.outcome == "TRIGGERED"]
    assert triggered.at >= local(make_scenario(24, 1), 7, 30) and triggered.consumed == {"RAW.SALES.ORDERS": 42}


def test_a_rate_limit_ends_the_invocation_with_one_request_and_the_next_wake_triggers(deployed, tmp_path):
    log = week(25, deployed, tmp_path, adjust=orders_wait_while("429", (6, 28), (6, 33)))
    assert broken(log) == {}
    daily = [item for item in log.invocations if item.job_id == DAILY_SALES and item.body_ran and item.api_calls]
    limited, then = daily[0], daily[1]
    assert (limited.outcome, limited.api_calls, limited.consumed) == ("SKIPPED", 1, {})
    assert then.outcome == "TRIGGERED" and then.consumed == {"RAW.SALES.ORDERS": 42}


def test_a_quiet_day_and_a_false_signal_start_no_run(deployed, tmp_path):
    log = week(21, deployed, tmp_path, hours=QUIET_HOURS, adjust=quiet_but_for_a_false_signal)
    assert broken(log) == {}
    assert [run for run in log.runs if run.job_id == CUSTOMER_360] == []
    woken = [item for item in log.invocations if item.job_id == CUSTOMER_360 and item.body_ran]
    assert woken and all(item.outcome == "SKIPPED" for item in woken)
    assert any(item.wake == "keep-alive" for item in woken)


def without_the_rows_check(task: str, body: str) -> str:
    edited = body.replace(ROWS_CHECK, NO_ROWS_CHECK)
    assert edited != body, "the body has no rows check to take out"
    return edited


def committing_on_error(task: str, body: str) -> str:
    edited = body.replace(ROLLBACK_ON_ERROR, COMMIT_ON_ERROR)
    assert edited != body, "the body has no rollback on ERROR to turn into a commit"
    return edited


def test_without_the_rows_check_a_false_signal_runs_for_nothing(deployed, tmp_path):
    quiet = quiet_but_for_a_false_signal
    log = week(21, deployed, tmp_path, hours=QUIET_HOURS, adjust=quiet, edit=without_the_rows_check)
    assert "no run for nothing" in broken(log)


def test_committing_on_error_loses_the_change(deployed, tmp_path):
    """dbt Cloud answers 503 from 06:25 to 07:00 while orders wait: with the body as built the same week keeps
    every invariant (the expired-token test above shows the failing runs keep the rows); committing on ERROR
    consumes the rows that no run saw."""
    outage = orders_wait_while("5xx", (6, 25), (7, 0))
    log = week(22, deployed, tmp_path, edit=committing_on_error, adjust=outage)
    assert any(item.outcome == "ERROR" and item.consumed for item in log.invocations if item.job_id == DAILY_SALES)
    assert "no change lost" in broken(log)


def test_the_invariants_are_the_five_documented():
    assert list(INVARIANTS) == [
        "no change lost",
        "no run for nothing",
        "never two runs for one change",
        "every invocation logged",
        "gates hold",
    ]
