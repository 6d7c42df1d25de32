#!/usr/bin/env python3
"""The names dbt already gives a meaning, which no macro of the package may take.

A package macro named like one of dbt's hides dbt's inside the package (a helper named
`statement` broke dbt's own `run_query`). The compiler refuses these names (TSJ1009); this script
writes the list it reads, scripts/compiler/dbt-reserved-names.json, from the installed dbt:

- dbt-core's context members: every `@contextmember` / `@contextproperty` of every context class
  in `dbt.context.*` (`_context_members_`, collected by dbt's ContextMeta), plus `context` and
  `builtins`, which `BaseContext.to_dict` adds;
- Jinja's globals (`jinja2.defaults.DEFAULT_NAMESPACE`: `range`, `namespace`, ...), which dbt's
  environment keeps;
- the macros of dbt-core, dbt-adapters and dbt-snowflake: `{% macro name(` in every
  `dbt/include/*/macros/**/*.sql` they install in .venv (not another adapter's), and those packages'
  names (`dbt`, `dbt_snowflake`), which are namespaces in every macro's context;
- dbt 2.x (.venv-fusion): a single Rust binary without Python sources. Its bundled macros (every
  adapter's and some bundled packages') are in the binary as text; `{% macro name(` is read from
  its bytes, as `strings` would show them. Its context members are built in Rust and cannot be
  listed this way; dbt 2.x implements dbt-core's context, which the dbt-core part covers.

Usage: `.venv/bin/python scripts/compiler/dbt_reserved_names.py` rewrites the list;
`--check [--list PATH]` exits 1 naming every name the installed dbt defines that the list lacks.
"""

from __future__ import annotations

import argparse
import glob
import importlib
import inspect
import json
import os
import pkgutil
import re
import sys
from importlib import metadata

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
LIST_PATH = os.path.join(HERE, "dbt-reserved-names.json")
FUSION_DBT = os.path.join(os.environ.get("FUSION_VENV", os.path.join(REPO_ROOT, ".venv-fusion")), "bin", "dbt")

MACRO_DEFINITION = re.compile(rb"\{%-?\s*macro\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(")
PROJECT_NAME = re.compile(r"^name:\s*['\"]?([A-Za-z_][A-Za-z0-9_]*)", re.MULTILINE)


def dbt_core_context_members() -> set[str]:
    import dbt.context
    from dbt.context.base import BaseContext

    names = {"context", "builtins"}  # BaseContext.to_dict
    for module_info in pkgutil.iter_modules(dbt.context.__path__):
        module = importlib.import_module(f"dbt.context.{module_info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BaseContext):
                names.update(cls._context_members_)
    return names


def jinja_globals() -> set[str]:
    import jinja2.defaults

    return set(jinja2.defaults.DEFAULT_NAMESPACE)


# The distributions whose macros the package runs among. Other adapters installed for the tests (dbt-duckdb
# runs real dbt for the selective-build judge) share the `dbt/include/` folder but are not the package's dbt.
RESERVING_DISTRIBUTIONS = ("dbt-core", "dbt-adapters", "dbt-snowflake")


def installed_include_dirs() -> list[str]:
    """The `dbt/include/<name>` folders with macros that RESERVING_DISTRIBUTIONS install."""
    dirs = set()
    for name in RESERVING_DISTRIBUTIONS:
        distribution = metadata.distribution(name)
        for file in distribution.files or []:
            if file.parts[:2] == ("dbt", "include") and len(file.parts) > 3 and file.parts[3] == "macros":
                dirs.add(str(distribution.locate_file(os.path.join(*file.parts[:3]))))
    return sorted(dirs)


def dbt_core_macros() -> tuple[set[str], set[str]]:
    """Macro names and package names of dbt-core, dbt-adapters and dbt-snowflake (dbt/include/*)."""
    macros: set[str] = set()
    packages: set[str] = set()
    for include in installed_include_dirs():
        project = os.path.join(include, "dbt_project.yml")
        if os.path.exists(project):
            with open(project, encoding="utf-8") as handle:
                match = PROJECT_NAME.search(handle.read())
            if match:
                packages.add(match.group(1))
        for path in glob.glob(os.path.join(include, "macros", "**", "*.sql"), recursive=True):
            with open(path, "rb") as handle:
                macros.update(m.decode() for m in MACRO_DEFINITION.findall(handle.read()))
    return macros, packages


def dbt_2_macros() -> set[str]:
    if not os.path.exists(FUSION_DBT):
        raise SystemExit(f"dbt 2.x is not installed at {FUSION_DBT}: run 'bash scripts/cli/setup.sh'")
    with open(FUSION_DBT, "rb") as handle:
        return {m.decode() for m in MACRO_DEFINITION.findall(handle.read())}


def fusion_version() -> str:
    import subprocess

    # The installed dbt 2.x binary of this repository, with a fixed argument.
    out = subprocess.run([FUSION_DBT, "--version"], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S603
    return out.splitlines()[-1] if out else "unknown"


def installed() -> dict[str, list[str]]:
    macros, packages = dbt_core_macros()
    return {
        "dbt_core_context_members": sorted(dbt_core_context_members()),
        "jinja_globals": sorted(jinja_globals()),
        "dbt_packages": sorted(packages),
        "dbt_core_adapters_snowflake_macros": sorted(macros),
        "dbt_2_macros": sorted(dbt_2_macros()),
    }


def versions() -> dict[str, str]:
    return {
        "dbt-core": metadata.version("dbt-core"),
        "dbt-adapters": metadata.version("dbt-adapters"),
        "dbt-snowflake": metadata.version("dbt-snowflake"),
        "dbt 2.x": fusion_version(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="fail when the installed dbt defines a name the list lacks"
    )
    parser.add_argument("--list", default=LIST_PATH, help="the list to write or check")
    args = parser.parse_args()
    found = installed()
    if args.check:
        with open(args.list, encoding="utf-8") as handle:
            listed = {
                name for section, names in json.load(handle).items() if section != "generated_from" for name in names
            }
        missing = {section: sorted(set(names) - listed) for section, names in found.items()}
        missing = {section: names for section, names in missing.items() if names}
        if missing:
            for section, names in missing.items():
                print(f"{args.list} lacks {len(names)} name(s) of {section}: {', '.join(names)}", file=sys.stderr)
            print("Run '.venv/bin/python scripts/compiler/dbt_reserved_names.py' to regenerate it.", file=sys.stderr)
            return 1
        print(f"{args.list} holds every name the installed dbt defines.")
        return 0
    document = {"generated_from": versions(), **found}
    with open(args.list, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=1)
        handle.write("\n")
    print(f"wrote {args.list}: {sum(len(v) for v in found.values())} names")
    return 0


if __name__ == "__main__":
    sys.exit(main())
