"""The runtime end to end: rows land in a watched table, the package's triggered task fires on the simulated
clock (scheduler.py), its stored Snowflake Scripting body runs (scripting.py), its CALL runs the package's
procedure as stored (procedures.py), and the dbt Cloud stand-in gets exactly one trigger; the stream is
consumed and the log row written. Everything was built through real dbt-core (prod target).
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

pytest.importorskip("snowflake_standin.scripting", reason="the Snowflake Scripting executor runs the task bodies")

TOKEN = "dbtc_E2E-s3cret-Tok3n-5566778899"  # compared by digest, never printed
ACCESS_HOST = "ab123.us1.dbt.com"
INVENTORY_TASK = "ORCH_TASK__INVENTORY_SNAPSHOT__67891"
INVENTORY_STREAM = "ORCH_STREAM__67891__RAW__INVENTORY__STOCK_LEVELS"
# Wednesday 20 May 2026, 23:00 in Chicago (UTC-5): inside inventory snapshot's window (22:00-02:00).
EVENING = datetime(2026, 5, 21, 4, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def dbt(tmp_path_factory):
    with DbtSession(tmp_path_factory.mktemp("runtime-end-to-end")) as session:
        create_watched_tables()
        deploy_to_prod(session, TOKEN)
        yield session


@pytest.fixture
def cloud(dbt, openapi):
    clock.set_clock(EVENING)
    server = FakeDbtCloud(openapi, now=clock.current_time).start()
    server.scenario.account_id = 12345
    for job_id in (111, 67890, 67891, 67892):
        server.add_job(job_id)
    dbt.standin.route_egress(ACCESS_HOST, server.url)
    try:
        yield server
    finally:
        server.stop()
        dbt.standin.egress_routes.clear()
        clock.reset_clock()
    assert server.violations == [], "\n".join(server.violations)


def test_rows_landing_fire_the_triggered_task_which_triggers_dbt_cloud_once(dbt, cloud):
    scheduler = dbt.standin.scheduler
    quiet = scheduler.run_until(EVENING + timedelta(minutes=10))
    assert [run for run in quiet if run.task.endswith(INVENTORY_TASK)] == []  # no data: no run
    connection = snowflake.connector.connect(database="RAW")
    connection.cursor().execute("insert into RAW.INVENTORY.STOCK_LEVELS values (1), (2)")
    connection.close()
    runs = [run for run in scheduler.run_until(EVENING + timedelta(hours=1)) if run.task.endswith(INVENTORY_TASK)]
    (run,) = runs  # consumed: the stream is empty afterwards, so the task does not run again within the hour
    assert (run.state, run.scheduled_from, run.keep_alive) == ("SUCCEEDED", "TRIGGER", False)
    assert run.started == EVENING + timedelta(minutes=10)
    assert run.return_value == "TRIGGERED"
    (trigger,) = cloud.calls("POST")
    assert trigger.path == "/api/v2/accounts/12345/jobs/67891/run/"
    assert (
        hashlib.sha256(trigger.headers["authorization"].encode()).digest()
        == hashlib.sha256(f"Bearer {TOKEN}".encode()).digest()
    )
    connection = snowflake.connector.connect(database="ANALYTICS")
    cursor = connection.cursor()
    cursor.execute(f"select system$stream_has_data('ANALYTICS.ORCHESTRATION.{INVENTORY_STREAM}')")
    assert cursor.fetchone() == (False,)
    cursor.execute(
        "select status, run_id, invoked_at from ANALYTICS.ORCHESTRATION.ORCHESTRATION_LOGS where job_id = 67891"
    )
    ((status, run_id, invoked_at),) = cursor.fetchall()
    connection.close()
    (dbt_cloud_run,) = cloud.scenario.jobs[67891]
    assert (status, run_id) == ("TRIGGERED", dbt_cloud_run.id)
    assert invoked_at.astimezone(UTC) == EVENING + timedelta(minutes=10)  # CURRENT_TIMESTAMP is the simulated clock
    assert json.dumps([r.return_value for r in runs]).count("TRIGGERED") == 1
