"""`options: {mode: 'ping'}` makes one read-only request and triggers nothing."""

from __future__ import annotations

import json
import socket
import sys
import types

import pytest
from conftest import TOKEN

PING = {"mode": "ping"}
ACCOUNT_PATH = "/api/v2/accounts/1/"


def error_line(result):
    return next(line for line in result["logs"] if line.startswith("ERROR: "))


def only_check(result):
    assert [check["name"] for check in result["checks"]] == ["dbt_cloud_account"]
    return result["checks"][0]


def test_ping_ok_makes_one_get_of_the_account(run, api):
    result = run(options=PING)
    assert result["status"] == "OK", result["logs"]
    assert [(r.method, r.path, r.query) for r in api.requests] == [("GET", ACCOUNT_PATH, [])]
    check = only_check(result)
    assert check["passed"] is True
    assert "answered HTTP 200 for account 1 (Analytics)" in check["detail"]
    assert "nothing was triggered" in check["detail"]
    assert result["run_id"] is None and result["run_url"] is None
    assert api.scenario.jobs[42] == []


def test_ping_needs_neither_job_nor_cause(run, api):
    result = run(options=PING, job_id=None, cause=None, timezone="Mars/Olympus")
    assert result["status"] == "OK", result["logs"]


@pytest.mark.parametrize("options", [PING, json.dumps(PING), {"mode": " PING "}, {"mode": "ping", "x": [1]}])
def test_ping_options_forms(run, api, options):
    assert run(options=options)["status"] == "OK"


@pytest.mark.parametrize("code", [401, 403])
def test_ping_token_refused(run, api, code):
    api.fault("status", method="GET", status=code, message="Invalid token.")
    result = run(options=PING)
    assert result["status"] == "ERROR"
    assert only_check(result)["passed"] is False
    assert f"HTTP {code} - the API token was refused" in error_line(result)
    assert len(api.requests) == 1


def test_ping_connection_refused_names_host_and_network_rule(run, api, clock):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run(options=PING, base_url=f"http://127.0.0.1:{port}")
    assert result["status"] == "ERROR"
    line = error_line(result)
    assert f"cannot connect to 127.0.0.1:{port}" in line
    assert f"network rule of the procedure's external access integration allows 127.0.0.1:{port}" in line
    assert clock.sleeps == []  # one attempt: a preflight answers at once


def test_ping_wrong_account(run, api):
    result = run(options=PING, account_id=2)
    assert result["status"] == "ERROR"
    assert "HTTP 404" in error_line(result) and "check account_id" in error_line(result)


def test_ping_server_error_is_not_retried(run, api, clock):
    api.fault("status", method="GET", status=503, retry_after="30")
    result = run(options=PING)
    assert result["status"] == "ERROR"
    assert "HTTP 503" in error_line(result) and "Retry-After 30s" in error_line(result)
    assert len(api.requests) == 1 and clock.sleeps == []


def test_ping_timeout(run, api):
    api.fault("hang", method="GET")
    result = run(options=PING, read_timeout=0.2)
    assert result["status"] == "ERROR"
    assert "did not answer in time" in error_line(result)


def test_ping_locked_account(run, api):
    api.scenario.account_locked = True
    api.scenario.lock_reason = "trial expired"
    result = run(options=PING)
    assert result["status"] == "ERROR"
    assert "account 1 is locked in dbt Cloud (trial expired)" in error_line(result)


def test_ping_redirect_names_access_url(run, api):
    api.fault("raw", method="GET", status=301, body="", headers={"Location": "https://ab123.us1.dbt.com/"})
    result = run(options=PING)
    assert result["status"] == "ERROR"
    assert "redirect to https://ab123.us1.dbt.com/" in error_line(result)
    assert "set the access_url setting" in error_line(result)


def test_ping_response_without_account(run, api):
    api.fault("raw", method="GET", status=200, body='{"status": {}}')
    result = run(options=PING)
    assert result["status"] == "ERROR"
    assert "no 'data' account object" in error_line(result)


def test_ping_refuses_plain_http_to_a_remote_host(run, api):
    result = run(options=PING, base_url="http://cloud.getdbt.com")
    assert result["status"] == "ERROR" and "must use https" in error_line(result)
    assert api.requests == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"mode": "refreshh"}, "options.mode 'refreshh' is not a known mode"),
        ({"mode": 3}, "options.mode 3 is not a known mode"),
        ("[1, 2]", "argument options must be an object, got list"),
        ("{not json", "argument options must be an object, got a string that is not JSON"),
        (["mode", "ping"], "argument options must be an object, got list"),
    ],
)
def test_bad_options_are_an_error_naming_them(run, api, options, message):
    result = run(options=options)
    assert result["status"] == "ERROR"
    assert message in error_line(result)
    assert api.requests == []


@pytest.mark.parametrize("options", [None, {}, "", {"mode": "trigger"}, {"mode": None}, {"unknown_key": 1}])
def test_trigger_is_the_default_mode(run, api, options):
    assert run(options=options)["status"] == "TRIGGERED"


def test_main_passes_options_through(handler, api, monkeypatch):
    fake = types.ModuleType("_snowflake")
    fake.get_generic_secret_string = lambda alias: TOKEN
    monkeypatch.setitem(sys.modules, "_snowflake", fake)
    result = handler.main(None, api.url, 1, None, "preflight", None, None, None, None, None, None, PING)
    assert result["status"] == "OK", result["logs"]
    assert [r.method for r in api.requests] == ["GET"]
