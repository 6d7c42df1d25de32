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
from snowflake_standin import SnowflakeStandIn

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
        f"create network rule if not exists {SCHEMA}.RULE type = host_port mode = egress "
        "value_list = ('ab1.us1.dbt.com') comment = 'r'"
    )
    cursor.execute(
        f"create secret if not exists {SCHEMA}.TOKEN type = generic_string secret_string = %s comment = 'c'", (TOKEN,)
    )
    cursor.execute(
        f"create external access integration if not exists EAI allowed_network_rules = ({SCHEMA}.RULE) "
        f"allowed_authentication_secrets = ({SCHEMA}.TOKEN) enabled = true"
    )


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


def test_python_procedures_are_catalog_objects_that_never_run(cursor, standin):
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
    with pytest.raises(ProgrammingError, match="runs no procedure"):
        cursor.execute(f"call {SCHEMA}.P('a', 1, array_construct())")
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
    # build role and the owners' roles; then the orchestration schema, which does not exist.
    assert dbt_reads == [
        *(
            f'show {kind} in schema "RAW"."{schema}"'
            for schema in ("SALES", "INVENTORY", "FINANCE")
            for kind in ("tables", "views")
        ),
        """select current_role() as "role", is_role_in_session('TRANSFORMER') as "in_session:TRANSFORMER\"""",
        "show schemas like 'ORCHESTRATION' in database \"ANALYTICS\"",
    ]
