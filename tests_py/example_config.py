"""The example project's orchestration config (integration_tests/dbt_project.yml), as tests vary it."""

import copy
from pathlib import Path

import yaml

PACKAGE = "dbt_cloud_orchestration"
EXAMPLE_PROJECT = Path(__file__).resolve().parent.parent / "integration_tests"


def example_config() -> dict:
    project = yaml.safe_load((EXAMPLE_PROJECT / "dbt_project.yml").read_text())
    return copy.deepcopy(project["vars"][PACKAGE])


def shared_schema_vars() -> dict:
    """`--vars` putting every target in one schema: dev's objects meet prod's, as before isolation was the default."""
    return {PACKAGE: {**example_config(), "isolate_non_prod_schema": False}}
