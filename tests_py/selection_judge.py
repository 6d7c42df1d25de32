"""Real dbt as the judge of selective builds: runs dbt commands on tests_py/selection_project, in one process.

Run by tests_py/test_selective_builds.py as `python tests_py/selection_judge.py`, which answers each JSON
document it reads on stdin with one on stdout (see main). The project is copied to a scratch folder, its
raw tables are created in a DuckDB file, dbt parses it once and builds it once (so every node a narrowed
step reads exists, as in a deployment whose job ran before), and then each request goes through dbt's
documented programmatic entry point (`dbtRunner`) with the parsed manifest, so no request pays for parsing:

- `{"id", "kind": "ls", "args": [...]}`: the unique ids `dbt ls <args>` lists;
- `{"id", "kind": "params", "args": [...]}`: how dbt's CLI (click) reads `dbt <args>`: the group's and the
  command's parameters, each as its repr, and the members of its --select;
- `{"id", "kind": "run", "args": [...], "modes": [...]}`: `dbt <args>` for real (DuckDB executes every node),
  once per warn-error mode in the order given until one passes (see MODES), with what dbt wrote of its
  warn-error flags into run_results.json's `args`;
- `{"id", "kind": "options"}`: the options of `dbt` and its building commands, by the words each takes.

Each answer: `{"results": {id: ...}, "cost": {...}}`.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import io
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

# The environments a step can meet, strictest first: a warn-error set where the step cannot show it (the
# dbt Cloud environment's DBT_WARN_ERROR), the remedy the docs give for such an environment (the two
# empty-selection warnings stay warnings), and dbt's default. A step that passes in one passes in every
# later one: each makes a subset of the previous one's warnings errors and changes nothing else.
MODES = {
    "env-warn-error": {"DBT_WARN_ERROR": "true"},
    "env-warn-error-but-empty-selection": {
        "DBT_WARN_ERROR_OPTIONS": '{"error": "all", "warn": ["NoNodesForSelectionCriteria", "NothingToDo"]}'
    },
    "default": {},
}

RAW_TABLES = """
create schema raw; create schema crm; create schema archive;
create table raw.orders as select * from (values (1, 10, 5.0), (2, 11, 7.5)) t(id, customer_id, amount);
create table raw.customers as select * from (values (10, 'ann', 'NL'), (11, 'bob', 'FR')) t(customer_id, name, country);
create table raw.payments as select * from (values (1, true)) t(order_id, paid);
create table raw."3rd_party" as select * from (values (1, 'acme')) t(partner_id, partner);
create table raw.odd_star as select * from (values (2)) t(partner_id);
create table raw.oddxname as select * from (values (3)) t(partner_id);
create table crm.accounts as select * from (values (1, 'ann')) t(id, owner);
create table crm.contacts as select * from (values (1, 'a@example.com')) t(account_id, email);
create table archive.lonely as select 1 as x;
"""


def _base_environment(work: Path) -> dict[str, str]:
    """What every command runs with: the project and its profile, no tracking, no logs, no artifacts."""
    keep = {name: value for name, value in os.environ.items() if not name.startswith("DBT_")}
    return {
        **keep,
        "SELECTION_PROJECT_DB": str(work / "warehouse.duckdb"),
        "DBT_PROFILES_DIR": str(work / "project"),
        "DBT_PROJECT_DIR": str(work / "project"),
        "DBT_LOG_PATH": str(work / "logs"),
        "DBT_LOG_LEVEL": "none",
        "DBT_LOG_LEVEL_FILE": "none",
        "DBT_WRITE_JSON": "false",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_USE_COLORS": "false",
        "DO_NOT_TRACK": "1",
    }


@contextlib.contextmanager
def _environment(values: dict[str, str]):
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


class Judge:
    def __init__(self, project: Path, work: Path):
        import duckdb
        from dbt.cli.main import dbtRunner

        self._runner = dbtRunner
        self.commands = 0
        shutil.copytree(project, work / "project")
        self.base = _base_environment(work)
        connection = duckdb.connect(self.base["SELECTION_PROJECT_DB"])
        for statement in RAW_TABLES.split(";"):
            if statement.strip():
                connection.execute(statement)
        connection.close()
        with _environment(self.base):
            parsed = dbtRunner().invoke(["parse"])
        if not parsed.success:
            raise SystemExit(f"dbt parse failed: {parsed.exception}")
        self.manifest = parsed.result
        built = self.invoke(["build"], {})
        if not built.success:
            raise SystemExit(f"dbt build failed while setting up: {_message(built)}")

    def _fresh_manifest(self):
        # Compiling writes into the manifest's nodes (an ephemeral model's CTE, compiled code): each command
        # gets its own copy of them, so one command's compile never leaks into the next.
        return dataclasses.replace(self.manifest, nodes=copy.deepcopy(self.manifest.nodes))

    def invoke(self, args, environment):
        from dbt import deprecations

        # A dbt process starts having seen no deprecation; in one process dbt keeps them across commands,
        # and a later command under warn-error would fail on an earlier one's summary.
        deprecations.reset_deprecations()
        self.commands += 1
        argv = sys.argv
        sys.argv = ["dbt", *args]  # dbt records its command line (run_results.json's invocation_command) from it
        try:
            with _environment({**self.base, **environment}), contextlib.redirect_stdout(io.StringIO()):
                return self._runner(manifest=self._fresh_manifest()).invoke(list(args))
        finally:
            sys.argv = argv

    def ls(self, args):
        result = self.invoke([*args, "--output", "json", "--output-keys", "unique_id"], {})
        if not result.success:
            return {"error": _message(result)}
        return {"nodes": sorted(json.loads(line)["unique_id"] for line in result.result)}

    def run(self, args, modes):
        tried = {}
        for mode in modes:
            result = self.invoke(args, MODES[mode])
            if result.success:
                executed = sorted(item.node.unique_id for item in result.result.results)
                written = result.result.to_dict(omit_none=False)["args"]
                args = {key: written.get(key) for key in ("invocation_command", "warn_error", "warn_error_options")}
                return {"passed_in": mode, "failed": tried, "executed": executed, "args": args}
            tried[mode] = _message(result)
        return {"passed_in": None, "failed": tried, "executed": None}

    def params(self, args):
        import click
        from dbt.cli.main import cli

        try:
            with _environment(self.base):
                group = cli.make_context("dbt", list(args))
                name, command, rest = cli.resolve_command(group, [*group._protected_args, *group.args])
                sub = command.make_context(name, rest, parent=group)
        except click.ClickException as exc:
            return {"error": exc.format_message()}
        # dbt splits every --select value at spaces into the union's members (dbt/graph/cli.py, parse_union).
        members = [member for value in sub.params.get("select") or () for member in value.split(" ")]
        return {
            "command": name,
            "select_members": members,
            "group": {key: repr(value) for key, value in sorted(group.params.items())},
            "command_params": {key: repr(value) for key, value in sorted(sub.params.items())},
        }


def dbt_options() -> dict[str, str]:
    """Every option of `dbt` and of build, run, test, seed and snapshot, by the words click gives it:
    `value` (one), `list` (dbt's MultiOption: one, then every word up to the next option) or `flag`."""
    import click
    from dbt.cli.main import cli
    from dbt.cli.options import MultiOption

    kinds = {}
    for command in (cli, *(cli.commands[name] for name in ("build", "run", "test", "seed", "snapshot"))):
        for param in command.params:
            if not isinstance(param, click.Option):
                continue
            kind = "list" if isinstance(param, MultiOption) else "flag" if param.is_flag else "value"
            for name in (*param.opts, *param.secondary_opts):
                kinds[name] = kind
    return kinds


def _message(result) -> str:
    if result.exception is not None:
        return " ".join(str(result.exception).split())[:500]
    failures = [item for item in result.result.results if str(item.status) in ("error", "fail")]
    return "; ".join(f"{item.node.unique_id}: {item.message}" for item in failures)[:500] or "failed"


def main() -> None:
    """One JSON document per line on stdin, one answer per line on stdout, until stdin ends. The first
    names the project (`{"project": ...}`) and sets up; each holds `requests`."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="selection-judge-") as scratch:
        judge = None
        for line in sys.stdin:
            document = json.loads(line)
            if judge is None:
                judge = Judge(Path(document["project"]), Path(scratch))
            results = {}
            for item in document.get("requests", []):
                if item["kind"] == "ls":
                    results[item["id"]] = judge.ls(item["args"])
                elif item["kind"] == "params":
                    results[item["id"]] = judge.params(item["args"])
                elif item["kind"] == "options":
                    results[item["id"]] = dbt_options()
                else:
                    results[item["id"]] = judge.run(item["args"], item["modes"])
            cost = {
                "seconds": round(time.monotonic() - started, 1),
                "cpu": round(time.process_time(), 1),
                "dbt_commands": judge.commands,
            }
            print(json.dumps({"results": results, "cost": cost}), flush=True)


if __name__ == "__main__":
    main()
