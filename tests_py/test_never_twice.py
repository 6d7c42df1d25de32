"""The trigger is never sent blindly twice, whatever a slow dbt Cloud answers.

Each test drives the stand-in API (tests_py/fake_dbt_cloud.py) into one way of losing or
garbling the trigger's answer, sometimes creating the run only seconds later.  Besides the
assertions here, the `run` fixture checks on every invocation that at most one run was
created and that no more than RetryPolicy.max_requests requests were sent.
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

SETTLE_LISTS = ["GET", "GET", "GET", "GET"]  # re-lists at 0, 5, 15 and 30 s after the answer


def error_line(result):
    return next(line for line in result["logs"] if line.startswith("ERROR: "))


def methods(api):
    return [r.method for r in api.requests]


def created_runs(api):
    return api.scenario.jobs[42]


# --------------------------------------------------------------------------- #
# The run appears late: adopted, never a second POST
# --------------------------------------------------------------------------- #


def test_read_timeout_then_run_appears_late(run, api, clock):
    api.fault("hang", method="POST", apply_first=True, visible_after=12)
    result = run(read_timeout=0.2)
    assert result["status"] == "TRIGGERED", result["logs"]
    assert methods(api) == ["GET", "POST", "GET", "GET", "GET"]  # seen at the +15 s look
    assert clock.sleeps == [5, 10]
    assert len(created_runs(api)) == 1 and result["run_id"] == created_runs(api)[0].id
    assert any("timed out" in line and "may have reached the server" in line for line in result["logs"])
    assert any("adopting it, not triggering again" in line for line in result["logs"])


def test_gateway_504_then_run_appears_late(run, api, clock):
    api.fault("status", method="POST", status=504, apply_first=True, visible_after=20)
    result = run()
    assert result["status"] == "TRIGGERED", result["logs"]
    assert methods(api) == ["GET", "POST", *SETTLE_LISTS]  # seen only at the +30 s look
    assert clock.sleeps == [5, 10, 15]
    assert result["run_id"] == created_runs(api)[0].id


def test_connection_reset_after_the_request_then_run_appears_late(run, api, clock):
    api.fault("reset", method="POST", apply_first=True, visible_after=3)
    result = run()
    assert result["status"] == "TRIGGERED", result["logs"]
    assert methods(api) == ["GET", "POST", "GET", "GET"]
    assert result["run_id"] == created_runs(api)[0].id
    assert any("ConnectionResetError; it may have reached the server" in line for line in result["logs"])


def test_run_not_visible_before_the_budget_ends_is_an_error_not_a_second_post(run, api, clock):
    # A 25 s budget cannot wait out the 30 s settle window: the handler cannot tell, says so with
    # what it saw, and does not re-send.  (The next invocation's in-progress check sees the run.)
    api.fault("status", method="POST", status=504, apply_first=True, visible_after=50)
    result = run(budget_seconds=25)
    assert result["status"] == "ERROR"
    line = error_line(result)
    assert "a run may have been created" in line and "HTTP 504" in line
    assert "+0s: no new run" in line and "+5s: no new run" in line and "+15s: no new run" in line
    assert "does not allow waiting until 30s" in line
    assert methods(api).count("POST") == 1


# --------------------------------------------------------------------------- #
# 2xx without a readable run: the server accepted it, so it is never re-sent
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(("status", "body"), [(200, ""), (204, ""), (200, "<html>ok</html>"), (201, '{"data": {}}')])
def test_2xx_without_a_run_finds_the_created_run(run, api, clock, status, body):
    api.fault("raw", method="POST", status=status, body=body, apply_first=True)
    result = run()
    assert result["status"] == "TRIGGERED", result["logs"]
    assert methods(api) == ["GET", "POST", "GET"]
    assert result["run_id"] == created_runs(api)[0].id


@pytest.mark.parametrize(("status", "body"), [(200, ""), (204, ""), (200, "<html>ok</html>")])
def test_2xx_without_a_run_and_none_visible_is_an_error_saying_so(run, api, clock, status, body):
    api.fault("raw", method="POST", status=status, body=body)
    result = run()
    assert result["status"] == "ERROR"
    line = error_line(result)
    assert "a run may have been created" in line
    assert f"dbt Cloud accepted the request (HTTP {status}) but no new run is visible" in line
    assert methods(api) == ["GET", "POST", *SETTLE_LISTS]  # looked for the whole window, never re-sent


# --------------------------------------------------------------------------- #
# Retry-After is honoured on every retryable answer, the trigger included
# --------------------------------------------------------------------------- #


def test_503_retry_after_on_a_read(run, api, clock):
    api.fault("status", method="GET", status=503, retry_after="10")
    result = run()
    assert result["status"] == "TRIGGERED"
    assert clock.sleeps == [10]
    assert any("retrying in 10.0s (Retry-After)" in line for line in result["logs"])


def test_503_retry_after_on_the_trigger_delays_every_request_after_it(run, api, clock):
    api.fault("status", method="POST", status=503, retry_after="10")
    result = run()
    assert result["status"] == "TRIGGERED", result["logs"]
    # No request before Retry-After (10 s): the settle looks at 0 and 5 s move to 10 s.
    assert clock.sleeps == [10, 5, 15]
    assert methods(api) == ["GET", "POST", "GET", "GET", "GET", "POST"]
    assert len(created_runs(api)) == 1


def test_503_retry_after_longer_than_the_settle_window(run, api, clock):
    api.fault("status", method="POST", status=503, retry_after="45")
    result = run()
    assert result["status"] == "TRIGGERED", result["logs"]
    assert clock.sleeps == [45]  # one look at +45 s proves no run, and the re-POST may follow at once
    assert methods(api) == ["GET", "POST", "GET", "POST"]


def test_503_retry_after_http_date_on_the_trigger(run, api, clock):
    clock.set(datetime(2026, 5, 20, 12, 0, 0, tzinfo=UTC))
    api.fault(
        "status",
        method="POST",
        status=503,
        retry_after=format_datetime(datetime(2026, 5, 20, 12, 0, 40, tzinfo=UTC), True),
    )
    result = run()
    assert result["status"] == "TRIGGERED", result["logs"]
    assert clock.sleeps == [40]


def test_retry_after_beyond_the_budget_on_the_trigger_stops_without_a_second_post(run, api, clock):
    api.fault("status", method="POST", status=503, retry_after="120")
    result = run()
    assert result["status"] == "ERROR"
    assert "a run may have been created" in error_line(result)
    assert methods(api) == ["GET", "POST"]
    assert clock.sleeps == []


def test_429_on_the_trigger_is_retried_after_retry_after_without_looking(run, api, clock):
    api.fault("status", method="POST", status=429, retry_after="3")
    result = run()
    assert result["status"] == "TRIGGERED"
    assert methods(api) == ["GET", "POST", "POST"]  # a 429 is refused before processing
    assert clock.sleeps == [3]


# --------------------------------------------------------------------------- #
# Alternating 429/503: no nested loops, a bounded number of requests
# --------------------------------------------------------------------------- #


def alternate(api, answers, retry_after):
    for status in answers:
        api.fault("status", method="POST", status=status, retry_after=retry_after)


def test_alternating_429_503_within_the_default_budget(run, api, clock):
    alternate(api, [429, 503] * 5, "2")
    result = run()
    assert result["status"] == "ERROR"
    assert "a run may have been created" in error_line(result)
    assert methods(api) == ["GET", "POST", "POST", *SETTLE_LISTS, "POST", "POST", "GET", "GET", "GET"]
    # 429 -> Retry-After 2; 503 -> settle looks at 2 (Retry-After), 5, 15, 30; again; the budget ends it.
    assert clock.sleeps == [2, 2, 3, 10, 15, 2, 2, 3, 10]
    assert created_runs(api) == []


def test_alternating_429_503_stops_after_max_attempts_posts(run, api, clock):
    alternate(api, [429, 503] * 5, "0")
    result = run(budget_seconds=10_000)
    assert result["status"] == "ERROR"
    assert "giving up after 5 trigger requests; no run was created" in error_line(result)
    assert methods(api).count("POST") == 5  # not 5 x 5: the trigger's retries do not nest
    assert len(api.requests) == 1 + 5 + 2 * len(SETTLE_LISTS)


def test_request_ceiling_bounds_an_invocation(run, api, clock):
    # Own list and upstream list each need 5 attempts, then the trigger alternates 429/503:
    # without the ceiling this would be 24 requests; the policy allows 20.
    api.add_run(7, 10, datetime(2026, 5, 20, 1, tzinfo=UTC), datetime(2026, 5, 20, 2, tzinfo=UTC))
    api.fault("status", method="GET", status=503, retry_after="0", times=4)
    api.fault("none", method="GET")
    api.fault("status", method="GET", status=503, retry_after="0", times=4)
    alternate(api, [429, 503] * 5, "0")
    result = run(upstream_job_id=7, budget_seconds=10_000)
    assert result["status"] == "ERROR"
    line = error_line(result)
    assert "a run may have been created" in line and "the limit per invocation is 20" in line
    assert len(api.requests) == 20
    assert created_runs(api) == []


# --------------------------------------------------------------------------- #
# Requests that never reached the server are retried like any read
# --------------------------------------------------------------------------- #


class FirstPostElsewhere:
    """A requests session that sends the first POST to `target` (a closed port or an
    unresolvable host), so that one really fails to connect, and the rest to the stand-in."""

    def __init__(self, target):
        self.target = target
        self.session = requests.Session()
        self.diverted = 0

    def request(self, method, url, **kwargs):
        if method == "POST" and self.diverted == 0:
            self.diverted += 1
            parts = urlsplit(url)
            url = urlunsplit((parts.scheme, self.target, parts.path, parts.query, parts.fragment))
        return self.session.request(method, url, **kwargs)


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("target", [f"127.0.0.1:{_closed_port()}", "dbt-cloud.invalid:443"])
def test_connection_refused_or_dns_failure_on_the_trigger_is_retried(run, api, clock, target):
    http = FirstPostElsewhere(target)
    result = run(http=http)
    assert result["status"] == "TRIGGERED", result["logs"]
    assert http.diverted == 1
    assert methods(api) == ["GET", "POST"]  # the diverted POST never reached anyone
    assert clock.sleeps == [1]  # plain backoff, no settle window
    assert any("never reached the server" in line for line in result["logs"])


# --------------------------------------------------------------------------- #
# https only; a redirect names the access_url setting and where it pointed
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("url", ["http://cloud.getdbt.com", "http://ab123.us1.dbt.com/", "http://10.0.0.1:8080"])
def test_plain_http_is_refused_for_a_remote_host(run, api, url):
    result = run(base_url=url)
    assert result["status"] == "ERROR"
    assert "must use https" in error_line(result)
    assert api.requests == []


def test_plain_http_is_allowed_for_loopback(run, api):
    port = urlsplit(api.url).port
    assert run(base_url=f"http://localhost:{port}")["status"] == "TRIGGERED"


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_redirect_is_an_error_naming_access_url_and_location(run, api, method, status):
    location = "https://ab123.us1.dbt.com/api/v2/accounts/1/runs/"
    api.fault("raw", method=method, status=status, body="", headers={"Location": location})
    result = run()
    assert result["status"] == "ERROR"
    line = error_line(result)
    assert f"HTTP {status} redirect to {location}" in line
    assert "set the access_url setting" in line
    assert methods(api).count(method) == 1  # not followed, not retried
    assert created_runs(api) == []
