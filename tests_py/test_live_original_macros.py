"""The original macros, one object each, through real dbt-core + dbt-snowflake against the Snowflake stand-in."""

from __future__ import annotations

import copy
import hashlib

import pytest
import snowflake.connector
from example_config import shared_schema_vars
from snowflake_standin import DbtRun, DbtSession

SCHEMA = '"ANALYTICS"."ORCHESTRATION"'
STREAM = "ORCH_STREAM__RAW__SALES__ORDERS"
TASK = "ORCH_TASK__BY_MACRO__5"
PACKAGE = "dbt_cloud_orchestration"


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


def changes_made(run: DbtRun) -> list[str]:
    """The first line of every statement but the reads (outside prod a macro first reads what it would change)."""
    return [line for line, statement in zip(first_lines(run), run.statements, strict=True) if not statement.reads_only]


def test_create_dbt_cloud_external_access(dbt):
    run = dbt.run(
        "run-operation",
        "create_dbt_cloud_external_access",
        vars=shared_schema_vars(),
        env={"DBT_CLOUD_API_TOKEN": "t0ken-value"},
    )
    # Each object in its documented syntax: CREATE OR ALTER NETWORK RULE, CREATE SECRET IF NOT EXISTS, and
    # CREATE EXTERNAL ACCESS INTEGRATION (which has neither) once SHOW INTEGRATIONS found none.
    assert [" ".join(line.split(" ")[:4]) for line in first_lines(run)] == [
        # Outside prod it first reads the secret: one a prod target stored is not its to overwrite.
        "show secrets like 'DBT_CLOUD_ACCESS_TOKEN'",
        "show integrations like 'DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION'",
        "create schema if not",
        "create or alter network",
        "create secret if not",
        'alter secret "ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_ACCESS_TOKEN" set',
        "create external access integration",
    ]
    assert "t0ken-value" not in run.everything_shown


def test_rerunning_external_access_rotates_the_token_in_place(dbt):
    secret_before = copy.deepcopy(dbt.standin.catalog.secrets["ANALYTICS.ORCHESTRATION.DBT_CLOUD_ACCESS_TOKEN"])
    run = dbt.run(
        "run-operation",
        "create_dbt_cloud_external_access",
        vars=shared_schema_vars(),
        env={"DBT_CLOUD_API_TOKEN": "r0tated-value"},
    )
    assert run.success, run.errors
    secret = dbt.standin.catalog.secrets["ANALYTICS.ORCHESTRATION.DBT_CLOUD_ACCESS_TOKEN"]
    assert secret.created_on == secret_before.created_on
    # The integration exists now: altered, not created again (nor replaced, which would drop its grants).
    assert first_lines(run)[-1].startswith(
        'alter external access integration "DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION" set '
    )
    assert (
        secret.secret_string_sha256
        == hashlib.sha256(b"r0tated-value").hexdigest()
        != secret_before.secret_string_sha256
    )


def test_create_stream_generic(dbt):
    args = "{database: RAW, schema: SALES, table: ORDERS}"
    # The table is read first (its kind chooses the form); the build role owns it: its stream enables change tracking.
    assert first_lines(
        dbt.run("run-operation", "create_stream_generic", "--args", args, vars=shared_schema_vars())
    ) == [
        'show tables in schema "RAW"."SALES" limit 10000',
        'show views in schema "RAW"."SALES" limit 10000',
        "select current_role() as BUILD_ROLE, is_role_in_session('TRANSFORMER') as OWNER_ROLE_0",
        f'create stream if not exists {SCHEMA}."{STREAM}"',
    ]
    assert dbt.standin.stream(STREAM).table == ["RAW", "SALES", "ORDERS"]


def test_create_proc__dbt_cloud_run_job(dbt):
    run = dbt.run("run-operation", "create_proc__dbt_cloud_run_job", vars=shared_schema_vars())
    # From dev it first reads the schema: a procedure a prod target built is not its to replace.
    assert run.statements[0].reads_only
    assert changes_made(run) == [f'create or replace procedure {SCHEMA}."DBT_CLOUD_RUN_JOB"(']
    (procedure,) = dbt.standin.catalog.procedures.values()
    assert procedure.external_access_integrations == ["DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION"]


@pytest.mark.parametrize("target, state", [("dev", "suspended"), ("prod", "started"), ("prod", "started")])
def test_create_task_generic_suspends_alters_and_resumes_in_prod(dbt, target, state):
    run = dbt.run(
        "run-operation",
        "create_task_generic",
        "--args",
        f"{{job_id: 5, job_name: 'by macro', streams: [{STREAM}], schedule: '5 MINUTE'}}",
        vars=shared_schema_vars(),
        target=target,
    )
    task = f'{SCHEMA}."{TASK}"'
    resume = [f"alter task {task} resume"] if target == "prod" else []
    assert changes_made(run) == [f"alter task if exists {task} suspend", f"create or alter task {task}", *resume]
    assert (dbt.standin.task(TASK).state, dbt.standin.task(TASK).schedule) == (state, "5 MINUTE")
