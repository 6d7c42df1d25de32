"""The live path, end to end: the example project through real dbt-core + dbt-snowflake against the Snowflake
stand-in (tests_py/snowflake_standin, docs/testing-live-path.md). No dbt macro is stubbed.

The tests run in file order on one warehouse, like the Terraform acceptance-test idea: build, rebuild with
nothing to do, change the config step by step, then tear down. Each step first runs the dry run against the
live schema (it must send only SHOW/SELECT and plan what the real run then does).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import subprocess

import pytest
import snowflake.connector
import yaml
from snowflake_standin import DbtRun, DbtSession
from snowflake_standin.dbt_session import EXAMPLE_PROJECT, REPO_ROOT

PACKAGE = "dbt_cloud_orchestration"
TOKEN = "dbtc_LIVE-s3cret-Tok3n-9876543210"  # must never show up in anything dbt prints or logs
SCHEMA = '"ANALYTICS"."ORCHESTRATION"'
WATCHED_TABLES = [
    "RAW.SALES.ORDERS",
    'RAW.SALES."Order Items"',
    "RAW.SALES.CUSTOMERS",
    "RAW.INVENTORY.STOCK_LEVELS",
    "RAW.FINANCE.GENERAL_LEDGER",
]
DAILY_SALES_TASK = "ORCH_TASK__DAILY_SALES__67890"
INVENTORY_TASK = "ORCH_TASK__INVENTORY_SNAPSHOT__67891"
FINANCE_TASK = "ORCH_TASK__FINANCE_CLOSE__67892"
ORDERS_STREAM = "ORCH_STREAM__67890__RAW__SALES__ORDERS"
INVENTORY_STREAM = "ORCH_STREAM__67891__RAW__INVENTORY__STOCK_LEVELS"
FINANCE_STREAM = "ORCH_STREAM__67892__RAW__FINANCE__GENERAL_LEDGER"


def example_config() -> dict:
    project = yaml.safe_load((EXAMPLE_PROJECT / "dbt_project.yml").read_text())
    return copy.deepcopy(project["vars"][PACKAGE])


def job(config: dict, job_id: int) -> dict:
    return next(item for item in config["jobs"] if item["job_id"] == job_id)


# The config at each step: every step changes one thing of the one before.
def shared_schema() -> dict:
    """The first builds run from dev in prod's schema (a non-prod target otherwise builds in a schema of its own),
    so that prod's first build then finds dev's objects and changes them."""
    return {**example_config(), "isolate_non_prod_schema": False}


def schedule_changed() -> dict:
    config = example_config()
    job(config, 67890)["schedule"] = "30 MINUTES"
    return config


def job_removed() -> dict:
    config = schedule_changed()
    config["jobs"] = [item for item in config["jobs"] if item["job_id"] != 67891]
    return config


def job_disabled() -> dict:
    config = job_removed()
    job(config, 67892)["enabled"] = False
    return config


# ---- reading what dbt printed ---------------------------------------------------------------------------


def says_nothing_to_change(run: DbtRun) -> bool:
    """The plan's summary line says nothing changes. The one place that knows the summary's wording."""
    return any(
        line.startswith("Plan: 0 to create, 0 to update, 0 to recreate, 0 to resume, 0 to suspend, 0 to drop")
        for line in run.printed
    )


def changes(run: DbtRun) -> list[tuple[str, str, str]]:
    return [(action, kind, name.rsplit(".", 1)[-1]) for action, kind, name, _ in run.plan_rows if action != "unchanged"]


def ddl(run: DbtRun) -> list[str]:
    """The first line of every statement that was not a read."""
    return [statement.sql.split("\n")[0] for statement in run.statements if not statement.reads_only]


def succeeded(run: DbtRun) -> DbtRun:
    assert run.success, f"dbt {' '.join(run.args[:2])} failed: {run.errors or run.exception}"
    return run


# ---- the session ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dbt(tmp_path_factory):
    with DbtSession(tmp_path_factory.mktemp("live-path")) as session:
        connection = snowflake.connector.connect(database="RAW")
        cursor = connection.cursor()
        for table in WATCHED_TABLES:
            database, schema, _ = table.split(".", 2)
            cursor.execute(f"create schema if not exists {database}.{schema}")
            cursor.execute(f"create table {table} (id int)")
        connection.close()
        yield session


def plan_then_apply(
    dbt: DbtSession, operation: str, config: dict | None = None, target: str = "dev", args: dict | None = None
) -> DbtRun:
    """The dry run against the live schema (reads only, the same plan), then the real run."""
    vars = None if config is None else {PACKAGE: config}
    dry = succeeded(
        dbt.run(
            "run-operation",
            operation,
            "--args",
            json.dumps({**(args or {}), "dry_run": True}),
            vars=vars,
            target=target,
        )
    )
    assert [s.sql for s in dry.statements if not s.reads_only] == []
    run = succeeded(dbt.run("run-operation", operation, "--args", json.dumps(args or {}), vars=vars, target=target))
    assert run.plan_rows == dry.plan_rows
    return run


def log_rows(dbt: DbtSession) -> list[tuple]:
    connection = snowflake.connector.connect(database="ANALYTICS")
    cursor = connection.cursor()
    cursor.execute(f"select job_id, status, run_id from {SCHEMA}.ORCHESTRATION_LOGS order by job_id")
    rows = cursor.fetchall()
    connection.close()
    return rows


# ---- one-time setup: external access ----------------------------------------------------------------------


def test_external_access_dry_run_sends_nothing_and_redacts_the_token(dbt):
    run = succeeded(
        dbt.run(
            "run-operation",
            "create_dbt_cloud_external_access",
            "--args",
            "{dry_run: true}",
            target="prod",
            env={"DBT_CLOUD_API_TOKEN": TOKEN},
        )
    )
    assert run.statements == []
    assert "<redacted: read from the environment>" in run.everything_shown
    assert "s3cret" not in run.everything_shown


def test_a_missing_token_variable_stops_before_any_statement(dbt):
    run = dbt.run(
        "run-operation",
        "create_dbt_cloud_external_access",
        "--args",
        "{token_env_var: NO_SUCH_TOKEN_VAR}",
        target="prod",
    )
    assert not run.success
    assert "set the environment variable NO_SUCH_TOKEN_VAR to a dbt Cloud API token" in run.output
    assert run.statements == []


def test_external_access_sends_the_token_as_a_bind_parameter_through_the_connector(dbt):
    run = succeeded(
        dbt.run("run-operation", "create_dbt_cloud_external_access", target="prod", env={"DBT_CLOUD_API_TOKEN": TOKEN})
    )
    bound = [(s.sql.split(" secret_string")[0], s.bindings) for s in run.statements if s.bindings]
    assert bound == [
        (f'create secret if not exists {SCHEMA}."DBT_CLOUD_ACCESS_TOKEN" type = generic_string', 1),
        (f'alter secret {SCHEMA}."DBT_CLOUD_ACCESS_TOKEN" set', 1),
    ]
    assert all("%s" in s.sql for s in run.statements if s.bindings)
    catalog = dbt.standin.catalog
    secret = catalog.secrets["ANALYTICS.ORCHESTRATION.DBT_CLOUD_ACCESS_TOKEN"]
    assert secret.secret_string_sha256 == hashlib.sha256(TOKEN.encode()).hexdigest()
    assert catalog.network_rules["ANALYTICS.ORCHESTRATION.DBT_CLOUD_API_NETWORK_RULE"].value_list == [
        "ab123.us1.dbt.com"
    ]
    integration = catalog.integrations["DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION"]
    assert (integration.enabled, integration.allowed_authentication_secrets) == (
        True,
        ["ANALYTICS.ORCHESTRATION.DBT_CLOUD_ACCESS_TOKEN"],
    )
    # Nowhere: not in dbt's console, its log file, its events, nor anything the stand-in kept.
    assert "s3cret" not in run.everything_shown
    assert "s3cret" not in dbt.standin.journal_path.read_text() + dbt.standin.catalog_path.read_text()


# ---- build, rebuild, change, tear down ---------------------------------------------------------------------


def test_build_creates_every_object(dbt):
    run = plan_then_apply(dbt, "build_orchestration_resources", shared_schema())
    assert [row[:2] for row in run.plan_rows] == [
        ("unchanged", "schema"),  # made by create_dbt_cloud_external_access
        ("create", "log table"),
        ("create", "procedure"),
        *[("create", "stream")] * 5,
        *[("create", "task")] * 3,
    ]
    assert [line.split(" ", 3)[:3] for line in ddl(run)] == [
        ["create", "table", "if"],
        ["create", "or", "replace"],
        *[["create", "stream", "if"]] * 5,
        *[["create", "or", "alter"]] * 3,
    ]
    catalog = dbt.standin.catalog
    assert len(catalog.streams) == 5
    assert {task.name: task.state for task in catalog.tasks.values()} == {
        DAILY_SALES_TASK: "suspended",
        INVENTORY_TASK: "suspended",
        FINANCE_TASK: "suspended",
    }
    assert dbt.standin.task(INVENTORY_TASK).schedule is None  # triggered
    assert dbt.standin.task(DAILY_SALES_TASK).definition.startswith("execute immediate 'declare")
    (procedure,) = catalog.procedures.values()
    assert procedure.secrets == {"dbt_cloud_token": "ANALYTICS.ORCHESTRATION.DBT_CLOUD_ACCESS_TOKEN"}
    # History that must survive every later step.
    connection = snowflake.connector.connect(database="ANALYTICS")
    connection.cursor().execute(
        f"insert into {SCHEMA}.ORCHESTRATION_LOGS (invoked_at, job_name, job_id, task_name, status, run_id,"
        " run_status, run_finished_at, run_duration_seconds)"
        f" values (current_timestamp(), 'daily sales', 67890, '{DAILY_SALES_TASK}', 'TRIGGERED', 123456,"
        " 'Success', current_timestamp(), 83),"
        f" (current_timestamp(), 'finance close', 67892, '{FINANCE_TASK}', 'SKIPPED', null, null, null, null)"
    )
    connection.close()


def test_rebuild_runs_no_ddl_and_reports_no_change(dbt):
    run = plan_then_apply(dbt, "build_orchestration_resources", shared_schema())
    assert ddl(run) == []
    # SHOW TABLES and SHOW VIEWS in each of the 3 watched schemas, 4 SHOWs of the orchestration schema, the
    # RESULT_SCAN of SHOW STREAMS (stale_after), SHOW TASKS, the log table's columns and its rows past retention.
    assert [s.keyword for s in run.statements] == ["SHOW"] * 10 + ["SELECT", "SHOW", "DESCRIBE", "SELECT"]
    assert says_nothing_to_change(run)
    assert changes(run) == []


def test_prod_build_updates_the_tasks_to_call_dbt_cloud_and_resumes_them(dbt):
    run = plan_then_apply(dbt, "build_orchestration_resources", target="prod")
    assert changes(run) == [("update", "task", name) for name in (DAILY_SALES_TASK, INVENTORY_TASK, FINANCE_TASK)]
    assert {task.name: task.state for task in dbt.standin.catalog.tasks.values()} == {
        DAILY_SALES_TASK: "started",
        INVENTORY_TASK: "started",
        FINANCE_TASK: "started",
    }
    assert 'call "ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_RUN_JOB"(' in dbt.standin.task(FINANCE_TASK).definition
    again = plan_then_apply(dbt, "build_orchestration_resources", target="prod")
    assert ddl(again) == []
    assert says_nothing_to_change(again)


def test_a_changed_schedule_updates_exactly_that_task(dbt):
    run = plan_then_apply(dbt, "build_orchestration_resources", schedule_changed(), target="prod")
    task = f'{SCHEMA}."{DAILY_SALES_TASK}"'
    assert ddl(run) == [f"alter task {task} suspend", f"create or alter task {task}", f"alter task {task} resume"]
    assert changes(run) == [("update", "task", DAILY_SALES_TASK)]
    assert (dbt.standin.task(DAILY_SALES_TASK).schedule, dbt.standin.task(DAILY_SALES_TASK).state) == (
        "30 MINUTES",
        "started",
    )


def test_a_removed_job_loses_its_task_then_its_stream(dbt):
    run = plan_then_apply(dbt, "build_orchestration_resources", job_removed(), target="prod")
    assert ddl(run) == [
        f'drop task if exists {SCHEMA}."{INVENTORY_TASK}"',
        f'drop stream if exists {SCHEMA}."{INVENTORY_STREAM}"',
    ]
    assert INVENTORY_TASK not in {task.name for task in dbt.standin.catalog.tasks.values()}
    assert INVENTORY_STREAM not in {stream.name for stream in dbt.standin.catalog.streams.values()}


def test_a_disabled_job_is_suspended_and_keeps_its_streams(dbt):
    streams_before = {stream.name for stream in dbt.standin.catalog.streams.values()}
    run = plan_then_apply(dbt, "build_orchestration_resources", job_disabled(), target="prod")
    assert ddl(run) == [f'alter task {SCHEMA}."{FINANCE_TASK}" suspend']
    assert dbt.standin.task(FINANCE_TASK).state == "suspended"
    assert {stream.name for stream in dbt.standin.catalog.streams.values()} == streams_before


def test_a_task_suspended_by_hand_in_prod_is_resumed(dbt):
    dbt.standin.set_task_state(DAILY_SALES_TASK, "suspended")
    run = plan_then_apply(dbt, "build_orchestration_resources", job_disabled(), target="prod")
    assert ddl(run) == [f'alter task {SCHEMA}."{DAILY_SALES_TASK}" resume']
    assert dbt.standin.task(DAILY_SALES_TASK).state == "started"


def test_a_stale_stream_is_recreated_with_a_warning(dbt):
    dbt.standin.mark_stream_stale(ORDERS_STREAM)
    run = plan_then_apply(dbt, "build_orchestration_resources", job_disabled(), target="prod")
    assert ddl(run) == [f'create or replace stream {SCHEMA}."{ORDERS_STREAM}"']
    (row,) = [row for row in run.plan_rows if row[0] != "unchanged"]
    assert row[:3] == ("recreate", "stream", f"ANALYTICS.ORCHESTRATION.{ORDERS_STREAM}")
    assert row[3].startswith("WARNING: stale; changes before now are lost")
    assert not dbt.standin.stream(ORDERS_STREAM).stale


def test_an_earlier_signature_of_the_procedure_is_dropped_after_the_tasks(dbt):
    """As after an upgrade that changed the procedure's arguments: CREATE OR REPLACE makes a new overload."""
    (current,) = dbt.standin.catalog.procedures.values()
    comment = current.comment.replace("'", "''")
    connection = snowflake.connector.connect(database="ANALYTICS")
    connection.cursor().execute(
        f"create procedure {SCHEMA}.DBT_CLOUD_RUN_JOB(access_url varchar, account_id number) returns variant"
        f" language python runtime_version = '3.11' handler = 'main' comment = '{comment}'"
        " as $$\ndef main(session, access_url, account_id):\n    return {}\n$$"
    )
    connection.close()
    run = plan_then_apply(dbt, "build_orchestration_resources", job_disabled(), target="prod")
    assert ddl(run) == [f'drop procedure if exists {SCHEMA}."DBT_CLOUD_RUN_JOB"(VARCHAR, NUMBER)']
    assert changes(run)[-1] == ("drop", "procedure", "DBT_CLOUD_RUN_JOB(VARCHAR, NUMBER)")
    assert list(dbt.standin.catalog.procedures.values()) == [current]


def test_status_prints_the_live_state_of_every_job(dbt):
    dbt.standin.set_stream_has_data(ORDERS_STREAM)
    dbt.standin.mark_stream_stale(FINANCE_STREAM)
    run = succeeded(dbt.run("run-operation", "orchestration_status", vars={PACKAGE: job_disabled()}, target="prod"))
    assert all(s.reads_only for s in run.statements)
    printed = run.printed
    (heading,) = [index for index, line in enumerate(printed) if line.startswith(f"{PACKAGE} status")]
    assert printed[heading] == f"{PACKAGE} status of ANALYTICS.ORCHESTRATION, target 'prod'"
    daily = printed[printed.index("daily sales (67890): started, 30 MINUTES") + 1 :]
    stale_after = r"stale after \d{4}-\d\d-\d\d \d\d:\d\d UTC"
    assert daily[0] == f"  task {DAILY_SALES_TASK}"
    assert re.fullmatch(f"  stream on RAW\\.SALES\\.ORDERS: has changes, {stale_after}", daily[1])
    assert re.fullmatch(f"  stream on RAW\\.SALES\\.Order Items: no changes, {stale_after}", daily[2])
    # The run's outcome is recorded, so nothing is asked of dbt Cloud.
    assert re.fullmatch(r"  last invocation: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, TRIGGERED", daily[4])
    assert re.fullmatch(
        r"  last run: 123456 Success in 83 s; last success: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", daily[5]
    )
    finance_heading = printed.index(
        "finance close (67892): suspended (disabled), USING CRON 0 6 * * 1-5 America/Chicago"
    )
    assert printed[finance_heading + 1] == f"  task {FINANCE_TASK}"
    finance = printed[finance_heading + 2 :]
    assert finance[0] == "  stream on RAW.FINANCE.GENERAL_LEDGER: stale"
    assert re.fullmatch(r"  last invocation: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, SKIPPED", finance[1])
    assert finance[2] == "  last run: -; last success: -"
    # A disabled job's suspended task is no warning; every line fits a terminal.
    assert [line for line in printed if line.startswith("WARNING")] == []
    assert max(len(line) for line in printed[heading:]) <= 100


def test_teardown_leaves_only_the_log_table_with_its_history(dbt):
    assert log_rows(dbt) == [(67890, "TRIGGERED", 123456), (67892, "SKIPPED", None)]
    run = plan_then_apply(dbt, "teardown_orchestration_resources", job_disabled(), target="prod")
    assert [line.split(" ", 2)[:2] for line in ddl(run)] == [["drop", "task"]] * 2 + [["drop", "stream"]] * 4 + [
        ["drop", "procedure"]
    ]
    catalog = dbt.standin.catalog
    assert (catalog.tasks, catalog.streams, catalog.procedures) == ({}, {}, {})
    connection = snowflake.connector.connect(database="ANALYTICS")
    cursor = connection.cursor()
    cursor.execute(f"show tables in schema {SCHEMA}")
    assert [row[1] for row in cursor.fetchall()] == ["ORCHESTRATION_LOGS"]
    connection.close()
    assert log_rows(dbt) == [(67890, "TRIGGERED", 123456), (67892, "SKIPPED", None)]
    # The one-time external access objects are not the build's: teardown leaves them (README).
    assert list(catalog.secrets) == ["ANALYTICS.ORCHESTRATION.DBT_CLOUD_ACCESS_TOKEN"]
    rebuilt = plan_then_apply(dbt, "build_orchestration_resources", job_disabled(), target="prod")
    assert ("unchanged", "log table") in [row[:2] for row in rebuilt.plan_rows]


# ---- dbt 2.x: the same steps as offline plans ---------------------------------------------------------------


def start_fusion_plan(config: dict, target: str) -> subprocess.Popen:
    """dbt 2.x cannot reach a warehouse here: its offline dry run (scripts/cli/fusion-example.sh), in the background."""
    return subprocess.Popen(
        [
            "bash",
            str(REPO_ROOT / "scripts" / "cli" / "fusion-example.sh"),
            "--log-format",
            "json",
            "--log-level",
            "debug",
            "run-operation",
            "build_orchestration_resources",
            "--args",
            "{dry_run: true, offline: true}",
            "--vars",
            json.dumps({PACKAGE: config}),
            "--target",
            target,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Its own copy of the example project: the vitest suite may run dbt 2.x in the default copy meanwhile.
        env={**os.environ, "FUSION_EXAMPLE_DIR": str(REPO_ROOT / ".cache" / "fusion" / "example-pytest")},
    )


def fusion_printed(process: subprocess.Popen) -> list[str]:
    """What the macros printed under dbt 2.x: with --log-format json each `print` is a PrintEvent."""
    stdout, stderr = process.communicate()
    assert process.returncode == 0, stdout[-2000:] + stderr[-2000:]
    events = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    printed = [event["info"]["msg"] for event in events if event["info"]["name"] == "PrintEvent"]
    return [line for message in printed for line in message.split("\n") if line]


def test_dbt_2_plans_each_step_offline_as_dbt_core_does(dbt):
    for step in (schedule_changed, job_removed, job_disabled):
        # dbt 2.x runs while dbt-core plans the same step in this process (one at a time: its example has one copy).
        fusion = start_fusion_plan(step(), "prod")
        core = succeeded(
            dbt.run(
                "run-operation",
                "build_orchestration_resources",
                "--args",
                "{dry_run: true, offline: true}",
                vars={PACKAGE: step()},
                target="prod",
            )
        )
        assert core.statements == []
        assert fusion_printed(fusion) == core.printed, step.__name__
