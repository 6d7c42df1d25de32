"""The task bodies the package builds, run: the example project built through real dbt-core against the
stand-in, then each task's stored definition executed by the stand-in's Snowflake Scripting executor
(snowflake_standin/scripting.py), its statements through the stand-in's cursor, on a simulated clock.

The procedure itself is not run here: a test either refuses CALL by name or passes a double for the
procedure (the test names say which).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
import snowflake.connector
from example_config import shared_schema_vars
from snowflake.connector.errors import ProgrammingError
from snowflake_standin import DbtSession, clock, procedure_calls
from snowflake_standin.scripting import execute_task_body
from snowflake_standin.scripting_errors import ProcedureCallNotModelled, TaskBodyFailed

TOKEN = "dbtc_BODY-s3cret-Tok3n-0123456789"
SCHEMA = '"ANALYTICS"."ORCHESTRATION"'
WATCHED_TABLES = [
    "RAW.SALES.ORDERS",
    'RAW.SALES."Order Items"',
    "RAW.SALES.CUSTOMERS",
    "RAW.INVENTORY.STOCK_LEVELS",
    "RAW.FINANCE.GENERAL_LEDGER",
]
DAILY_SALES_TASK = "ORCH_TASK__DAILY_SALES__67890"
FINANCE_TASK = "ORCH_TASK__FINANCE_CLOSE__67892"
DAILY_SALES_STREAMS = [
    "ORCH_STREAM__67890__RAW__SALES__ORDERS",
    "ORCH_STREAM__67890__RAW__SALES__ORDER_ITEMS",
    "ORCH_STREAM__67890__RAW__SALES__CUSTOMERS",
]
FINANCE_STREAM = "ORCH_STREAM__67892__RAW__FINANCE__GENERAL_LEDGER"
# Each test runs at a later time than the one before (the newest log row is the test's own).


def monday(hour: int) -> datetime:
    """Monday 9 March 2026, `hour` o'clock in Chicago (UTC-5): inside daily sales' window (06:00-20:00,
    Monday to Friday) from 6 to 19."""
    return datetime(2026, 3, 9, hour + 5, 0, tzinfo=UTC)


# Sunday 8 March 2026, 10:00 in Chicago: a day daily sales does not start on.
SUNDAY = datetime(2026, 3, 8, 15, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The example project's dev build, then (as a second warehouse) its prod build."""
    with DbtSession(tmp_path_factory.mktemp("task-bodies")) as session:
        connection = snowflake.connector.connect(database="RAW")
        cursor = connection.cursor()
        for table in WATCHED_TABLES:
            database, schema, _ = table.split(".", 2)
            cursor.execute(f"create schema if not exists {database}.{schema}")
            cursor.execute(f"create table {table} (id int)")
        connection.close()
        for command in (
            ("run-operation", "create_dbt_cloud_external_access"),
            ("run-operation", "build_orchestration_resources"),
        ):
            # Dev first, then prod (below), in one schema: the same objects built by each.
            run = session.run(*command, vars=shared_schema_vars(), env={"DBT_CLOUD_API_TOKEN": TOKEN})
            assert run.success, run.errors or run.exception
        yield session


@pytest.fixture
def at():
    def set_time(moment: datetime) -> None:
        clock.set_clock(moment)

    yield set_time
    clock.reset_clock()


@pytest.fixture
def cursor(built):
    connection = snowflake.connector.connect(database="ANALYTICS", schema="ORCHESTRATION")
    yield connection.cursor()
    connection.close()


@pytest.fixture(scope="module")
def prod(built):
    """The same warehouse rebuilt for the prod target: the bodies now call the procedure."""
    run = built.run("run-operation", "build_orchestration_resources", vars=shared_schema_vars(), target="prod")
    assert run.success, run.errors or run.exception
    return built


def pending(cursor, stream: str) -> int:
    cursor.execute(f"select count(*) from {SCHEMA}.{stream}")
    return cursor.fetchone()[0]


def last_log_row(cursor) -> dict:
    cursor.execute(
        f"select job_id, status, run_id, result from {SCHEMA}.ORCHESTRATION_LOGS order by invoked_at desc limit 1"
    )
    job_id, status, run_id, result = cursor.fetchone()
    return {"job_id": job_id, "status": status, "run_id": run_id, "result": json.loads(result)}


def log_count(cursor) -> int:
    cursor.execute(f"select count(*) from {SCHEMA}.ORCHESTRATION_LOGS")
    return cursor.fetchone()[0]


def new_orders(cursor, *ids: int) -> None:
    cursor.execute(f"insert into RAW.SALES.ORDERS values {', '.join(f'({i})' for i in ids)}")


class ProcedureDouble:
    """Stands in for the procedure in a unit test of the executor: records its calls, answers `result`."""

    def __init__(self, result: object = None, error: Exception | None = None):
        self.result, self.error = result, error
        self.calls: list[tuple[list[str], list[object]]] = []

    def __call__(self, name: list[str], args: list[object], cursor: object) -> object:
        self.calls.append((name, args))
        if self.error is not None:
            raise self.error
        return self.result


# ---- dev: the body calls nobody --------------------------------------------------------------------------


def test_the_dev_body_runs_to_its_end_logs_skipped_and_keeps_the_changes(built, cursor, at):
    at(datetime(2026, 3, 6, 15, 0, tzinfo=UTC))  # Friday 6 March, 09:00 in Chicago
    new_orders(cursor, 1, 2)
    logged = log_count(cursor)
    result = execute_task_body(cursor, built.standin.task(DAILY_SALES_TASK).definition)
    assert result == "SKIPPED"
    row = last_log_row(cursor)
    assert (row["job_id"], row["status"], row["run_id"]) == (67890, "SKIPPED", None)
    assert row["result"]["logs"] == ["target dev is not a prod target: dbt Cloud was not called"]
    assert log_count(cursor) == logged + 1
    # Not triggered: the transaction that read the streams rolled back, the changes wait.
    assert pending(cursor, DAILY_SALES_STREAMS[0]) == 2
    keywords = [s.keyword for s in built.standin.statements[-14:]]
    assert "BEGIN" in keywords and "ROLLBACK" in keywords


def test_outside_its_weekdays_the_body_logs_why_and_reads_no_stream(built, cursor, at):
    at(SUNDAY)
    new_orders(cursor, 3)
    before = built.standin.stream(DAILY_SALES_STREAMS[0]).offset_on
    mark = built.standin.mark()
    assert execute_task_body(cursor, built.standin.task(DAILY_SALES_TASK).definition) == "SKIPPED"
    assert last_log_row(cursor)["result"]["logs"] == [
        "outside the start window or weekdays (America/Chicago); changes wait for the next run"
    ]
    sent = " ".join(s.sql for s in built.standin.statements_since(mark))
    assert "ORCH_STREAM__" not in sent
    assert built.standin.stream(DAILY_SALES_STREAMS[0]).offset_on == before


# ---- prod: the body calls the procedure -----------------------------------------------------------------


def test_with_calls_refused_the_prod_body_runs_up_to_the_call_which_is_refused_by_name(prod, cursor, at):
    built = prod
    at(monday(9))
    new_orders(cursor, 4)
    logged, waiting = log_count(cursor), pending(cursor, DAILY_SALES_STREAMS[0])
    mark = built.standin.mark()
    with (
        procedure_calls.calling(procedure_calls.refuse),
        pytest.raises(
            ProcedureCallNotModelled, match=r"CALL of a stored procedure is not modelled: .*DBT_CLOUD_RUN_JOB"
        ),
    ):
        execute_task_body(cursor, built.standin.task(DAILY_SALES_TASK).definition)
    sent = [s.sql for s in built.standin.statements_since(mark)]
    assert sent[-3].startswith("select array_agg(run_id)"), "the statement before the CALL ran"
    assert sent[-2].startswith("select 'https://ab123.us1.dbt.com', 12345, 67890"), "the CALL's arguments"
    assert sent[-1] == "rollback", "the transaction the refused body left open is rolled back"
    # The refusal is not a Snowflake error: the body's handler did not run (no ERROR row).
    assert log_count(cursor) == logged
    assert pending(cursor, DAILY_SALES_STREAMS[0]) == waiting


def test_with_a_procedure_double_triggered_commits_the_streams_and_logs_the_run(prod, cursor, at):
    built = prod
    at(monday(10))
    new_orders(cursor, 5)
    procedure = ProcedureDouble(
        {"status": "TRIGGERED", "run_id": 9001, "run_url": "https://ab123.us1.dbt.com/run/9001", "logs": ["ok"]}
    )
    assert execute_task_body(cursor, built.standin.task(DAILY_SALES_TASK).definition, procedure) == "TRIGGERED"
    ((name, args),) = procedure.calls
    assert name == ["ANALYTICS", "ORCHESTRATION", "DBT_CLOUD_RUN_JOB"]
    assert args[:3] == ["https://ab123.us1.dbt.com", 12345, 67890]
    row = last_log_row(cursor)
    assert (row["job_id"], row["status"], row["run_id"]) == (67890, "TRIGGERED", 9001)
    assert [pending(cursor, stream) for stream in DAILY_SALES_STREAMS] == [0, 0, 0]
    cursor.execute(f"select system$stream_has_data('{SCHEMA}.{DAILY_SALES_STREAMS[0]}')")
    assert cursor.fetchone() == (False,)


def test_with_a_procedure_double_a_skip_rolls_back_and_the_changes_wait(prod, cursor, at):
    built = prod
    at(monday(11))
    new_orders(cursor, 6)
    waiting = pending(cursor, DAILY_SALES_STREAMS[0])
    procedure = ProcedureDouble({"status": "SKIPPED", "run_id": None, "logs": ["upstream job 111 is running"]})
    assert execute_task_body(cursor, built.standin.task(DAILY_SALES_TASK).definition, procedure) == "SKIPPED"
    ((_, args),) = procedure.calls
    options = dict(args[-1])
    # The changes' key (md5 of the watched tables' SYSTEM$LAST_CHANGE_COMMIT_TIME), for adoption.
    assert re.fullmatch(r"[0-9a-f]{32}", options.pop("change_key"))
    assert options == {"known_run_ids": [9001]}, "the run the previous test's invocation logged, unfinished"
    assert last_log_row(cursor)["status"] == "SKIPPED"
    assert pending(cursor, DAILY_SALES_STREAMS[0]) == waiting


def test_with_a_failing_procedure_double_the_body_logs_error_and_fails_the_run(prod, cursor, at):
    built = prod
    at(monday(12))
    new_orders(cursor, 7)
    waiting = pending(cursor, DAILY_SALES_STREAMS[0])
    failure = ProgrammingError(msg="Python Interpreter Error: the token expired", errno=100357, sqlstate="P0000")
    with pytest.raises(TaskBodyFailed) as failed:
        execute_task_body(cursor, built.standin.task(DAILY_SALES_TASK).definition, ProcedureDouble(error=failure))
    assert (failed.value.sqlcode, failed.value.sqlerrm) == (100357, "Python Interpreter Error: the token expired")
    row = last_log_row(cursor)
    assert row["status"] == "ERROR"
    assert row["result"]["logs"] == ["the task failed: Python Interpreter Error: the token expired"]
    assert pending(cursor, DAILY_SALES_STREAMS[0]) == waiting, "the handler rolled the stream reads back"


def test_with_a_procedure_double_a_selective_job_is_told_which_sources_changed(prod, cursor, at):
    built = prod
    at(monday(13))
    cursor.execute("insert into RAW.FINANCE.GENERAL_LEDGER values (1)")
    procedure = ProcedureDouble({"status": "TRIGGERED", "run_id": 9002, "logs": []})
    assert execute_task_body(cursor, built.standin.task(FINANCE_TASK).definition, procedure) == "TRIGGERED"
    ((_, args),) = procedure.calls
    assert args[-1]["select_changed"] is True
    assert args[-1]["changed_sources"] == [{"table": "RAW.FINANCE.GENERAL_LEDGER", "source": "raw_finance.ledger"}]
    assert pending(cursor, FINANCE_STREAM) == 0
