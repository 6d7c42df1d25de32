"""Issue 13 in the handler: run outcomes (on the trigger path at no extra call, and on demand),
and selective builds (steps_override from the job's steps and the changed dbt sources)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
import requests
from conftest import TOKEN

ORDERS = {"table": "RAW.SALES.ORDERS", "source": "raw_sales.orders"}
CUSTOMERS = {"table": "RAW.SALES.CUSTOMERS", "source": "raw_sales.customers"}
PLAIN_TABLE = {"table": "RAW.INVENTORY.STOCK_LEVELS", "source": None}


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


def calls(api):
    return [(r.method, r.path) for r in api.requests]


LIST = ("GET", "/api/v2/accounts/1/runs/")
JOB = ("GET", "/api/v2/accounts/1/jobs/42/")
TRIGGER = ("POST", "/api/v2/accounts/1/jobs/42/run/")


# --------------------------------------------------------------------------- #
# Run outcomes on the trigger path: from the list the checks already fetch
# --------------------------------------------------------------------------- #


def test_outcomes_of_known_runs_come_from_the_list_it_already_fetches(run, api):
    api.add_run(
        42, 10, utc(2026, 5, 20, 10, 0), utc(2026, 5, 20, 10, 5), run_id=900, started_at=utc(2026, 5, 20, 10, 1)
    )
    api.add_run(42, 20, utc(2026, 5, 20, 11, 0), utc(2026, 5, 20, 11, 0, 30), run_id=901)
    api.add_run(42, 30, utc(2026, 5, 20, 11, 10), utc(2026, 5, 20, 11, 11), run_id=902)
    result = run(options={"known_run_ids": [900, 901, 999]})
    assert result["status"] == "TRIGGERED", result["logs"]
    assert calls(api) == [LIST, TRIGGER], "outcomes cost no extra API call"
    assert result["runs"] == [
        {"run_id": 901, "status": "Error", "finished_at": "2026-05-20T11:00:30+00:00", "duration_seconds": 30},
        {"run_id": 900, "status": "Success", "finished_at": "2026-05-20T10:05:00+00:00", "duration_seconds": 240},
        {"run_id": result["run_id"], "status": "Queued", "finished_at": None, "duration_seconds": None},
    ]


def test_outcomes_are_reported_when_a_run_in_progress_blocks_the_trigger(run, api):
    api.add_run(42, 10, utc(2026, 5, 20, 10, 0), utc(2026, 5, 20, 10, 5), run_id=900)
    api.add_run(42, 3, utc(2026, 5, 20, 11, 50), run_id=901)
    result = run(options={"known_run_ids": ["900", 901.0]})
    assert result["status"] == "SKIPPED"
    assert calls(api) == [LIST]
    assert [(item["run_id"], item["status"]) for item in result["runs"]] == [(901, "Running"), (900, "Success")]
    assert result["runs"][0]["finished_at"] is None


def test_a_closed_window_reports_no_outcome_and_calls_nothing(run, api):
    result = run(min_start_time="01:00", max_start_time="02:00", options={"known_run_ids": [900]})
    assert result["status"] == "SKIPPED" and result["runs"] == [] and api.requests == []


def test_an_unreadable_finish_time_leaves_the_fields_empty_and_the_trigger_goes_on(run, api):
    api.add_run(42, 10, utc(2026, 5, 20, 10, 0), utc(2026, 5, 20, 10, 5), run_id=900, finished_at_raw="yesterday")
    result = run(options={"known_run_ids": [900]})
    assert result["status"] == "TRIGGERED"
    assert result["runs"][0] == {"run_id": 900, "status": "Success", "finished_at": None, "duration_seconds": None}
    assert any("outcome of run 900" in line for line in result["logs"])
    api.violations.clear()  # "yesterday" breaks the spec's date-time on purpose


# --------------------------------------------------------------------------- #
# On demand: mode 'refresh' (read-only, at most one request)
# --------------------------------------------------------------------------- #


def test_refresh_asks_once_and_never_triggers(run, api):
    api.add_run(42, 10, utc(2026, 5, 20, 10, 0), utc(2026, 5, 20, 10, 5), run_id=900)
    api.add_run(42, 3, utc(2026, 5, 20, 11, 0), run_id=901)
    result = run(options={"mode": "refresh", "known_run_ids": [900, 901, 5]})
    assert result["status"] == "OK", result["logs"]
    assert calls(api) == [LIST]
    assert api.requests[0].query == [("job_definition_id", "42"), ("order_by", "-created_at"), ("limit", "100")]
    assert [(item["run_id"], item["status"]) for item in result["runs"]] == [(901, "Running"), (900, "Success")]
    assert "refresh: not among them (left as they are): 5" in result["logs"]
    assert result["run_id"] is None and result["checks"] == []


def test_refresh_with_nothing_to_ask_makes_no_call(run, api):
    result = run(options={"mode": "refresh"})
    assert result["status"] == "OK" and api.requests == [] and result["runs"] == []


def test_refresh_ignores_the_schedule_checks(run, api):
    """A refresh reads; the start window is about triggering."""
    api.add_run(42, 10, utc(2026, 5, 20, 10, 0), utc(2026, 5, 20, 10, 5), run_id=900)
    result = run(min_start_time="01:00", max_start_time="02:00", options={"mode": "refresh", "known_run_ids": [900]})
    assert result["status"] == "OK" and calls(api) == [LIST]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"mode": "explode"}, "options.mode 'explode' is not a known mode (known: trigger, ping, refresh)"),
        ({"mode": 3}, "options.mode 3 is not a known mode"),
        ({"known_run_ids": ["x"]}, "options.known_run_ids[] must be an integer"),
        ({"known_run_ids": 5}, "options.known_run_ids must be an array"),
        ({"select_changed": "yes"}, "options.select_changed must be true or false"),
        ({"select_changed": True, "changed_sources": [{"table": 5}]}, "options.changed_sources[0].table"),
        ({"changed_sources": ["RAW.X.Y"]}, "options.changed_sources[0] must be an object"),
        ("[1]", "argument options must be an object, got list"),
        ("{not json", "argument options must be an object, got a string that is not JSON"),
    ],
)
def test_bad_options_are_an_error_naming_the_field_before_any_call(run, api, options, message):
    result = run(options=options)
    assert result["status"] == "ERROR"
    assert any(message in line for line in result["logs"]), result["logs"]
    assert api.requests == []


def test_options_may_arrive_as_json_text_and_unknown_keys_are_ignored(run, api):
    api.add_run(42, 10, utc(2026, 5, 20, 10, 0), utc(2026, 5, 20, 10, 5), run_id=900)
    result = run(options=json.dumps({"mode": "refresh", "known_run_ids": [900], "from_the_future": 1}))
    assert result["status"] == "OK" and result["runs"][0]["run_id"] == 900


# --------------------------------------------------------------------------- #
# Selective builds: steps_override
# --------------------------------------------------------------------------- #


def triggered_steps(api):
    body = json.loads(api.calls("POST")[-1].body)
    return body.get("steps_override")


def test_one_changed_source_narrows_each_dbt_step_with_one_more_call(run, api):
    api.scenario.job_steps[42] = ["dbt source freshness", "dbt build", "dbt docs generate"]
    result = run(options={"select_changed": True, "changed_sources": [ORDERS]})
    assert result["status"] == "TRIGGERED", result["logs"]
    assert calls(api) == [LIST, JOB, TRIGGER]
    expected = ["dbt source freshness", "dbt build --select source:raw_sales.orders+", "dbt docs generate"]
    assert triggered_steps(api) == expected == result["steps_override"]
    assert api.scenario.jobs[42][-1].steps_override == expected
    assert f"select_changed: steps_override {json.dumps(expected)}" in result["logs"]


def test_several_changed_sources_are_a_union_intersected_with_an_existing_select(run, api):
    api.scenario.job_steps[42] = [
        "dbt run --select tag:daily 'marts.finance' --exclude tag:slow",
        "dbt test -m tag:daily",
    ]
    result = run(options={"select_changed": True, "changed_sources": [ORDERS, CUSTOMERS, ORDERS]})
    assert triggered_steps(api) == [
        "dbt run --select tag:daily,source:raw_sales.customers+ tag:daily,source:raw_sales.orders+ "
        "marts.finance,source:raw_sales.customers+ marts.finance,source:raw_sales.orders+ --exclude tag:slow",
        "dbt test --models tag:daily,source:raw_sales.customers+ tag:daily,source:raw_sales.orders+",
    ]
    assert result["status"] == "TRIGGERED"


def test_a_selector_step_runs_the_whole_job_and_says_why(run, api):
    api.scenario.job_steps[42] = ["dbt build --selector nightly"]
    result = run(options={"select_changed": True, "changed_sources": [ORDERS]})
    assert result["status"] == "TRIGGERED"
    assert calls(api) == [LIST, JOB, TRIGGER]
    assert triggered_steps(api) is None and result["steps_override"] is None
    assert (
        "select_changed: step 'dbt build --selector nightly' uses --selector, "
        "which dbt does not combine with --select; running the whole job" in result["logs"]
    )


def test_a_changed_table_that_is_not_a_dbt_source_runs_the_whole_job_without_reading_it(run, api):
    result = run(options={"select_changed": True, "changed_sources": [ORDERS, PLAIN_TABLE]})
    assert calls(api) == [LIST, TRIGGER]
    assert triggered_steps(api) is None
    assert any(
        "RAW.INVENTORY.STOCK_LEVELS is not a dbt source" in line and "whole job" in line for line in result["logs"]
    )


def test_no_changed_source_named_runs_the_whole_job(run, api):
    result = run(options={"select_changed": True, "changed_sources": []})
    assert calls(api) == [LIST, TRIGGER] and triggered_steps(api) is None
    assert "select_changed: the task named no changed source; running the whole job" in result["logs"]


def test_select_changed_off_sends_no_steps_even_with_changed_sources(run, api):
    run(options={"changed_sources": [ORDERS]})
    assert calls(api) == [LIST, TRIGGER] and triggered_steps(api) is None


def test_with_an_upstream_job_and_select_changed_at_most_four_calls(run, api, clock):
    api.add_run(7, 10, utc(2026, 5, 20, 6, 0), utc(2026, 5, 20, 6, 30))
    result = run(upstream_job_id=7, options={"select_changed": True, "changed_sources": [ORDERS]})
    assert result["status"] == "TRIGGERED", result["logs"]
    assert len(api.requests) == 4 and calls(api)[2:] == [JOB, TRIGGER]


def test_a_lost_trigger_response_is_retried_with_the_same_steps(run, api):
    api.scenario.job_steps[42] = ["dbt build"]
    api.fault("status", method="POST", status=503)
    result = run(options={"select_changed": True, "changed_sources": [ORDERS]})
    assert result["status"] == "TRIGGERED", result["logs"]
    posts = api.calls("POST")
    assert len(posts) == 2 and {post.body for post in posts} == {posts[0].body}
    assert json.loads(posts[1].body)["steps_override"] == ["dbt build --select source:raw_sales.orders+"]


def test_an_ambiguous_trigger_with_steps_is_never_sent_twice(run, api, clock):
    """The never-twice rule holds for a selective build: a 504 whose run shows up late is adopted."""
    api.fault("status", method="POST", status=504, apply_first=True, visible_after=20)
    result = run(options={"select_changed": True, "changed_sources": [ORDERS]})
    assert result["status"] == "TRIGGERED", result["logs"]
    assert len(api.calls("POST")) == 1
    assert api.scenario.jobs[42][-1].steps_override == ["dbt build --select source:raw_sales.orders+"]
    assert result["run_id"] == api.scenario.jobs[42][-1].id


# --------------------------------------------------------------------------- #
# The new reads follow the one RetryPolicy and count toward the request ceiling
# --------------------------------------------------------------------------- #


def test_retrieve_job_is_a_read_retried_after_retry_after(run, api, clock):
    api.fault("status", method="GET", path_contains="/jobs/42/", status=503, retry_after="7")
    result = run(options={"select_changed": True, "changed_sources": [ORDERS]})
    assert result["status"] == "TRIGGERED", result["logs"]
    assert calls(api) == [LIST, JOB, JOB, TRIGGER]
    assert clock.sleeps == [7]
    assert result["steps_override"] == ["dbt build --select source:raw_sales.orders+"]


def test_refresh_list_is_a_read_retried_after_retry_after(run, api, clock):
    api.add_run(42, 10, utc(2026, 5, 20, 10, 0), utc(2026, 5, 20, 10, 5), run_id=900)
    api.fault("status", method="GET", status=429, retry_after="3")
    result = run(options={"mode": "refresh", "known_run_ids": [900]})
    assert result["status"] == "OK", result["logs"]
    assert calls(api) == [LIST, LIST] and clock.sleeps == [3]
    assert result["runs"][0]["run_id"] == 900


def test_retrieve_job_counts_toward_the_request_ceiling(run, api):
    result = run(max_requests=2, options={"select_changed": True, "changed_sources": [ORDERS]})
    assert result["status"] == "ERROR"
    assert calls(api) == [LIST, JOB], "the trigger is not sent once the ceiling is reached"
    assert any("not sent, the invocation already made 2 requests" in line for line in result["logs"])


# --------------------------------------------------------------------------- #
# narrow_step: dbt's selection flags, parsed as dbt parses them
# --------------------------------------------------------------------------- #

S = ["source:raw.a+"]


@pytest.mark.parametrize(
    ("step", "narrowed"),
    [
        ("dbt build", "dbt build --select source:raw.a+"),
        ("dbt run -s model_a", "dbt run --select model_a,source:raw.a+"),
        ("dbt run --select=model_a model_b", "dbt run --select model_a,source:raw.a+ model_b,source:raw.a+"),
        ('dbt seed --select "a b"', "dbt seed --select a,source:raw.a+ b,source:raw.a+"),
        ("dbt snapshot --models x --full-refresh", "dbt snapshot --models x,source:raw.a+ --full-refresh"),
        ("dbt build -s a --exclude b -s c", "dbt build --select a,source:raw.a+ c,source:raw.a+ --exclude b"),
        ("dbt build --exclude 'b c' --fail-fast", "dbt build --exclude 'b c' --fail-fast --select source:raw.a+"),
        ("dbt build -s 'path:models/*'", "dbt build --select 'path:models/*,source:raw.a+'"),
        ("dbt run-operation stage_external_sources", "dbt run-operation stage_external_sources"),
        ("dbt source freshness", "dbt source freshness"),
        ("dbt compile --select x", "dbt compile --select x"),
    ],
)
def test_narrow_step(handler, step, narrowed):
    assert handler.narrow_step(step, S) == narrowed


@pytest.mark.parametrize(
    ("step", "why"),
    [
        ("dbt build --selector nightly", "uses --selector"),
        ("dbt build --selector=nightly", "uses --selector"),
        ("dbt --warn-error build", "puts flags before its command"),
        ("dbt build -smodel_a", "attached short flag"),
        ("dbt build --select --full-refresh", "--select without a value"),
        ("dbt build --select 'unclosed", "cannot be parsed"),
    ],
)
def test_narrow_step_refuses_what_it_cannot_combine_safely(handler, step, why):
    with pytest.raises(handler.CannotNarrow, match=why):
        handler.narrow_step(step, S)


def test_a_source_name_that_is_not_a_plain_selector_is_refused(handler):
    with pytest.raises(handler.CannotNarrow, match="cannot be written as a dbt source selector"):
        handler.source_selectors([{"table": "RAW.X.Y", "source": "raw x.y; rm -rf"}])


# --------------------------------------------------------------------------- #
# prism: the two new request shapes are the spec's
# --------------------------------------------------------------------------- #


def _client(handler, base_url, log):
    return handler.DbtCloudClient(
        base_url, TOKEN, 1, http=requests.Session(), sleep=time.sleep, monotonic=time.monotonic,
        wall_clock=handler._utc_now, log=log.append,
        policy=handler.RetryPolicy(budget_seconds=30, max_attempts=1),
    )  # fmt: skip


def test_prism_accepts_retrieve_job_and_a_trigger_with_steps_override(handler, prism):
    log = []
    client = _client(handler, prism, log)
    assert isinstance(client.job_steps(42), list)
    answer = client.send_trigger(42, "Triggered by Snowflake task", ["dbt build --select source:raw_sales.orders+"])
    assert answer.problem is None, answer.problem
    run = answer.payload["data"]
    assert isinstance(run, dict) and isinstance(run["id"], int)
    assert all("HTTP 200" in line for line in log), log


def test_prism_rejects_steps_override_that_is_not_a_list(prism):
    """Negative control: the spec types steps_override as an array of strings."""
    response = requests.post(
        f"{prism}/api/v2/accounts/1/jobs/42/run/",
        json={"cause": "c", "steps_override": "dbt build"},
        headers={"Authorization": "Bearer x", "Accept": "application/json"},
        timeout=10,
    )
    assert response.status_code == 422
