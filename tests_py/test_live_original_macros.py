"""The original macros, one object each, through real dbt-core + dbt-snowflake against the Snowflake stand-in."""

from __future__ import annotations

import copy
import hashlib

import pytest
import snowflake.connector
from snowflake_standin import DbtRun, DbtSession

SCHEMA = '"ANALYTICS"."ORCHESTRATION"'
STREAM = "ORCH_STREAM__RAW__SALES__ORDERS"
TASK = "ORCH_TASK__BY_MACRO__5"


@pytest.fixture(scope="module")
def dbt(tmp_path_factory):
    with DbtSession(tmp_path_factory.mktemp("original-macros")) as session:
        connection = snowflake.connector.connect(database="RAW")
        connection.cursor().execute("create schema RAW.SALES")
        connection.cursor().execute("create table RAW.SALES.ORDERS (id int)")
        connection.close()
        yield session


def first_lines(run: DbtRun) -> list[str]:
    assert run.success, run.errors
    return [statement.sql.split("\n")[0] for statement in run.statements]


def test_create_dbt_cloud_external_access(dbt):
    run = dbt.run("run-operation", "create_dbt_cloud_external_access", env={"DBT_CLOUD_API_TOKEN": "t0ken-value"})
    assert [line.split(" ")[:2] for line in first_lines(run)] == [
        ["create", "schema"],
        ["create", "network"],
        ["alter", "network"],
        ["create", "secret"],
        ["alter", "secret"],
        ["create", "external"],
        ["alter", "external"],
    ]
    assert "t0ken-value" not in run.everything_shown


def test_rerunning_external_access_rotates_the_token_in_place(dbt):
    secret_before = copy.deepcopy(dbt.standin.catalog.secrets["ANALYTICS.ORCHESTRATION.DBT_CLOUD_ACCESS_TOKEN"])
    run = dbt.run("run-operation", "create_dbt_cloud_external_access", env={"DBT_CLOUD_API_TOKEN": "r0tated-value"})
    assert run.success, run.errors
    secret = dbt.standin.catalog.secrets["ANALYTICS.ORCHESTRATION.DBT_CLOUD_ACCESS_TOKEN"]
    assert secret.created_on == secret_before.created_on
    assert (
        secret.secret_string_sha256
        == hashlib.sha256(b"r0tated-value").hexdigest()
        != secret_before.secret_string_sha256
    )


def test_create_stream_generic(dbt):
    args = "{database: RAW, schema: SALES, table: ORDERS}"
    assert first_lines(dbt.run("run-operation", "create_stream_generic", "--args", args)) == [
        f'create stream if not exists {SCHEMA}."{STREAM}"'
    ]
    assert dbt.standin.stream(STREAM).table == ["RAW", "SALES", "ORDERS"]


def test_create_proc__dbt_cloud_run_job(dbt):
    assert first_lines(dbt.run("run-operation", "create_proc__dbt_cloud_run_job")) == [
        f'create or replace procedure {SCHEMA}."DBT_CLOUD_RUN_JOB"('
    ]
    (procedure,) = dbt.standin.catalog.procedures.values()
    assert procedure.external_access_integrations == ["DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION"]


@pytest.mark.parametrize("target, state", [("dev", "suspended"), ("prod", "started"), ("prod", "started")])
def test_create_task_generic_suspends_alters_and_resumes_in_prod(dbt, target, state):
    run = dbt.run(
        "run-operation",
        "create_task_generic",
        "--args",
        f"{{job_id: 5, job_name: 'by macro', streams: [{STREAM}], schedule: '5 MINUTE'}}",
        target=target,
    )
    task = f'{SCHEMA}."{TASK}"'
    resume = [f"alter task {task} resume"] if target == "prod" else []
    assert first_lines(run) == [f"alter task if exists {task} suspend", f"create or alter task {task}", *resume]
    assert (dbt.standin.task(TASK).state, dbt.standin.task(TASK).schedule) == (state, "5 MINUTE")
