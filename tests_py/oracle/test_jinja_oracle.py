"""Tests for scripts/engines/oracle/jinja_oracle.py (dbt's own Jinja, scripted context)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ORACLE = REPO / "scripts" / "engines" / "oracle" / "jinja_oracle.py"

FIXTURES = {
    "core.sql": """
        {% macro run_two(a, b) %}
          {% set t1 = run_query("select " ~ a) %}
          {% set t2 = run_query("select " ~ b) %}
          {{ return([t1.rows | length, t2.rows | length]) }}
        {% endmacro %}

        {% macro read_rows() %}
          {% set t = run_query("select id, name from t") %}
          {% set out = [] %}
          {% for row in t.rows %}
            {% do out.append({"by_name": row['NAME'], "by_idx": row[0], "n": t.rows | length}) %}
          {% endfor %}
          {{ return({"rows": out, "columns": t.column_names, "columns2": t.columns | map(attribute='name') | list}) }}
        {% endmacro %}

        {% macro beyond_results() %}
          {% set t1 = run_query("q1") %}
          {% set t2 = run_query("q2") %}
          {{ return({"n1": t1.rows | length, "n2": t2.rows | length, "cols2": t2.column_names | list}) }}
        {% endmacro %}

        {% macro logs_it(x) %}
          {% do log("first " ~ x) %}
          {{ log("second", info=True) }}
          {% do exceptions.warn("careful") %}
          {{ return(none) }}
        {% endmacro %}

        {% macro ret_dict() %}{{ return({"a": 1, "b": [1, 2, "x"], "c": none, "d": true}) }}{% endmacro %}
        {% macro ret_list() %}{{ return([1, "two", (3, 4)]) }}{% endmacro %}
        {% macro ret_int() %}{{ return(42) }}{% endmacro %}
        {% macro ret_none() %}{{ return(none) }}{% endmacro %}
        {% macro ret_decimal() %}
          {% set t = run_query("select 1") %}
          {{ return({"int": t.rows[0]['I'], "frac": t.rows[0]['F'], "table": t}) }}
        {% endmacro %}

        {% macro fail_after(x) %}
          {% do run_query("before error") %}
          {% do log("logged before error") %}
          {% if x > 1 %}
            {{ exceptions.raise_compiler_error("x too big: " ~ x) }}
          {% endif %}
          {{ return("ok") }}
        {% endmacro %}

        {% macro nested_fail() %}{{ return(fail_after(5)) }}{% endmacro %}
        {% macro calls_undefined() %}{{ return(no_such_macro(1)) }}{% endmacro %}

        {% macro type_error() %}{{ return(1 + "a") }}{% endmacro %}

        {% macro use_var() %}{{ return(var("v")) }}{% endmacro %}
        {% macro use_var_default() %}{{ return(var("v", "dflt")) }}{% endmacro %}
        {% macro use_env() %}{{ return(env_var("E")) }}{% endmacro %}
        {% macro use_env_default() %}{{ return(env_var("E", "edflt")) }}{% endmacro %}

        {% macro do_dispatch(x) %}
          {{ return(adapter.dispatch("thing", "my_pkg")(x)) }}
        {% endmacro %}
        {% macro do_dispatch_kw(x) %}
          {{ return(adapter.dispatch("thing", macro_namespace="my_pkg")(x)) }}
        {% endmacro %}
        {% macro do_dispatch_missing() %}
          {{ return(adapter.dispatch("nothing_here", "my_pkg")()) }}
        {% endmacro %}

        {% macro outer(n) %}{{ return(inner_macro(n) + 1) }}{% endmacro %}

        {% macro breaker() %}
          {% set ns = namespace(seen=[]) %}
          {% for i in range(10) %}
            {% if i == 3 %}{% break %}{% endif %}
            {% if i == 1 %}{% continue %}{% endif %}
            {% do ns.seen.append(i) %}
          {% endfor %}
          {{ return(ns.seen) }}
        {% endmacro %}

        {% macro text_only(name) %}
          select * from {{ name }}
        {% endmacro %}
        {% macro blank_text() %}
          {% set x = 1 %}
        {% endmacro %}

        {% macro ctx_things() %}
          {{ return({
            "target_name": target.name, "target_type": target.type, "db": target.database,
            "execute": execute, "graph_nodes": graph.nodes | length,
            "json": tojson({"a": [1, 2]}), "parsed": fromjson('{"k": 3}'),
            "bad_json": fromjson("nope", "fallback"),
            "set": set([1, 1, 2]) | list | sort, "zip": zip([1, 2], ["a", "b"]) | list,
            "re": modules.re.sub("a+", "b", "caaat"),
            "date": modules.datetime.date(2020, 1, 2).isoformat(),
            "undef_attr_is_none": target.nope is none, "undef_attr_defined": target.nope is defined,
            "undef_render": "[" ~ target.nope ~ "]"
          }) }}
        {% endmacro %}

        {% macro call_statement() %}
          {% call statement("s1", fetch_result=True) %}select 7 as seven{% endcall %}
          {% set res = load_result("s1") %}
          {{ return({"v": res.table.rows[0][0], "data": res.data}) }}
        {% endmacro %}

        {% macro guarded() %}
          {% if execute %}{% set t = run_query("select 1") %}{{ return(t.rows | length) }}{% endif %}
          {{ return("not executed") }}
        {% endmacro %}

        {% macro tiny(i) %}{{ return(i * 2) }}{% endmacro %}
    """,
    "sub/other.sql": """
        {% macro inner_macro(n) %}{{ return(n * 10) }}{% endmacro %}
        {% macro snowflake__thing(x) %}{{ return("snowflake:" ~ x) }}{% endmacro %}
        {% macro default__thing(x) %}{{ return("default:" ~ x) }}{% endmacro %}
    """,
}


@pytest.fixture(scope="module")
def macros_dir(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp("oracle_macros")
    for rel, text in FIXTURES.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return str(root)


class Oracle:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(ORACLE)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
        )
        self._n = 0

    def ask(self, macros_dir: str, macro: str, **context):
        self._n += 1
        req = {"id": self._n, "macros_dir": macros_dir, "macro": macro, "context": context}
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, "oracle process died"
        resp = json.loads(line)
        assert resp["id"] == self._n
        return resp

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def oracle():
    o = Oracle()
    yield o
    o.close()


def ok(resp):
    assert resp["error"] is None, resp["error"]
    return resp


def test_statements_recorded_in_order(oracle, macros_dir):
    r = ok(
        oracle.ask(
            macros_dir,
            "run_two",
            args={"a": "1", "b": "2"},
            query_results=[{"columns": ["X"], "rows": [[1], [2]]}, {"columns": ["Y"], "rows": [[3]]}],
        )
    )
    assert r["statements"] == ["select 1", "select 2"]
    assert r["returned"] == [2, 1]


def test_query_result_rows_and_columns(oracle, macros_dir):
    r = ok(
        oracle.ask(macros_dir, "read_rows", query_results=[{"columns": ["ID", "NAME"], "rows": [[1, "a"], [2, "b"]]}])
    )
    assert r["returned"] == {
        "rows": [{"by_name": "a", "by_idx": 1, "n": 2}, {"by_name": "b", "by_idx": 2, "n": 2}],
        "columns": ["ID", "NAME"],
        "columns2": ["ID", "NAME"],
    }


def test_calls_beyond_query_results_get_empty_table(oracle, macros_dir):
    r = ok(oracle.ask(macros_dir, "beyond_results", query_results=[{"columns": ["A"], "rows": [[1]]}]))
    assert r["statements"] == ["q1", "q2"]
    assert r["returned"] == {"n1": 1, "n2": 0, "cols2": []}


def test_logs_and_warn(oracle, macros_dir):
    r = ok(oracle.ask(macros_dir, "logs_it", args={"x": 5}))
    assert r["logs"] == ["first 5", "second", "careful"]
    assert r["returned"] is None


@pytest.mark.parametrize(
    "macro, expected",
    [
        ("ret_dict", {"a": 1, "b": [1, 2, "x"], "c": None, "d": True}),
        ("ret_list", [1, "two", [3, 4]]),
        ("ret_int", 42),
        ("ret_none", None),
    ],
)
def test_return_values(oracle, macros_dir, macro, expected):
    r = ok(oracle.ask(macros_dir, macro))
    assert r["returned"] == expected


def test_decimal_and_table_conversion(oracle, macros_dir):
    r = ok(oracle.ask(macros_dir, "ret_decimal", query_results=[{"columns": ["I", "F"], "rows": [[3, 2.5]]}]))
    assert r["returned"] == {"int": 3, "frac": 2.5, "table": {"columns": ["I", "F"], "rows": [[3, 2.5]]}}
    assert isinstance(r["returned"]["int"], int)


def test_raise_compiler_error_keeps_prior_records(oracle, macros_dir):
    r = oracle.ask(macros_dir, "fail_after", args={"x": 2})
    assert r["error"] == "x too big: 2"
    assert r["statements"] == ["before error"]
    assert r["logs"] == ["logged before error"]
    assert r["returned"] is None
    assert ok(oracle.ask(macros_dir, "fail_after", args={"x": 1}))["returned"] == "ok"


def test_raise_compiler_error_from_nested_macro(oracle, macros_dir):
    r = oracle.ask(macros_dir, "nested_fail")
    assert r["error"] == "x too big: 5"


def test_unexpected_exception_reports_class_name(oracle, macros_dir):
    r = oracle.ask(macros_dir, "type_error")
    assert r["error"].startswith("TypeError: ")
    r = oracle.ask(macros_dir, "calls_undefined")
    assert r["error"] == "UndefinedError: 'no_such_macro' is undefined"


def test_var(oracle, macros_dir):
    assert ok(oracle.ask(macros_dir, "use_var", vars={"v": [1, 2]}))["returned"] == [1, 2]
    assert ok(oracle.ask(macros_dir, "use_var_default"))["returned"] == "dflt"
    assert ok(oracle.ask(macros_dir, "use_var_default", vars={"v": "set"}))["returned"] == "set"
    r = oracle.ask(macros_dir, "use_var", vars={"other": 1})
    assert r["error"].startswith("Required var 'v' not found")


def test_env_var(oracle, macros_dir):
    assert ok(oracle.ask(macros_dir, "use_env", env={"E": "val"}))["returned"] == "val"
    assert ok(oracle.ask(macros_dir, "use_env_default"))["returned"] == "edflt"
    r = oracle.ask(macros_dir, "use_env")
    assert r["error"] == "Env var required but not provided: 'E'"
    # the env of one request must not leak into the next
    assert oracle.ask(macros_dir, "use_env")["error"] is not None


def test_dispatch_both_ways_and_error(oracle, macros_dir):
    sf = {"name": "dev", "type": "snowflake", "schema": "s", "database": "d"}
    pg = {"name": "dev", "type": "postgres", "schema": "s", "database": "d"}
    assert ok(oracle.ask(macros_dir, "do_dispatch", target=sf, args={"x": 1}))["returned"] == "snowflake:1"
    assert ok(oracle.ask(macros_dir, "do_dispatch", target=pg, args={"x": 1}))["returned"] == "default:1"
    assert ok(oracle.ask(macros_dir, "do_dispatch_kw", args={"x": 2}))["returned"] == "snowflake:2"
    r = oracle.ask(macros_dir, "do_dispatch_missing")
    assert r["error"].startswith("In dispatch: No macro named 'nothing_here' found within namespace: 'my_pkg'")
    assert "'snowflake__nothing_here', 'default__nothing_here'" in r["error"]


def test_macros_call_macros_across_files(oracle, macros_dir):
    assert ok(oracle.ask(macros_dir, "outer", args={"n": 4}))["returned"] == 41


def test_break_and_continue(oracle, macros_dir):
    assert ok(oracle.ask(macros_dir, "breaker"))["returned"] == [0, 2]


def test_text_without_return(oracle, macros_dir):
    r = ok(oracle.ask(macros_dir, "text_only", args={"name": "tbl"}))
    assert r["returned"].strip() == "select * from tbl"
    assert ok(oracle.ask(macros_dir, "blank_text"))["returned"] is None


def test_context_builtins_and_undefined(oracle, macros_dir):
    r = ok(
        oracle.ask(
            macros_dir,
            "ctx_things",
            target={"name": "prod", "type": "snowflake", "database": "ANALYTICS", "schema": "x"},
            graph={"nodes": {"model.a.b": {}}, "sources": {}},
        )
    )
    assert r["returned"] == {
        "target_name": "prod",
        "target_type": "snowflake",
        "db": "ANALYTICS",
        "execute": True,
        "graph_nodes": 1,
        "json": '{"a": [1, 2]}',
        "parsed": {"k": 3},
        "bad_json": "fallback",
        "set": [1, 2],
        "zip": [[1, "a"], [2, "b"]],
        "re": "cbt",
        "date": "2020-01-02",
        "undef_attr_is_none": False,
        "undef_attr_defined": False,
        "undef_render": "[]",
    }


def test_default_target(oracle, macros_dir):
    r = ok(oracle.ask(macros_dir, "ctx_things"))
    got = r["returned"]
    assert (got["target_name"], got["target_type"], got["db"]) == ("dev", "snowflake", "db")


def test_call_statement_uses_dbt_statement_macro(oracle, macros_dir):
    r = ok(oracle.ask(macros_dir, "call_statement", query_results=[{"columns": ["SEVEN"], "rows": [[7]]}]))
    assert r["statements"] == ["select 7 as seven"]
    assert r["returned"] == {"v": 7, "data": [[7]]}


def test_execute_false(oracle, macros_dir):
    r = ok(oracle.ask(macros_dir, "guarded", execute=False))
    assert r["returned"] == "not executed" and r["statements"] == []


def test_unknown_macro_and_bad_json(oracle, macros_dir):
    r = oracle.ask(macros_dir, "does_not_exist")
    assert "does_not_exist" in r["error"]
    oracle.proc.stdin.write("{not json\n")
    oracle.proc.stdin.flush()
    bad = json.loads(oracle.proc.stdout.readline())
    assert bad["id"] is None and bad["error"].startswith("JSONDecodeError")


def test_cache_invalidation_on_change(oracle, tmp_path):
    p = tmp_path / "m.sql"
    p.write_text("{% macro v() %}{{ return(1) }}{% endmacro %}")
    assert ok(oracle.ask(str(tmp_path), "v"))["returned"] == 1
    p.write_text("{% macro v() %}{{ return(2) }}{% endmacro %}\n")
    st = p.stat()
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000))
    assert ok(oracle.ask(str(tmp_path), "v"))["returned"] == 2


def test_duplicate_macro_is_error(oracle, tmp_path):
    (tmp_path / "a.sql").write_text("{% macro d() %}{{ return(1) }}{% endmacro %}")
    (tmp_path / "b.sql").write_text("{% macro d() %}{{ return(2) }}{% endmacro %}")
    r = oracle.ask(str(tmp_path), "d")
    assert r["error"].startswith('dbt found two macros with the name "d"')


def test_hundred_requests_one_process(macros_dir):
    o = Oracle()
    try:
        pid = o.proc.pid
        start = time.perf_counter()
        for i in range(100):
            r = ok(o.ask(macros_dir, "tiny", args={"i": i}))
            assert r["returned"] == i * 2
        elapsed = time.perf_counter() - start
        assert o.proc.pid == pid and o.proc.poll() is None
        assert elapsed < 30
    finally:
        o.close()


def test_once_mode(macros_dir):
    req = json.dumps({"id": "x", "macros_dir": macros_dir, "macro": "tiny", "context": {"args": {"i": 21}}}, indent=2)
    out = subprocess.run(
        [sys.executable, str(ORACLE), "--once"], input=req, capture_output=True, text=True, timeout=120, check=True
    )
    resp = json.loads(out.stdout)
    assert resp == {"id": "x", "statements": [], "logs": [], "returned": 42, "error": None}
