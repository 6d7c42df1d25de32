"""Deploying the scenario's config as a team does: the watched tables exist, the one-time external access is
made, then `dbt run-operation build_orchestration_resources --target prod`, all through real dbt-core against
the Snowflake stand-in. The deployed warehouse (a folder) is kept, so several weeks can start from one build."""

from __future__ import annotations

import shutil
from pathlib import Path

import snowflake.connector
from snowflake_standin import DbtSession
from snowflake_standin.catalog import qualified
from snowflake_standin.dbt_session import DbtRun

from .events import JobSpec
from .scenario import ERROR_INTEGRATION, PACKAGE, Scenario, example_sources, watched_tables

# The token the external access stores: only the dbt Cloud stand-in ever sees it.
TOKEN = "dbtc_SIMULATED-week-token-0123456789"
PROD = "prod"
DEPLOYER_ROLE = "TRANSFORMER"  # the example profile's role


class DeployFailed(RuntimeError):
    pass


def _succeeded(run: DbtRun) -> DbtRun:
    if not run.success:
        raise DeployFailed(f"dbt {' '.join(run.args[:2])} failed: {run.errors or run.exception}\n{run.output[-3000:]}")
    return run


def deploy(scenario: Scenario, work_dir: Path) -> Path:
    """Builds the scenario's config into a new warehouse under work_dir; returns the warehouse folder."""
    with DbtSession(work_dir) as dbt:
        connection = snowflake.connector.connect(database="RAW")
        cursor = connection.cursor()
        for table in scenario.tables:
            database, schema, _ = table.split(".", 2)
            cursor.execute(f"create schema if not exists {database}.{schema}")
            cursor.execute(f"create table if not exists {table} (id int, loaded_at timestamp_ntz)")
        connection.close()
        # A queue notification integration the deploying role may use, for the tasks' ERROR_INTEGRATION.
        dbt.standin.add_notification_integration(ERROR_INTEGRATION, "QUEUE - AWS_SNS")
        dbt.standin.grant("USAGE", "INTEGRATION", ERROR_INTEGRATION, DEPLOYER_ROLE)
        vars = {PACKAGE: scenario.config}
        _succeeded(
            dbt.run(
                "run-operation",
                "create_dbt_cloud_external_access",
                vars=vars,
                target=PROD,
                env={"DBT_CLOUD_API_TOKEN": TOKEN},
            )
        )
        _succeeded(dbt.run("run-operation", "build_orchestration_resources", vars=vars, target=PROD))
        return dbt.standin.db_dir


def copy_warehouse(deployed: Path, destination: Path) -> Path:
    """A fresh copy of a deployed warehouse, for one simulated week."""
    shutil.copytree(deployed, destination)
    return destination


def job_specs(scenario: Scenario, catalog) -> list[JobSpec]:
    """The deployed jobs, with their task as the catalog has it; their streams' tables checked against the config."""
    sources = example_sources()
    tasks = {task.name: task for task in catalog.tasks.values()}
    specs = []
    for job in scenario.config["jobs"]:
        if job.get("enabled", True) is False:
            continue
        (task,) = [name for name in tasks if name.endswith(f"__{job['job_id']}")]
        tables = tuple(watched_tables(job, sources))
        streamed = sorted(
            qualified(stream.table) for stream in catalog.streams.values() if f"__{job['job_id']}__" in stream.name
        )
        if streamed != sorted(tables):
            raise DeployFailed(f"{job['name']}: streams on {streamed}, the config watches {sorted(tables)}")
        specs.append(
            JobSpec(
                name=job["name"],
                job_id=job["job_id"],
                task=task,
                tables=tables,
                schedule=job.get("schedule", "triggered"),
                upstream_job_id=job.get("upstream_job_id"),
                min_elapsed_seconds=job.get("min_elapsed_seconds", 0),
                min_start_time=job.get("min_start_time", "00:00"),
                max_start_time=job.get("max_start_time", "23:59"),
                days_of_week=tuple(_weekday(day) for day in job.get("days_of_week", range(7))),
            )
        )
    return specs


WEEKDAY_NAMES = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


def _weekday(day: int | str) -> int:
    """A config weekday as the package reads it: a name MON..SUN (any case) or a number, 0 = Monday."""
    return WEEKDAY_NAMES.index(day.upper()) if isinstance(day, str) else day
