"""Snowflake's rules on the live path: real dbt-core + dbt-snowflake against the stand-in (tests_py/snowflake_standin).

The build reads the watched objects and creates each stream in its object's form; it stops before any DDL on
objects Snowflake would refuse (another role's table without change tracking, a triggered job on an external
table, a missing object); `check_orchestration_setup` prints one line per check and fails on an account that
fails any check. Roles, grants, owners and change tracking come from the stand-in's account model
(snowflake_standin/account.py); the procedure's ping answer is set by the test, since the stand-in runs no
procedure.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import snowflake.connector
from snowflake_standin import DbtSession

TOKEN = "dbtc_LIVE-RULES-s3cret-0123456789"
BASE_VARS = {
    "account_id": 12345,
    "access_url": "https://ab123.us1.dbt.com",
    "warehouse": "TRANSFORMING",
    "timezone": "America/Chicago",
}


@pytest.fixture(scope="module")
def dbt(tmp_path_factory):
    with DbtSession(tmp_path_factory.mktemp("live-rules")) as session:
        yield session


def execute(statements: list[str], role: str = "TRANSFORMER") -> None:
    """Statements through the (patched) connector, as the given role."""
    connection = snowflake.connector.connect(database="ANALYTICS", role=role)
    try:
        cursor = connection.cursor()
        for statement in statements:
            cursor.execute(statement)
    finally:
        connection.close()


def config(schema: str, jobs: list[dict], **changes: object) -> dict:
    return {"dbt_cloud_orchestration": {**BASE_VARS, "schema": schema, "jobs": jobs, **changes}}


def external_access(dbt, vars: dict) -> None:
    """The one-time setup the procedure needs (its integration and secret must exist)."""
    run = dbt.run("run-operation", "create_dbt_cloud_external_access", vars=vars, env={"DBT_CLOUD_API_TOKEN": TOKEN})
    assert run.success, run.errors


def ddl(run) -> list[str]:
    return [statement.sql for statement in run.statements if statement.is_ddl]


# ---- reading the watched objects ------------------------------------------------------------------------------


def test_each_kind_gets_its_create_stream_form_and_each_schema_is_read_once(dbt):
    execute(
        [
            "create database if not exists RAW",
            "create schema if not exists RAW.KINDS",
            "create table RAW.KINDS.ORDERS (id int)",
            "create table RAW.KINDS.ORDERS_DT (id int)",
            "create table RAW.KINDS.ORDERS_EXT (id int)",
            "create view RAW.KINDS.ORDERS_V as select id from RAW.KINDS.ORDERS",
        ]
    )
    dbt.standin.set_object(["RAW", "KINDS", "ORDERS_DT"], kind="dynamic table")
    dbt.standin.set_object(["RAW", "KINDS", "ORDERS_EXT"], kind="external table")
    tables = ["RAW.KINDS.ORDERS", "RAW.KINDS.ORDERS_V", "RAW.KINDS.ORDERS_DT", "RAW.KINDS.ORDERS_EXT"]
    jobs = [{"name": f"job {index}", "job_id": 100 + index, "tables": tables} for index in range(3)]
    external_access(dbt, config("KINDS_ORCH", jobs))
    run = dbt.run("run-operation", "build_orchestration_resources", vars=config("KINDS_ORCH", jobs))
    assert run.success, run.errors
    sources = sorted({sql.split("\n")[1] for sql in ddl(run) if sql.startswith("create stream")})
    assert sources == [
        '  on dynamic table "RAW"."KINDS"."ORDERS_DT"',
        '  on external table "RAW"."KINDS"."ORDERS_EXT" insert_only = true',
        '  on table "RAW"."KINDS"."ORDERS"',
        '  on view "RAW"."KINDS"."ORDERS_V"',
    ]
    reads = [statement.sql for statement in run.statements if "KINDS" in statement.sql and statement.reads_only]
    assert reads.count('show tables in schema "RAW"."KINDS"') == 1
    assert reads.count('show views in schema "RAW"."KINDS"') == 1
    # The build role owned ORDERS and ORDERS_V: creating their streams enabled change tracking, and the plan said so.
    assert "enables change tracking (the build role owns it)" in "\n".join(run.printed)
    again = dbt.run("run-operation", "build_orchestration_resources", vars=config("KINDS_ORCH", jobs))
    assert again.success, again.errors
    assert ddl(again) == []


def test_another_roles_table_without_change_tracking_stops_the_build_before_any_ddl(dbt):
    execute(
        [
            "create database if not exists RAW",
            "create schema if not exists RAW.LOADED",
            "create table RAW.LOADED.EVENTS (id int)",
            "create table RAW.LOADED.FILES (id int)",
        ]
    )
    dbt.standin.set_object(["RAW", "LOADED", "EVENTS"], owner="LOADER")
    dbt.standin.set_object(["RAW", "LOADED", "FILES"], owner="LOADER", kind="external table")
    jobs = [
        {"name": "events", "job_id": 201, "tables": ["RAW.LOADED.EVENTS"]},
        {"name": "files", "job_id": 202, "tables": ["RAW.LOADED.FILES"], "schedule": "triggered"},
        {"name": "gone", "job_id": 203, "tables": ["RAW.LOADED.MISSING"]},
    ]
    external_access(dbt, config("LOADED_ORCH", jobs))
    for args in ([], ["--args", "{dry_run: true}"]):
        run = dbt.run("run-operation", "build_orchestration_resources", *args, vars=config("LOADED_ORCH", jobs))
        assert not run.success
        shown = run.everything_shown
        assert (
            "RAW.LOADED.EVENTS (table) has change tracking off and is owned by role LOADER, which the build role "
            "TRANSFORMER neither is nor inherits; only its owner can enable it. "
            'As LOADER, run: alter table "RAW"."LOADED"."EVENTS" set change_tracking = true;'
        ) in shown
        assert "job 'files' (202): RAW.LOADED.FILES is an external table, and triggered tasks do not support" in shown
        assert "job 'gone' (203): RAW.LOADED.MISSING does not exist" in shown
        assert ddl(run) == []
        assert all(statement.reads_only for statement in run.statements)

    # The owner enables change tracking; the jobs are fixed: the same build goes through.
    execute(['alter table "RAW"."LOADED"."EVENTS" set change_tracking = true'], role="LOADER")
    fixed = [{**jobs[0]}, {**jobs[1], "schedule": "60 MINUTE"}]
    run = dbt.run("run-operation", "build_orchestration_resources", vars=config("LOADED_ORCH", fixed))
    assert run.success, run.errors
    assert dbt.standin.stream("ORCH_STREAM__201__RAW__LOADED__EVENTS").table == ["RAW", "LOADED", "EVENTS"]


def test_a_role_that_inherits_the_owner_may_create_the_stream(dbt):
    execute(
        [
            "create database if not exists RAW",
            "create schema if not exists RAW.HIER",
            "create table RAW.HIER.T (id int)",
        ]
    )
    dbt.standin.set_object(["RAW", "HIER", "T"], owner="LOADER")
    dbt.standin.inherit("TRANSFORMER", "LOADER")
    settings = config("HIER_ORCH", [{"name": "t", "job_id": 301, "tables": ["RAW.HIER.T"]}])
    external_access(dbt, settings)
    try:
        run = dbt.run("run-operation", "build_orchestration_resources", vars=settings)
        assert run.success, run.errors
    finally:
        dbt.standin.account.inherited_roles.clear()
        dbt.standin.account.save(dbt.standin.account_path)


# ---- the preflight ----------------------------------------------------------------------------------------------

PREFLIGHT_SCHEMA = "PREFLIGHT_ORCH"
PREFLIGHT_JOBS = [{"name": "orders", "job_id": 401, "tables": ["RAW.PRE.ORDERS"]}]
ELEVEN_ARGUMENTS = (
    "access_url varchar, account_id number, job_id number, cause varchar, upstream_job_id number, "
    "min_elapsed_seconds number, min_start_time varchar, max_start_time varchar, days_of_week array, "
    "timezone varchar, options variant"
)
PING_OK = {"status": "OK", "run_id": None, "run_url": None, "checks": [], "logs": ["GET /api/v2/accounts/12345/: 200"]}


def procedure_sql(arguments: str) -> str:
    """A procedure with the given signature, as the build makes it (the stand-in checks the Python and its names)."""
    return (
        f'create or replace procedure "ANALYTICS"."{PREFLIGHT_SCHEMA}"."DBT_CLOUD_RUN_JOB"({arguments}) '
        "returns variant language python runtime_version = '3.11' packages = ('snowflake-snowpark-python') "
        "handler = 'main' external_access_integrations = (DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION) "
        f'secrets = (\'dbt_cloud_token\' = "ANALYTICS"."{PREFLIGHT_SCHEMA}"."DBT_CLOUD_ACCESS_TOKEN") '
        "as $$\ndef main(session, *args):\n    return {}\n$$"
    )


def good_account(dbt) -> None:
    """Everything in place: grants, warehouse, the external access objects, a procedure with `options`, an OK ping."""
    standin = dbt.standin
    standin.reset_account()
    execute(["create database if not exists RAW", "create schema if not exists RAW.PRE"])
    execute(["create table if not exists RAW.PRE.ORDERS (id int)"])
    standin.set_object(["RAW", "PRE", "ORDERS"], owner="LOADER", change_tracking=True)
    standin.grant("EXECUTE TASK", "ACCOUNT", "ACCOUNT", "TRANSFORMER")
    standin.grant("EXECUTE MANAGED TASK", "ACCOUNT", "ACCOUNT", "TRANSFORMER")
    for privilege in ("USAGE", "CREATE TABLE", "CREATE STREAM", "CREATE TASK", "CREATE PROCEDURE"):
        standin.grant(privilege, "SCHEMA", f"ANALYTICS.{PREFLIGHT_SCHEMA}", "TRANSFORMER")
    standin.add_warehouse("TRANSFORMING")
    standin.set_ping_result(PING_OK)
    setup = dbt.run(
        "run-operation",
        "create_dbt_cloud_external_access",
        vars=config(PREFLIGHT_SCHEMA, PREFLIGHT_JOBS),
        env={"DBT_CLOUD_API_TOKEN": TOKEN},
    )
    assert setup.success, setup.errors
    ten_types = ELEVEN_TYPES.replace(", variant", "")
    execute([f'drop procedure if exists "ANALYTICS"."{PREFLIGHT_SCHEMA}"."DBT_CLOUD_RUN_JOB"({ten_types})'])
    execute([procedure_sql(ELEVEN_ARGUMENTS)])


def check_lines(run) -> list[str]:
    printed = run.printed
    found = [index for index, line in enumerate(printed) if line.startswith("dbt_cloud_orchestration: preflight")]
    assert len(found) == 1, printed
    return [line for line in printed[found[0] + 1 :] if line[:2] in ("✓ ", "✗ ")]


def test_preflight_on_an_account_that_passes_every_check(dbt):
    good_account(dbt)
    run = dbt.run("run-operation", "check_orchestration_setup", vars=config(PREFLIGHT_SCHEMA, PREFLIGHT_JOBS))
    assert run.success, run.errors
    lines = check_lines(run)
    assert [line[:2] for line in lines] == ["✓ "] * 9, lines
    assert lines[-1] == "✓ dbt Cloud ping through the procedure: dbt Cloud answered for account 12345"
    calls = [statement.sql for statement in run.statements if statement.keyword == "CALL"]
    assert calls == [
        f'call "ANALYTICS"."{PREFLIGHT_SCHEMA}"."DBT_CLOUD_RUN_JOB"(\'https://ab123.us1.dbt.com\', 12345, 401, '
        "'preflight', null, null, null, null, null, 'America/Chicago', object_construct('mode', 'ping'))"
    ]
    assert ddl(run) == []
    assert TOKEN not in run.everything_shown


def _revoke(privilege: str) -> Callable:
    def breaks(dbt) -> dict:
        dbt.standin.account.grants = [grant for grant in dbt.standin.account.grants if grant.privilege != privilege]
        dbt.standin.account.save(dbt.standin.account_path)
        return {}

    return breaks


def _vars(**changes: object) -> Callable:
    return lambda dbt: changes


def _owned_untracked(dbt) -> dict:
    dbt.standin.set_object(["RAW", "PRE", "ORDERS"], owner="LOADER", change_tracking=False)
    return {}


def _external_triggered(dbt) -> dict:
    dbt.standin.set_object(["RAW", "PRE", "ORDERS"], owner="LOADER", kind="external table")
    return {"jobs": [{**PREFLIGHT_JOBS[0], "schedule": "triggered"}]}


def _no_warehouse(dbt) -> dict:
    dbt.standin.account.warehouses = []
    dbt.standin.account.save(dbt.standin.account_path)
    return {}


def _disabled_integration(dbt) -> dict:
    execute(["alter external access integration DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION set enabled = false"])
    return {}


def _unknown_zone(dbt) -> dict:
    dbt.standin.forget_timezone("America/Ciudad_Juarez")
    return {"timezone": "America/Ciudad_Juarez"}


def _old_procedure(dbt) -> dict:
    execute([f'drop procedure if exists "ANALYTICS"."{PREFLIGHT_SCHEMA}"."DBT_CLOUD_RUN_JOB"({ELEVEN_TYPES})'])
    execute([procedure_sql(ELEVEN_ARGUMENTS.replace(", options variant", ""))])
    return {}


def _ping_refused(dbt) -> dict:
    dbt.standin.set_ping_result({"status": "ERROR", "logs": ["GET /api/v2/accounts/12345/: 401 Invalid token"]})
    return {}


ELEVEN_TYPES = "varchar, number, number, varchar, number, number, varchar, varchar, array, varchar, variant"

# Each account breaks one check; the ✗ line it must print starts like this.
FAILING_ACCOUNTS = [
    ("no EXECUTE TASK", _revoke("EXECUTE TASK"), "✗ privilege EXECUTE TASK: not granted to role TRANSFORMER"),
    (
        "serverless without EXECUTE MANAGED TASK",
        lambda dbt: {**_revoke("EXECUTE MANAGED TASK")(dbt), "warehouse": None},
        "✗ privilege EXECUTE MANAGED TASK: not granted to role TRANSFORMER",
    ),
    (
        "no CREATE TASK in the schema",
        _revoke("CREATE TASK"),
        f"✗ create rights in ANALYTICS.{PREFLIGHT_SCHEMA}: role TRANSFORMER lacks CREATE TASK → fix: grant create task",
    ),
    ("a warehouse the role cannot use", _no_warehouse, "✗ warehouse TRANSFORMING: does not exist or role TRANSFORMER"),
    (
        "another integration name",
        _vars(external_access_integration="OTHER_INTEGRATION"),
        "✗ integration OTHER_INTEGRATION: does not exist, or role TRANSFORMER has no USAGE on it",
    ),
    (
        "a disabled integration",
        _disabled_integration,
        "✗ integration DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION: exists but",
    ),
    (
        "a host the rule does not allow",
        _vars(access_url="https://xy999.us1.dbt.com"),
        "✗ host xy999.us1.dbt.com: not allowed by DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION's network rules",
    ),
    (
        "a secret that does not exist",
        _vars(secret="OTHER_TOKEN"),
        f"✗ secret ANALYTICS.{PREFLIGHT_SCHEMA}.OTHER_TOKEN: does not exist, or role TRANSFORMER has no privilege",
    ),
    (
        "a watched table that does not exist",
        _vars(jobs=[{**PREFLIGHT_JOBS[0], "tables": ["RAW.PRE.NOPE"]}]),
        "✗ watched RAW.PRE.NOPE: does not exist, or role TRANSFORMER cannot see it",
    ),
    (
        "a watched table in a database that does not exist",
        _vars(jobs=[{**PREFLIGHT_JOBS[0], "tables": ["NODB.PRE.ORDERS"]}]),
        "✗ watched NODB.PRE.ORDERS: does not exist, or role TRANSFORMER cannot see it",
    ),
    (
        "another role's table without change tracking",
        _owned_untracked,
        "✗ watched RAW.PRE.ORDERS: table owned by role LOADER with change tracking off; only its owner can enable it"
        ' → fix: as LOADER: alter table "RAW"."PRE"."ORDERS" set change_tracking = true;',
    ),
    (
        "an external table watched by a triggered job",
        _external_triggered,
        "✗ watched RAW.PRE.ORDERS: is an external table, and triggered tasks do not support streams on external tables",
    ),
    (
        "a time zone this account's Snowflake does not know",
        _unknown_zone,
        "✗ time zone America/Ciudad_Juarez: Snowflake does not convert it (ERROR: Unknown timezone",
    ),
    (
        "a procedure without the options argument",
        _old_procedure,
        "✗ dbt Cloud ping through the procedure: the procedure predates the ping (it has no options argument)",
    ),
    (
        "a ping dbt Cloud refuses",
        _ping_refused,
        "✗ dbt Cloud ping through the procedure: ERROR: GET /api/v2/accounts/12345/: 401 Invalid token",
    ),
]


@pytest.mark.parametrize(
    ("breaks", "expected"), [case[1:] for case in FAILING_ACCOUNTS], ids=[c[0] for c in FAILING_ACCOUNTS]
)
def test_preflight_on_an_account_that_fails_one_check(dbt, breaks, expected):
    good_account(dbt)
    changes = breaks(dbt)
    settings = copy.deepcopy(config(PREFLIGHT_SCHEMA, PREFLIGHT_JOBS))
    settings["dbt_cloud_orchestration"].update(changes)
    if settings["dbt_cloud_orchestration"].get("warehouse") is None:
        settings["dbt_cloud_orchestration"].pop("warehouse")
    try:
        run = dbt.run("run-operation", "check_orchestration_setup", vars=settings)
        assert not run.success
        failing = [line for line in check_lines(run) if line.startswith("✗")]
        assert len(failing) == 1, failing
        assert failing[0].startswith(expected), failing
        assert re.search(r"1 of \d+ preflight checks failed; each ✗ line says how to fix it\.", run.everything_shown)
        assert ddl(run) == []
    finally:
        execute(["alter external access integration DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION set enabled = true"])


# ---- staleness ----------------------------------------------------------------------------------------------------


def test_status_and_plan_tell_when_a_waiting_stream_goes_stale(dbt):
    execute(["create database if not exists RAW", "create schema if not exists RAW.STALE"])
    execute(["create table RAW.STALE.T (id int)"])
    jobs = [{"name": "waits", "job_id": 501, "tables": ["RAW.STALE.T"]}]
    settings = config("STALE_ORCH", jobs)
    external_access(dbt, settings)
    assert dbt.run("run-operation", "build_orchestration_resources", vars=settings).success
    stream = dbt.standin.stream("ORCH_STREAM__501__RAW__STALE__T")
    stream.stale_after = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    dbt.standin.catalog.save(dbt.standin.catalog_path)
    expected_date = datetime.fromisoformat(stream.stale_after).strftime("%Y-%m-%d %H:%M")

    disabled = config("STALE_ORCH", [{**jobs[0], "enabled": False}])
    run = dbt.run("run-operation", "build_orchestration_resources", vars=disabled)
    assert run.success, run.errors
    assert run.warnings == [
        f"dbt_cloud_orchestration: stream ANALYTICS.STALE_ORCH.ORCH_STREAM__501__RAW__STALE__T goes stale after "
        f"{expected_date} UTC: its job is disabled; its changes are lost then, unless the job consumes them first"
    ]
    status = dbt.run("run-operation", "orchestration_status", vars=disabled)
    assert status.success, status.errors
    assert f"RAW.STALE.T: no changes, stale after {expected_date} UTC (soon)" in "\n".join(status.printed)


# ---- task settings --------------------------------------------------------------------------------------------


def test_task_settings_and_a_task_snowflake_suspended_after_failures(dbt):
    execute(["create database if not exists RAW", "create schema if not exists RAW.FAILS"])
    execute(["create table RAW.FAILS.T (id int)"])
    jobs = [
        {"name": "fails", "job_id": 601, "tables": ["RAW.FAILS.T"], "schedule": "triggered", "min_elapsed_seconds": 0}
    ]
    settings = config("FAILS_ORCH", jobs, suspend_task_after_num_failures=3, error_integration="TASK_ALERTS")
    external_access(dbt, settings)
    first = dbt.run("run-operation", "build_orchestration_resources", vars=settings, target="prod")
    assert first.success, first.errors
    shown = "\n".join(first.printed + first.warnings)
    assert "trigger interval 10 s: min_elapsed_seconds 0 is beyond Snowflake's minimum" in shown
    task = dbt.standin.task("ORCH_TASK__FAILS__601")
    assert task.state == "started"
    assert task.parameters["USER_TASK_MINIMUM_TRIGGER_INTERVAL_IN_SECONDS"] == "10"
    assert task.parameters["SUSPEND_TASK_AFTER_NUM_FAILURES"] == "3"
    assert task.parameters["ERROR_INTEGRATION"] == "TASK_ALERTS"

    # Snowflake suspends the task after 3 failed runs in a row (SHOW TASKS' last_suspended_reason says why).
    task.state, task.last_suspended_reason = "suspended", "SUSPENDED_DUE_TO_ERRORS"
    dbt.standin.catalog.save(dbt.standin.catalog_path)
    status = dbt.run("run-operation", "orchestration_status", vars=settings, target="prod")
    assert status.success, status.errors
    assert "suspended by Snowflake after failures" in "\n".join(status.printed)
    rebuild = dbt.run("run-operation", "build_orchestration_resources", vars=settings, target="prod")
    assert rebuild.success, rebuild.errors
    assert ddl(rebuild) == ['alter task "ANALYTICS"."FAILS_ORCH"."ORCH_TASK__FAILS__601" resume']
    assert (
        "suspended by Snowflake after 3 failed runs in a row (SUSPENDED_DUE_TO_ERRORS; the log table's ERROR rows "
        "say why), but a prod task should run"
    ) in "\n".join(rebuild.printed)
    assert dbt.standin.task("ORCH_TASK__FAILS__601").state == "started"
