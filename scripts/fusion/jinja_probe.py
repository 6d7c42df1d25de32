#!/usr/bin/env python3
"""Probe Jinja semantics on dbt 2.x (Fusion) and dbt-core 1.x through `dbt run-operation`.

Each case becomes its own throw-away dbt project under WORK/<engine>/<case>/ (so a parse error
in one case cannot hide the others), with one macro `probe(xs, d)` whose body is the case.
The body reports values through `emit(label, value)`, which prints two lines:

    PROBE|<label>|str|<value ~ "">
    PROBE|<label>|json|<tojson(value)>

The runner calls `dbt run-operation probe --args '{xs: [0], d: {a: 1}}'` offline (dummy
Snowflake profile, version check and anonymous usage stats off) and collects the PROBE lines,
or the first error line when the case fails. Output: a JSON file and a Markdown table.

Usage:
  python3 scripts/fusion/jinja_probe.py --engine fusion=PATH/TO/dbt --engine core=PATH/TO/dbt \
      [--work /tmp/fusion-probe] [--out-md FILE] [--out-json FILE] [--only CASE,...]
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

PROFILES = """\
probe:
  target: dev
  outputs:
    dev:
      type: snowflake
      account: dummy
      user: dummy
      password: dummy
      database: ANALYTICS
      warehouse: W
      schema: dbt
      threads: 1
"""

PROJECT = """\
name: probe_{name}
version: "1.0.0"
config-version: 2
profile: probe
macro-paths: ["macros"]
"""

EMIT = """\
{% macro emit(label, v) %}
  {{ print("PROBE|" ~ label ~ "|str|" ~ v) }}
  {{ print("PROBE|" ~ label ~ "|json|" ~ tojson(v)) }}
{% endmacro %}
"""


def e(expr: str, label: str | None = None) -> str:
    """A case body that emits one expression."""
    return '{{% do emit("{}", {}) %}}'.format(label or "v", expr)


# name -> (probe body, extra macros or "")
CASES: dict[str, tuple[str, str]] = {
    "true_is_number": (e("true is number"), ""),
    "floordiv_7_-2": (e("7 // -2"), ""),
    "mod_-7_2": (e("-7 % 2"), ""),
    "replace_count_aXa": (e('"aXa".replace("a", "b", 1)'), ""),
    "replace_count_aa": (e('"aa".replace("a", "aa", 1)'), ""),
    "get_none_value_default": (e('{"k": none}.get("k", 1)'), ""),
    "tojson_order_unicode": (e('tojson({"b": 1, "a": "é"})'), ""),
    "tojson_nested": (e('tojson({"x": [1, 2.5, true, none, "q\\"s"]})'), ""),
    "return_do": (
        '{% set r = ret_do() %}{% do emit("r", r) %}',
        '{% macro ret_do() %}{% do return(1) %}{{ print("AFTER_RETURN_DO") }}{% endmacro %}',
    ),
    "return_expr": (
        '{% set r = ret_expr() %}{% do emit("r", r) %}',
        '{% macro ret_expr() %}{{ return(1) }}{{ print("AFTER_RETURN_EXPR") }}{% endmacro %}',
    ),
    "return_set": (
        '{% set r = ret_set() %}{% do emit("r", r) %}',
        '{% macro ret_set() %}{% set x = return(1) %}{{ print("AFTER_RETURN_SET") }}{% endmacro %}',
    ),
    "return_list_then_mutate": (
        '{% set r = ret_list() %}{% do r.append(2) %}{% do emit("r", r) %}',
        '{% macro ret_list() %}{{ return([1]) }}{% endmacro %}',
    ),
    "no_return_value": (
        '{% set r = no_ret() %}{% do emit("r", r) %}{% do emit("is_string", r is string) %}',
        '{% macro no_ret() %}hello{% endmacro %}',
    ),
    "float_1e20": (e("1e20"), ""),
    "float_0.1+0.2": (e("0.1 + 0.2"), ""),
    "concat_3.0": (e('(3.0) ~ ""'), ""),
    "concat_6/2": (e('(6 / 2) ~ ""'), ""),
    "int_big_2**63": (e("2 ** 63"), ""),
    "int_10**20": (e("10 ** 20"), ""),
    "range_5_0_-2": (e("range(5, 0, -2) | list"), ""),
    "round_2.5": (e("2.5 | round"), ""),
    "round_3.5": (e("3.5 | round"), ""),
    "round_2.5_int": (e("2.5 | round | int"), ""),
    "namespace_in_for": (
        '{% set ns = namespace(x=1) %}{% for i in [1, 2] %}{% set ns.x = ns.x + i %}{% endfor %}'
        '{% do emit("ns_x", ns.x) %}',
        "",
    ),
    "plain_set_in_for": (
        '{% set x = 1 %}{% for i in [1, 2] %}{% set x = x + i %}{% endfor %}{% do emit("x", x) %}',
        "",
    ),
    "break": (
        '{% set out = [] %}{% for i in [1, 2, 3] %}{% if i == 2 %}{% break %}{% endif %}'
        '{% do out.append(i) %}{% endfor %}{% do emit("out", out) %}',
        "",
    ),
    "continue": (
        '{% set out = [] %}{% for i in [1, 2, 3] %}{% if i == 2 %}{% continue %}{% endif %}'
        '{% do out.append(i) %}{% endfor %}{% do emit("out", out) %}',
        "",
    ),
    "split": (e('"a,b".split(",")'), ""),
    "split_maxsplit": (e('"a,b,c".split(",", 1)'), ""),
    "startswith": (e('"abc".startswith("a")'), ""),
    "endswith": (e('"abc".endswith("c")'), ""),
    "lower": (e('"ABC".lower()'), ""),
    "upper": (e('"abc".upper()'), ""),
    "strip_method": (e('" x ".strip()'), ""),
    "trim_filter": (e('" x " | trim'), ""),
    "in_string": (e('"x" in "xyz"'), ""),
    "in_list": (e('2 in [1, 2]'), ""),
    "in_dict": (e('"a" in {"a": 1}'), ""),
    "list_is_iterable": (e("[1, 2] is iterable"), ""),
    "dict_is_mapping": (e("{} is mapping"), ""),
    "str_is_string": (e('"s" is string'), ""),
    "list_is_sequence": (e("[] is sequence"), ""),
    "dict_is_sequence": (e("{} is sequence"), ""),
    "str_is_sequence": (e('"s" is sequence'), ""),
    "str_is_iterable": (e('"s" is iterable'), ""),
    "str_is_mapping": (e('"s" is mapping'), ""),
    "true_is_boolean": (e("true is boolean"), ""),
    "int_is_integer": (e("1 is integer"), ""),
    "float_is_float": (e("1.0 is float"), ""),
    "none_is_none": (e("none is none"), ""),
    "list_plus_list": (e("[1] + [2]"), ""),
    "str_times_int": (e('"ab" * 2'), ""),
    "empty_dict_length": (e("{} | length"), ""),
    "str_length": (e('"héllo" | length'), ""),
    "items_list": (e('{"a": 1, "b": 2}.items() | list'), ""),
    "items_for": (
        '{% set out = [] %}{% for k, v in {"a": 1, "b": 2}.items() %}{% do out.append(k ~ "=" ~ v) %}'
        '{% endfor %}{% do emit("out", out) %}',
        "",
    ),
    "dict_iter_order": (
        '{% set out = [] %}{% for k in {"b": 1, "a": 2} %}{% do out.append(k) %}{% endfor %}{% do emit("out", out) %}',
        "",
    ),
    "keys_values": (e('[{"b": 1, "a": 2}.keys() | list, {"b": 1, "a": 2}.values() | list]'), ""),
    "slice_1": (e("[1, 2, 3][1:]"), ""),
    "slice_str": (e('"abc"[1:]'), ""),
    "slice_neg_index": (e("[1, 2, 3][-1]"), ""),
    "missing_get_is_none": (e('{}.get("k") is none'), ""),
    "missing_subscript_is_none": (e('{}["k"] is none'), ""),
    "missing_attr_is_none": (e("{}.k is none"), ""),
    "missing_subscript_is_defined": (e('{}["k"] is defined'), ""),
    "missing_attr_is_defined": (e("{}.k is defined"), ""),
    "missing_subscript_concat": (e('"[" ~ {}["k"] ~ "]"'), ""),
    "undefined_var_is_defined": (e("no_such_var is defined"), ""),
    "undefined_var_concat": (e('"[" ~ no_such_var ~ "]"'), ""),
    "loop_index0": (
        '{% set out = [] %}{% for i in ["a", "b"] %}{% do out.append([loop.index0, loop.index, loop.first, loop.last, loop.length]) %}'
        '{% endfor %}{% do emit("out", out) %}',
        "",
    ),
    "int_7/2": (e("(7 / 2) | int"), ""),
    "int_-7/2": (e("(-7 / 2) | int"), ""),
    "int_str": (e('"42" | int'), ""),
    "int_bad_str": (e('"x" | int'), ""),
    "float_filter": (e('"1.5" | float'), ""),
    "join": (e('[3, 1] | join(",")'), ""),
    "set_block": ('{% set s %}raw text{% endset %}{% do emit("s", s) %}{% do emit("is_string", s is string) %}', ""),
    "set_block_whitespace": ('{% set s %}\n  a\n{% endset %}{% do emit("s", s) %}', ""),
    "raw_in_set_block": ('{% set s %}{% raw %}{{ x }}{% endraw %}{% endset %}{% do emit("s", s) %}', ""),
    "datetime_module": (e('modules.datetime.datetime(2020, 1, 2, 3, 4, 5).isoformat()'), ""),
    "datetime_strftime": (e('modules.datetime.datetime(2020, 1, 2, 3, 4, 5).strftime("%Y-%m-%dT%H:%M:%S")'), ""),
    "datetime_str": (e('modules.datetime.datetime(2020, 1, 2, 3, 4, 5) ~ ""'), ""),
    "date_plus_timedelta": (e('(modules.datetime.date(2020, 1, 31) + modules.datetime.timedelta(days=1)) ~ ""'), ""),
    "datetime_now_type": (e('modules.datetime.datetime.now().year > 2000'), ""),
    "append_on_arg": (
        '{% do append_one(xs) %}{% do emit("xs_after_callee", xs) %}{% do xs.append(2) %}{% do emit("xs_after_local", xs) %}',
        '{% macro append_one(ys) %}{% do ys.append(1) %}{% endmacro %}',
    ),
    "append_on_literal_via_macro": (
        '{% set l = [0] %}{% do append_one(l) %}{% do emit("l", l) %}',
        '{% macro append_one(ys) %}{% do ys.append(1) %}{% endmacro %}',
    ),
    "dict_update_local": ('{% set m = {"a": 1} %}{% do m.update({"b": 2}) %}{% do emit("m", m) %}', ""),
    "dict_update_arg": ('{% do d.update({"b": 2}) %}{% do emit("d", d) %}', ""),
    "dict_update_via_macro": (
        '{% set m = {"a": 1} %}{% do upd(m) %}{% do emit("m", m) %}',
        '{% macro upd(mm) %}{% do mm.update({"z": 9}) %}{% endmacro %}',
    ),
    "dict_setitem_via_update_return": (e('{"a": 1}.update({"b": 2})'), ""),
    "list_pop": ('{% set l = [1, 2, 3] %}{% set p = l.pop() %}{% do emit("p_l", [p, l]) %}', ""),
    "list_extend": ('{% set l = [1] %}{% do l.extend([2, 3]) %}{% do emit("l", l) %}', ""),
    "list_insert": ('{% set l = [1] %}{% do l.insert(0, 0) %}{% do emit("l", l) %}', ""),
    "str_true": (e('true ~ ""'), ""),
    "str_none": (e('none ~ ""'), ""),
    "str_list": (e('[1, "a", none, true] ~ ""'), ""),
    "str_dict": (e('{"a": 1} ~ ""'), ""),
    "int_eq_float": (e("1 == 1.0"), ""),
    "str_format_percent": (e('"%s-%05d" % ("a", 3)'), ""),
    "format_filter": (e('"%s-%s" | format(1, 2)'), ""),
    "str_format_method": (e('"{}-{}".format(1, 2)'), ""),
    "str_find": (e('"abc".find("c")'), ""),
    "str_index_0": (e('"abc"[0]'), ""),
    "str_reverse_slice": (e('"abc"[::-1]'), ""),
    "str_replace_all": (e('"aaa".replace("a", "b")'), ""),
    "sort_filter": (e("[3, 1, 2] | sort"), ""),
    "dictsort": (e('{"b": 1, "a": 2} | dictsort'), ""),
    "sum_filter": (e("[1, 2, 3] | sum"), ""),
    "map_attr_string": (e('[1, 2] | map("string") | list'), ""),
    "selectattr": (e('[{"a": 1}, {"a": 2}] | selectattr("a", "equalto", 2) | list'), ""),
    "unique": (e("[1, 1, 2] | unique | list"), ""),
    "first_last": (e("[[1, 2] | first, [1, 2] | last]"), ""),
    "default_filter_none": (e('none | default("d")'), ""),
    "default_filter_undefined": (e('no_such_var | default("d")'), ""),
    "tojson_filter": (e('{"a": [1]} | tojson'), ""),
    "fromjson": (e('fromjson("{\\"a\\": [1, 2.0, null]}")'), ""),
    "zip": (e("zip([1, 2], [3, 4]) | list"), ""),
    "div_by_zero": (e("1 / 0"), ""),
    "int_div_result": (e("6 / 3"), ""),
    "truthiness_empty": (e('[[] | length > 0, (not []), (not {}), (not ""), (not 0)]'), ""),
    "ternary_inline_if": (e('"y" if [] else "n"'), ""),
    "exceptions_raise": ('{% do exceptions.raise_compiler_error("BOOM") %}', ""),
}


def build(work: Path, engine: str, name: str, body: str, extra: str) -> Path:
    proj = work / engine / re.sub(r"[^A-Za-z0-9_.+-]", "_", name)
    if proj.exists():
        shutil.rmtree(proj)
    (proj / "macros").mkdir(parents=True)
    safe = re.sub(r"[^A-Za-z0-9_]", "_", name)
    (proj / "dbt_project.yml").write_text(PROJECT.format(name=safe))
    (proj / "macros" / "emit.sql").write_text(EMIT)
    (proj / "macros" / "probe.sql").write_text(
        "{% macro probe(xs=none, d=none) %}\n" + body + "\n{% endmacro %}\n" + (extra + "\n" if extra else "")
    )
    return proj


def run_case(dbt: str, work: Path, engine: str, name: str) -> dict:
    body, extra = CASES[name]
    proj = build(work, engine, name, body, extra)
    env = dict(os.environ)
    env.update(
        DBT_PROFILES_DIR=str(work),
        DBT_DISABLE_VERSION_CHECK="true",
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DO_NOT_TRACK="1",
        NO_COLOR="1",
    )
    cmd = [dbt, "run-operation", "probe", "--args", "{xs: [0], d: {a: 1}}"]
    t0 = time.monotonic()
    p = subprocess.run(cmd, cwd=proj, env=env, capture_output=True, text=True, timeout=300)
    dt = time.monotonic() - t0
    out = p.stdout + "\n" + p.stderr
    probes = [l.split("|", 3)[1:] for l in p.stdout.splitlines() if l.startswith("PROBE|")]
    extra_lines = [l.strip() for l in p.stdout.splitlines() if l.startswith("AFTER_RETURN")]
    err = ""
    if p.returncode != 0 or not probes:
        cand = [
            l.strip()
            for l in out.splitlines()
            if re.search(r"error|Error|BOOM|Compilation|exception", l) and "RequestsDependencyWarning" not in l
        ]
        err = " / ".join(dict.fromkeys(cand))[:400] or out.strip()[-400:]
    return {
        "case": name,
        "rc": p.returncode,
        "secs": round(dt, 2),
        "probes": probes,
        "after_return": extra_lines,
        "error": err,
    }


def fmt(r: dict | None) -> str:
    if r is None:
        return ""
    parts = []
    for label, kind, val in r["probes"]:
        if kind == "str":
            parts.append(f"{label}: `{val}`" if label not in ("v",) else f"`{val}`")
        else:
            parts.append(f"json `{val}`")
    for a in r["after_return"]:
        parts.append(f"(printed {a})")
    if r["error"]:
        parts.append("ERROR: " + r["error"].replace("|", "\\|"))
    s = "; ".join(parts).replace("\n", " ")
    return s.replace("|", "\\|") if not r["error"] else s


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", action="append", required=True, help="label=path/to/dbt")
    ap.add_argument("--work", default="/tmp/fusion-probe")
    ap.add_argument("--out-md")
    ap.add_argument("--out-json")
    ap.add_argument("--only")
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    (work / "profiles.yml").write_text(PROFILES)
    engines = [tuple(x.split("=", 1)) for x in a.engine]
    names = a.only.split(",") if a.only else list(CASES)
    results: dict[str, dict[str, dict]] = {lbl: {} for lbl, _ in engines}
    with cf.ThreadPoolExecutor(a.jobs) as ex:
        futs = {ex.submit(run_case, path, work, lbl, n): (lbl, n) for lbl, path in engines for n in names}
        for f in cf.as_completed(futs):
            lbl, n = futs[f]
            try:
                results[lbl][n] = f.result()
            except Exception as exc:  # noqa: BLE001
                results[lbl][n] = {"case": n, "rc": -1, "secs": 0, "probes": [], "after_return": [], "error": repr(exc)}
    if a.out_json:
        Path(a.out_json).write_text(json.dumps(results, indent=1, ensure_ascii=False))
    lines = ["| case | probe body | " + " | ".join(l for l, _ in engines) + " | same? |", "|---" * (len(engines) + 3) + "|"]
    for n in names:
        body = CASES[n][0].replace("|", "\\|")
        cells = [fmt(results[l].get(n)) for l, _ in engines]
        same = "yes" if len(set(cells)) == 1 else "**NO**"
        lines.append(f"| {n} | `{body}` | " + " | ".join(cells) + f" | {same} |")
    md = "\n".join(lines) + "\n"
    if a.out_md:
        Path(a.out_md).write_text(md)
    else:
        sys.stdout.write(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
