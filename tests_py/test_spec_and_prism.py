"""The handler's requests against prism (spec-validating mock), the spec facts the
handler relies on, the validators' own teeth, and static checks of the handler."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import time

import pytest
import requests
from conftest import HANDLER_PATH, REPO_ROOT, TOKEN

MY_FILES = [
    "tests_py/conftest.py",
    "tests_py/openapi_spec.py",
    "tests_py/fake_dbt_cloud.py",
    "tests_py/test_checks.py",
    "tests_py/test_faults.py",
    "tests_py/test_spec_and_prism.py",
    "tests_py/test_never_twice.py",
    "tests_py/test_ping.py",
    "tests_py/test_timezones.py",
    "tests_py/test_outcomes_and_selection.py",
    "scripts/bench/handler.py",
]

# --------------------------------------------------------------------------- #
# prism: `prism mock --errors` rejects (422/401) any request that breaks the spec
# --------------------------------------------------------------------------- #


def _client(handler, base_url, log):
    return handler.DbtCloudClient(
        base_url,
        TOKEN,
        1,
        http=requests.Session(),
        sleep=time.sleep,
        monotonic=time.monotonic,
        wall_clock=handler._utc_now,
        log=log.append,
        policy=handler.RetryPolicy(budget_seconds=30, max_attempts=1),
    )


def test_prism_accepts_the_list_runs_calls(handler, prism):
    log = []
    client = _client(handler, prism, log)
    own = client.list_runs(42, order_by="-created_at", limit=handler.RECENT_RUNS_LIMIT)
    upstream = client.list_runs(7, status=10, order_by="-finished_at", limit=1)
    assert isinstance(own, list) and isinstance(upstream, list)
    assert [line.endswith(f"request {n})") and "HTTP 200" in line for n, line in enumerate(log, 1)] == [True, True], log


def test_prism_accepts_the_trigger_call(handler, prism):
    log = []
    answer = _client(handler, prism, log).send_trigger(42, "Triggered by Snowflake task")
    assert answer.problem is None, answer.problem
    run = answer.payload["data"]
    assert isinstance(run, dict) and isinstance(run["id"], int)
    assert "HTTP 200" in log[0]


def test_prism_accepts_the_ping(handler, prism):
    result = handler.run_job(prism, TOKEN, {"account_id": 1, "options": {"mode": "ping"}})
    assert result["status"] == "OK", result["logs"]
    assert result["checks"][0]["name"] == "dbt_cloud_account" and result["checks"][0]["passed"] is True
    assert TOKEN not in json.dumps(result)


def test_prism_rejects_a_bad_request(handler, prism):
    """Negative control: prism really validates (an empty cause breaks minLength 1)."""
    client = _client(handler, prism, [])
    with pytest.raises(handler.HandlerError, match="HTTP 422"):
        client.send_trigger(42, "")


def test_prism_rejects_token_scheme(prism):
    """The spec's security scheme is http/bearer: prism refuses `Authorization: Token`."""
    response = requests.get(
        f"{prism}/api/v2/accounts/1/runs/",
        headers={"Authorization": f"Token {TOKEN}", "Accept": "application/json"},
        timeout=10,
    )
    assert response.status_code == 401


def test_run_job_end_to_end_against_prism(handler, prism):
    # prism's generated run has status 0 (not a dbt Cloud status): the handler
    # counts an unknown status as in progress, so it skips rather than double-fire.
    result = handler.run_job(prism, TOKEN, {"account_id": 1, "job_id": 42, "cause": "c", "min_elapsed_seconds": 5})
    assert result["status"] == "SKIPPED", result["logs"]
    assert "unknown status 0" in result["checks"][0]["detail"]
    assert TOKEN not in json.dumps(result)


# --------------------------------------------------------------------------- #
# Spec facts the handler relies on
# --------------------------------------------------------------------------- #


def test_spec_facts(openapi):
    runs_op = openapi.operation("get", "/api/v2/accounts/1/runs/")[1]
    names = {p["name"] for p in runs_op["parameters"]}
    assert {"job_definition_id", "status", "status__in", "order_by", "limit", "offset"} <= names
    trigger = openapi.operation("post", "/api/v2/accounts/1/jobs/42/run/")
    assert trigger[0] == "/api/v2/accounts/{account_id}/jobs/{job_id}/run/"
    assert trigger[1]["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/TriggerRunRequestRequest"
    )
    cause = openapi.schema("TriggerRunRequestRequest")["properties"]["cause"]
    assert cause["minLength"] == 1 and "maxLength" not in cause  # 255 comes from the API's behaviour, not the spec
    run = openapi.schema("RunResponse")
    assert {"href", "project_id", "status", "created_at", "finished_at", "in_progress"} <= set(run["properties"])
    assert run["required"] == ["created_at", "updated_at"]  # status/id are optional in the spec
    assert "nullable" not in run["properties"]["finished_at"]
    assert openapi.security_schemes["BearerAuthentication"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "Bearer",
    }
    assert openapi.schema("RunResponseListEnveloped")["required"] == ["data", "extra", "status"]
    account = openapi.operation("get", "/api/v2/accounts/1/")
    assert account[0] == "/api/v2/accounts/{account_id}/"  # the ping's read-only request
    assert account[1]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/AccountEnveloped")
    assert {"id", "name", "locked", "lock_reason"} <= set(openapi.schema("AccountResponse")["properties"])


# --------------------------------------------------------------------------- #
# The validators have teeth (so a passing suite means something)
# --------------------------------------------------------------------------- #


def test_response_validator_catches_drift(openapi):
    good = {
        "data": [{"id": 1, "created_at": "2026-01-01 00:00:00+00:00", "updated_at": "2026-01-01 00:00:00+00:00"}],
        "extra": {"filters": {}, "order_by": "id", "pagination": {"count": 1, "total_count": 1}},
        "status": {"code": 200, "is_success": True, "user_message": "", "developer_message": ""},
    }
    assert openapi.validate_response("GET", "/api/v2/accounts/1/runs/", 200, good) == []
    drifted = json.loads(json.dumps(good))
    del drifted["extra"]
    drifted["data"][0]["status"] = "10"
    del drifted["data"][0]["updated_at"]
    problems = openapi.validate_response("GET", "/api/v2/accounts/1/runs/", 200, drifted)
    assert len(problems) == 3, problems
    trigger = {"data": {"id": 1, "finished_at": None}, "status": good["status"]}
    assert openapi.validate_response("POST", "/api/v2/accounts/1/jobs/2/run/", 200, trigger)
    assert openapi.validate_response("GET", "/api/v2/accounts/1/runs/", 401, {"detail": "x"})


def test_request_validator_catches_drift(openapi):
    headers = {"authorization": "Bearer x", "accept": "application/json"}
    ok = [("job_definition_id", "42"), ("order_by", "-created_at"), ("limit", "10")]
    assert openapi.validate_request("GET", "/api/v2/accounts/1/runs/", ok, headers, "") == []
    bad = [("job_id", "42"), ("limit", "ten"), ("status__in", "[1,2,3]")]
    problems = openapi.validate_request("GET", "/api/v2/accounts/x/runs/", bad, {"authorization": "Token x"}, "")
    assert len(problems) == 6, problems  # path, unknown param, limit, status__in, auth, accept
    post_headers = {**headers, "content-type": "application/json"}
    path = "/api/v2/accounts/1/jobs/42/run/"
    assert openapi.validate_request("POST", path, [], post_headers, '{"cause": "c"}') == []
    assert openapi.validate_request("POST", path, [], post_headers, '{"cause": ""}')
    assert openapi.validate_request("POST", path, [], post_headers, '{"cause": 5}')
    assert openapi.validate_request("POST", path, [], post_headers, "{}")
    assert openapi.validate_request("POST", path, [], post_headers, "")
    assert openapi.validate_request("POST", path, [], headers, '{"cause": "c"}')  # no Content-Type


# --------------------------------------------------------------------------- #
# Static checks of the handler file
# --------------------------------------------------------------------------- #


def test_handler_compiles_and_passes_ruff():
    subprocess.run([sys.executable, "-m", "py_compile", str(HANDLER_PATH)], check=True)
    ruff = [sys.executable, "-m", "ruff"]
    ours = [str(HANDLER_PATH), *MY_FILES]
    for args in (["check", *ours], ["format", "--check", *ours]):
        done = subprocess.run(ruff + args, cwd=REPO_ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_handler_embeds_in_a_dollar_quoted_body():
    text = HANDLER_PATH.read_text(encoding="utf-8")
    assert "$$" not in text
    assert "endraw" not in text


def test_handler_imports_only_stdlib_and_requests():
    tree = ast.parse(HANDLER_PATH.read_text(encoding="utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            modules.add(node.module.split(".")[0])
    third_party = {m for m in modules if m not in sys.stdlib_module_names}
    assert third_party == {"requests", "_snowflake"}, third_party
    assert not {"pytz", "dateutil"} & modules


def test_handler_signature_is_the_fixed_interface(handler):
    import inspect

    params = list(inspect.signature(handler.main).parameters)
    assert params == [
        "session",
        "access_url",
        "account_id",
        "job_id",
        "cause",
        "upstream_job_id",
        "min_elapsed_seconds",
        "min_start_time",
        "max_start_time",
        "days_of_week",
        "timezone",
        "options",
    ]
