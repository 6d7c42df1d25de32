#!/usr/bin/env python3
"""Jinja rendering oracle: run dbt macros in dbt-core's own Jinja machinery.

Long-lived mode (default): one JSON request per line on stdin, exactly one
JSON response line per request on stdout (flushed). ``--once``: read a single
(possibly multi-line) JSON request from stdin and print one response.

See scripts/engines/oracle/README.md for the protocol and the facts about dbt's
Jinja environment this relies on.
"""

from __future__ import annotations

import datetime
import decimal
import json
import os
import sys
from typing import Any

# ---------------------------------------------------------------------------
# stdout hygiene: keep a private handle on the real stdout for responses and
# point fd 1 (and sys.stdout) at stderr, so any dbt / library noise -- even
# from C extensions or print() -- can never corrupt the protocol stream.
# ---------------------------------------------------------------------------
_RESPONSE_OUT = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
os.dup2(2, 1)
sys.stdout = sys.stderr

import agate  # noqa: E402
import jinja2  # noqa: E402
from dbt.clients.jinja import MacroStack  # noqa: E402
from dbt.context.base import BaseContext  # noqa: E402
from dbt.context.exceptions_jinja import wrapped_exports  # noqa: E402
from dbt.context.macros import MacroNamespaceBuilder  # noqa: E402
from dbt.context.providers import BaseDatabaseWrapper  # noqa: E402
from dbt.contracts.graph.nodes import Macro  # noqa: E402
from dbt.node_types import NodeType  # noqa: E402
from dbt_common.clients import agate_helper  # noqa: E402
from dbt_common.clients import jinja as common_jinja  # noqa: E402
from dbt_common.clients.jinja import CallableMacroGenerator  # noqa: E402
from dbt_common.context import set_invocation_context  # noqa: E402
from dbt_common.exceptions import CompilationError, DbtRuntimeError  # noqa: E402
from dbt_common.exceptions.base import DbtBaseException  # noqa: E402
from dbt_common.exceptions.macros import CaughtMacroError, CaughtMacroErrorWithNodeError  # noqa: E402
from dbt_common.utils import AttrDict  # noqa: E402
from dbt_common.utils.jinja import MACRO_PREFIX  # noqa: E402

try:  # dbt's own adapter response type (what adapter.execute returns)
    from dbt.adapters.contracts.connection import AdapterResponse
except Exception:  # pragma: no cover
    AdapterResponse = None  # type: ignore

DEFAULT_TARGET = {"name": "dev", "type": "snowflake", "schema": "public", "database": "db"}
DEFAULT_PACKAGE = "oracle_pkg"
INTERNAL_PACKAGE = "dbt"  # dbt's global project name

_SITE_GLOBAL_PROJECT = os.path.join(os.path.dirname(sys.modules["dbt"].__file__ or ""), "include", "global_project")
# dbt's own `statement` / `noop_statement` macros are loaded from the installed
# global project (run_query is provided in Python so the SQL is recorded
# exactly as passed, see README).
_INTERNAL_MACRO_FILES = [os.path.join("macros", "etc", "statement.sql")]
_INTERNAL_MACRO_NAMES = {"statement", "noop_statement"}


# ---------------------------------------------------------------------------
# Macro parsing (mirrors dbt.parser.macros.MacroParser.parse_unparsed_macros)
# ---------------------------------------------------------------------------
def parse_macro_file(text: str, rel_path: str, package_name: str) -> list[Macro]:
    blocks = [
        t
        for t in common_jinja.extract_toplevel_blocks(
            text,
            allowed_blocks={"macro", "materialization", "test", "data_test"},
            collect_raw_data=False,
        )
        if isinstance(t, common_jinja.BlockTag)
    ]
    out: list[Macro] = []
    for block in blocks:
        ast = common_jinja.parse(block.full_block)
        if (
            isinstance(ast, jinja2.nodes.Template)
            and len(ast.body) == 1
            and isinstance(ast.body[0], jinja2.nodes.Macro)
        ):
            macro_node = ast.body[0]
        else:
            nodes = list(ast.find_all(jinja2.nodes.Macro))
            if len(nodes) != 1:
                raise CompilationError(f"Found multiple macros in {block.full_block}, expected 1")
            macro_node = nodes[0]
        if not macro_node.name.startswith(MACRO_PREFIX):
            continue
        name = macro_node.name.replace(MACRO_PREFIX, "")
        out.append(
            Macro(
                name=name,
                resource_type=NodeType.Macro,
                package_name=package_name,
                path=rel_path,
                original_file_path=rel_path,
                unique_id=f"macro.{package_name}.{name}",
                macro_sql=block.full_block or "",
            )
        )
    return out


def _scan_dir(macros_dir: str) -> tuple[tuple[str, int, int], ...]:
    entries = []
    for root, dirs, files in os.walk(macros_dir):
        dirs.sort()
        for fn in sorted(files):
            if fn.endswith(".sql"):
                p = os.path.join(root, fn)
                st = os.stat(p)
                entries.append((p, st.st_mtime_ns, st.st_size))
    return tuple(entries)


_DIR_CACHE: dict[tuple[str, str], tuple[tuple[tuple[str, int, int], ...], list[Macro]]] = {}


def load_macros(macros_dir: str, package_name: str) -> list[Macro]:
    macros_dir = os.path.abspath(macros_dir)
    if not os.path.isdir(macros_dir):
        raise DbtRuntimeError(f"macros_dir is not a directory: {macros_dir}")
    sig = _scan_dir(macros_dir)
    key = (macros_dir, package_name)
    cached = _DIR_CACHE.get(key)
    if cached is not None and cached[0] == sig:
        return cached[1]
    macros: list[Macro] = []
    for path, _, _ in sig:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        macros.extend(parse_macro_file(text, os.path.relpath(path, macros_dir), package_name))
    _DIR_CACHE[key] = (sig, macros)
    return macros


_INTERNAL: list[Macro] | None = None


def internal_macros() -> list[Macro]:
    global _INTERNAL
    if _INTERNAL is None:
        out: list[Macro] = []
        for rel in _INTERNAL_MACRO_FILES:
            with open(os.path.join(_SITE_GLOBAL_PROJECT, rel), encoding="utf-8") as fh:
                text = fh.read()
            out.extend(m for m in parse_macro_file(text, rel, INTERNAL_PACKAGE) if m.name in _INTERNAL_MACRO_NAMES)
        _INTERNAL = out
    return _INTERNAL


# ---------------------------------------------------------------------------
# Scripted runtime pieces
# ---------------------------------------------------------------------------
class OracleCompilerError(CompilationError):
    """Raised by exceptions.raise_compiler_error; reported as its bare msg."""


def make_table(item: Any) -> agate.Table:
    """Build an agate table the way dbt's SQL adapters do (table_from_data_flat)."""
    if item is None:
        return agate_helper.empty_table()
    if isinstance(item, dict):
        columns = list(item.get("columns") or [])
        rows = item.get("rows") or []
    else:
        raise ValueError(f"query_results item must be an object, got {type(item).__name__}")
    data = []
    for r in rows:
        if isinstance(r, dict):
            data.append(r)
        else:
            if len(r) != len(columns):
                raise ValueError(f"query_results row {r!r} does not match columns {columns!r}")
            data.append(dict(zip(columns, r, strict=True)))
    return agate_helper.table_from_data_flat(data, columns)


class Session:
    """Per-request recorder: statements, logs, scripted query results."""

    def __init__(self, query_results: list[Any]):
        self.statements: list[str] = []
        self.logs: list[str] = []
        self._results = list(query_results or [])
        self._n = 0
        self.sql_results: dict[str, AttrDict | None] = {}

    def execute(self, sql: Any, fetch: bool) -> agate.Table:
        self.statements.append(sql if isinstance(sql, str) else str(sql))
        idx = self._n
        self._n += 1
        if not fetch or idx >= len(self._results):
            return agate_helper.empty_table()
        return make_table(self._results[idx])


class OracleAdapter(BaseDatabaseWrapper):
    """`adapter` object. dispatch() is dbt's own BaseDatabaseWrapper.dispatch;
    only the adapter-dependent lookups are scripted (prefixes from target.type,
    search packages as for a root project without dispatch config)."""

    def __init__(self, namespace, adapter_type: str, session: Session):
        # deliberately not calling super().__init__: it needs a real adapter
        self._namespace = namespace
        self._type = adapter_type
        self._session = session

    def __getattr__(self, name):
        raise AttributeError(f"'adapter' has no attribute '{name}' in the oracle")

    def type(self):
        return self._type

    def _get_adapter_macro_prefixes(self) -> list[str]:
        return [self._type, "default"]

    def _get_search_packages(self, namespace: str | None = None) -> list[str | None]:
        if namespace is None or isinstance(namespace, str):
            # dbt: a namespace with no dispatch config that is not a dependency
            # (i.e. the root project itself) searches the flat namespace.
            return [None]
        raise CompilationError(
            f"In adapter.dispatch, got a {type(namespace)} macro_namespace argument "
            f'("{namespace}"), but macro_namespace should be None or a string.'
        )

    def execute(self, sql, auto_begin=False, fetch=False, limit=None):
        table = self._session.execute(sql, fetch)
        resp = AdapterResponse(_message="SUCCESS") if AdapterResponse else "SUCCESS"
        return resp, table

    def add_query(self, sql, auto_begin=True, bindings=None, abridge_sql_log=False):
        # As dbt's SQLAdapter.add_query: the SQL is recorded; binding values travel apart from it.
        # Interpolating as the connector's pyformat binding does proves the placeholders and values match.
        _ = sql % tuple(bindings or ())
        self._session.execute(sql, False)
        return None, None

    def quote(self, identifier):
        return f'"{identifier}"'

    def commit(self):
        return ""


def build_context(req_ctx: dict[str, Any], macros: list[Macro], package_name: str, session: Session):
    cli_vars = req_ctx.get("vars") or {}
    env = req_ctx.get("env") or {}
    target = req_ctx.get("target") or dict(DEFAULT_TARGET)
    set_invocation_context({str(k): str(v) for k, v in env.items()})

    base = BaseContext(cli_vars)
    ctx = base.to_dict()  # dbt builtins: var, env_var, return, tojson, fromjson, modules, set, zip...

    def log(msg, info=False):
        session.logs.append(str(msg))
        return ""

    def _print(msg):
        session.logs.append(str(msg))
        return ""

    def warn(msg, node=None):
        session.logs.append(str(msg))
        return ""

    def raise_compiler_error(msg, node=None):
        raise OracleCompilerError(msg)

    exceptions = wrapped_exports(None)
    exceptions["warn"] = warn
    exceptions["raise_compiler_error"] = raise_compiler_error

    execute = bool(req_ctx.get("execute", True))

    def run_query(sql):
        # dbt's run_query = statement(fetch_result=true) + load_result(...).table;
        # when execute is false the statement never runs and dbt ends up with
        # `None.table`, i.e. an Undefined.
        if not execute:
            return jinja2.Undefined(obj=None, name="table")
        return session.execute(sql, True)

    def store_result(name, response, agate_table=None):
        if agate_table is None:
            agate_table = agate_helper.empty_table()
        session.sql_results[name] = AttrDict(
            {"response": response, "data": agate_helper.as_matrix(agate_table), "table": agate_table}
        )
        return ""

    def load_result(name):
        if name in session.sql_results:
            if name == "main":
                return session.sql_results["main"]
            if session.sql_results[name] is None:
                raise CompilationError(f"The 'statement' result named '{name}' has already been loaded into a variable")
            ret = session.sql_results[name]
            session.sql_results[name] = None
            return ret
        return None

    ctx.update(
        {
            "log": log,
            "print": _print,
            "exceptions": exceptions,
            "target": target,
            "execute": execute,
            "graph": req_ctx.get("graph") if req_ctx.get("graph") is not None else {"nodes": {}, "sources": {}},
            "project_name": package_name,
            "store_result": store_result,
            "load_result": load_result,
            "run_query": run_query,
        }
    )
    ctx["builtins"].update({"log": log, "print": _print})

    builder = MacroNamespaceBuilder(
        root_package=package_name,
        search_package=package_name,
        thread_ctx=MacroStack(),
        internal_packages=[INTERNAL_PACKAGE],
        node=None,
    )
    # add macros one by one so duplicates raise dbt's DuplicateMacroNameError
    builder.add_macros(internal_macros(), ctx)
    builder.add_macros(macros, ctx)
    namespace = builder.build_namespace({}, ctx)
    ctx.update(namespace)  # as ManifestContext.to_dict does
    ctx["adapter"] = OracleAdapter(namespace, str(target.get("type", "snowflake")), session)
    return ctx, namespace


# ---------------------------------------------------------------------------
# Result conversion / errors
# ---------------------------------------------------------------------------
def to_json(value: Any) -> Any:
    if isinstance(value, jinja2.Undefined):
        return None
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return str(value)  # also unwraps Markup / dbt string subclasses
    if isinstance(value, decimal.Decimal):
        if value.is_finite() and value == value.to_integral_value():
            return int(value)
        return float(value)
    if isinstance(value, agate.Table):
        return {
            "columns": list(value.column_names),
            "rows": [[to_json(v) for v in row.values()] for row in value.rows],
        }
    if isinstance(value, agate.MappedSequence):  # agate Row / rows / columns
        return [to_json(v) for v in value.values()]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, (set, frozenset)):
        items = [to_json(v) for v in value]
        try:
            return sorted(items)
        except TypeError:
            return items
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    return str(value)


def describe_error(exc: BaseException) -> str:
    if isinstance(exc, OracleCompilerError):
        return str(exc.msg)
    if isinstance(exc, (CaughtMacroError, CaughtMacroErrorWithNodeError)):
        inner = exc.exc
        return f"{type(inner).__name__}: {inner}"
    if isinstance(exc, DbtBaseException) and getattr(exc, "msg", None) is not None:
        # dbt's own compilation/runtime errors (missing var/env var, dispatch,
        # duplicate macro, ...): undecorated message, as dbt words it.
        return str(exc.msg)
    return f"{type(exc).__name__}: {exc}"


def handle(req: Any) -> dict[str, Any]:
    rid = req.get("id") if isinstance(req, dict) else None
    resp: dict[str, Any] = {"id": rid, "statements": [], "logs": [], "returned": None, "error": None}
    session: Session | None = None
    try:
        if not isinstance(req, dict):
            raise ValueError("request must be a JSON object")
        macros_dir = req.get("macros_dir")
        macro_name = req.get("macro")
        if not macros_dir or not macro_name:
            raise ValueError("request needs 'macros_dir' and 'macro'")
        rctx = req.get("context") or {}
        package_name = req.get("package_name") or DEFAULT_PACKAGE
        session = Session(rctx.get("query_results") or [])
        macros = load_macros(macros_dir, package_name)
        ctx, _namespace = build_context(rctx, macros, package_name, session)
        top = next((m for m in macros if m.name == macro_name), None)
        if top is None:
            raise DbtRuntimeError(f'dbt could not find a macro with the name "{macro_name}" in any package')
        # exactly what BaseAdapter.execute_macro does for run-operation
        macro_function = CallableMacroGenerator(top, ctx)
        result = macro_function(**(rctx.get("args") or {}))
        if isinstance(result, str) and not isinstance(result, jinja2.Undefined):
            result = None if result.strip() == "" else str(result)
        resp["returned"] = to_json(result)
    except Exception as exc:
        resp["error"] = describe_error(exc)
    if session is not None:
        resp["statements"] = session.statements
        resp["logs"] = session.logs
    return resp


def _dump(obj: Any, pretty: bool = False) -> str:
    try:
        return json.dumps(obj, indent=2 if pretty else None, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        obj = dict(obj)
        obj["returned"] = None
        obj["error"] = f"{type(exc).__name__}: {exc}"
        return json.dumps(obj, indent=2 if pretty else None, ensure_ascii=False)


def main(argv: list[str]) -> int:
    once = "--once" in argv
    if once:
        raw = sys.stdin.read()
        try:
            req = json.loads(raw)
        except ValueError as exc:
            resp = {"id": None, "statements": [], "logs": [], "returned": None, "error": f"{type(exc).__name__}: {exc}"}
        else:
            resp = handle(req)
        _RESPONSE_OUT.write(_dump(resp, pretty=True) + "\n")
        _RESPONSE_OUT.flush()
        return 0
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
        except ValueError as exc:
            resp = {"id": None, "statements": [], "logs": [], "returned": None, "error": f"{type(exc).__name__}: {exc}"}
        else:
            resp = handle(req)
        _RESPONSE_OUT.write(_dump(resp) + "\n")
        _RESPONSE_OUT.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
