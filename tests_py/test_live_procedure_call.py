"""The procedure runs: a CALL of the package's procedure, built through real dbt-core into the Snowflake
stand-in, executes the handler source as CREATE PROCEDURE stored it (snowflake_standin/procedures.py)
against the dbt Cloud stand-in (fake_dbt_cloud.py, spec-validated), reached only through the network
rule's host and with the token only through the procedure's SECRETS.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
import snowflake.connector
from example_config import create_watched_tables, deploy_to_prod
from fake_dbt_cloud import FakeDbtCloud
from snowflake_standin import DbtSession, clock
from snowflake_standin.procedures import call_procedure

PACKAGE = "dbt_cloud_orchestration"
TOKEN = "dbtc_CALL-s3cret-Tok3n-1122334455"  # never printed: compared by digest
SCHEMA = "ANALYTICS.ORCHESTRATION"
PROCEDURE = f"{SCHEMA}.DBT_CLOUD_RUN_JOB"
ACCESS_HOST = "ab123.us1.dbt.com"
NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)  # a Wednesday


@pytest.fixture(scope="module")
def dbt(tmp_path_factory):
    with DbtSession(tmp_path_factory.mktemp("procedure-call")) as session:
        create_watched_tables()
        deploy_to_prod(session, TOKEN)
        yield session


@pytest.fixture
def cloud(dbt, openapi):
    clock.set_clock(NOW)
    server = FakeDbtCloud(openapi, now=clock.current_time).start()
    server.scenario.account_id = 12345
    server.add_job(67890)
    dbt.standin.route_egress(ACCESS_HOST, server.url)
    dbt.standin.egress_log.clear()
    try:
        yield server
    finally:
        server.stop()
        dbt.standin.egress_routes.clear()
        clock.reset_clock()
    assert server.violations == [], "\n".join(server.violations)


def call(arguments: str) -> dict:
    connection = snowflake.connector.connect(database="ANALYTICS", schema="ORCHESTRATION")
    try:
        cursor = connection.cursor()
        cursor.execute(f"call {PROCEDURE}({arguments})")
        (value,) = cursor.fetchone()
        assert [column[0] for column in cursor.description] == ["DBT_CLOUD_RUN_JOB"]
        return json.loads(value)
    finally:
        connection.close()


def job_arguments(access_url: str = f"https://{ACCESS_HOST}", options: str = "object_construct()") -> str:
    """The arguments the daily-sales task passes, in the procedure's order (its window open all day)."""
    return (
        f"'{access_url}', 12345, 67890, 'Triggered by Snowflake task {SCHEMA}.ORCH_TASK__DAILY_SALES__67890', null,"
        f" 300, '00:00', '23:59', array_construct(0, 1, 2, 3, 4, 5, 6), 'America/Chicago', {options}"
    )


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_a_call_runs_the_stored_handler_and_triggers_the_job(dbt, cloud):
    outcome = call(job_arguments())
    assert outcome["status"] == "TRIGGERED", outcome["logs"]
    (trigger,) = cloud.calls("POST")
    assert trigger.path == "/api/v2/accounts/12345/jobs/67890/run/"
    assert json.loads(trigger.body)["cause"] == f"Triggered by Snowflake task {SCHEMA}.ORCH_TASK__DAILY_SALES__67890"
    assert digest(trigger.headers["authorization"]) == digest(f"Bearer {TOKEN}")
    (run,) = cloud.scenario.jobs[67890]
    assert (outcome["run_id"], run.created_at) == (run.id, NOW)  # dbt Cloud's clock is the simulated one
    assert {(a.host, a.port, a.allowed) for a in dbt.standin.egress_log} == {(ACCESS_HOST, 443, True)}
    assert TOKEN not in json.dumps(outcome)


def test_arguments_reach_the_handler_typed_as_snowflake_passes_them(dbt, cloud):
    """NUMBER → int, ARRAY → list, VARIANT object → dict: known_run_ids is read from the options object."""
    cloud.add_run(67890, 10, NOW.replace(hour=9), finished_at=NOW.replace(hour=9, minute=5), run_id=4242)
    outcome = call(job_arguments(options="object_construct('known_run_ids', array_construct(4242))"))
    assert outcome["status"] == "TRIGGERED", outcome["logs"]
    assert [(run["run_id"], run["status"]) for run in outcome["runs"]][:1] == [(4242, "Success")]


def test_a_call_inside_a_task_body_gets_the_value_back(dbt, cloud):
    """call_procedure: the hook a body's CALL … INTO uses, with argument values already evaluated."""
    connection = snowflake.connector.connect(database="ANALYTICS", schema="ORCHESTRATION")
    try:
        outcome = call_procedure(
            connection.cursor(),
            '"ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_RUN_JOB"',
            [f"https://{ACCESS_HOST}", 12345, 67890, "cause", None, 300, "00:00", "23:59", list(range(7)), "UTC", {}],
        )
    finally:
        connection.close()
    assert outcome["status"] == "TRIGGERED", outcome["logs"]
    assert len(cloud.calls("POST")) == 1


def test_egress_to_another_host_is_refused_before_anything_is_sent(dbt, cloud):
    outcome = call(job_arguments(access_url="https://attacker.example.com"))
    assert outcome["status"] == "ERROR"
    assert any("connection failed" in line for line in outcome["logs"]), outcome["logs"]
    assert cloud.requests == []
    # Every attempt (the handler retries a request that never reached a server) was refused, none routed.
    assert {(a.host, a.port, a.allowed, a.routed_to) for a in dbt.standin.egress_log} == {
        ("attacker.example.com", 443, False, None)
    }


def test_no_secret_for_a_procedure_without_secrets(dbt, cloud):
    """The same handler source, integration and network rule, but no SECRETS clause: no token, no request."""
    stored = next(p for p in dbt.standin.catalog.procedures.values() if p.name == "DBT_CLOUD_RUN_JOB")
    connection = snowflake.connector.connect(database="ANALYTICS", schema="ORCHESTRATION")
    try:
        connection.cursor().execute(
            f"create or replace procedure {SCHEMA}.NO_SECRETS(access_url varchar, account_id number, job_id number,"
            " cause varchar, upstream_job_id number, min_elapsed_seconds number, min_start_time varchar,"
            " max_start_time varchar, days_of_week array, timezone varchar, options variant)"
            " returns variant language python runtime_version = '3.11'"
            " packages = ('snowflake-snowpark-python', 'requests') handler = 'main'"
            " external_access_integrations = (DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION)"
            f" as $${stored.definition}$$"
        )
        cursor = connection.cursor()
        cursor.execute(f"call {SCHEMA}.NO_SECRETS({job_arguments()})")
        outcome = json.loads(cursor.fetchone()[0])
    finally:
        connection.close()
    assert outcome["status"] == "ERROR"
    assert outcome["logs"] == ["ERROR: cannot read the secret 'dbt_cloud_token' (ValueError)"]
    assert cloud.requests == []


def test_no_secret_once_the_integration_stops_allowing_it(dbt, cloud):
    connection = snowflake.connector.connect(database="ANALYTICS", schema="ORCHESTRATION")
    cursor = connection.cursor()
    integration = "alter external access integration DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION"
    cursor.execute(f"create secret if not exists {SCHEMA}.OTHER_TOKEN type = generic_string secret_string = 'other'")
    cursor.execute(f"{integration} set allowed_authentication_secrets = ({SCHEMA}.OTHER_TOKEN)")
    try:
        outcome = call(job_arguments())
    finally:
        cursor.execute(f"{integration} set allowed_authentication_secrets = ({SCHEMA}.DBT_CLOUD_ACCESS_TOKEN)")
        connection.close()
    assert outcome["status"] == "ERROR"
    assert outcome["logs"] == ["ERROR: cannot read the secret 'dbt_cloud_token' (ValueError)"]
    assert cloud.requests == []


def test_what_the_stand_in_does_not_run_is_refused_by_name(dbt, cloud):
    connection = snowflake.connector.connect(database="ANALYTICS", schema="ORCHESTRATION")
    cursor = connection.cursor()
    try:
        cursor.execute(
            f"create or replace procedure {SCHEMA}.OLD_RUNTIME() returns variant language python"
            " runtime_version = '3.9' packages = ('snowflake-snowpark-python') handler = 'main'"
            " as $$\ndef main(session):\n    return 1\n$$"
        )
        with pytest.raises(snowflake.connector.errors.ProgrammingError, match=r"RUNTIME_VERSION '3\.9'"):
            cursor.execute(f"call {SCHEMA}.OLD_RUNTIME()")
        cursor.execute(
            f"create or replace procedure {SCHEMA}.PANDAS() returns variant language python"
            " runtime_version = '3.11' packages = ('snowflake-snowpark-python', 'pandas') handler = 'main'"
            " as $$\ndef main(session):\n    return 1\n$$"
        )
        with pytest.raises(snowflake.connector.errors.ProgrammingError, match=r"PACKAGES \['pandas'\]"):
            cursor.execute(f"call {SCHEMA}.PANDAS()")
        cursor.execute(
            f"create or replace procedure {SCHEMA}.RAW_SOCKET() returns variant language python"
            " runtime_version = '3.11' packages = ('snowflake-snowpark-python') handler = 'main'"
            " as $$\nimport socket\ndef main(session):\n    return 1\n$$"
        )
        with pytest.raises(snowflake.connector.errors.ProgrammingError, match="import socket"):
            cursor.execute(f"call {SCHEMA}.RAW_SOCKET()")
    finally:
        connection.close()
    assert cloud.requests == []


def test_a_scheduled_task_calls_the_procedure_at_its_times(dbt, cloud):
    """A task whose body is the CALL: the scheduler fires it, the handler triggers dbt Cloud at that time."""
    scheduler = dbt.standin.scheduler
    connection = snowflake.connector.connect(database="ANALYTICS", schema="ORCHESTRATION")
    cursor = connection.cursor()
    hourly = f"create or replace task {SCHEMA}.HOURLY_CALL schedule = '60 MINUTE'"
    cursor.execute(f"{hourly} as call {PROCEDURE}({job_arguments()})")
    broken = f"create or replace task {SCHEMA}.BROKEN_CALL schedule = '60 MINUTE' suspend_task_after_num_failures = 1"
    cursor.execute(f"{broken} as call {SCHEMA}.NO_SUCH_PROCEDURE()")
    cursor.execute(f"alter task {SCHEMA}.HOURLY_CALL resume")
    cursor.execute(f"alter task {SCHEMA}.BROKEN_CALL resume")
    try:
        runs = scheduler.run_until(NOW + timedelta(minutes=90))
    finally:
        cursor.execute(f"drop task {SCHEMA}.HOURLY_CALL")
        cursor.execute(f"drop task if exists {SCHEMA}.BROKEN_CALL")
        connection.close()
    by_task = {run.task.rsplit(".", 1)[-1]: run for run in runs}
    hourly, broken = by_task["HOURLY_CALL"], by_task["BROKEN_CALL"]
    assert (hourly.state, hourly.started) == ("SUCCEEDED", NOW + timedelta(hours=1))
    assert json.loads(hourly.return_value)["status"] == "TRIGGERED"
    (run,) = cloud.scenario.jobs[67890]
    assert run.created_at == NOW + timedelta(hours=1)
    assert broken.state == "FAILED_AND_AUTO_SUSPENDED"
    assert "NO_SUCH_PROCEDURE' does not exist" in broken.error
