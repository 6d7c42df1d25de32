"""Run outcomes on the live path: a log table built by the version before run outcomes gains the outcome
columns in place, through real dbt-core + dbt-snowflake against the Snowflake stand-in
(tests_py/snowflake_standin, docs/testing-live-path.md). Its rows stay; nothing is replaced.
"""

from __future__ import annotations

import json
import re

import pytest
import snowflake.connector
from snowflake_standin import DbtRun, DbtSession

SCHEMA = '"ANALYTICS"."ORCHESTRATION"'
LOG_TABLE = f'{SCHEMA}."ORCHESTRATION_LOGS"'
WATCHED_TABLES = [
    "RAW.SALES.ORDERS",
    'RAW.SALES."Order Items"',
    "RAW.SALES.CUSTOMERS",
    "RAW.INVENTORY.STOCK_LEVELS",
    "RAW.FINANCE.GENERAL_LEDGER",
]
# The log table exactly as the version before run outcomes created it
# (git show 213701b:test/package/__snapshots__/full_example_dev.sql).
OLDER_LOG_TABLE = f"""create table if not exists {LOG_TABLE} (
  invoked_at timestamp_ltz not null,
  job_name varchar not null,
  job_id number not null,
  task_name varchar not null,
  status varchar not null,
  run_id number,
  run_url varchar,
  result variant,
  logs array
) comment = 'Managed by the dbt_cloud_orchestration dbt package: one row per orchestration task invocation \
(definition d89df7e6112f987340a994b64cd7c0e5)'"""
OUTCOME_COLUMNS = ["RUN_STATUS", "RUN_FINISHED_AT", "RUN_DURATION_SECONDS"]


def query(sql: str, database: str = "ANALYTICS") -> list[tuple]:
    """One statement through the connector (fakesnow creates the database it connects to)."""
    connection = snowflake.connector.connect(database=database)
    try:
        cursor = connection.cursor()
        cursor.execute(sql)
        return cursor.fetchall() if cursor.description else []
    finally:
        connection.close()


def log_columns() -> list[str]:
    return [row[0].upper() for row in query(f"describe table {LOG_TABLE}")]


def build(dbt: DbtSession, dry_run: bool) -> DbtRun:
    run = dbt.run("run-operation", "build_orchestration_resources", "--args", json.dumps({"dry_run": dry_run}))
    assert run.success, run.errors or run.exception
    return run


@pytest.fixture(scope="module")
def dbt(tmp_path_factory):
    with DbtSession(tmp_path_factory.mktemp("live-outcomes")) as session:
        for table in WATCHED_TABLES:
            database, schema, _ = table.split(".", 2)
            query(f"create schema if not exists {database}.{schema}", database)
            query(f"create table {table} (id int)", database)
        query(f"create schema if not exists {SCHEMA}")
        # The one-time setup the procedure needs (network rule, secret, integration), as a user runs it.
        setup = session.run("run-operation", "create_dbt_cloud_external_access", env={"DBT_CLOUD_API_TOKEN": "dbtc_x"})
        assert setup.success, setup.errors or setup.exception
        query(OLDER_LOG_TABLE)
        query(
            f"insert into {LOG_TABLE} (invoked_at, job_name, job_id, task_name, status, run_id, run_url)"
            " values (current_timestamp(), 'daily sales', 67890, 'ORCH_TASK__DAILY_SALES__67890', 'TRIGGERED', 123456,"
            " 'https://ab123.us1.dbt.com/deploy/12345/projects/70/runs/123456/'),"
            " (current_timestamp(), 'finance close', 67892, 'ORCH_TASK__FINANCE_CLOSE__67892', 'SKIPPED', null, null)"
        )
        yield session


def test_the_dry_run_plans_the_new_columns_as_an_update_with_its_reason(dbt):
    run = build(dbt, dry_run=True)
    assert all(statement.reads_only for statement in run.statements)
    assert run.statements[-1].sql == f"describe table {LOG_TABLE}", "one query reads the log table's columns"
    reason = "lacks run_status, run_finished_at, run_duration_seconds: added in place, rows kept"
    assert ("update", "log table", "ANALYTICS.ORCHESTRATION.ORCHESTRATION_LOGS", reason) in run.plan_rows
    assert "RUN_STATUS" not in log_columns()


def test_the_build_adds_the_columns_in_place_and_keeps_every_row(dbt):
    rows_before = query(f"select job_id, status, run_id, run_url from {LOG_TABLE} order by job_id")
    run = build(dbt, dry_run=False)
    on_the_log_table = [s.sql for s in run.statements if "ORCHESTRATION_LOGS" in s.sql and not s.reads_only]
    assert on_the_log_table[:3] == [
        f"alter table {LOG_TABLE} add column if not exists run_status varchar",
        f"alter table {LOG_TABLE} add column if not exists run_finished_at timestamp_ltz",
        f"alter table {LOG_TABLE} add column if not exists run_duration_seconds number",
    ]
    assert not [sql for sql in on_the_log_table if re.match(r"(create|drop)[^\n]*table", sql, re.IGNORECASE)]
    assert log_columns()[-3:] == OUTCOME_COLUMNS
    assert query(f"select job_id, status, run_id, run_url from {LOG_TABLE} order by job_id") == rows_before
    assert (
        query(f"select run_status, run_finished_at, run_duration_seconds from {LOG_TABLE}") == [(None, None, None)] * 2
    )


def test_a_rebuild_finds_the_table_current(dbt):
    run = build(dbt, dry_run=False)
    assert (
        "unchanged",
        "log table",
        "ANALYTICS.ORCHESTRATION.ORCHESTRATION_LOGS",
        "exists (never replaced)",
    ) in run.plan_rows
    assert not [s.sql for s in run.statements if s.sql.startswith("alter table")]
