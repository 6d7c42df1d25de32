"""The handler's run outcomes (on the trigger path at no extra call, and on demand),
and selective builds (steps_override from the job's steps and the changed dbt sources)."""

from __future__ import annotations

import json
import shlex
import time
from datetime import UTC, datetime

import pytest
import requests
import yaml
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
ARTIFACT = ("GET", "/api/v2/accounts/1/jobs/42/artifacts/run_results.json")
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


def test_one_changed_source_narrows_each_dbt_step_with_two_more_reads(run, api):
    api.scenario.job_steps[42] = ["dbt source freshness", "dbt build", "dbt docs generate"]
    result = run(options={"select_changed": True, "changed_sources": [ORDERS]})
    assert result["status"] == "TRIGGERED", result["logs"]
    assert calls(api) == [LIST, JOB, ARTIFACT, TRIGGER]
    assert (
        "select_changed: the job's latest run (run_results.json) had no warn-error from outside its step"
        in result["logs"]
    )
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
        "dbt run --select 'tag:daily,source:raw_sales.customers+ tag:daily,source:raw_sales.orders+ "
        "marts.finance,source:raw_sales.customers+ marts.finance,source:raw_sales.orders+' --exclude tag:slow",
        "dbt test --models 'tag:daily,source:raw_sales.customers+ tag:daily,source:raw_sales.orders+'",
    ]
    assert result["status"] == "TRIGGERED"


def test_a_selector_step_is_sent_as_it_is_and_the_log_says_why(run, api):
    api.scenario.job_steps[42] = ["dbt build --selector nightly", "dbt run -s tag:x"]
    result = run(options={"select_changed": True, "changed_sources": [ORDERS]})
    assert result["status"] == "TRIGGERED"
    assert calls(api) == [LIST, JOB, ARTIFACT, TRIGGER]
    assert triggered_steps(api) == ["dbt build --selector nightly", "dbt run --select tag:x,source:raw_sales.orders+"]
    assert (
        "select_changed: step 1 'dbt build --selector nightly' sent as it is: "
        "dbt does not combine a YAML --selector with --select (it ignores --select)" in result["logs"]
    )


def test_a_step_under_warn_error_is_sent_as_it_is_and_a_seed_step_is_left_out(run, api):
    api.scenario.job_steps[42] = ["dbt seed --warn-error", "dbt build --select tag:finance --warn-error"]
    result = run(options={"select_changed": True, "changed_sources": [ORDERS, CUSTOMERS]})
    assert triggered_steps(api) == ["dbt build --select tag:finance --warn-error"]
    assert (
        "select_changed: step 1 'dbt seed --warn-error' left out: "
        "a seed has no parents, so no seed is downstream of a changed table" in result["logs"]
    )
    assert any(line.startswith("select_changed: step 2 ") and "--warn-error" in line for line in result["logs"])


def test_a_changed_table_that_is_not_a_dbt_source_sends_building_steps_whole(run, api):
    api.scenario.job_steps[42] = ["dbt seed", "dbt build -s tag:finance", "dbt source freshness"]
    result = run(options={"select_changed": True, "changed_sources": [ORDERS, PLAIN_TABLE]})
    assert calls(api) == [LIST, JOB, TRIGGER]
    assert triggered_steps(api) == ["dbt build -s tag:finance", "dbt source freshness"]
    assert (
        "select_changed: changed table RAW.INVENTORY.STOCK_LEVELS is listed under tables:, not as a dbt source: "
        "nothing tells dbt which nodes read it" in result["logs"]
    )


WARN_ERROR_OUTSIDE = {"invocation_command": "dbt build", "warn_error": True, "warn_error_options": {}}


def test_warn_error_from_outside_the_steps_sends_them_as_they_are(run, api):
    """The job's latest run_results.json shows warn-error its step did not state: DBT_WARN_ERROR in its
    environment. A narrowed step could select nothing and fail, so each building step goes whole."""
    api.scenario.job_steps[42] = ["dbt seed", "dbt build -s tag:finance", "dbt source freshness"]
    api.scenario.run_results_args[42] = WARN_ERROR_OUTSIDE
    result = run(options={"select_changed": True, "changed_sources": [ORDERS]})
    assert calls(api) == [LIST, JOB, ARTIFACT, TRIGGER]
    assert triggered_steps(api) == ["dbt build -s tag:finance", "dbt source freshness"]
    assert (
        "select_changed: the job's latest run (run_results.json) turned warnings into errors without a flag in its "
        "step: DBT_WARN_ERROR, DBT_WARN_ERROR_OPTIONS or dbt_project.yml flags" in result["logs"]
    )
    assert (
        "select_changed: step 2 'dbt build -s tag:finance' sent as it is: warn-error may reach it from outside "
        "(see above), and a narrowed step that selects nothing would fail" in result["logs"]
    )


def test_a_steps_own_warn_error_options_win_over_those_from_outside(run, api):
    keep_warnings = '{"error": "all", "warn": ["NoNodesForSelectionCriteria", "NothingToDo"]}'
    step = f"dbt build -s tag:x --warn-error-options '{keep_warnings}'"
    api.scenario.job_steps[42] = [step, "dbt run"]
    api.scenario.run_results_args[42] = {**WARN_ERROR_OUTSIDE, "warn_error": None, "warn_error_options": "all"}
    result = run(options={"select_changed": True, "changed_sources": [ORDERS]})
    assert triggered_steps(api) == [
        f"dbt build --select tag:x,source:raw_sales.orders+ --warn-error-options '{keep_warnings}'",
        "dbt run",
    ]
    assert result["status"] == "TRIGGERED"


@pytest.mark.parametrize(
    ("arrange", "logged"),
    [
        (lambda api: api.scenario.run_results_args.__setitem__(42, None), "cannot be read (GET "),
        (lambda api: api.fault("status", path_contains="/artifacts/", status=503, times=5), "cannot be read (GET "),
        (lambda api: api.scenario.run_results_args.__setitem__(42, {"warn_error": None}), "has no readable args"),
        (
            lambda api: api.scenario.run_results_args.__setitem__(
                42, {**WARN_ERROR_OUTSIDE, "invocation_command": "dbt build --warn-error", "warn_error": True}
            ),
            "states warn-error itself",
        ),
    ],
)
def test_when_the_latest_run_does_not_show_it_warn_error_from_outside_is_assumed(run, api, arrange, logged):
    api.scenario.job_steps[42] = ["dbt build -s tag:finance"]
    arrange(api)
    result = run(options={"select_changed": True, "changed_sources": [ORDERS]})
    assert result["status"] == "TRIGGERED", result["logs"]
    assert triggered_steps(api) is None, "the one building step is sent as it is: the whole job runs"
    assert any(line.startswith("select_changed: the ") and logged in line for line in result["logs"])


def test_no_step_needing_it_means_no_artifact_read(run, api):
    api.scenario.job_steps[42] = ["dbt seed", "dbt build --warn-error", "dbt build --selector nightly"]
    run(options={"select_changed": True, "changed_sources": [ORDERS]})
    assert calls(api) == [LIST, JOB, TRIGGER]


def test_a_job_left_with_no_step_runs_whole(run, api):
    """Nothing of the job is downstream of a change: skipping would leave the changes in the streams."""
    api.scenario.job_steps[42] = ["dbt seed"]
    result = run(options={"select_changed": True, "changed_sources": [ORDERS]})
    assert result["status"] == "TRIGGERED" and triggered_steps(api) is None
    assert "select_changed: no step is left to send; running the whole job" in result["logs"]


def test_a_job_with_nothing_to_narrow_runs_whole(run, api):
    api.scenario.job_steps[42] = ["dbt build --selector nightly", "dbt docs generate"]
    result = run(options={"select_changed": True, "changed_sources": [ORDERS]})
    assert result["status"] == "TRIGGERED" and triggered_steps(api) is None
    assert "select_changed: no step is narrowed; running the whole job" in result["logs"]


def test_a_hostile_step_is_logged_printable_and_never_changes_the_trigger_body_shape(run, api):
    api.scenario.job_steps[42] = ["dbt build -s 'unclosed\x1b[31m", 'dbt build -s x --vars \'{"a": "$(rm -rf /)"}\'']
    result = run(options={"select_changed": True, "changed_sources": [ORDERS]})
    assert result["status"] == "TRIGGERED"
    assert triggered_steps(api) == [
        "dbt build -s 'unclosed\x1b[31m",
        'dbt build --select x,source:raw_sales.orders+ --vars \'{"a": "$(rm -rf /)"}\'',
    ]
    assert all("\x1b" not in line for line in result["logs"])
    assert any(
        "step 1 'dbt build -s 'unclosed?[31m' sent as it is: it cannot be split" in line for line in result["logs"]
    )


def test_no_changed_source_named_runs_the_whole_job(run, api):
    result = run(options={"select_changed": True, "changed_sources": []})
    assert calls(api) == [LIST, TRIGGER] and triggered_steps(api) is None
    assert "select_changed: the task named no changed table; running the whole job" in result["logs"]


def test_select_changed_off_sends_no_steps_even_with_changed_sources(run, api):
    run(options={"changed_sources": [ORDERS]})
    assert calls(api) == [LIST, TRIGGER] and triggered_steps(api) is None


def test_with_an_upstream_job_and_select_changed_at_most_five_calls(run, api, clock):
    api.add_run(7, 10, utc(2026, 5, 20, 6, 0), utc(2026, 5, 20, 6, 30))
    result = run(upstream_job_id=7, options={"select_changed": True, "changed_sources": [ORDERS]})
    assert result["status"] == "TRIGGERED", result["logs"]
    assert len(api.requests) == 5 and calls(api)[2:] == [JOB, ARTIFACT, TRIGGER]


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
    api.fault("status", method="GET", path_contains="/artifacts/", status=503, retry_after="2")
    result = run(options={"select_changed": True, "changed_sources": [ORDERS]})
    assert result["status"] == "TRIGGERED", result["logs"]
    assert calls(api) == [LIST, JOB, JOB, ARTIFACT, ARTIFACT, TRIGGER]
    assert clock.sleeps == [7, 2]
    assert result["steps_override"] == ["dbt build --select source:raw_sales.orders+"]


def test_refresh_list_is_a_read_retried_after_retry_after(run, api, clock):
    api.add_run(42, 10, utc(2026, 5, 20, 10, 0), utc(2026, 5, 20, 10, 5), run_id=900)
    api.fault("status", method="GET", status=503, retry_after="3")
    result = run(options={"mode": "refresh", "known_run_ids": [900]})
    assert result["status"] == "OK", result["logs"]
    assert calls(api) == [LIST, LIST] and clock.sleeps == [3]
    assert result["runs"][0]["run_id"] == 900


def test_refresh_stops_at_a_429_with_an_error_and_no_other_request(run, api, clock):
    api.add_run(42, 10, utc(2026, 5, 20, 10, 0), utc(2026, 5, 20, 10, 5), run_id=900)
    api.fault("status", method="GET", status=429, retry_after="3")
    result = run(options={"mode": "refresh", "known_run_ids": [900]})
    assert result["status"] == "ERROR", result["logs"]
    assert calls(api) == [LIST] and clock.sleeps == []
    assert result["runs"] == []


def test_a_429_on_a_selective_read_ends_the_invocation_before_the_trigger(run, api, clock):
    api.fault("status", method="GET", path_contains="/artifacts/", status=429)
    result = run(options={"select_changed": True, "changed_sources": [ORDERS]})
    assert result["status"] == "SKIPPED", result["logs"]
    assert calls(api) == [LIST, JOB, ARTIFACT]


@pytest.mark.parametrize(("ceiling", "made"), [(2, [LIST, JOB]), (3, [LIST, JOB, ARTIFACT])])
def test_the_selective_reads_count_toward_the_request_ceiling(run, api, ceiling, made):
    result = run(max_requests=ceiling, options={"select_changed": True, "changed_sources": [ORDERS]})
    assert result["status"] == "ERROR"
    assert calls(api) == made, "the trigger is not sent once the ceiling is reached"
    assert any(f"not sent, the invocation already made {ceiling} requests" in line for line in result["logs"])


# --------------------------------------------------------------------------- #
# narrow_step: dbt's selection flags, read as dbt's CLI (click) reads them. What each
# narrowed step selects and that it runs is judged by real dbt in test_selective_builds.py.
# --------------------------------------------------------------------------- #

S = [{"table": "RAW.R.A", "source": "raw.a"}]


def sent(handler, step, changed=S):
    return handler.narrow_step(step, handler.changed_selection(changed), handler.NO_OUTSIDE_WARN_ERROR).sent


@pytest.mark.parametrize(
    ("step", "narrowed"),
    [
        ("dbt build", "dbt build --select source:raw.a+"),
        ("dbt run -s model_a", "dbt run --select model_a,source:raw.a+"),
        ("dbt run --select=model_a model_b", "dbt run --select 'model_a,source:raw.a+ model_b,source:raw.a+'"),
        ('dbt test --select "a b"', "dbt test --select 'a,source:raw.a+ b,source:raw.a+'"),
        ("dbt snapshot --models x --full-refresh", "dbt snapshot --models x,source:raw.a+ --full-refresh"),
        ("dbt build -s a --exclude b -s c", "dbt build --select 'a,source:raw.a+ c,source:raw.a+' --exclude b"),
        ("dbt build --exclude 'b c' --fail-fast", "dbt build --exclude 'b c' --fail-fast --select source:raw.a+"),
        ("dbt build -s 'path:models/*'", "dbt build --select 'path:models/*,source:raw.a+'"),
        # options before the command, attached and clustered short options, a value that looks like an option
        ("dbt --warn-error-options '{}' build", "dbt --warn-error-options '{}' build --select source:raw.a+"),
        ("dbt --log-level debug run -s x", "dbt --log-level debug run --select x,source:raw.a+"),
        ("dbt build -sfct_orders", "dbt build --select fct_orders,source:raw.a+"),
        ("dbt build -xfsfct a", "dbt build -xf --select 'fct,source:raw.a+ a,source:raw.a+'"),
        ("dbt build -ttarget -s x", "dbt build -ttarget --select x,source:raw.a+"),
        ("dbt build -s=x", "dbt build --select =x,source:raw.a+"),
        ("dbt build --exclude -s", "dbt build --exclude -s --select source:raw.a+"),
        ("dbt build --vars -s", "dbt build --vars -s --select source:raw.a+"),
        ("dbt build --select --full-refresh", "dbt build --select --full-refresh,source:raw.a+"),
        # a member starting with '-' stays inside the one word dbt splits, never an option of its own
        ("dbt build -s 'a --full-refresh'", "dbt build --select 'a,source:raw.a+ --full-refresh,source:raw.a+'"),
        ("dbt build -s 'a  b'", "dbt build --select 'a,source:raw.a+ b,source:raw.a+'"),
        # steps that build nothing
        ("dbt run-operation stage_external_sources", "dbt run-operation stage_external_sources"),
        ("dbt source freshness", "dbt source freshness"),
        ("dbt compile --select x", "dbt compile --select x"),
        ("dbt --version", "dbt --version"),
        ("echo dbt build", "echo dbt build"),
        ("dbt seed", None),
        ("dbt --warn-error seed --select x", None),
    ],
)
def test_narrow_step(handler, step, narrowed):
    assert sent(handler, step) == narrowed


@pytest.mark.parametrize(
    ("step", "why"),
    [
        ("dbt build --selector nightly", "dbt does not combine a YAML --selector"),
        ("dbt build --selector=nightly -s x", "dbt does not combine a YAML --selector"),
        ("dbt --warn-error build", "under --warn-error"),
        ("dbt build -s x --warn-error", "under --warn-error"),
        ('dbt build --warn-error-options \'{"error": "all"}\'', "its --warn-error-options"),
        ("dbt build --warn-error-options '{error: [NothingToDo]}'", "its --warn-error-options"),
        ("dbt build --warn-error-options 'error: all'", "its --warn-error-options"),  # not read: assume the worst
        ("dbt build --select", "lacks its value"),
        ("dbt build --select ''", "its --select selects nothing"),
        ("dbt build --select 'unclosed", "cannot be split into words"),
        ("dbt build --no-such-flag", "the option --no-such-flag, which the procedure does not know"),
        ("dbt build -k", "the option -k, which the procedure does not know"),
        ("dbt build --full-refresh=yes", "its flag --full-refresh is given a value"),
        ("dbt build extra", "takes no argument such as 'extra'"),
        ("dbt build -- -s x", "it has '--'"),
    ],
)
def test_narrow_step_sends_as_it_is_what_dbt_cannot_run_narrowed(handler, step, why):
    plan = handler.narrow_step(step, handler.changed_selection(S))
    assert plan.sent == step
    assert plan.why.startswith("sent as it is: ") and why in plan.why, plan.why


@pytest.mark.parametrize(
    "options",
    [
        '{"error": "all", "warn": ["NoNodesForSelectionCriteria", "NothingToDo"]}',
        "{error: all, warn: [NoNodesForSelectionCriteria, NothingToDo]}",
        "{'error': '*', 'silence': ['NoNodesForSelectionCriteria', 'NothingToDo']}",
        '{"error": ["Deprecations"]}',
        "{}",
        '{"include": ["Deprecations"], "exclude": []}',
    ],
)
def test_narrow_step_narrows_under_warn_error_options_that_keep_an_empty_selection_a_warning(handler, options):
    step = f"dbt build -s x --warn-error-options {shlex.quote(options)}"
    assert sent(handler, step) == f"dbt build --select x,source:raw.a+ --warn-error-options {shlex.quote(options)}"


# What dbt's YAML reads from a --warn-error-options value, and what the procedure reads (None: unreadable).
FLOW_MAPPINGS = [
    '{"error": "all", "warn": ["NothingToDo"]}',
    "{error: all, warn: [NothingToDo, NoNodesForSelectionCriteria]}",
    "{ error : [ Deprecations , NothingToDo ] , }",
    "{'error': 'all', \"warn\": ['NothingToDo']}",
    "{error: '*', silence: [NothingToDo]}",
    "{error: null}",
    "{error: ~, warn: []}",
    "{'it''s': x}",
    "{}",
    "{error:all}",  # one plain scalar, 'error:all': YAML needs the space
    "{error: yes}",
    "{error: 1}",
    "{error: *x}",
    "{error: [a, [b]]}",
    "error: all",
    "[1, 2]",
    "{error: all",
    "{error: all}}",
    '{"a": "\\x41"}',
    "{a: b, a: c}",
]


@pytest.mark.parametrize("text", FLOW_MAPPINGS)
def test_warn_error_options_are_read_as_dbt_reads_them_or_not_at_all(handler, text):
    read = handler._read_flow_mapping(text)
    if read is None:
        return
    assert read == yaml.safe_load(text)


@pytest.mark.parametrize(
    "options",
    [
        {"error": "all"},
        {"error": "*"},
        {"error": ["NothingToDo"]},
        {"error": ["NoNodesForSelectionCriteria"]},
        {"error": "all", "warn": ["NothingToDo"]},
        {"error": "all", "warn": ["NothingToDo", "NoNodesForSelectionCriteria"]},
        {"error": "all", "silence": ["NothingToDo", "NoNodesForSelectionCriteria"]},
        {"error": ["NothingToDo"], "silence": ["NothingToDo"]},
        {"error": ["Deprecations"], "warn": ["NothingToDo"]},
        {"error": ["Deprecations"]},
        {"include": "all", "exclude": ["NothingToDo", "NoNodesForSelectionCriteria"]},
        {"error": None},
        {},
        {"warn": ["NothingToDo"]},  # dbt refuses: warn needs error all
        {"error": "some"},  # dbt refuses
        {"error": "all", "include": "all"},  # dbt refuses
    ],
)
def test_warn_error_options_fail_an_empty_selection_exactly_when_dbt_says_so(handler, options):
    """dbt's own reading (dbt's click type for --warn-error-options, then dbt_common's WarnErrorOptionsV2) is
    the judge; options dbt refuses count as failing."""
    from dbt.cli.main import cli
    from dbt.events.types import NoNodesForSelectionCriteria, NothingToDo

    option = next(param for param in cli.params if param.name == "warn_error_options")
    text = json.dumps(options)
    try:
        read = option.type.convert(text, option, None)
    except Exception:
        dbt_fails = True
    else:
        dbt_fails = any(read.errors(event) for event in (NoNodesForSelectionCriteria(spec_raw="x"), NothingToDo()))
    assert handler._options_fail_empty_selection(text) is dbt_fails


@pytest.mark.parametrize(
    ("source", "selector"),
    [
        ("raw.orders", "source:raw.orders+"),
        ("raw.3rd_party", "source:raw.3rd_party+"),  # dbt's grammar takes a name starting with a digit
        ("raw.odd*name", "source:raw.odd[*]name+"),  # dbt matches names with fnmatch: a glob matches only itself
        ("raw.a?b[c]", "source:raw.a[?]b[[]c]+"),
        ("raw.t+1", "source:raw.t+1+"),
        ("my-source.$(touch_x);`id`", "source:my-source.$(touch_x);`id`+"),
    ],
)
def test_a_changed_source_becomes_the_selector_dbt_reads_as_that_source(handler, source, selector):
    assert handler.changed_selection([{"table": "T", "source": source}]).selectors == (selector,)


@pytest.mark.parametrize("source", ["raw x.y; rm -rf", "raw.a,b", "raw.a\nb", "raw.a.b", "raw", "raw.", ".a"])
def test_a_source_name_dbt_cannot_select_by_sends_building_steps_whole(handler, source):
    changed = handler.changed_selection([{"table": "RAW.X.Y", "source": source}])
    assert changed.selectors == () and len(changed.unselectable) == 1
    assert "cannot be written as a dbt selector" in changed.unselectable[0]
    plan = handler.narrow_step("dbt build", changed)
    assert plan.sent == "dbt build" and "a changed table is not one dbt can select by" in plan.why


def test_a_narrowed_step_is_one_dbt_reads_back_word_for_word(handler):
    """Quoting is shlex's: the words dbt Cloud splits the step into are the step's, with one --select."""
    vars_value = '{"k": "it\'s; $(x) `y`"}'
    step = shlex.join(["dbt", "build", "--vars", vars_value, "-s", "a b", "--exclude", "c"])
    narrowed = sent(handler, step, [{"table": "T", "source": "raw.$(id);'q'"}, *S])
    assert shlex.split(narrowed) == [
        "dbt", "build", "--vars", vars_value,
        "--select", "a,source:raw.$(id);'q'+ a,source:raw.a+ b,source:raw.$(id);'q'+ b,source:raw.a+",
        "--exclude", "c",
    ]  # fmt: skip


# --------------------------------------------------------------------------- #
# prism: the two new request shapes are the spec's
# --------------------------------------------------------------------------- #


def _client(handler, base_url, log):
    return handler.DbtCloudClient(
        base_url, TOKEN, 1, http=requests.Session(), sleep=time.sleep, monotonic=time.monotonic,
        wall_clock=handler._utc_now, log=log.append,
        policy=handler.RetryPolicy(budget_seconds=30, max_attempts=1),
    )  # fmt: skip


def test_prism_accepts_retrieve_job_its_latest_artifact_and_a_trigger_with_steps_override(handler, prism):
    log = []
    client = _client(handler, prism, log)
    assert isinstance(client.job_steps(42), list)
    # The spec gives the artifact no body schema: prism answers 200 with none; the request is what it checks.
    answer = client.send_once("GET", f"/api/v2/accounts/1/jobs/42/artifacts/{handler.RUN_RESULTS_ARTIFACT}")
    assert answer.code == 200, answer.problem
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
