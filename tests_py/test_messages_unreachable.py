"""The package's messages reach the user on dbt-core when Snowflake cannot be reached.

Real dbt-core + dbt-snowflake with the example project's dummy profile, nothing patched: after a macro
error, dbt-snowflake's exception handler rolls back, which opens the lazy connection, and the connector's
`250001: Could not connect to Snowflake backend` replaces the macro's error. The package logs its message
before raising (macros-src/errors.ts), so the user still reads it. Every HTTP(S) proxy points at a closed
port on 127.0.0.1, so the connection attempt fails at once and leaves the machine.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from snowflake_standin import DbtSession
from snowflake_standin.dbt_session import REPO_ROOT

CLOSED_PORT = "http://127.0.0.1:9"
OFFLINE = {name: CLOSED_PORT for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy")}
INVALID = {
    "dbt_cloud_orchestration": {
        "account_id": "12345",
        "access_url": "https://ab123.us1.dbt.com/path",
        "jobs": [{"name": "a", "job_id": 1, "tables": ["RAW.SALES.ORDERS"], "days_of_week": [7], "schedul": "x"}],
    }
}
PROBLEMS = [
    "  - account_id: '12345' is not a positive integer",
    "  - access_url: ",
    "  - jobs[0].days_of_week[0]: 7 is not a weekday: MON … SUN, or 0-6 with 0 = Monday",
    "  - jobs[0].schedul: unknown key",
]


@pytest.fixture(scope="module")
def dbt(tmp_path_factory):
    with DbtSession(tmp_path_factory.mktemp("unreachable"), warehouse=False) as session:
        yield session


def test_the_offline_dry_run_of_an_invalid_config_prints_every_problem_and_exits_non_zero(tmp_path):
    """As a user runs it: `dbt run-operation` in a terminal (scripts/cli/dbt-example.sh), its exit code and output."""
    result = subprocess.run(
        [
            "bash",
            str(REPO_ROOT / "scripts" / "cli" / "dbt-example.sh"),
            "run-operation",
            "build_orchestration_resources",
            "--args",
            "{dry_run: true, offline: true}",
            "--vars",
            json.dumps(INVALID),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={
            **os.environ,
            **OFFLINE,
            "DBT_TARGET_PATH": str(tmp_path / "target"),
            "DBT_LOG_PATH": str(tmp_path / "logs"),
        },
    )
    assert result.returncode != 0
    assert "4 problem(s) in vars.dbt_cloud_orchestration" in result.stdout
    for problem in PROBLEMS:
        assert problem in result.stdout, result.stdout[-3000:]


def test_a_missing_token_variable_is_named(dbt):
    run = dbt.run(
        "run-operation", "create_dbt_cloud_external_access", "--args", "{token_env_var: NO_SUCH_TOKEN}", env=OFFLINE
    )
    assert not run.success
    assert "set the environment variable NO_SUCH_TOKEN to a dbt Cloud API token" in run.output


def test_a_refused_argument_is_named(dbt):
    run = dbt.run(
        "run-operation",
        "create_stream_generic",
        "--args",
        "{database: RAW, schema: 'SALES.X', table: ORDERS, dry_run: true}",
        env=OFFLINE,
    )
    assert not run.success
    assert "create_stream_generic: schema 'SALES.X'" in run.output


def test_the_connection_failure_is_what_hid_the_message(dbt):
    """The premise: dbt-core's own error for these runs is the connector's, not the package's."""
    run = dbt.run(
        "run-operation",
        "build_orchestration_resources",
        "--args",
        "{dry_run: true, offline: true}",
        vars=INVALID,
        env=OFFLINE,
    )
    assert not run.success
    (error,) = [line for line in run.errors if "Encountered an error while running operation" in line]
    assert "Could not connect to Snowflake backend" in error
    assert "4 problem(s) in vars.dbt_cloud_orchestration" in run.output
