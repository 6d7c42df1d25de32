"""The example project's orchestration config (integration_tests/dbt_project.yml), as tests vary it."""

import copy
from pathlib import Path

import snowflake.connector
import yaml

PACKAGE = "dbt_cloud_orchestration"
EXAMPLE_PROJECT = Path(__file__).resolve().parent.parent / "integration_tests"


def example_config() -> dict:
    project = yaml.safe_load((EXAMPLE_PROJECT / "dbt_project.yml").read_text())
    return copy.deepcopy(project["vars"][PACKAGE])


def shared_schema_vars() -> dict:
    """`--vars` putting every target in one schema: dev's objects meet prod's, as before isolation was the default."""
    return {PACKAGE: {**example_config(), "isolate_non_prod_schema": False}}


# The example project's watched tables (its `tables:` and the sources it names), as SQL names.
WATCHED_TABLES = [
    "RAW.SALES.ORDERS",
    'RAW.SALES."Order Items"',
    "RAW.SALES.CUSTOMERS",
    "RAW.INVENTORY.STOCK_LEVELS",
    "RAW.FINANCE.GENERAL_LEDGER",
]


def create_watched_tables() -> None:
    """The example's watched tables, empty, in the stand-in (the build reads them and refuses missing ones)."""
    connection = snowflake.connector.connect(database="RAW")
    for table in WATCHED_TABLES:
        database, schema, _ = table.split(".", 2)
        connection.cursor().execute(f"create schema if not exists {database}.{schema}")
        connection.cursor().execute(f"create table {table} (id int)")
    connection.close()


def deploy_to_prod(session, token: str) -> None:
    """As a team deploys it: the external access once, then the build, both from the prod target."""
    access = session.run(
        "run-operation", "create_dbt_cloud_external_access", target="prod", env={"DBT_CLOUD_API_TOKEN": token}
    )
    assert access.success, access.errors
    build = session.run("run-operation", "build_orchestration_resources", target="prod")
    assert build.success, build.errors
