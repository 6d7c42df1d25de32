"""Prod is owned by prod, through real dbt-core + dbt-snowflake against the Snowflake stand-in.

One warehouse, in file order: prod builds; dev, sharing prod's schema, is refused by build, teardown and the
original macros without a statement run; dev in its own schema (the default) builds beside prod; a dbt Cloud
prod deployment run with target `default` keeps prod running; the override; status as JSON.
"""

from __future__ import annotations

import json

import pytest
import snowflake.connector
from example_config import example_config
from snowflake_standin import DbtRun, DbtSession

PACKAGE = "dbt_cloud_orchestration"
WATCHED_TABLES = [
    "RAW.SALES.ORDERS",
    'RAW.SALES."Order Items"',
    "RAW.SALES.CUSTOMERS",
    "RAW.INVENTORY.STOCK_LEVELS",
    "RAW.FINANCE.GENERAL_LEDGER",
]
PROD_SCHEMA = "ANALYTICS.ORCHESTRATION"
DEV_SCHEMA = "ANALYTICS.DBT_DEV_ORCHESTRATION"
TASKS = ["ORCH_TASK__DAILY_SALES__67890", "ORCH_TASK__INVENTORY_SNAPSHOT__67891", "ORCH_TASK__FINANCE_CLOSE__67892"]
DBT_CLOUD_PROD_RUN = {"DBT_CLOUD_ENVIRONMENT_TYPE": "prod", "DBT_CLOUD_INVOCATION_CONTEXT": "prod"}


def shared_schema() -> dict:
    """Dev told to build in prod's schema: what every non-prod target did before isolation was the default."""
    return {**example_config(), "isolate_non_prod_schema": False}


def succeeded(run: DbtRun) -> DbtRun:
    assert run.success, f"dbt {' '.join(run.args[:2])} failed: {run.errors or run.exception}"
    return run


def ddl(run: DbtRun) -> list[str]:
    return [statement.sql.split("\n")[0] for statement in run.statements if not statement.reads_only]


def tasks_in(dbt: DbtSession, schema: str) -> dict[str, tuple[str, str]]:
    """Each task of a schema: its state and its definition."""
    database, name = schema.split(".")
    return {
        task.name: (task.state, task.definition)
        for task in dbt.standin.catalog.tasks.values()
        if (task.database, task.schema) == (database, name)
    }


def prod_tasks(dbt: DbtSession) -> dict[str, tuple[str, str]]:
    return tasks_in(dbt, PROD_SCHEMA)


def build(dbt: DbtSession, target: str, config: dict | None = None, env: dict | None = None, **args) -> DbtRun:
    return dbt.run(
        "run-operation",
        "build_orchestration_resources",
        "--args",
        json.dumps(args),
        vars=None if config is None else {PACKAGE: config},
        target=target,
        env=env,
    )


def assert_refused_naming_prod_objects(run: DbtRun, verb: str) -> None:
    assert not run.success
    assert ddl(run) == []
    assert "a prod target built in ANALYTICS.ORCHESTRATION" in run.output
    for task in TASKS:
        assert f"{verb} task {PROD_SCHEMA}.{task}" in run.output
    assert "Nothing was run. Two ways out:" in run.output
    assert "isolate_non_prod_schema: true (the default), a non-prod target builds in DBT_DEV_<schema>" in run.output
    assert "override_prod_ownership: true" in run.output


@pytest.fixture(scope="module")
def dbt(tmp_path_factory):
    with DbtSession(tmp_path_factory.mktemp("live-ownership")) as session:
        connection = snowflake.connector.connect(database="RAW")
        cursor = connection.cursor()
        for table in WATCHED_TABLES:
            database, schema, _ = table.split(".", 2)
            cursor.execute(f"create schema if not exists {database}.{schema}")
            cursor.execute(f"create table {table} (id int)")
        connection.close()
        yield session


@pytest.fixture(scope="module")
def prod_built(dbt):
    """Prod's one-time setup and build; what every later test must leave as it is."""
    succeeded(
        dbt.run("run-operation", "create_dbt_cloud_external_access", target="prod", env={"DBT_CLOUD_API_TOKEN": "t0k"})
    )
    run = succeeded(build(dbt, "prod"))
    assert "  prod: target 'prod' is in prod_targets; tasks are resumed" in run.printed
    tasks = prod_tasks(dbt)
    assert {name: state for name, (state, _) in tasks.items()} == dict.fromkeys(TASKS, "started")
    for task in dbt.standin.catalog.tasks.values():
        assert task.comment.endswith(") [prod target prod]")
    return tasks


def test_dev_sharing_prods_schema_is_refused_and_changes_nothing(dbt, prod_built):
    run = build(dbt, "dev", shared_schema())
    assert_refused_naming_prod_objects(run, "update")
    assert "target 'dev' is not prod: target 'dev' is not in prod_targets [prod]" in run.output
    assert prod_tasks(dbt) == prod_built


def test_its_dry_run_is_refused_too(dbt, prod_built):
    run = build(dbt, "dev", shared_schema(), dry_run=True)
    assert_refused_naming_prod_objects(run, "update")
    assert prod_tasks(dbt) == prod_built


def test_teardown_from_dev_is_refused_and_drops_nothing(dbt, prod_built):
    run = dbt.run("run-operation", "teardown_orchestration_resources", vars={PACKAGE: shared_schema()}, target="dev")
    assert_refused_naming_prod_objects(run, "drop")
    for stream in ("ORCH_STREAM__67890__RAW__SALES__ORDERS", "ORCH_STREAM__67892__RAW__FINANCE__GENERAL_LEDGER"):
        assert f"drop stream {PROD_SCHEMA}.{stream}" in run.output
    assert prod_tasks(dbt) == prod_built
    assert len(dbt.standin.catalog.streams) == 5


def test_the_original_macros_from_dev_are_refused_too(dbt, prod_built):
    procedure = dbt.run(
        "run-operation", "create_proc__dbt_cloud_run_job", vars={PACKAGE: shared_schema()}, target="dev"
    )
    assert not procedure.success
    assert f"update procedure {PROD_SCHEMA}.DBT_CLOUD_RUN_JOB" in procedure.output
    task = dbt.run(
        "run-operation",
        "create_task_generic",
        "--args",
        json.dumps({"job_id": 67890, "job_name": "daily sales", "streams": ["ORCH_STREAM__67890__RAW__SALES__ORDERS"]}),
        vars={PACKAGE: shared_schema()},
        target="dev",
    )
    assert not task.success
    assert f"update task {PROD_SCHEMA}.ORCH_TASK__DAILY_SALES__67890" in task.output
    secret = dbt.run(
        "run-operation", "create_dbt_cloud_external_access", target="dev", env={"DBT_CLOUD_API_TOKEN": "dev-t0k"}
    )
    assert not secret.success
    assert "update secret ANALYTICS.ORCHESTRATION.DBT_CLOUD_ACCESS_TOKEN (its token)" in secret.output
    assert "dev-t0k" not in secret.everything_shown
    assert ddl(procedure) + ddl(task) + ddl(secret) == []
    assert prod_tasks(dbt) == prod_built


def test_dev_builds_in_a_schema_of_its_own_by_default(dbt, prod_built):
    run = succeeded(build(dbt, "dev"))
    assert f"{PACKAGE}: plan for target 'dev' in {DEV_SCHEMA}, against the live schema" in run.printed
    # What a dev build costs on the production tables it watches, said before it runs.
    assert "not prod: this target keeps streams on 5 table(s) outside its schema" in run.output
    assert "  non_prod_streams: false builds no streams (and no tasks) outside prod" in run.printed
    dev = tasks_in(dbt, DEV_SCHEMA)
    assert {name: state for name, (state, _) in dev.items()} == dict.fromkeys(TASKS, "suspended")
    assert prod_tasks(dbt) == prod_built


def test_dev_without_streams_builds_none(dbt, prod_built):
    run = succeeded(build(dbt, "dev", {**example_config(), "non_prod_streams": False}))
    assert "not prod, non_prod_streams: false: no stream and no task is built here" in run.output
    assert [line.split(" ", 2)[:2] for line in ddl(run)] == [["drop", "task"]] * 3 + [["drop", "stream"]] * 5
    assert tasks_in(dbt, DEV_SCHEMA) == {}
    assert prod_tasks(dbt) == prod_built


def test_a_dbt_cloud_prod_deployment_with_target_default_keeps_prod_running(dbt, prod_built):
    """The README's weekly job, in a dbt Cloud environment whose target is still named `default`."""
    run = succeeded(build(dbt, "default", env=DBT_CLOUD_PROD_RUN))
    assert (
        "prod: dbt Cloud reports a prod deployment run "
        "(DBT_CLOUD_ENVIRONMENT_TYPE=prod, DBT_CLOUD_INVOCATION_CONTEXT=prod)" in run.output
    )
    assert ddl(run) == []
    assert prod_tasks(dbt) == prod_built


def test_target_default_outside_dbt_cloud_is_not_prod_and_builds_apart(dbt):
    before = prod_tasks(dbt)
    run = succeeded(build(dbt, "default"))
    assert "plan for target 'default' in ANALYTICS.ANALYTICS_ORCHESTRATION, against the live schema" in run.output
    assert prod_tasks(dbt) == before


def test_a_dbt_cloud_ci_run_is_never_prod(dbt):
    before = prod_tasks(dbt)
    run = build(
        dbt, "prod", env={"DBT_CLOUD_ENVIRONMENT_TYPE": "prod", "DBT_CLOUD_INVOCATION_CONTEXT": "ci"}, dry_run=True
    )
    assert succeeded(run)
    assert "not prod: a dbt Cloud CI run" in run.output
    assert "in ANALYTICS.ANALYTICS_ORCHESTRATION" in run.output
    assert prod_tasks(dbt) == before


def test_status_as_one_json_document_warns_of_nothing_while_prod_runs(dbt):
    run = succeeded(
        dbt.run("run-operation", "orchestration_status", "--args", "{format: json}", "--quiet", target="prod")
    )
    (document,) = [json.loads(line) for line in run.printed if line.startswith("{")]
    assert document["schema"] == PROD_SCHEMA
    assert [job["task"]["state"] for job in document["jobs"]] == ["started"] * 3
    assert all(job["task"]["calls_dbt_cloud"] for job in document["jobs"])
    assert document["warnings"] == []


def test_the_override_changes_prods_objects_loudly(dbt, prod_built):
    run = succeeded(build(dbt, "dev", shared_schema(), override_prod_ownership=True))
    assert "WARNING: override_prod_ownership: target 'dev'" in run.output
    assert "WARNING: this build suspends 3 task(s) a prod target resumed" in run.output
    assert all(state == "suspended" for state, _ in prod_tasks(dbt).values())


def test_status_then_warns_of_each_suspended_prod_task(dbt):
    run = succeeded(dbt.run("run-operation", "orchestration_status", target="prod"))
    warnings = [line for line in run.printed if line.startswith("WARNING:")]
    assert len(warnings) == 3
    for line in warnings:
        job_id = line.split(": ")[1].rsplit("__", 1)[1]
        assert line.endswith(f": suspended, does not call dbt Cloud; job {job_id} never runs")
    assert max(len(line) for line in run.printed) <= 120
    document = json.loads(
        next(
            line
            for line in succeeded(
                dbt.run("run-operation", "orchestration_status", "--args", "{format: json}", "--quiet", target="prod")
            ).printed
            if line.startswith("{")
        )
    )
    assert len(document["warnings"]) == 3
    # Prod builds again, and owns its objects again.
    succeeded(build(dbt, "prod"))
    assert all(state == "started" for state, _ in prod_tasks(dbt).values())
