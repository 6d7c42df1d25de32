"""Snowflake's rules on the live path: real dbt-core + dbt-snowflake against the stand-in (tests_py/snowflake_standin).

The build reads the watched objects and creates each stream in its object's form; it stops before any DDL on
every object Snowflake would refuse (another role's table without change tracking, a hybrid table, a dynamic
table that refreshes in full, a view with GROUP BY or over an untracked base table, a triggered job on an
external table, a missing object). `check_orchestration_setup` passes the README's role split, with the
stand-in's privilege model on (privileges held through an inherited role, the network rule owned by an admin),
and fails each broken account on exactly one line, with its fix. Reads survive QUOTED_IDENTIFIERS_IGNORE_CASE.
Roles, grants, owners, kinds and change tracking come from the stand-in's account model
(snowflake_standin/account.py, privileges.py, object_kinds.py); the procedure's ping answer is set by the
test (the stand-in would otherwise run the handler, and no dbt Cloud answers here).
"""

from __future__ import annotations

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


@pytest.fixture(autouse=True)
def fresh_account(dbt):
    """Each test declares the account it needs: no grants, facts or parameters from the test before."""
    dbt.standin.reset_account()


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
            "create table RAW.KINDS.EVENTS (id int)",
            "create table RAW.KINDS.ORDERS_ICE (id int)",
            "create table RAW.KINDS.LAKE_ICE (id int)",
            "create view RAW.KINDS.ORDERS_V as select id from RAW.KINDS.ORDERS where id > 0",
        ]
    )
    dbt.standin.set_object(["RAW", "KINDS", "ORDERS_DT"], kind="dynamic table")
    dbt.standin.set_object(["RAW", "KINDS", "ORDERS_EXT"], kind="external table")
    dbt.standin.set_object(["RAW", "KINDS", "EVENTS"], kind="event table")
    dbt.standin.set_object(["RAW", "KINDS", "ORDERS_ICE"], kind="iceberg table")
    dbt.standin.set_object(["RAW", "KINDS", "LAKE_ICE"], kind="iceberg table", catalog="GLUE")
    names = ["ORDERS", "ORDERS_V", "ORDERS_DT", "ORDERS_EXT", "EVENTS", "ORDERS_ICE", "LAKE_ICE"]
    tables = [f"RAW.KINDS.{name}" for name in names]
    jobs = [{"name": f"job {index}", "job_id": 100 + index, "tables": tables} for index in range(3)]
    external_access(dbt, config("KINDS_ORCH", jobs))
    run = dbt.run("run-operation", "build_orchestration_resources", vars=config("KINDS_ORCH", jobs))
    assert run.success, run.errors
    sources = sorted({sql.split("\n")[1] for sql in ddl(run) if sql.startswith("create stream")})
    assert sources == [
        '  on dynamic table "RAW"."KINDS"."ORDERS_DT"',
        '  on event table "RAW"."KINDS"."EVENTS"',
        '  on external table "RAW"."KINDS"."ORDERS_EXT" insert_only = true',
        '  on table "RAW"."KINDS"."LAKE_ICE" insert_only = true',
        '  on table "RAW"."KINDS"."ORDERS"',
        '  on table "RAW"."KINDS"."ORDERS_ICE"',
        '  on view "RAW"."KINDS"."ORDERS_V"',
    ]
    reads = [statement.sql for statement in run.statements if "KINDS" in statement.sql and statement.reads_only]
    assert reads.count('show tables in schema "RAW"."KINDS" limit 10000') == 1
    assert reads.count('show views in schema "RAW"."KINDS" limit 10000') == 1
    # The build role owned ORDERS and ORDERS_V: creating their streams enabled change tracking, and the plan said so.
    assert "enables change tracking (the build role owns it)" in "\n".join(run.printed)
    assert dbt.standin.account.facts(["RAW", "KINDS", "ORDERS"]).change_tracking
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
            "job 'events' (201): RAW.LOADED.EVENTS is a table with change tracking off, owned by role LOADER, "
            "which the "
            "build role TRANSFORMER neither is nor inherits; only its owner can enable it; "
            'as LOADER, run: alter table "RAW"."LOADED"."EVENTS" set change_tracking = true;'
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


def _refused_kinds() -> list[tuple[str, str, Callable, str]]:
    """Each kind a stream cannot watch: the object (RAW.REFUSED.<name>), how the test makes it one, and what the
    build says of it."""

    def kind(name: str, **facts: object) -> Callable:
        def make(dbt) -> None:
            execute([f"create or replace table RAW.REFUSED.{name} (id int)"])
            dbt.standin.set_object(["RAW", "REFUSED", name], **facts)

        return make

    def view(name: str, select: str, base_owner: str | None = None, **facts: object) -> Callable:
        def make(dbt) -> None:
            execute([f"create or replace view RAW.REFUSED.{name} as {select}"])
            if base_owner is not None:
                dbt.standin.set_object(["RAW", "REFUSED", "BASE"], owner=base_owner)
            if facts:
                dbt.standin.set_object(["RAW", "REFUSED", name], **facts)

        return make

    return [
        (
            "a hybrid table",
            "HYBRID",
            kind("HYBRID", kind="hybrid table", change_tracking=True),
            "RAW.REFUSED.HYBRID is a hybrid table, and streams cannot watch hybrid tables",
        ),
        (
            "a dynamic table that refreshes in full",
            "DT_FULL",
            kind("DT_FULL", kind="dynamic table", refresh_mode="FULL"),
            "RAW.REFUSED.DT_FULL is a dynamic table that refreshes in full (refresh_mode FULL), "
            "and streams need incremental refresh",
        ),
        (
            "a materialized view",
            "MV",
            view("MV", "select id from RAW.REFUSED.BASE", kind="materialized view"),
            "RAW.REFUSED.MV is a materialized view, which a stream cannot watch",
        ),
        (
            "a view with GROUP BY",
            "GROUPED",
            view("GROUPED", "select id, count(*) as n from RAW.REFUSED.BASE group by id"),
            "RAW.REFUSED.GROUPED is a view with GROUP BY, which streams on views do not support",
        ),
        (
            "a view over another role's base table without change tracking",
            "OVER_LOADED",
            view("OVER_LOADED", "select id from RAW.REFUSED.BASE", base_owner="LOADER"),
            "RAW.REFUSED.OVER_LOADED reads table RAW.REFUSED.BASE, which has change tracking off and is owned by "
            "role LOADER",
        ),
    ]


@pytest.mark.parametrize(
    ("name", "makes", "refusal"), [case[1:] for case in _refused_kinds()], ids=[case[0] for case in _refused_kinds()]
)
def test_each_kind_snowflake_refuses_stops_the_build_before_the_first_statement(dbt, name, makes, refusal):
    execute(["create database if not exists RAW", "create schema if not exists RAW.REFUSED"])
    execute(["create or replace table RAW.REFUSED.BASE (id int)"])
    makes(dbt)
    settings = config("REFUSED_ORCH", [{"name": "refused", "job_id": 701, "tables": [f"RAW.REFUSED.{name}"]}])
    external_access(dbt, settings)
    mark = dbt.standin.mark()
    run = dbt.run("run-operation", "build_orchestration_resources", vars=settings)
    assert not run.success
    assert f"job 'refused' (701): {refusal}" in run.everything_shown
    # The stand-in's record: reads only, not one statement of the build.
    sent = dbt.standin.statements_since(mark)
    assert all(statement.reads_only for statement in sent), [s.sql for s in sent if not s.reads_only]
    assert not any(key.startswith("ANALYTICS.REFUSED_ORCH.") for key in dbt.standin.catalog.streams)


# ---- the preflight ----------------------------------------------------------------------------------------------

PREFLIGHT_SCHEMA = "PREFLIGHT_ORCH"
PREFLIGHT_INTEGRATION = "PREFLIGHT_ACCESS"
PREFLIGHT_JOBS = [{"name": "orders", "job_id": 401, "tables": ["RAW.PRE.ORDERS"]}]
RULE = f'"ANALYTICS"."{PREFLIGHT_SCHEMA}"."DBT_CLOUD_API_NETWORK_RULE"'
SECRET = f'"ANALYTICS"."{PREFLIGHT_SCHEMA}"."DBT_CLOUD_ACCESS_TOKEN"'
ELEVEN_ARGUMENTS = (
    "access_url varchar, account_id number, job_id number, cause varchar, upstream_job_id number, "
    "min_elapsed_seconds number, min_start_time varchar, max_start_time varchar, days_of_week array, "
    "timezone varchar, options variant"
)
ELEVEN_TYPES = "varchar, number, number, varchar, number, number, varchar, varchar, array, varchar, variant"
PING_OK = {"status": "OK", "run_id": None, "run_url": None, "checks": [], "logs": ["GET /api/v2/accounts/12345/: 200"]}


def preflight_config(**changes: object) -> dict:
    settings = config(PREFLIGHT_SCHEMA, PREFLIGHT_JOBS, external_access_integration=PREFLIGHT_INTEGRATION)
    settings["dbt_cloud_orchestration"].update(changes)
    if settings["dbt_cloud_orchestration"].get("warehouse") is None:
        settings["dbt_cloud_orchestration"].pop("warehouse")
    return settings


def procedure_sql(arguments: str) -> str:
    """A procedure with the given signature, as the build makes it (the stand-in checks the Python and its names)."""
    return (
        f'create or replace procedure "ANALYTICS"."{PREFLIGHT_SCHEMA}"."DBT_CLOUD_RUN_JOB"({arguments}) '
        "returns variant language python runtime_version = '3.11' packages = ('snowflake-snowpark-python') "
        f"handler = 'main' external_access_integrations = ({PREFLIGHT_INTEGRATION}) "
        f"secrets = ('dbt_cloud_token' = {SECRET}) as $$\ndef main(session, *args):\n    return {{}}\n$$"
    )


def readme_account(dbt) -> None:
    """The README's role split, with the stand-in's privilege model on:
    - ACCOUNTADMIN made the schema, the network rule, the secret and the integration, and owns them;
    - TRANSFORMER (the profile's role) has USAGE on the database, USAGE and CREATE TABLE/STREAM/TASK/PROCEDURE on
      the schema, USAGE on the warehouse and the integration, READ on the secret;
    - EXECUTE TASK and EXECUTE MANAGED TASK are granted to TASK_RUNNER, a role granted to TRANSFORMER
      (Snowflake's guidance for task owners);
    - LOADER owns the watched table and enabled its change tracking."""
    standin = dbt.standin
    standin.model_privileges()
    execute(["create database if not exists RAW", "create schema if not exists RAW.PRE"], role="LOADER")
    execute(["create table if not exists RAW.PRE.ORDERS (id int)"], role="LOADER")
    standin.set_object(["RAW", "PRE", "ORDERS"], owner="LOADER", change_tracking=True)
    integration = f"allowed_network_rules = ({RULE}) allowed_authentication_secrets = ({SECRET}) enabled = true"
    exists = PREFLIGHT_INTEGRATION in standin.catalog.integrations
    execute(
        [
            f'create schema if not exists "ANALYTICS"."{PREFLIGHT_SCHEMA}"',
            f"create or alter network rule {RULE} type = host_port value_list = ('ab123.us1.dbt.com') mode = egress",
            f"create secret if not exists {SECRET} type = generic_string secret_string = '{TOKEN}'",
            f"alter external access integration {PREFLIGHT_INTEGRATION} set {integration}"
            if exists
            else f"create external access integration {PREFLIGHT_INTEGRATION} {integration}",
        ],
        role="ACCOUNTADMIN",
    )
    standin.grant("USAGE", "DATABASE", "ANALYTICS", "TRANSFORMER")
    for privilege in ("USAGE", "CREATE TABLE", "CREATE STREAM", "CREATE TASK", "CREATE PROCEDURE"):
        standin.grant(privilege, "SCHEMA", f"ANALYTICS.{PREFLIGHT_SCHEMA}", "TRANSFORMER")
    standin.add_warehouse("TRANSFORMING")
    standin.grant("USAGE", "WAREHOUSE", "TRANSFORMING", "TRANSFORMER")
    standin.grant("USAGE", "INTEGRATION", PREFLIGHT_INTEGRATION, "TRANSFORMER")
    standin.grant("READ", "SECRET", f"ANALYTICS.{PREFLIGHT_SCHEMA}.DBT_CLOUD_ACCESS_TOKEN", "TRANSFORMER")
    standin.grant("EXECUTE TASK", "ACCOUNT", "ACCOUNT", "TASK_RUNNER")
    standin.grant("EXECUTE MANAGED TASK", "ACCOUNT", "ACCOUNT", "TASK_RUNNER")
    standin.inherit("TRANSFORMER", "TASK_RUNNER")
    standin.set_ping_result(PING_OK)
    for procedure in list(standin.catalog.procedures):
        if procedure.startswith(f"ANALYTICS.{PREFLIGHT_SCHEMA}.DBT_CLOUD_RUN_JOB("):
            del standin.catalog.procedures[procedure]
    standin.catalog.save(standin.catalog_path)
    execute([procedure_sql(ELEVEN_ARGUMENTS)])


def drop_test_procedure() -> None:
    """The test's procedure (made for the ping) gives way to the package's own, which a build creates."""
    execute([f'drop procedure "ANALYTICS"."{PREFLIGHT_SCHEMA}"."DBT_CLOUD_RUN_JOB"({ELEVEN_TYPES})'])


def check_lines(run) -> list[str]:
    printed = run.printed
    found = [index for index, line in enumerate(printed) if line.startswith("dbt_cloud_orchestration: preflight")]
    assert len(found) == 1, printed
    return [line for line in printed[found[0] + 1 :] if line[:2] in ("✓ ", "✗ ")]


def test_the_readme_role_split_passes_the_preflight_and_then_builds(dbt):
    readme_account(dbt)
    run = dbt.run("run-operation", "check_orchestration_setup", vars=preflight_config())
    assert run.success, run.errors
    lines = check_lines(run)
    assert [line[:2] for line in lines] == ["✓ "] * len(lines), lines
    assert lines[:2] == [
        "✓ session parameter QUOTED_IDENTIFIERS_IGNORE_CASE: false: double-quoted names keep their case",
        "✓ privilege EXECUTE TASK: granted to role TASK_RUNNER, which role TRANSFORMER inherits",
    ]
    # The admin owns the rule: DESCRIBE NETWORK RULE (which needs OWNERSHIP) is never sent; the ping checks the host.
    assert (
        "✓ host ab123.us1.dbt.com: not read here: DESCRIBE NETWORK RULE needs OWNERSHIP of "
        f"ANALYTICS.{PREFLIGHT_SCHEMA}.DBT_CLOUD_API_NETWORK_RULE, which another role holds; "
        "the dbt Cloud ping through the procedure checks the host"
    ) in lines
    assert not any(statement.sql.startswith("describe network rule") for statement in run.statements)
    assert [statement.sql for statement in run.statements if statement.sql.startswith("show grants")] == [
        'show grants to role "TRANSFORMER"',
        'show grants to role "TASK_RUNNER"',
        'show grants to role "PUBLIC"',
    ]
    assert lines[-1] == "✓ dbt Cloud ping through the procedure: dbt Cloud answered for account 12345"
    calls = [statement.sql for statement in run.statements if statement.keyword == "CALL"]
    assert calls == [
        f'call "ANALYTICS"."{PREFLIGHT_SCHEMA}"."DBT_CLOUD_RUN_JOB"(\'https://ab123.us1.dbt.com\', 12345, 401, '
        "'preflight', null, null, null, null, null, 'America/Chicago', object_construct('mode', 'ping'))"
    ]
    assert ddl(run) == []
    assert TOKEN not in run.everything_shown
    # What the preflight passed, the build needs: it runs as the same role, privileges checked by the stand-in
    # (the test's stand-in procedure, made for the ping, gives way to the package's own).
    drop_test_procedure()
    build = dbt.run("run-operation", "build_orchestration_resources", vars=preflight_config(), target="prod")
    assert build.success, build.errors
    assert dbt.standin.task("ORCH_TASK__ORDERS__401").state == "started"


def test_the_old_preflight_reading_aborted_in_the_readme_role_split(dbt):
    """What the preflight no longer does, the stand-in refuses: DESCRIBE NETWORK RULE as the build role, and the
    build role's own SHOW GRANTS shows no EXECUTE TASK (it comes through TASK_RUNNER)."""
    readme_account(dbt)
    with pytest.raises(
        snowflake.connector.errors.ProgrammingError, match="Insufficient privileges to operate on network rule"
    ):
        execute([f"describe network rule {RULE}"])
    connection = snowflake.connector.connect(database="ANALYTICS", role="TRANSFORMER")
    try:
        cursor = connection.cursor()
        cursor.execute('show grants to role "TRANSFORMER"')
        assert "EXECUTE TASK" not in {row[0] for row in cursor.fetchall()}
    finally:
        connection.close()


def _revoke(privilege: str, granted_on: str | None = None) -> Callable:
    def breaks(dbt) -> dict:
        dbt.standin.account.grants = [
            grant
            for grant in dbt.standin.account.grants
            if not (grant.privilege == privilege and (granted_on is None or grant.granted_on == granted_on))
        ]
        dbt.standin.account.save(dbt.standin.account_path)
        return {}

    return breaks


def _vars(**changes: object) -> Callable:
    return lambda dbt: changes


def _owned_untracked(dbt) -> dict:
    dbt.standin.set_object(["RAW", "PRE", "ORDERS"], owner="LOADER", change_tracking=False)
    return {}


def _watched(**facts: object) -> Callable:
    def breaks(dbt) -> dict:
        dbt.standin.set_object(["RAW", "PRE", "ORDERS"], owner="LOADER", change_tracking=True, **facts)
        return {}

    return breaks


def _external_triggered(dbt) -> dict:
    dbt.standin.set_object(["RAW", "PRE", "ORDERS"], owner="LOADER", kind="external table")
    return {"jobs": [{**PREFLIGHT_JOBS[0], "schedule": "triggered"}]}


def _grouped_view(dbt) -> dict:
    execute(
        ["create or replace view RAW.PRE.ORDERS_BY_ID as select id, count(*) as n from RAW.PRE.ORDERS group by id"],
        role="LOADER",
    )
    dbt.standin.set_object(["RAW", "PRE", "ORDERS_BY_ID"], owner="LOADER", change_tracking=True)
    return {"jobs": [{**PREFLIGHT_JOBS[0], "tables": ["RAW.PRE.ORDERS_BY_ID"]}]}


def _no_inheritance(dbt) -> dict:
    dbt.standin.account.inherited_roles.clear()
    dbt.standin.account.save(dbt.standin.account_path)
    return {}


def _disabled_integration(dbt) -> dict:
    execute([f"alter external access integration {PREFLIGHT_INTEGRATION} set enabled = false"], role="ACCOUNTADMIN")
    return {}


def _rule_owned_with_another_host(dbt) -> dict:
    """As after GRANT OWNERSHIP of the rule to TRANSFORMER, with the rule allowing another host."""
    execute([f"alter network rule {RULE} set value_list = ('xy999.us1.dbt.com')"], role="ACCOUNTADMIN")
    dbt.standin.catalog.network_rules[f"ANALYTICS.{PREFLIGHT_SCHEMA}.DBT_CLOUD_API_NETWORK_RULE"].owner = "TRANSFORMER"
    dbt.standin.catalog.save(dbt.standin.catalog_path)
    return {}


def _secret_not_allowed(dbt) -> dict:
    other = f'"ANALYTICS"."{PREFLIGHT_SCHEMA}"."OTHER_TOKEN"'
    execute(
        [
            f"create secret if not exists {other} type = generic_string secret_string = 'other'",
            f"alter external access integration {PREFLIGHT_INTEGRATION} set allowed_authentication_secrets = ({other})",
        ],
        role="ACCOUNTADMIN",
    )
    return {}


def _error_integration(type: str, usage: bool) -> Callable:
    def breaks(dbt) -> dict:
        dbt.standin.add_notification_integration("TASK_ALERTS", type)
        if usage:
            dbt.standin.grant("USAGE", "INTEGRATION", "TASK_ALERTS", "TRANSFORMER")
        return {"error_integration": "TASK_ALERTS"}

    return breaks


def _ignore_case(dbt) -> dict:
    dbt.standin.set_parameter("QUOTED_IDENTIFIERS_IGNORE_CASE", "true")
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


# Each account breaks one check of the README's role split; the one ✗ line it must print starts like this.
FAILING_ACCOUNTS = [
    (
        "QUOTED_IDENTIFIERS_IGNORE_CASE = TRUE for the user",
        _ignore_case,
        "✗ session parameter QUOTED_IDENTIFIERS_IGNORE_CASE: TRUE for this session (set at level USER): "
        '→ fix: alter user "DUMMY_USER" set quoted_identifiers_ignore_case = false;',
    ),
    (
        "no EXECUTE TASK anywhere in the hierarchy",
        _revoke("EXECUTE TASK"),
        "✗ privilege EXECUTE TASK: neither role TRANSFORMER nor a role it inherits holds it "
        "→ fix: grant execute task on account",
    ),
    (
        "EXECUTE TASK held by a role not granted to the build role",
        _no_inheritance,
        "✗ privilege EXECUTE TASK: neither role TRANSFORMER nor a role it inherits holds it",
    ),
    (
        "serverless without EXECUTE MANAGED TASK",
        lambda dbt: {**_revoke("EXECUTE MANAGED TASK")(dbt), "warehouse": None},
        "✗ privilege EXECUTE MANAGED TASK: neither role TRANSFORMER nor a role it inherits holds it",
    ),
    (
        "no CREATE TASK in the schema",
        _revoke("CREATE TASK"),
        f"✗ create rights in ANALYTICS.{PREFLIGHT_SCHEMA}: role TRANSFORMER lacks CREATE TASK on the schema "
        "→ fix: grant create task",
    ),
    (
        "no USAGE on the database",
        _revoke("USAGE", "DATABASE"),
        f"✗ create rights in ANALYTICS.{PREFLIGHT_SCHEMA}: role TRANSFORMER lacks USAGE on database ANALYTICS",
    ),
    (
        "no USAGE on the warehouse",
        _revoke("USAGE", "WAREHOUSE"),
        "✗ warehouse TRANSFORMING: does not exist, or role TRANSFORMER has no privilege on it "
        "→ fix: grant usage on warehouse",
    ),
    (
        "no USAGE on the integration",
        _revoke("USAGE", "INTEGRATION"),
        f"✗ integration {PREFLIGHT_INTEGRATION}: does not exist, or role TRANSFORMER has no privilege on it",
    ),
    ("a disabled integration", _disabled_integration, f"✗ integration {PREFLIGHT_INTEGRATION}: exists but is disabled"),
    (
        "a rule the build role owns, allowing another host",
        _rule_owned_with_another_host,
        f"✗ host ab123.us1.dbt.com: not allowed by {PREFLIGHT_INTEGRATION}'s network rules",
    ),
    (
        "a secret the integration does not allow",
        _secret_not_allowed,
        f"✗ secret ANALYTICS.{PREFLIGHT_SCHEMA}.DBT_CLOUD_ACCESS_TOKEN in {PREFLIGHT_INTEGRATION}: "
        "not in its ALLOWED_AUTHENTICATION_SECRETS",
    ),
    (
        "no READ on the secret",
        _revoke("READ", "SECRET"),
        f"✗ secret ANALYTICS.{PREFLIGHT_SCHEMA}.DBT_CLOUD_ACCESS_TOKEN: does not exist, "
        "or role TRANSFORMER has no privilege on it",
    ),
    (
        "an email error integration",
        _error_integration("EMAIL", usage=True),
        "✗ error integration TASK_ALERTS: is an email notification integration (EMAIL), which task errors cannot use",
    ),
    (
        "an error integration without USAGE",
        _error_integration("QUEUE - AWS_SNS", usage=False),
        "✗ error integration TASK_ALERTS: does not exist, or role TRANSFORMER has no privilege on it",
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
        "✗ watched RAW.PRE.ORDERS: is a table with change tracking off, owned by role LOADER, which the build role "
        "TRANSFORMER neither is nor inherits; only its owner can enable it → fix: as LOADER, run: "
        'alter table "RAW"."PRE"."ORDERS" set change_tracking = true;',
    ),
    (
        "an external table watched by a triggered job",
        _external_triggered,
        "✗ watched RAW.PRE.ORDERS: is an external table, and triggered tasks do not support streams on external tables",
    ),
    (
        "a hybrid table",
        _watched(kind="hybrid table"),
        "✗ watched RAW.PRE.ORDERS: is a hybrid table, and streams cannot watch hybrid tables",
    ),
    (
        "a dynamic table that refreshes in full",
        _watched(kind="dynamic table", refresh_mode="FULL"),
        "✗ watched RAW.PRE.ORDERS: is a dynamic table that refreshes in full (refresh_mode FULL)",
    ),
    (
        "a view with GROUP BY",
        _grouped_view,
        "✗ watched RAW.PRE.ORDERS_BY_ID: is a view with GROUP BY, which streams on views do not support",
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
    readme_account(dbt)
    changes = breaks(dbt)
    try:
        run = dbt.run("run-operation", "check_orchestration_setup", vars=preflight_config(**changes))
        assert not run.success
        failing = [line for line in check_lines(run) if line.startswith("✗")]
        assert len(failing) == 1, failing
        prefix, _, fix = expected.partition(" → fix: ") if expected.startswith("✗ session") else (expected, "", "")
        assert failing[0].startswith(prefix), failing
        assert fix in failing[0], failing
        assert re.search(r"1 of \d+ preflight checks failed; each ✗ line says how to fix it\.", run.everything_shown)
        assert ddl(run) == []
    finally:
        execute([f"alter external access integration {PREFLIGHT_INTEGRATION} set enabled = true"], role="ACCOUNTADMIN")


def test_a_cloud_messaging_error_integration_and_an_owned_rule_pass(dbt):
    readme_account(dbt)
    _error_integration("QUEUE - AWS_SNS", usage=True)(dbt)
    dbt.standin.catalog.network_rules[f"ANALYTICS.{PREFLIGHT_SCHEMA}.DBT_CLOUD_API_NETWORK_RULE"].owner = "TRANSFORMER"
    dbt.standin.catalog.save(dbt.standin.catalog_path)
    run = dbt.run("run-operation", "check_orchestration_setup", vars=preflight_config(error_integration="TASK_ALERTS"))
    assert run.success, run.errors
    lines = check_lines(run)
    assert (
        "✓ error integration TASK_ALERTS: QUEUE - AWS_SNS notification integration; role TRANSFORMER has USAGE" in lines
    )
    assert f"✓ host ab123.us1.dbt.com: allowed by {PREFLIGHT_INTEGRATION}'s network rules" in lines
    # An error integration task errors cannot use makes CREATE TASK fail: the stand-in refuses it as Snowflake does.
    dbt.standin.add_notification_integration("TASK_EMAILS", "EMAIL")
    dbt.standin.grant("USAGE", "INTEGRATION", "TASK_EMAILS", "TRANSFORMER")
    drop_test_procedure()
    build = dbt.run(
        "run-operation", "build_orchestration_resources", vars=preflight_config(error_integration="TASK_EMAILS")
    )
    assert not build.success
    assert "cannot be used as a task's ERROR_INTEGRATION" in build.everything_shown


# ---- QUOTED_IDENTIFIERS_IGNORE_CASE ------------------------------------------------------------------------------


def test_reads_survive_quoted_identifiers_ignore_case(dbt):
    """With QUOTED_IDENTIFIERS_IGNORE_CASE = TRUE quoted aliases come back in upper case and SHOW's lower-case
    columns cannot be named in quotes: the build (RESULT_SCAN of SHOW STREAMS by position) and the status (unquoted
    aliases) read what they read without it."""
    execute(
        [
            "create database if not exists RAW",
            "create schema if not exists RAW.CASES",
            "create table if not exists RAW.CASES.T (id int)",
        ]
    )
    settings = config("CASES_ORCH", [{"name": "cases", "job_id": 801, "tables": ["RAW.CASES.T"]}])
    external_access(dbt, settings)
    assert dbt.run("run-operation", "build_orchestration_resources", vars=settings).success
    dbt.standin.set_parameter("QUOTED_IDENTIFIERS_IGNORE_CASE", "true")
    # The stand-in refuses what the package no longer sends: a quoted lower-case SHOW column in a RESULT_SCAN.
    connection = snowflake.connector.connect(database="ANALYTICS", role="TRANSFORMER")
    try:
        cursor = connection.cursor()
        cursor.execute('show streams in schema "ANALYTICS"."CASES_ORCH"')
        with pytest.raises(snowflake.connector.errors.ProgrammingError, match="invalid identifier"):
            cursor.execute('select "name" from table(result_scan(last_query_id()))')
    finally:
        connection.close()
    stream = dbt.standin.stream("ORCH_STREAM__801__RAW__CASES__T")
    stream.stale_after = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    dbt.standin.catalog.save(dbt.standin.catalog_path)
    rebuild = dbt.run("run-operation", "build_orchestration_resources", vars=settings)
    assert rebuild.success, rebuild.errors
    assert ddl(rebuild) == []
    assert any(statement.sql.startswith("select $2 as STREAM_NAME") for statement in rebuild.statements)
    assert len(rebuild.warnings) == 1 and "goes stale after" in rebuild.warnings[0]
    status = dbt.run("run-operation", "orchestration_status", vars=settings)
    assert status.success, status.errors
    assert "RAW.CASES.T: no changes, stale after" in "\n".join(status.printed)


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
