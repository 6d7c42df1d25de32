"""The procedure's checks: each passing and failing, with their boundaries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

CHICAGO = ZoneInfo("America/Chicago")


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


def local(tz, *parts, fold=0):
    return datetime(*parts, tzinfo=tz, fold=fold).astimezone(UTC)


def check(result, name):
    found = [c for c in result["checks"] if c["name"] == name]
    assert len(found) == 1, result
    return found[0]


# --------------------------------------------------------------------------- #
# No checks configured: list + trigger, exactly
# --------------------------------------------------------------------------- #


def test_triggers_with_two_calls_when_no_checks(run, api):
    result = run()
    assert result["status"] == "TRIGGERED", result["logs"]
    assert [(r.method, r.path) for r in api.requests] == [
        ("GET", "/api/v2/accounts/1/runs/"),
        ("POST", "/api/v2/accounts/1/jobs/42/run/"),
    ]
    assert api.requests[0].query == [("job_definition_id", "42"), ("order_by", "-created_at"), ("limit", "10")]
    new_run = api.scenario.jobs[42][-1]
    assert result["run_id"] == new_run.id
    assert result["run_url"] == f"https://cloud.example.invalid/deploy/1/projects/70/runs/{new_run.id}/"
    assert check(result, "no_run_in_progress")["passed"] is True
    assert new_run.cause == "Triggered by Snowflake task"


def test_request_headers_and_body(run, api):
    run(cause="  dbt source freshness changed  ")
    get, post = api.requests
    for request in (get, post):
        assert request.headers["authorization"].split(" ", 1)[0] == "Bearer"
        assert request.headers["accept"] == "application/json"
    assert "content-type" not in get.headers
    assert post.headers["content-type"] == "application/json"
    assert post.body == '{"cause": "dbt source freshness changed"}'


def test_all_checks_pass_with_upstream_in_three_calls(run, api, clock):
    clock.set(utc(2026, 5, 20, 12, 0))
    api.add_run(42, 10, utc(2026, 5, 20, 6, 0), utc(2026, 5, 20, 6, 30))
    api.add_run(7, 10, utc(2026, 5, 20, 9, 0), utc(2026, 5, 20, 9, 45))
    result = run(
        upstream_job_id=7,
        min_elapsed_seconds=3600,
        min_start_time="06:00",
        max_start_time="18:00",
        days_of_week=[0, 1, 2, 3, 4],
        timezone="Europe/Amsterdam",
    )
    assert result["status"] == "TRIGGERED", result["logs"]
    assert len(api.requests) == 3
    assert [c["name"] for c in result["checks"]] == [
        "time_window",
        "days_of_week",
        "no_run_in_progress",
        "min_elapsed_seconds",
        "upstream_success_today",
    ]
    assert all(c["passed"] for c in result["checks"])
    upstream_query = api.requests[1].query
    assert upstream_query == [
        ("job_definition_id", "7"),
        ("status", "10"),
        ("order_by", "-finished_at"),
        ("limit", "1"),
    ]


def test_all_checks_pass_without_upstream_in_two_calls(run, api):
    api.add_run(42, 20, utc(2026, 5, 19, 6, 0), utc(2026, 5, 19, 6, 30))
    result = run(min_elapsed_seconds=60, min_start_time="00:00", max_start_time="23:59", days_of_week=[2])
    assert result["status"] == "TRIGGERED"
    assert len(api.requests) == 2


# --------------------------------------------------------------------------- #
# Time window
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("now", "window", "passed"),
    [
        (utc(2026, 5, 20, 10, 0, 0), ("10:00", "20:00"), True),  # min edge
        (utc(2026, 5, 20, 9, 59, 59), ("10:00", "20:00"), False),
        (utc(2026, 5, 20, 20, 0, 0), ("10:00", "20:00"), True),  # max edge
        (utc(2026, 5, 20, 20, 0, 59), ("10:00", "20:00"), True),  # minute resolution
        (utc(2026, 5, 20, 20, 1, 0), ("10:00", "20:00"), False),
        (utc(2026, 5, 20, 0, 0, 0), ("00:00", "06:00"), True),  # midnight
        (utc(2026, 5, 20, 23, 59, 59), ("00:00", "23:59"), True),
        (utc(2026, 5, 20, 12, 30), ("12:30", "12:30"), True),  # one-minute window
        (utc(2026, 5, 20, 12, 31), ("12:30", "12:30"), False),
        (utc(2026, 5, 20, 23, 30), ("22:00", "02:00"), True),  # crosses midnight
        (utc(2026, 5, 20, 0, 0), ("22:00", "02:00"), True),
        (utc(2026, 5, 20, 2, 0, 59), ("22:00", "02:00"), True),
        (utc(2026, 5, 20, 2, 1), ("22:00", "02:00"), False),
        (utc(2026, 5, 20, 21, 59, 59), ("22:00", "02:00"), False),
        (utc(2026, 5, 20, 22, 0), ("22:00", "02:00"), True),
        (utc(2026, 5, 20, 12, 0), ("22:00", "02:00"), False),
        (utc(2026, 5, 20, 5, 0), ("05:00", None), True),  # only a start
        (utc(2026, 5, 20, 4, 59), ("05:00", None), False),
        (utc(2026, 5, 20, 17, 0, 30), (None, "17:00"), True),  # only an end
        (utc(2026, 5, 20, 17, 1), (None, "17:00"), False),
    ],
)
def test_time_window(run, api, clock, now, window, passed):
    clock.set(now)
    result = run(min_start_time=window[0], max_start_time=window[1])
    assert check(result, "time_window")["passed"] is passed, result["logs"]
    if passed:
        assert result["status"] == "TRIGGERED"
    else:
        assert result["status"] == "SKIPPED"
        assert api.requests == [], "a closed window must cost zero API calls"


def test_time_window_uses_configured_timezone(run, api, clock):
    clock.set(utc(2026, 7, 1, 3, 30))  # 22:30 the day before in Chicago (CDT, UTC-5)
    result = run(min_start_time="22:00", max_start_time="23:00", timezone="America/Chicago")
    assert check(result, "time_window")["passed"] is True
    assert "22:30" in check(result, "time_window")["detail"]


# --------------------------------------------------------------------------- #
# Days of week
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("days", "passed"),
    [([2], True), ([0, 1, 3, 4, 5, 6], False), ([2.0], True), (["2"], True), ("[2, 3]", True), (["5", 6.0], False)],
)
def test_days_of_week(run, api, clock, days, passed):
    clock.set(utc(2026, 5, 20, 12, 0))  # Wednesday = 2
    result = run(days_of_week=days)
    assert check(result, "days_of_week")["passed"] is passed
    assert result["status"] == ("TRIGGERED" if passed else "SKIPPED")
    if not passed:
        assert api.requests == []


def test_days_of_week_in_configured_timezone(run, api, clock):
    clock.set(utc(2026, 5, 21, 2, 0))  # Thursday in UTC, still Wednesday 21:00 in Chicago
    assert run(days_of_week=[2], timezone="America/Chicago")["status"] == "TRIGGERED"
    assert run(days_of_week=[3], timezone="America/Chicago")["status"] == "SKIPPED"


def test_cross_midnight_window_uses_the_current_local_day(run, api, clock):
    # A Friday-night window 22:00-02:00 (days [4]): Friday 23:00 is in, Saturday 01:00 is out,
    # because the day checked is the current local day, not the day the window opened.
    clock.set(utc(2026, 5, 22, 23, 0))  # Friday
    assert run(min_start_time="22:00", max_start_time="02:00", days_of_week=[4])["status"] == "TRIGGERED"
    clock.set(utc(2026, 5, 23, 1, 0))  # Saturday
    result = run(min_start_time="22:00", max_start_time="02:00", days_of_week=[4])
    assert result["status"] == "SKIPPED"
    assert check(result, "time_window")["passed"] is True
    assert check(result, "days_of_week")["passed"] is False


def test_both_cheap_checks_reported_when_one_fails(run, api, clock):
    clock.set(utc(2026, 5, 20, 3, 0))
    result = run(min_start_time="06:00", max_start_time="07:00", days_of_week=[2])
    assert [(c["name"], c["passed"]) for c in result["checks"]] == [("time_window", False), ("days_of_week", True)]
    assert api.requests == []


# --------------------------------------------------------------------------- #
# Minimum elapsed time since the job's newest run
# --------------------------------------------------------------------------- #


def test_min_elapsed_never_run_passes(run, api):
    result = run(min_elapsed_seconds=86400)
    assert check(result, "min_elapsed_seconds") == {
        "name": "min_elapsed_seconds",
        "passed": True,
        "detail": "the job has never run",
    }
    assert result["status"] == "TRIGGERED"


@pytest.mark.parametrize(("elapsed", "passed"), [(3600, True), (3599, False), (3600.5, True), (7200, True)])
def test_min_elapsed_boundary(run, api, clock, elapsed, passed):
    clock.set(utc(2026, 5, 20, 12, 0))
    api.add_run(42, 10, clock.now - timedelta(seconds=elapsed), clock.now - timedelta(seconds=elapsed - 60))
    result = run(min_elapsed_seconds=3600)
    assert check(result, "min_elapsed_seconds")["passed"] is passed, result["logs"]
    assert result["status"] == ("TRIGGERED" if passed else "SKIPPED")
    assert len(api.calls("POST")) == (1 if passed else 0)


def test_min_elapsed_uses_newest_created_run_not_first_in_page(run, api, clock):
    clock.set(utc(2026, 5, 20, 12, 0))
    api.add_run(42, 10, utc(2026, 5, 20, 11, 30), utc(2026, 5, 20, 11, 40), run_id=900)  # lower id, newer
    api.add_run(42, 20, utc(2026, 5, 20, 8, 0), utc(2026, 5, 20, 8, 10), run_id=901)
    result = run(min_elapsed_seconds=3600)
    assert check(result, "min_elapsed_seconds")["passed"] is False
    assert "run 900" in check(result, "min_elapsed_seconds")["detail"]


@pytest.mark.parametrize(
    "created_raw",
    [
        "2026-05-20 11:00:00.830544+00:00",
        "2026-05-20 11:00:00+00:00",
        "2026-05-20T11:00:00Z",
        "2026-05-20T11:00:00.5Z",
        "2026-05-20T11:00:00+0000",
        "2026-05-20T13:00:00+02:00",
        "2026-05-20T06:00:00-05:00",
        "2026-05-20 11:00:00",
        "2026-05-20T11:00:00.123456789+00:00",
    ],
)
def test_timestamp_forms_on_the_wire(run, api, clock, created_raw):
    clock.set(utc(2026, 5, 20, 12, 0, 1))
    api.add_run(42, 10, utc(2026, 5, 20, 11, 0), utc(2026, 5, 20, 11, 5), created_at_raw=created_raw)
    assert run(min_elapsed_seconds=3600)["status"] == "TRIGGERED"
    assert run(min_elapsed_seconds=3602)["status"] == "SKIPPED"


# --------------------------------------------------------------------------- #
# A run already queued / starting / running: never double-fire
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("status", [1, 2, 3])
def test_run_in_progress_skips_without_posting(run, api, status):
    api.add_run(42, status, utc(2026, 5, 20, 11, 0))
    result = run()
    assert result["status"] == "SKIPPED"
    assert check(result, "no_run_in_progress")["passed"] is False
    assert api.calls("POST") == []
    assert len(api.requests) == 1


def test_older_run_still_running_behind_newer_finished_runs(run, api):
    api.add_run(42, 3, utc(2026, 5, 20, 8, 0))  # still running
    api.add_run(42, 30, utc(2026, 5, 20, 9, 0), utc(2026, 5, 20, 9, 1))
    api.add_run(42, 20, utc(2026, 5, 20, 10, 0), utc(2026, 5, 20, 10, 2))
    result = run()
    assert result["status"] == "SKIPPED"
    assert api.calls("POST") == []


def test_unknown_status_counts_as_in_progress(run, api):
    api.add_run(42, 5, utc(2026, 5, 20, 11, 0))
    result = run()
    assert result["status"] == "SKIPPED"
    assert "unknown status 5" in check(result, "no_run_in_progress")["detail"]


def test_never_triggers_twice_in_a_row(run, api):
    assert run()["status"] == "TRIGGERED"
    second = run()
    assert second["status"] == "SKIPPED"  # the run just triggered is queued
    assert len(api.calls("POST")) == 1


def test_real_api_null_finished_at_on_running_run(run, api):
    body = (
        '{"data": [{"id": 9, "status": 3, "created_at": "2026-05-20 11:00:00+00:00", "finished_at": null,'
        ' "updated_at": "2026-05-20 11:00:00+00:00"}], "extra": {}, "status": {}}'
    )
    api.fault("raw", method="GET", status=200, body=body)
    result = run(min_elapsed_seconds=60)
    assert result["status"] == "SKIPPED"
    assert api.calls("POST") == []


# --------------------------------------------------------------------------- #
# Upstream job
# --------------------------------------------------------------------------- #


def test_upstream_success_today_passes(run, api, clock):
    clock.set(utc(2026, 5, 20, 12, 0))
    api.add_run(7, 10, utc(2026, 5, 20, 1, 0), utc(2026, 5, 20, 1, 30))
    result = run(upstream_job_id=7)
    assert check(result, "upstream_success_today")["passed"] is True
    assert result["status"] == "TRIGGERED"
    assert len(api.requests) == 3


def test_upstream_never_succeeded_fails(run, api):
    api.add_run(7, 20, utc(2026, 5, 20, 1, 0), utc(2026, 5, 20, 1, 30))
    result = run(upstream_job_id=7)
    assert check(result, "upstream_success_today") == {
        "name": "upstream_success_today",
        "passed": False,
        "detail": "upstream job 7 has no successful run",
    }
    assert result["status"] == "SKIPPED"
    assert api.calls("POST") == []


def test_upstream_succeeded_yesterday_failed_today(run, api, clock):
    clock.set(utc(2026, 5, 20, 12, 0))
    api.add_run(7, 10, utc(2026, 5, 19, 9, 0), utc(2026, 5, 19, 9, 30))
    api.add_run(7, 20, utc(2026, 5, 20, 9, 0), utc(2026, 5, 20, 9, 30))
    result = run(upstream_job_id=7)
    assert check(result, "upstream_success_today")["passed"] is False
    assert result["status"] == "SKIPPED"


@pytest.mark.parametrize(("finished_local", "passed"), [((2026, 5, 19, 23, 59), False), ((2026, 5, 20, 0, 1), True)])
def test_upstream_finished_just_before_or_after_local_midnight(run, api, clock, finished_local, passed):
    clock.set(local(CHICAGO, 2026, 5, 20, 0, 30))
    finished = local(CHICAGO, *finished_local)
    api.add_run(7, 10, finished - timedelta(minutes=20), finished)
    result = run(upstream_job_id=7, timezone="America/Chicago")
    assert check(result, "upstream_success_today")["passed"] is passed, result["logs"]


def test_upstream_newest_run_running_but_earlier_succeeded_today(run, api, clock):
    clock.set(utc(2026, 5, 20, 12, 0))
    api.add_run(7, 10, utc(2026, 5, 20, 2, 0), utc(2026, 5, 20, 2, 30))
    api.add_run(7, 3, utc(2026, 5, 20, 11, 0))  # newest, still running (no finished_at)
    api.add_run(7, 20, utc(2026, 5, 20, 5, 0), utc(2026, 5, 20, 5, 30))
    result = run(upstream_job_id=7)
    assert check(result, "upstream_success_today")["passed"] is True
    assert result["status"] == "TRIGGERED"


def test_upstream_check_not_run_when_own_job_is_busy(run, api):
    api.add_run(42, 1, utc(2026, 5, 20, 11, 0))
    api.add_run(7, 10, utc(2026, 5, 20, 1, 0), utc(2026, 5, 20, 1, 30))
    result = run(upstream_job_id=7)
    assert result["status"] == "SKIPPED"
    assert len(api.requests) == 1


# --------------------------------------------------------------------------- #
# DST change days in America/Chicago
# --------------------------------------------------------------------------- #


def test_spring_forward_window_and_elapsed(run, api, clock):
    # 2026-03-08: 02:00 CST jumps to 03:00 CDT at 08:00 UTC; 02:xx does not exist.
    clock.set(utc(2026, 3, 8, 8, 0))  # 03:00 CDT
    result = run(min_start_time="02:00", max_start_time="02:59", timezone="America/Chicago")
    assert check(result, "time_window")["passed"] is False
    clock.set(utc(2026, 3, 8, 7, 59))  # 01:59 CST
    result = run(min_start_time="02:00", max_start_time="02:59", timezone="America/Chicago")
    assert check(result, "time_window")["passed"] is False
    clock.set(utc(2026, 3, 8, 8, 0))
    result = run(min_start_time="01:30", max_start_time="03:00", days_of_week=[6], timezone="America/Chicago")
    assert result["status"] == "TRIGGERED", result["logs"]


@pytest.mark.parametrize(("minimum", "passed"), [(3600, True), (3601, False)])
def test_spring_forward_elapsed_is_real_seconds(run, api, clock, minimum, passed):
    clock.set(utc(2026, 3, 8, 8, 0))  # 03:00 CDT; the last run was at 01:00 CST, one real hour ago
    api.add_run(42, 10, local(CHICAGO, 2026, 3, 8, 1, 0), local(CHICAGO, 2026, 3, 8, 1, 10))
    result = run(min_elapsed_seconds=minimum, timezone="America/Chicago")
    assert check(result, "min_elapsed_seconds")["passed"] is passed


@pytest.mark.parametrize(("finished", "passed"), [(utc(2026, 3, 8, 5, 59), False), (utc(2026, 3, 8, 6, 1), True)])
def test_spring_forward_upstream_today(run, api, clock, finished, passed):
    clock.set(utc(2026, 3, 8, 20, 0))  # 15:00 CDT
    api.add_run(7, 10, finished - timedelta(minutes=5), finished)  # 23:59 CST Mar 7 / 00:01 CST Mar 8
    result = run(upstream_job_id=7, timezone="America/Chicago")
    assert check(result, "upstream_success_today")["passed"] is passed


@pytest.mark.parametrize("fold", [0, 1])
def test_fall_back_repeated_hour_is_inside_window(run, api, clock, fold):
    # 2026-11-01: 01:00-01:59 happens twice (CDT then CST).
    clock.set(local(CHICAGO, 2026, 11, 1, 1, 30, fold=fold))
    result = run(min_start_time="01:00", max_start_time="01:59", days_of_week=[6], timezone="America/Chicago")
    assert result["status"] == "TRIGGERED"


def test_fall_back_elapsed_across_repeated_hour(run, api, clock):
    api.add_run(42, 10, local(CHICAGO, 2026, 11, 1, 1, 30, fold=0), local(CHICAGO, 2026, 11, 1, 1, 40, fold=0))
    clock.set(local(CHICAGO, 2026, 11, 1, 1, 30, fold=1))  # same wall time, one real hour later
    result = run(min_elapsed_seconds=3600, timezone="America/Chicago")
    assert check(result, "min_elapsed_seconds")["passed"] is True


def test_fall_back_day_upstream_same_local_date_different_utc_date(run, api, clock):
    clock.set(utc(2026, 11, 2, 5, 30))  # 23:30 CST on Nov 1
    api.add_run(7, 10, utc(2026, 11, 1, 5, 0), utc(2026, 11, 1, 5, 30))  # 00:30 CDT on Nov 1
    result = run(upstream_job_id=7, timezone="America/Chicago")
    assert check(result, "upstream_success_today")["passed"] is True
    api.finish_all()
    result = run(upstream_job_id=7, timezone="UTC")
    assert check(result, "upstream_success_today")["passed"] is False
