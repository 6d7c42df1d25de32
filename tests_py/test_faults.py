"""API faults, retries, time budget, argument errors and token hygiene."""

from __future__ import annotations

import json
import socket
import sys
import types
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests
from conftest import TOKEN, assert_no_token


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


def error_line(result):
    return next(line for line in result["logs"] if line.startswith("ERROR: "))


# --------------------------------------------------------------------------- #
# Non-retryable HTTP errors
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("code", [401, 403])
def test_auth_refused_on_list(run, api, code):
    api.fault("status", method="GET", status=code, message="Invalid token.")
    result = run()
    assert result["status"] == "ERROR"
    assert f"HTTP {code}" in error_line(result) and "token was refused" in error_line(result)
    assert len(api.requests) == 1  # not retried
    assert api.calls("POST") == []


def test_auth_refused_on_trigger(run, api):
    api.fault("status", method="POST", status=401)
    result = run()
    assert result["status"] == "ERROR"
    assert len(api.calls("POST")) == 1


def test_missing_job_is_404(run, api):
    result = run(job_id=404404)
    assert result["status"] == "ERROR"
    assert "HTTP 404" in error_line(result) and "not found" in error_line(result)
    assert [r.method for r in api.requests] == ["GET", "POST"]


def test_wrong_account_is_404_on_list(run, api):
    result = run(account_id=999)
    assert result["status"] == "ERROR"
    assert len(api.requests) == 1


def test_upstream_list_error_never_triggers(run, api):
    api.add_run(7, 10, utc(2026, 5, 20, 1), utc(2026, 5, 20, 2))
    original = api.list_runs

    def refuse_upstream(account_id, query):
        if ("job_definition_id", "7") in query:
            return 403, {"status": api.envelope_status(403, "Forbidden")}
        return original(account_id, query)

    api.list_runs = refuse_upstream
    result = run(upstream_job_id=7)
    assert result["status"] == "ERROR"
    assert [r.status for r in api.requests] == [200, 403]
    assert api.calls("POST") == []


# --------------------------------------------------------------------------- #
# Retries: 429 / 5xx / timeouts / dropped and refused connections
# --------------------------------------------------------------------------- #


def test_429_honours_retry_after_seconds(run, api, clock):
    api.fault("status", method="GET", status=429, retry_after="7", times=2)
    result = run()
    assert result["status"] == "TRIGGERED", result["logs"]
    assert clock.sleeps == [7, 7]
    assert [r.status for r in api.requests] == [429, 429, 200, 200]


def test_429_honours_retry_after_http_date(run, api, clock):
    clock.set(utc(2026, 5, 20, 12, 0, 0))
    api.fault("status", method="GET", status=429, retry_after=format_datetime(utc(2026, 5, 20, 12, 0, 12), True))
    result = run()
    assert result["status"] == "TRIGGERED"
    assert clock.sleeps == [12]


def test_429_on_trigger_is_retried_without_double_fire(run, api, clock):
    api.fault("status", method="POST", status=429, retry_after="3")
    result = run()
    assert result["status"] == "TRIGGERED"
    assert clock.sleeps == [3]
    assert len(api.calls("POST")) == 2
    assert len(api.scenario.jobs[42]) == 1


def test_5xx_exponential_backoff_then_success(run, api, clock):
    api.fault("status", method="GET", status=500, times=3)
    result = run()
    assert result["status"] == "TRIGGERED"
    assert clock.sleeps == [1, 2, 4]
    assert len(api.calls("GET")) == 4


def test_5xx_gives_up_after_max_attempts(run, api, clock):
    api.fault("status", method="GET", status=503, times=99)
    result = run()
    assert result["status"] == "ERROR"
    assert "giving up after 5 attempts" in error_line(result)
    assert len(api.requests) == 5
    assert clock.sleeps == [1, 2, 4, 8]
    assert api.calls("POST") == []


def test_budget_exhausted_by_backoff(run, api, clock):
    api.fault("status", method="GET", status=502, times=99)
    result = run(budget_seconds=5)
    assert result["status"] == "ERROR"
    assert "time budget" in error_line(result)
    assert clock.sleeps == [1, 2]
    assert len(api.requests) == 3


def test_retry_after_beyond_budget_gives_up_at_once(run, api, clock):
    api.fault("status", method="GET", status=429, retry_after="120")
    result = run(budget_seconds=60)
    assert result["status"] == "ERROR"
    assert "exceed the remaining time budget" in error_line(result)
    assert clock.sleeps == []
    assert len(api.requests) == 1


def test_hanging_list_times_out_and_is_retried(run, api, clock):
    api.fault("hang", method="GET")
    result = run(read_timeout=0.2)
    assert result["status"] == "TRIGGERED", result["logs"]
    assert any("timed out" in line for line in result["logs"])
    assert len(api.calls("GET")) == 2
    assert clock.sleeps == [1]


def test_dropped_connection_on_list_is_retried(run, api, clock):
    api.fault("drop", method="GET")
    result = run()
    assert result["status"] == "TRIGGERED", result["logs"]
    assert len(api.calls("GET")) == 2


def test_connection_refused_is_retried_then_errors(run, api, clock):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run(base_url=f"http://127.0.0.1:{port}")
    assert result["status"] == "ERROR"
    assert "connection failed" in error_line(result)
    assert clock.sleeps == [1, 2, 4, 8]


# --------------------------------------------------------------------------- #
# The trigger's response is lost: look before retrying, never double-fire
# --------------------------------------------------------------------------- #


def test_trigger_500_after_run_created_adopts_the_run(run, api, clock):
    api.fault("status", method="POST", status=500, apply_first=True)
    result = run()
    assert result["status"] == "TRIGGERED", result["logs"]
    assert len(api.calls("POST")) == 1
    assert len(api.scenario.jobs[42]) == 1
    assert result["run_id"] == api.scenario.jobs[42][0].id
    assert [r.method for r in api.requests] == ["GET", "POST", "GET"]


def test_trigger_500_without_run_is_retried(run, api, clock):
    # The POST is re-sent only after re-listing through the whole
    # settle window (0, 5, 15, 30 s after the answer) without seeing a new run.
    api.fault("status", method="POST", status=500)
    result = run()
    assert result["status"] == "TRIGGERED"
    assert [r.method for r in api.requests] == ["GET", "POST", "GET", "GET", "GET", "GET", "POST"]
    assert len(api.scenario.jobs[42]) == 1
    assert clock.sleeps == [5, 10, 15]


def test_trigger_hang_after_run_created_adopts_the_run(run, api, clock):
    api.fault("hang", method="POST", apply_first=True)
    result = run(read_timeout=0.2)
    assert result["status"] == "TRIGGERED"
    assert len(api.calls("POST")) == 1
    assert len(api.scenario.jobs[42]) == 1


def test_trigger_dropped_connection_checks_then_retries(run, api, clock):
    # A dropped connection may follow a processed request, so the
    # POST is re-sent only after the settle window showed no new run.
    api.fault("drop", method="POST")
    result = run()
    assert result["status"] == "TRIGGERED"
    assert [r.method for r in api.requests] == ["GET", "POST", "GET", "GET", "GET", "GET", "POST"]
    assert len(api.scenario.jobs[42]) == 1


def test_trigger_always_503_never_creates_two_runs(run, api, clock):
    # Each 503 costs a 30 s settle window, so the 60 s budget allows
    # two POSTs; after the second the handler cannot tell and says so instead of re-sending.
    api.fault("status", method="POST", status=503, times=99)
    result = run()
    assert result["status"] == "ERROR"
    assert "a run may have been created" in error_line(result)
    assert len(api.calls("POST")) == 2
    assert api.scenario.jobs[42] == []


# --------------------------------------------------------------------------- #
# Malformed or incomplete responses
# --------------------------------------------------------------------------- #


def test_malformed_json_on_list(run, api):
    api.fault("malformed", method="GET")
    result = run()
    assert result["status"] == "ERROR"
    assert "not valid JSON" in error_line(result)
    assert len(api.requests) == 1 and api.calls("POST") == []


def test_malformed_json_on_trigger(run, api):
    api.fault("malformed", method="POST")
    result = run()
    assert result["status"] == "ERROR"
    assert len(api.calls("POST")) == 1


@pytest.mark.parametrize(
    "body",
    [
        '{"extra": {}, "status": {}}',
        '{"data": {"id": 1}}',
        '{"data": [{"id": 1}]}',
        '{"data": [{"status": 10}]}',
        '{"data": [{"id": "1", "status": 10}]}',
        "[]",
    ],
)
def test_list_response_missing_fields(run, api, body):
    api.fault("raw", method="GET", status=200, body=body)
    result = run()
    assert result["status"] == "ERROR", result["logs"]
    assert api.calls("POST") == []


def test_run_without_status_is_spec_valid_but_rejected(run, api):
    api.add_run(42, 10, utc(2026, 5, 20, 1), utc(2026, 5, 20, 2), omit=("status",))
    result = run()
    assert result["status"] == "ERROR"
    assert "lacks an integer 'status'" in error_line(result)


def test_created_at_unparseable(run, api):
    api.add_run(42, 10, utc(2026, 5, 20, 1), utc(2026, 5, 20, 2), created_at_raw="yesterday")
    result = run(min_elapsed_seconds=10)
    assert result["status"] == "ERROR"
    assert "created_at" in error_line(result)


@pytest.mark.parametrize("body", ['{"status": {}}', '{"data": {"href": "x"}}', '{"data": null}'])
def test_trigger_response_missing_run(run, api, body):
    api.fault("raw", method="POST", status=200, body=body)
    result = run()
    assert result["status"] == "ERROR"
    assert "a run may have been created" in error_line(result)


def test_run_url_built_without_href(run, api):
    api.scenario.omit_href = True
    result = run(base_url=api.url + "//")
    new_id = api.scenario.jobs[42][-1].id
    assert result["run_url"] == f"{api.url}/deploy/1/projects/70/runs/{new_id}/"


def test_run_url_none_without_href_and_project(run, api):
    api.scenario.omit_href = True
    api.scenario.omit_project_id = True
    result = run()
    assert result["status"] == "TRIGGERED"
    assert result["run_id"] == api.scenario.jobs[42][-1].id and result["run_url"] is None


# --------------------------------------------------------------------------- #
# Arguments
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "args",
    [
        {"account_id": "1", "job_id": 42.0},
        {"account_id": 1.0, "job_id": "42"},
        {"min_elapsed_seconds": "0", "upstream_job_id": None, "timezone": ""},
        {"min_start_time": "", "max_start_time": None, "days_of_week": None},
        {"days_of_week": [0, 1.0, "2", "3.0", 4, 5, 6]},
        {"min_start_time": "0:00", "max_start_time": "23:59"},
    ],
)
def test_argument_coercions(run, api, args):
    assert run(**args)["status"] == "TRIGGERED"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"account_id": None}, "account_id is required"),
        ({"job_id": True}, "job_id must be an integer"),
        ({"job_id": 4.5}, "job_id must be an integer"),
        ({"job_id": 0}, "job_id must be >= 1"),
        ({"upstream_job_id": "seven"}, "upstream_job_id must be an integer"),
        ({"min_elapsed_seconds": -1}, "min_elapsed_seconds must be >= 0"),
        ({"cause": ""}, "cause is required"),
        ({"cause": None}, "cause is required"),
        ({"min_start_time": "24:00"}, "not a valid time of day"),
        ({"max_start_time": "7pm"}, "must look like 'HH:MM'"),
        ({"max_start_time": "07:00:30"}, "must look like 'HH:MM'"),
        ({"days_of_week": [7]}, "0 (Monday) to 6 (Sunday)"),
        ({"days_of_week": [1.5]}, "must be an integer"),
        ({"days_of_week": []}, "empty array"),
        ({"days_of_week": {"a": 1}}, "must be an array"),
        ({"timezone": "Mars/Olympus_Mons"}, "not a known IANA time zone"),
    ],
)
def test_argument_errors(run, api, args, message):
    result = run(**args)
    assert result["status"] == "ERROR"
    assert message in error_line(result)
    assert api.requests == []


@pytest.mark.parametrize(
    ("url", "message"),
    [("", "access_url is empty"), ("cloud.getdbt.com", "must look like"), ("ftp://x", "must look like")],
)
def test_access_url_errors(run, api, url, message):
    result = run(base_url=url or " ")
    assert result["status"] == "ERROR" and message in error_line(result)


def test_empty_token_is_an_error(run, api):
    result = run(token="  ")
    assert result["status"] == "ERROR" and "holds no API token" in error_line(result)
    assert api.requests == []


def test_long_cause_is_truncated_to_255(run, api):
    result = run(cause="x" * 400)
    assert result["status"] == "TRIGGERED"
    assert json.loads(api.calls("POST")[0].body) == {"cause": "x" * 255}
    assert "cause truncated to 255 characters" in result["logs"]


def test_naive_clock_is_utc(run, api, clock):
    clock.set(datetime(2026, 5, 20, 10, 0))
    result = run(min_start_time="10:00", max_start_time="10:00")
    assert result["status"] == "TRIGGERED"


# --------------------------------------------------------------------------- #
# The token never leaks (the `run` fixture scans every result and log line)
# --------------------------------------------------------------------------- #


def test_token_echoed_by_server_is_scrubbed(run, api):
    api.fault("status", method="GET", status=400, message=f"Bad token {TOKEN} for account")
    result = run()
    assert result["status"] == "ERROR"
    assert "***" in error_line(result)


def test_token_inside_exception_text_is_scrubbed(run, api):
    class LeakySession:
        def request(self, *args, **kwargs):
            raise RuntimeError(f"boom with header Authorization: Bearer {kwargs['headers']['Authorization']}")

    result = run(http=LeakySession())
    assert result["status"] == "ERROR"
    assert "unexpected RuntimeError" in error_line(result)
    assert_no_token(json.dumps(result))


def test_token_inside_requests_exception_is_scrubbed(run, api):
    class LeakySession:
        def request(self, *args, **kwargs):
            raise requests.exceptions.ConnectionError(f"could not send {kwargs['headers']}")

    result = run(http=LeakySession())
    assert result["status"] == "ERROR"
    assert_no_token(json.dumps(result))


def test_token_only_in_authorization_header(run, api):
    run(upstream_job_id=7)
    for request in api.requests:
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        assert_no_token(request.path, json.dumps(request.query), request.body)
        others = {k: v for k, v in request.headers.items() if k != "authorization"}
        assert_no_token(json.dumps(others))


# --------------------------------------------------------------------------- #
# main(): the Snowflake entry point
# --------------------------------------------------------------------------- #


def test_main_without_snowflake_returns_error(handler, monkeypatch):
    monkeypatch.delitem(sys.modules, "_snowflake", raising=False)
    result = handler.main(None, "https://example.invalid", 1, 42, "cause")
    assert result["status"] == "ERROR"
    assert result["logs"] == ["ERROR: cannot read the secret 'dbt_cloud_token' (ModuleNotFoundError)"]


def test_main_reads_the_secret_and_runs(handler, api, monkeypatch):
    fake = types.ModuleType("_snowflake")
    asked = []

    def get_generic_secret_string(alias):
        asked.append(alias)
        return TOKEN + "\n"

    fake.get_generic_secret_string = get_generic_secret_string
    monkeypatch.setitem(sys.modules, "_snowflake", fake)
    now = datetime.now(UTC)
    api.add_run(42, 10, now - timedelta(hours=3), now - timedelta(hours=2))
    result = handler.main(None, api.url + "/", 1, 42, "from main", None, 60, None, None, None, None)
    assert asked == ["dbt_cloud_token"]
    assert result["status"] == "TRIGGERED", result["logs"]
    assert api.calls("POST")[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert_no_token(json.dumps(result))
