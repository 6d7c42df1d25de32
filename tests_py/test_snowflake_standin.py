"""The Snowflake stand-in on its own, through the real connector API (patched by fakesnow): what it models."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import snowflake.connector
from snowflake.connector.errors import ProgrammingError
from snowflake_standin import SnowflakeStandIn, paging

SCHEMA = '"ANALYTICS"."ORCH"'
TOKEN = "dbtc_STANDIN-s3cret-0123456789"  # must never show up in anything the stand-in keeps


@pytest.fixture
def standin(tmp_path):
    standin = SnowflakeStandIn(tmp_path)
    with standin.patch():
        yield standin


@pytest.fixture
def cursor(standin):
    connection = snowflake.connector.connect(database="ANALYTICS", schema="ORCH", role="transformer")
    cursor = connection.cursor()
    cursor.execute("create table RAW_ORDERS (id int)")
    cursor.execute('create table "Raw Items" (id int)')
    yield cursor
    connection.close()


def rows(cursor, sql):
    cursor.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_show_streams_has_snowflakes_columns_and_values(cursor):
    cursor.execute(f"create stream if not exists {SCHEMA}.\"S1\" on table {SCHEMA}.RAW_ORDERS comment = 'it''s mine'")
    assert cursor.fetchall() == [("Stream S1 successfully created.",)]
    cursor.execute(f'create stream {SCHEMA}.S2 on table {SCHEMA}."Raw Items"')
    (s1, s2) = rows(cursor, f"show streams in schema {SCHEMA}")
    assert list(s1) == [
        "created_on",
        "name",
        "database_name",
        "schema_name",
        "owner",
        "comment",
        "table_name",
        "source_type",
        "base_tables",
        "type",
        "stale",
        "mode",
        "stale_after",
        "invalid_reason",
        "owner_role_type",
    ]
    assert {
        k: s1[k] for k in ("name", "owner", "comment", "table_name", "type", "stale", "mode", "invalid_reason")
    } == {
        "name": "S1",
        "owner": "TRANSFORMER",
        "comment": "it's mine",
        "table_name": "ANALYTICS.ORCH.RAW_ORDERS",
        "type": "DELTA",
        "stale": "false",
        "mode": "DEFAULT",
        "invalid_reason": "N/A",
    }
    assert s2["table_name"] == 'ANALYTICS.ORCH."Raw Items"'
    assert s1["stale_after"] > s1["created_on"]
    assert [row["name"] for row in rows(cursor, f"show streams like 's_' in schema {SCHEMA}")] == ["S1", "S2"]
    assert rows(cursor, "show streams in schema ANALYTICS.ELSEWHERE") == []


def test_create_stream_needs_its_table_and_keeps_an_existing_one(cursor, standin):
    with pytest.raises(ProgrammingError, match=r"Table 'ANALYTICS\.ORCH\.MISSING' does not exist"):
        cursor.execute(f"create stream {SCHEMA}.S on table {SCHEMA}.MISSING")
    cursor.execute(f"create stream {SCHEMA}.S on table {SCHEMA}.RAW_ORDERS comment = 'first'")
    cursor.execute(f"create stream if not exists {SCHEMA}.S on table {SCHEMA}.RAW_ORDERS comment = 'second'")
    assert cursor.fetchall() == [("S already exists, statement succeeded.",)]
    with pytest.raises(ProgrammingError, match="already exists"):
        cursor.execute(f"create stream {SCHEMA}.S on table {SCHEMA}.RAW_ORDERS")
    standin.mark_stream_stale("S")
    assert rows(cursor, f"show streams in schema {SCHEMA}")[0]["stale"] == "true"
    cursor.execute(f"create or replace stream {SCHEMA}.S on table {SCHEMA}.RAW_ORDERS comment = 'healed'")
    (stream,) = rows(cursor, f"show streams in schema {SCHEMA}")
    assert (stream["stale"], stream["comment"]) == ("false", "healed")


def test_stream_has_data_answers_from_the_stand_in(cursor, standin):
    cursor.execute(f"create stream {SCHEMA}.S on table {SCHEMA}.RAW_ORDERS")
    query = f'select system$stream_has_data(\'{SCHEMA}."S"\') as "s0", 1 as "one"'
    assert rows(cursor, query) == [{"s0": False, "one": 1}]
    standin.set_stream_has_data("S")
    assert rows(cursor, query) == [{"s0": True, "one": 1}]
    with pytest.raises(ProgrammingError, match=r"Stream 'ANALYTICS.ORCH.NOPE' does not exist"):
        cursor.execute("select system$stream_has_data('ANALYTICS.ORCH.NOPE')")


TASK = f"""create or alter task {SCHEMA}."T"
  warehouse = "WH"
  schedule = '15 MINUTE'
  comment = 'v1'
  when system$stream_has_data('{SCHEMA}."S"')
    or system$stream_has_data('x as y')
as execute immediate 'begin return ''a; b''; end'"""


def test_tasks_are_created_suspended_altered_in_place_and_refused_while_started(cursor, standin):
    cursor.execute(TASK)
    (task,) = rows(cursor, f"show tasks in schema {SCHEMA}")
    assert list(task) == [
        "created_on",
        "name",
        "id",
        "database_name",
        "schema_name",
        "owner",
        "comment",
        "warehouse",
        "schedule",
        "predecessors",
        "state",
        "definition",
        "condition",
        "allow_overlapping_execution",
        "error_integration",
        "last_committed_on",
        "last_suspended_on",
        "owner_role_type",
        "config",
        "budget",
        "task_relations",
        "last_suspended_reason",
    ]
    assert {k: task[k] for k in ("name", "warehouse", "schedule", "state", "comment", "predecessors")} == {
        "name": "T",
        "warehouse": "WH",
        "schedule": "15 MINUTE",
        "state": "suspended",
        "comment": "v1",
        "predecessors": "[]",
    }
    assert task["definition"] == "execute immediate 'begin return ''a; b''; end'"
    assert task["condition"] == (f"system$stream_has_data('{SCHEMA}.\"S\"')\n    or system$stream_has_data('x as y')")
    cursor.execute(f'alter task {SCHEMA}."T" resume')
    assert standin.task("T").state == "started"
    with pytest.raises(ProgrammingError, match="suspend it first"):
        cursor.execute(TASK.replace("'v1'", "'v2'"))
    cursor.execute(f"alter task {SCHEMA}.T suspend")
    cursor.execute(
        TASK.replace("'v1'", "'v2'").replace(
            "schedule = '15 MINUTE'\n", "user_task_minimum_trigger_interval_in_seconds = 300\n"
        )
    )
    (task2,) = rows(cursor, f"show tasks in schema {SCHEMA}")
    assert (task2["id"], task2["comment"], task2["schedule"], task2["state"]) == (task["id"], "v2", None, "suspended")
    assert standin.task("T").parameters == {"USER_TASK_MINIMUM_TRIGGER_INTERVAL_IN_SECONDS": "300"}
    cursor.execute(f"alter task if exists {SCHEMA}.GONE suspend")
    with pytest.raises(ProgrammingError, match=r"Task 'ANALYTICS.ORCH.GONE' does not exist"):
        cursor.execute(f"alter task {SCHEMA}.GONE resume")
    cursor.execute(f"drop task {SCHEMA}.T")
    assert rows(cursor, f"show tasks in schema {SCHEMA}") == []


def external_access(cursor):
    cursor.execute(
        f"create or alter network rule {SCHEMA}.RULE type = host_port value_list = ('ab1.us1.dbt.com') mode = egress "
        "comment = 'r'"
    )
    cursor.execute(
        f"create secret if not exists {SCHEMA}.TOKEN type = generic_string secret_string = %s comment = 'c'", (TOKEN,)
    )
    cursor.execute(
        f"create external access integration EAI allowed_network_rules = ({SCHEMA}.RULE) "
        f"allowed_authentication_secrets = ({SCHEMA}.TOKEN) enabled = true"
    )


def test_documented_syntax_only_for_network_rules_and_integrations(cursor, standin):
    """CREATE NETWORK RULE documents OR ALTER and no IF NOT EXISTS; CREATE EXTERNAL ACCESS INTEGRATION neither."""
    with pytest.raises(ProgrammingError, match="IF NOT EXISTS is not in Snowflake's documented syntax"):
        cursor.execute(
            f"create network rule if not exists {SCHEMA}.R2 type = host_port mode = egress value_list = ('x.com')"
        )
    external_access(cursor)
    # CREATE OR ALTER changes the value list in place; it cannot change the mode.
    cursor.execute(
        f"create or alter network rule {SCHEMA}.RULE type = host_port value_list = ('new.us1.dbt.com') mode = egress"
    )
    assert standin.catalog.network_rules["ANALYTICS.ORCH.RULE"].value_list == ["new.us1.dbt.com"]
    with pytest.raises(ProgrammingError, match="cannot change MODE"):
        cursor.execute(
            f"create or alter network rule {SCHEMA}.RULE type = host_port value_list = ('x.com') mode = ingress"
        )
    for statement in (
        "create external access integration if not exists EAI",
        "create or alter external access integration EAI",
    ):
        with pytest.raises(ProgrammingError, match="is not in Snowflake's documented syntax"):
            cursor.execute(f"{statement} allowed_network_rules = ({SCHEMA}.RULE) enabled = true")
    with pytest.raises(ProgrammingError, match="already exists"):
        cursor.execute(f"create external access integration EAI allowed_network_rules = ({SCHEMA}.RULE) enabled = true")


def test_secret_values_arrive_as_bindings_and_are_never_kept(cursor, standin):
    with pytest.raises(ProgrammingError, match=r"Network rule 'ANALYTICS.ORCH.RULE' does not exist"):
        cursor.execute(f"create external access integration EAI allowed_network_rules = ({SCHEMA}.RULE) enabled = true")
    external_access(cursor)
    cursor.execute(f"alter secret {SCHEMA}.TOKEN set secret_string = %s", (TOKEN + "-rotated",))
    secret = standin.catalog.secrets["ANALYTICS.ORCH.TOKEN"]
    assert secret.secret_string_set
    assert secret.secret_string_sha256 == hashlib.sha256((TOKEN + "-rotated").encode()).hexdigest()
    assert standin.catalog.integrations["EAI"].allowed_authentication_secrets == ["ANALYTICS.ORCH.TOKEN"]
    assert [(s.sql[:13], s.bindings) for s in standin.statements if s.bindings] == [
        ("create secret", 1),
        ("alter secret ", 1),
    ]
    kept = standin.catalog_path.read_text() + standin.journal_path.read_text()
    assert "s3cret" not in kept
    assert [row["name"] for row in rows(cursor, f"show secrets in schema {SCHEMA}")] == ["TOKEN"]


PROCEDURE = f"""create or replace procedure {SCHEMA}.P(a varchar, b number(38, 0), c array)
returns variant
language python
runtime_version = '3.11'
packages = ('snowflake-snowpark-python', 'requests')
handler = 'main'
external_access_integrations = (EAI)
secrets = ('dbt_cloud_token' = {SCHEMA}.TOKEN)
comment = 'mine'
as
$$
def main(session, a, b, c):
    return {{"a": a}}
$$"""


def test_python_procedures_are_catalog_objects_that_a_call_runs(cursor, standin):
    with pytest.raises(ProgrammingError, match="Integration 'EAI' does not exist"):
        cursor.execute(PROCEDURE)
    external_access(cursor)
    with pytest.raises(ProgrammingError, match="no handler function 'main'"):
        cursor.execute(PROCEDURE.replace("def main", "def other"))
    cursor.execute(PROCEDURE)
    (procedure,) = rows(cursor, f"show procedures like 'P' in schema {SCHEMA}")
    assert {k: procedure[k] for k in ("name", "arguments", "description", "min_num_arguments", "is_builtin")} == {
        "name": "P",
        "arguments": "P(VARCHAR, NUMBER, ARRAY) RETURN VARIANT",
        "description": "mine",
        "min_num_arguments": 3,
        "is_builtin": "N",
    }
    cursor.execute(f"call {SCHEMA}.P('a', 1, array_construct())")  # procedures.py runs the handler as stored
    assert [json.loads(row[0]) for row in cursor.fetchall()] == [{"a": "a"}]
    with pytest.raises(ProgrammingError, match="does not exist"):
        cursor.execute(f"drop procedure {SCHEMA}.P(varchar)")
    cursor.execute(f"drop procedure if exists {SCHEMA}.P(varchar, number, array)")
    assert standin.catalog.procedures == {}


def test_the_catalog_and_the_tables_survive_a_new_patch(tmp_path):
    with SnowflakeStandIn(tmp_path).patch():
        connection = snowflake.connector.connect(database="ANALYTICS", schema="ORCH")
        connection.cursor().execute("create table T (id int) comment = 'kept'")
        connection.cursor().execute(f"create stream {SCHEMA}.S on table {SCHEMA}.T")
        connection.close()
    standin = SnowflakeStandIn(tmp_path)
    with standin.patch():
        cursor = snowflake.connector.connect(database="ANALYTICS", schema="ORCH").cursor()
        assert [row["name"] for row in rows(cursor, f"show streams in schema {SCHEMA}")] == ["S"]
        (table,) = rows(cursor, f"show tables like 'T' in schema {SCHEMA}")
        assert table["comment"] == "kept"
    assert [s.keyword for s in standin.statements] == ["SHOW", "SHOW"]


def test_dbt_as_a_process_against_the_stand_in(tmp_path):
    """`python -m snowflake_standin DB_DIR <dbt args>`: dbt-core's own CLI inside the patch (for vitest and others)."""
    tests_py = Path(__file__).resolve().parent
    project = tests_py.parent / "integration_tests"
    # The example's watched tables: a live dry run reads them and refuses missing ones.
    with SnowflakeStandIn(tmp_path / "warehouse").patch():
        connection = snowflake.connector.connect(database="RAW")
        for table in (
            "SALES.ORDERS",
            'SALES."Order Items"',
            "SALES.CUSTOMERS",
            "INVENTORY.STOCK_LEVELS",
            "FINANCE.GENERAL_LEDGER",
        ):
            connection.cursor().execute(f"create schema if not exists RAW.{table.split('.')[0]}")
            connection.cursor().execute(f"create table RAW.{table} (id int)")
        connection.close()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "snowflake_standin",
            str(tmp_path / "warehouse"),
            "run-operation",
            "build_orchestration_resources",
            "--args",
            "{dry_run: true}",
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(project / "profiles"),
        ],
        cwd=tests_py,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "DBT_TARGET_PATH": str(tmp_path / "target"), "DBT_LOG_PATH": str(tmp_path / "logs")},
    )
    assert result.returncode == 0, result.stdout[-2000:]
    journal = [
        json.loads(line) for line in (tmp_path / "warehouse" / "standin-statements.jsonl").read_text().splitlines()
    ]
    dbt_reads = [entry["sql"] for entry in journal if not entry["sql"].startswith("create ")]
    # The three watched schemas (SHOW TABLES and SHOW VIEWS each); the new tables have no change tracking yet, so the
    # build role and the owners' roles; then dev's own orchestration schema (`<target schema>_<schema>`), which
    # does not exist.
    assert dbt_reads == [
        *(
            f'show {kind} in schema "RAW"."{schema}" limit 10000'
            for schema in ("SALES", "INVENTORY", "FINANCE")
            for kind in ("tables", "views")
        ),
        "select current_role() as BUILD_ROLE, is_role_in_session('TRANSFORMER') as OWNER_ROLE_0",
        "show schemas like 'DBT_DEV_ORCHESTRATION' in database \"ANALYTICS\"",
    ]


# ---- what the package's rules need: privileges, object kinds, session parameters, SHOW paging ------------------


def connect(role: str) -> snowflake.connector.SnowflakeConnection:
    return snowflake.connector.connect(database="ANALYTICS", schema="ORCH", role=role, user="dbt_user")


def test_privileges_through_the_role_hierarchy_and_what_each_statement_needs(cursor, standin):
    """privileges.py: SHOW GRANTS TO ROLE lists a role's own grants; what a role may do counts what it inherits."""
    admin = connect("ACCOUNTADMIN").cursor()
    admin.execute(
        f"create or alter network rule {SCHEMA}.RULE type = host_port value_list = ('ab1.us1.dbt.com') mode = egress"
    )
    admin.execute(f"create secret if not exists {SCHEMA}.TOKEN type = generic_string secret_string = 'x'")
    admin.execute(
        f"create external access integration EAI allowed_network_rules = ({SCHEMA}.RULE) "
        f"allowed_authentication_secrets = ({SCHEMA}.TOKEN) enabled = true"
    )
    standin.model_privileges()
    standin.grant("EXECUTE TASK", "ACCOUNT", "ACCOUNT", "TASK_RUNNER")
    standin.inherit("TRANSFORMER", "TASK_RUNNER")
    # Only the role's own grants, the roles granted to it, and what it owns.
    assert rows(cursor, "show grants to role TRANSFORMER") == [
        {
            "privilege": "USAGE",
            "granted_on": "ROLE",
            "name": "TASK_RUNNER",
            "granted_to": "ROLE",
            "grantee_name": "TRANSFORMER",
        }
    ]
    owned = {
        (row["privilege"], row["granted_on"], row["name"]) for row in rows(admin, "show grants to role ACCOUNTADMIN")
    }
    assert ("OWNERSHIP", "NETWORK_RULE", "ANALYTICS.ORCH.RULE") in owned
    # DESCRIBE NETWORK RULE needs OWNERSHIP; SHOW INTEGRATIONS lists what the role has a privilege on.
    with pytest.raises(
        ProgrammingError, match=r"Insufficient privileges to operate on network rule 'ANALYTICS\.ORCH\.RULE'"
    ):
        cursor.execute(f"describe network rule {SCHEMA}.RULE")
    assert rows(cursor, "show integrations like 'EAI'") == []
    with pytest.raises(ProgrammingError, match="Integration 'EAI' does not exist or not authorized"):
        cursor.execute("describe integration EAI")
    assert rows(cursor, f"show secrets in schema {SCHEMA}") == []
    # CREATE PROCEDURE: CREATE PROCEDURE on the schema, USAGE on the integration, READ on the secret.
    with pytest.raises(ProgrammingError, match="CREATE PROCEDURE needed"):
        cursor.execute(PROCEDURE)
    standin.grant("CREATE PROCEDURE", "SCHEMA", "ANALYTICS.ORCH", "TRANSFORMER")
    with pytest.raises(ProgrammingError, match="integration 'EAI': USAGE needed"):
        cursor.execute(PROCEDURE)
    standin.grant("USAGE", "INTEGRATION", "EAI", "TASK_RUNNER")
    with pytest.raises(ProgrammingError, match=r"secret 'ANALYTICS\.ORCH\.TOKEN': READ needed"):
        cursor.execute(PROCEDURE)
    standin.grant("READ", "SECRET", "ANALYTICS.ORCH.TOKEN", "TRANSFORMER")
    cursor.execute(PROCEDURE)
    assert [row["name"] for row in rows(cursor, "show integrations like 'EAI'")] == ["EAI"]
    # CREATE TASK: CREATE TASK on the schema, USAGE on the warehouse (or EXECUTE MANAGED TASK); RESUME: EXECUTE TASK.
    task = f"create or alter task {SCHEMA}.T warehouse = WH schedule = '5 MINUTE' as select 1"
    standin.grant("CREATE TASK", "SCHEMA", "ANALYTICS.ORCH", "TRANSFORMER")
    with pytest.raises(ProgrammingError, match="warehouse 'WH': USAGE needed"):
        cursor.execute(task)
    standin.grant("USAGE", "WAREHOUSE", "WH", "TRANSFORMER")
    cursor.execute(task)
    with pytest.raises(ProgrammingError, match="EXECUTE MANAGED TASK needed"):
        cursor.execute(f"create or alter task {SCHEMA}.T2 schedule = '5 MINUTE' as select 1")
    cursor.execute(f"alter task {SCHEMA}.T resume")  # EXECUTE TASK through TASK_RUNNER
    standin.account.inherited_roles.clear()
    standin.account.save(standin.account_path)
    cursor.execute(f"alter task {SCHEMA}.T suspend")
    with pytest.raises(ProgrammingError, match="EXECUTE TASK needed"):
        cursor.execute(f"alter task {SCHEMA}.T resume")


def test_error_integrations_of_types_task_errors_cannot_use_are_refused(cursor, standin):
    standin.model_privileges()
    for privilege in ("CREATE TASK", "USAGE"):
        standin.grant(
            privilege,
            "SCHEMA" if privilege == "CREATE TASK" else "WAREHOUSE",
            "ANALYTICS.ORCH" if privilege == "CREATE TASK" else "WH",
            "TRANSFORMER",
        )
    standin.add_notification_integration("MAILS", "EMAIL")
    standin.add_notification_integration("HOOKS", "WEBHOOK")
    standin.add_notification_integration("SNS", "QUEUE - AWS_SNS")
    for name in ("MAILS", "HOOKS", "SNS"):
        standin.grant("USAGE", "INTEGRATION", name, "TRANSFORMER")
    task = f"create or alter task {SCHEMA}.T warehouse = WH schedule = '5 MINUTE' error_integration = {{}} as select 1"
    for name in ("MAILS", "HOOKS"):
        with pytest.raises(ProgrammingError, match="cannot be used as a task's ERROR_INTEGRATION"):
            cursor.execute(task.format(name))
    with pytest.raises(ProgrammingError, match="Integration 'NOPE' does not exist or not authorized"):
        cursor.execute(task.format("NOPE"))
    cursor.execute(task.format("SNS"))
    assert [(row["name"], row["type"], row["category"]) for row in rows(cursor, "show integrations like 'SNS'")] == [
        ("SNS", "QUEUE - AWS_SNS", "NOTIFICATION")
    ]


def test_object_kinds_and_what_create_stream_says_of_each(cursor, standin):
    """object_kinds.py: SHOW TABLES' flags per kind, the CREATE STREAM form each kind needs, and what none can take."""
    for name in ("DT", "DT_FULL", "EXT", "EVT", "HYB", "ICE", "LAKE"):
        cursor.execute(f"create table {SCHEMA}.{name} (id int)")
    facts = {
        "DT": {"kind": "dynamic table"},
        "DT_FULL": {"kind": "dynamic table", "refresh_mode": "FULL"},
        "EXT": {"kind": "external table"},
        "EVT": {"kind": "event table"},
        "HYB": {"kind": "hybrid table"},
        "ICE": {"kind": "iceberg table"},
        "LAKE": {"kind": "iceberg table", "catalog": "GLUE"},
    }
    for name, declared in facts.items():
        standin.set_object(["ANALYTICS", "ORCH", name], **declared)
    shown = {row["name"]: row for row in rows(cursor, f"show tables in schema {SCHEMA}")}
    flags = ("is_external", "is_event", "is_hybrid", "is_iceberg", "is_dynamic")
    assert [flag for flag in flags if shown["EVT"][flag] == "Y"] == ["is_event"]
    assert [flag for flag in flags if shown["HYB"][flag] == "Y"] == ["is_hybrid"]
    assert [flag for flag in flags if shown["LAKE"][flag] == "Y"] == ["is_iceberg"]
    assert [row["refresh_mode"] for row in rows(cursor, f"show dynamic tables like 'DT%' in schema {SCHEMA}")] == [
        "INCREMENTAL",
        "FULL",
    ]
    assert [row["catalog_name"] for row in rows(cursor, f"show iceberg tables like 'LAKE' in schema {SCHEMA}")] == [
        "GLUE"
    ]
    refusals = {
        f"create stream {SCHEMA}.S1 on table {SCHEMA}.HYB": "Streams are not supported on hybrid tables",
        f"create stream {SCHEMA}.S2 on dynamic table {SCHEMA}.DT_FULL": "refreshes in FULL mode",
        f"create stream {SCHEMA}.S3 on table {SCHEMA}.EVT": "is an event table, not a table",
        f"create stream {SCHEMA}.S4 on table {SCHEMA}.LAKE": "only INSERT_ONLY streams are supported",
        f"create stream {SCHEMA}.S5 on table {SCHEMA}.ICE insert_only = true": "INSERT_ONLY can only be created on "
        "external tables",
    }
    for statement, refusal in refusals.items():
        with pytest.raises(ProgrammingError, match=refusal):
            cursor.execute(statement)
    for statement in (
        f"create stream {SCHEMA}.S6 on dynamic table {SCHEMA}.DT",
        f"create stream {SCHEMA}.S7 on event table {SCHEMA}.EVT",
        f"create stream {SCHEMA}.S8 on table {SCHEMA}.LAKE insert_only = true",
        f"create stream {SCHEMA}.S9 on external table {SCHEMA}.EXT insert_only = true",
        f"create stream {SCHEMA}.S10 on table {SCHEMA}.ICE",
    ):
        cursor.execute(statement)
    assert standin.account.facts(["ANALYTICS", "ORCH", "ICE"]).change_tracking


def test_views_keep_their_text_and_base_tables_and_streams_on_them_follow_the_rules(cursor, standin):
    cursor.execute(f"create table {SCHEMA}.BASE (id int, region varchar)")
    cursor.execute(f"create view {SCHEMA}.PLAIN as select id from BASE where id > 0")
    cursor.execute(f"create view {SCHEMA}.GROUPED as select region, count(*) as n from {SCHEMA}.BASE group by region")
    (plain,) = [row for row in rows(cursor, f"show views in schema {SCHEMA}") if row["name"] == "PLAIN"]
    assert plain["text"] == f"create view {SCHEMA}.PLAIN as select id from BASE where id > 0"
    references = rows(
        cursor,
        "select referenced_database_name, referenced_schema_name, referenced_object_name from table("
        '"ANALYTICS"."INFORMATION_SCHEMA"."GET_OBJECT_REFERENCES"(database_name => \'"ANALYTICS"\', '
        "schema_name => '\"ORCH\"', object_name => '\"PLAIN\"'))",
    )
    assert references == [
        {"REFERENCED_DATABASE_NAME": "ANALYTICS", "REFERENCED_SCHEMA_NAME": "ORCH", "REFERENCED_OBJECT_NAME": "BASE"}
    ]
    with pytest.raises(ProgrammingError, match="it uses GROUP BY"):
        cursor.execute(f"create stream {SCHEMA}.SG on view {SCHEMA}.GROUPED")
    # The base table belongs to another role without change tracking: the stream on the view is refused.
    standin.set_object(["ANALYTICS", "ORCH", "BASE"], owner="LOADER")
    with pytest.raises(ProgrammingError, match=r"Cannot enable change tracking on ANALYTICS\.ORCH\.BASE"):
        cursor.execute(f"create stream {SCHEMA}.SP on view {SCHEMA}.PLAIN")
    standin.set_object(["ANALYTICS", "ORCH", "BASE"], owner="LOADER", change_tracking=True)
    cursor.execute(f"create stream {SCHEMA}.SP on view {SCHEMA}.PLAIN")
    assert standin.account.facts(["ANALYTICS", "ORCH", "PLAIN"]).change_tracking


def test_quoted_identifiers_ignore_case_as_a_session_parameter(cursor, standin):
    """session_parameters.py: the session's value, upper-case result columns, and RESULT_SCAN by name or position."""
    cursor.execute(f"create stream {SCHEMA}.S on table {SCHEMA}.RAW_ORDERS")
    assert rows(cursor, "show parameters like 'QUOTED_IDENTIFIERS_IGNORE_CASE' in session")[0]["value"] == "false"
    cursor.execute("alter session set quoted_identifiers_ignore_case = true")
    (parameter,) = rows(cursor, "show parameters like 'QUOTED_IDENTIFIERS_IGNORE_CASE' in session")
    assert (parameter["value"], parameter["level"]) == ("true", "SESSION")
    assert list(rows(cursor, 'select 1 as "lower"')[0]) == ["LOWER"]
    cursor.execute(f"show streams in schema {SCHEMA}")
    with pytest.raises(ProgrammingError, match="invalid identifier"):
        cursor.execute('select "name" from table(result_scan(last_query_id()))')
    cursor.execute(f"show streams in schema {SCHEMA}")
    assert rows(cursor, "select $2 as STREAM_NAME from table(result_scan(last_query_id()))") == [{"STREAM_NAME": "S"}]
    with pytest.raises(ProgrammingError, match="not modelled by the stand-in"):
        cursor.execute(f'select * from {SCHEMA}."Raw Items"')
    cursor.execute("alter session unset quoted_identifiers_ignore_case")
    assert list(rows(cursor, 'select 1 as "lower"')[0]) == ["lower"]
    # A user's default reaches every new session, at level USER.
    standin.set_parameter("QUOTED_IDENTIFIERS_IGNORE_CASE", "true")
    (parameter,) = rows(connect("TRANSFORMER").cursor(), "show parameters like 'QUOTED%' in session")
    assert (parameter["value"], parameter["level"]) == ("true", "USER")


def test_show_pages_with_limit_from_and_refuses_too_many_rows_without_limit(cursor, standin, monkeypatch):
    """paging.py: LIMIT … FROM pages in name order, from the named row on; without LIMIT a SHOW has a ceiling."""
    for name in ("A1", "B2", "C3"):
        cursor.execute(f"create table {SCHEMA}.{name} (id int)")
        cursor.execute(f"create stream {SCHEMA}.S_{name} on table {SCHEMA}.{name}")
    tables = lambda sql: [row["name"] for row in rows(cursor, sql)]  # noqa: E731
    assert tables(f"show tables in schema {SCHEMA} limit 2") == ["A1", "B2"]
    assert tables(f"show tables in schema {SCHEMA} limit 2 from 'B2'") == ["B2", "C3"]
    assert tables(f"show streams in schema {SCHEMA} limit 10 from 'S_B'") == ["S_B2", "S_C3"]
    monkeypatch.setattr(paging, "SHOW_ROWS_WITHOUT_LIMIT", 2)
    with pytest.raises(ProgrammingError, match="more than 2 without LIMIT"):
        cursor.execute(f"show tables in schema {SCHEMA}")
    assert tables(f"show tables in schema {SCHEMA} limit 3") == ["A1", "B2", "C3", "RAW_ORDERS", "Raw Items"][:3]
