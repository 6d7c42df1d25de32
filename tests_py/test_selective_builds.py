"""Selective builds judged by real dbt: every narrowed step selects exactly what its original selects
downstream of the changed sources, keeps every other flag, and runs wherever its original runs.

The judge (tests_py/selection_judge.py, one process) runs dbt-core with dbt-duckdb on
tests_py/selection_project: sources (one whose table starts with a digit, one named with a glob character
next to its decoy, one feeding nothing), tags, paths, an ephemeral and a disabled model, seeds, snapshots,
generic, singular and unit tests, an exposure and YAML selectors. For each case, a realistic dbt Cloud job
step and a set of changed tables, the handler plans the step and dbt decides:

- what a step selects is what `dbt <step>` executes (its run results), and the changed sources' downstream
  is what `dbt ls --select source:<changed>+` lists;
- every other flag is what dbt's CLI reads from the step;
- every step runs in three environments, strictest first (selection_judge.MODES), until it passes.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
PROJECT = HERE / "selection_project"
JUDGE = HERE / "selection_judge.py"
# selection_judge.MODES, strictest first.
MODES = ("env-warn-error", "env-warn-error-but-empty-selection", "default")
EMPTY_SELECTION_ERRORS = ("does not match any enabled nodes", "Nothing to do")


def source(name):
    return {"table": "RAW." + name.replace(".", "_").upper(), "source": name}


CHANGED = {
    "orders": [source("raw.orders")],
    "orders+accounts": [source("raw.orders"), source("crm.accounts")],
    "lonely": [source("archive.lonely")],  # feeds nothing
    "customers": [source("raw.customers")],  # feeds a snapshot, and through it a mart
    "odd names": [source("raw.3rd_party"), source("raw.odd*name")],
    "orders+plain table": [source("raw.orders"), {"table": "RAW.INVENTORY.STOCK_LEVELS", "source": None}],
}
# Two sources whose downstreams differ (a member may select nothing for one and not the other), and a
# source that feeds nothing: every step meets both; some meet more.
COMMON = ("orders+accounts", "lonely")
SNAPSHOTS = (*COMMON, "customers")

NARROWED = "narrowed"
LEFT_OUT = "left out"
UNCHANGED = "unchanged"  # a step that builds nothing: sent as it is, nothing to say
# A building step sent as it is, and the words of the reason the log gives.
SELECTOR = "sent as it is: dbt does not combine a YAML --selector"
WARN_ERROR = "sent as it is: under --warn-error"
WARN_ERROR_OPTIONS = "sent as it is: its --warn-error-options"
UNSELECTABLE = "sent as it is: a changed table is not one dbt can select by"

WARN_ALL_BUT_EMPTY = '{"error": "all", "warn": ["NoNodesForSelectionCriteria", "NothingToDo"]}'

# (step, what the plan is for every set dbt can select by, the sets it is judged with)
STEPS = [
    # Steps that build nothing are sent as they are.
    ("dbt source freshness", UNCHANGED, COMMON),
    ("dbt docs generate", UNCHANGED, COMMON),
    ("dbt run-operation stage_external_sources", UNCHANGED, COMMON),
    ("dbt compile -s tag:finance", UNCHANGED, COMMON),
    ("dbt ls -s tag:finance", UNCHANGED, COMMON),
    # Seeds have no parents: a seed step is left out, whatever its flags.
    ("dbt seed", LEFT_OUT, tuple(CHANGED)),
    ("dbt seed --full-refresh --warn-error", LEFT_OUT, COMMON),
    ("dbt seed -s country_codes", LEFT_OUT, COMMON),
    # build: no selection, selections of every method, unions, intersections, graph operators.
    ("dbt build", NARROWED, tuple(CHANGED)),
    ("dbt build --select tag:finance", NARROWED, (*COMMON, "orders", "orders+plain table")),
    ("dbt build -s tag:finance tag:marketing", NARROWED, COMMON),
    ('dbt build -s "tag:finance tag:daily"', NARROWED, COMMON),
    ("dbt build --select path:models/marts", NARROWED, (*COMMON, "odd names")),
    ("dbt build -s fct_orders+", NARROWED, COMMON),
    ("dbt build -s +customer_orders", NARROWED, SNAPSHOTS),
    ("dbt build -s @stg_customers", NARROWED, ("customers",)),
    ("dbt build -s 1+dim_customers", NARROWED, ("customers",)),
    ("dbt build -s tag:finance,config.materialized:table", NARROWED, COMMON),
    ("dbt build -s test_type:generic", NARROWED, COMMON),
    ("dbt build -s source:raw+", NARROWED, ("orders+accounts", "odd names")),
    ("dbt build -s source:raw.orders+ --exclude fct_orders", NARROWED, COMMON),
    ("dbt build --exclude tag:marketing", NARROWED, COMMON),
    ("dbt build --select tag:daily --exclude 'customer_orders tag:staging'", NARROWED, COMMON),
    ("dbt build -s marts.finance", NARROWED, COMMON),
    # Every spelling of --select, repeated, inline, attached, clustered with flags.
    ("dbt build -m tag:finance", NARROWED, COMMON),
    ("dbt build --models marts.finance --model tag:daily", NARROWED, COMMON),
    ("dbt build -s tag:finance -s tag:daily", NARROWED, COMMON),
    ("dbt build --select=tag:finance tag:marketing", NARROWED, COMMON),
    ("dbt build -sfct_orders", NARROWED, ("orders", *COMMON)),
    ("dbt build -xsfct_orders+", NARROWED, COMMON),
    ('dbt build -s "tag:finance  tag:daily"', NARROWED, COMMON),  # an empty member: dbt warns, selects nothing
    # Options before the command, options with values, flags dbt reads at both levels.
    ("dbt --printer-width 100 build -s tag:finance", NARROWED, COMMON),
    ("dbt --fail-fast run -s tag:finance", NARROWED, COMMON),
    ('dbt build --vars \'{"key": "a b; rm -rf /"}\' -s tag:daily --fail-fast', NARROWED, COMMON),
    ("dbt build --indirect-selection cautious -s fct_orders", NARROWED, COMMON),
    ("dbt build --indirect-selection=buildable -s tag:finance", NARROWED, COMMON),
    ("dbt build --resource-type model --resource-type snapshot", NARROWED, SNAPSHOTS),
    ("dbt build --exclude-resource-type test", NARROWED, COMMON),
    # run, test, snapshot.
    ("dbt run", NARROWED, (*COMMON, "orders+plain table")),
    ("dbt run --full-refresh -s marts", NARROWED, COMMON),
    ("dbt run -t dev --threads 2 -s tag:daily", NARROWED, COMMON),
    ("dbt test", NARROWED, COMMON),
    ("dbt test -s source:raw", NARROWED, COMMON),
    ("dbt test -s tag:finance --indirect-selection cautious", NARROWED, COMMON),
    ("dbt test --exclude-resource-type unit_test", NARROWED, COMMON),
    ("dbt snapshot", NARROWED, SNAPSHOTS),
    ("dbt snapshot -s snap_customers", NARROWED, SNAPSHOTS),
    # warn-error the step shows: narrowed where dbt keeps an empty selection a warning, else sent as it is.
    (f"dbt build -s tag:daily --warn-error-options '{WARN_ALL_BUT_EMPTY}'", NARROWED, COMMON),
    ("dbt build -s tag:finance tag:marketing --warn-error-options '{error: [Deprecations]}'", NARROWED, COMMON),
    ("dbt --warn-error build", WARN_ERROR, COMMON),
    ("dbt build --select tag:finance --warn-error", WARN_ERROR, COMMON),
    ("dbt snapshot --warn-error", WARN_ERROR, COMMON),
    ('dbt build --warn-error-options \'{"error": ["NoNodesForSelectionCriteria"]}\'', WARN_ERROR_OPTIONS, COMMON),
    ("dbt run --warn-error-options '{error: all}'", WARN_ERROR_OPTIONS, COMMON),
    # YAML selectors: dbt ignores --select next to --selector, so no intersection can be written.
    ("dbt build --selector nightly", SELECTOR, COMMON),
    ("dbt build --selector=marketing_only", SELECTOR, COMMON),
]

# A step with --warn-error, and the narrowing earlier versions sent for it.
NEGATIVE_CONTROL = (
    "dbt build --select tag:finance --warn-error",
    "dbt build --select tag:finance,source:crm.accounts+ tag:finance,source:raw.orders+ --warn-error",
)

CASES = [(step, changed) for step, _, sets in STEPS for changed in sets]
# Steps that differ from a step run above only in how they spell their options: judged by how dbt's CLI
# reads them (test_a_narrowed_step_is_read_by_dbt_as_the_intersection), not run again.
SPELLINGS = {
    "dbt build -m tag:finance",
    "dbt build --models marts.finance --model tag:daily",
    "dbt build -s tag:finance -s tag:daily",
    "dbt build --select=tag:finance tag:marketing",
    'dbt build -s "tag:finance tag:daily"',
    "dbt build -sfct_orders",
    "dbt build -xsfct_orders+",
    "dbt --printer-width 100 build -s tag:finance",
    "dbt --fail-fast run -s tag:finance",
    'dbt build --vars \'{"key": "a b; rm -rf /"}\' -s tag:daily --fail-fast',
    "dbt run -t dev --threads 2 -s tag:daily",
    "dbt test --exclude-resource-type unit_test",
    "dbt build --exclude-resource-type test",
    "dbt build --exclude tag:marketing",
    "dbt build -s tag:finance tag:marketing --warn-error-options '{error: [Deprecations]}'",
}
RUN_CASES = [case for case in CASES if case[0] not in SPELLINGS]
EXPECTED = {step: kind for step, kind, _ in STEPS}


def expected_kind(step, changed):
    kind = EXPECTED[step]
    if any(item["source"] is None for item in CHANGED[changed]) and kind not in (UNCHANGED, LEFT_OUT):
        return UNSELECTABLE
    return kind


def kind_of(plan):
    if plan.sent is None:
        return LEFT_OUT
    if plan.sent != plan.step:
        return NARROWED
    return UNCHANGED if plan.why is None else plan.why


def words(step):
    return shlex.split(step)[1:]


@pytest.fixture(scope="module")
def judged(handler):
    """Every case planned by the handler, and what dbt says about every command the cases need."""
    plans = {case: handler.narrow_step(case[0], handler.changed_selection(CHANGED[case[1]])) for case in CASES}
    requests = {}

    def ask(kind, step, **extra):
        requests.setdefault((kind, step), {"id": f"{kind}-{len(requests)}", "kind": kind, "args": words(step), **extra})

    for items in CHANGED.values():
        selectors = handler.changed_selection(items).selectors
        ask("ls", f"dbt ls --select {shlex.quote(' '.join(selectors))}")
    for (step, _), plan in plans.items():
        if kind_of(plan) in (NARROWED, LEFT_OUT) and step not in SPELLINGS:
            ask("run", step, modes=list(MODES))
            if plan.sent is not None:
                ask("run", plan.sent, modes=list(MODES))
        if kind_of(plan) == NARROWED:
            ask("params", step)
            ask("params", plan.sent)
    for control in NEGATIVE_CONTROL:
        ask("run", control, modes=list(MODES))
    ask("options", "dbt")
    document = {"project": str(PROJECT), "requests": list(requests.values())}
    answer = subprocess.run(
        [sys.executable, str(JUDGE)], input=json.dumps(document), capture_output=True, text=True, check=False
    )
    assert answer.returncode == 0, answer.stderr[-3000:] or answer.stdout[-3000:]
    answered = json.loads(answer.stdout)
    print("selection judge:", answered["seconds"])  # shown with -s: what the judge cost
    results = answered["results"]
    by_command = {key: results[request["id"]] for key, request in requests.items()}
    return plans, by_command, handler


def downstream(handler, judged_results, changed):
    selectors = handler.changed_selection(CHANGED[changed]).selectors
    listed = judged_results[("ls", f"dbt ls --select {shlex.quote(' '.join(selectors))}")]
    assert "nodes" in listed, listed
    return set(listed["nodes"])


def test_every_step_is_planned_as_expected(judged):
    plans, _, _ = judged
    wrong = {}
    for case, plan in plans.items():
        if not kind_of(plan).startswith(expected_kind(*case)):
            wrong[case] = (kind_of(plan), plan.sent)
    assert wrong == {}


def test_every_original_step_passes_in_some_environment(judged):
    """Without this, "passes wherever the original passes" would be vacuous."""
    plans, results, _ = judged
    failing = {
        step: results[("run", step)]["failed"]
        for (step, _), plan in plans.items()
        if ("run", step) in results and results[("run", step)]["passed_in"] is None
    }
    assert failing == {}


def test_a_narrowed_step_selects_what_its_original_selects_downstream_of_the_changes(judged):
    plans, results, handler = judged
    wrong = {}
    for step, changed in RUN_CASES:
        plan = plans[(step, changed)]
        if kind_of(plan) != NARROWED:
            continue
        original = set(results[("run", step)]["executed"])
        narrowed = set(results[("run", plan.sent)]["executed"])
        expected = original & downstream(handler, results, changed)
        if narrowed != expected:
            wrong[(step, changed)] = {"missing": sorted(expected - narrowed), "extra": sorted(narrowed - expected)}
    assert wrong == {}


def test_a_left_out_seed_step_would_select_nothing_downstream_of_the_changes(judged):
    plans, results, handler = judged
    for step, changed in RUN_CASES:
        plan = plans[(step, changed)]
        if kind_of(plan) == LEFT_OUT:
            original = set(results[("run", step)]["executed"])
            assert original, step
            assert original & downstream(handler, results, changed) == set(), (step, changed)


def test_a_narrowed_step_is_read_by_dbt_as_the_intersection(judged):
    """dbt's CLI reads the narrowed --select as every member it reads in the original's, intersected with
    each changed source (or the changed sources alone when the original selects everything)."""
    plans, results, handler = judged
    for (step, changed), plan in plans.items():
        if kind_of(plan) != NARROWED:
            continue
        selectors = handler.changed_selection(CHANGED[changed]).selectors
        original = [member for member in results[("params", step)]["select_members"] if member]
        narrowed = results[("params", plan.sent)]["select_members"]
        expected = [f"{member},{selector}" for member in original for selector in selectors] if original else selectors
        assert sorted(narrowed) == sorted(set(expected)), (step, plan.sent)


def test_a_narrowed_step_keeps_every_flag_but_its_selection(judged):
    plans, results, _ = judged
    for (step, _), plan in plans.items():
        if kind_of(plan) != NARROWED:
            continue
        original, narrowed = results[("params", step)], results[("params", plan.sent)]
        assert "error" not in narrowed, (plan.sent, narrowed)
        assert narrowed["command"] == original["command"]
        assert narrowed["group"] == original["group"], plan.sent
        assert {**narrowed["command_params"], "select": None} == {**original["command_params"], "select": None}
        assert narrowed["command_params"]["select"] != original["command_params"]["select"]


def test_a_narrowed_step_passes_wherever_its_original_passes(judged):
    """Environments are tried strictest first; passing in one means passing in every later one.

    The one exception is the limit docs/run-outcomes.md states: with warn-error set where the step does
    not show it, a narrowed member or step that selects nothing fails. Every such failure is exactly that,
    and the remedy the docs give (those two warnings stay warnings) makes the step pass.
    """
    plans, results, _ = judged
    worse = {}
    hidden_warn_error = set()
    for case in RUN_CASES:
        plan = plans[case]
        if kind_of(plan) != NARROWED:
            continue
        original, narrowed = results[("run", case[0])], results[("run", plan.sent)]
        if MODES.index(narrowed["passed_in"]) <= MODES.index(original["passed_in"]):
            continue
        failure = narrowed["failed"].get("env-warn-error", "")
        if (
            original["passed_in"] == "env-warn-error"
            and narrowed["passed_in"] == "env-warn-error-but-empty-selection"
            and any(words in failure for words in EMPTY_SELECTION_ERRORS)
        ):
            hidden_warn_error.add(case)
            continue
        worse[case] = (original["passed_in"], narrowed["passed_in"], narrowed["failed"])
    assert worse == {}
    # The limit is real (the test would notice were it gone) and only where something selects nothing.
    assert ("dbt build -s tag:finance tag:marketing", "orders+accounts") in hidden_warn_error
    assert ("dbt build", "lonely") in hidden_warn_error


def test_the_judge_fails_a_narrowing_that_dbt_refuses_under_warn_error(judged, handler):
    """Negative control: the narrowing earlier versions sent for a step with --warn-error fails where the
    step passes, and the judge says so."""
    step, old = NEGATIVE_CONTROL
    _, results, _ = judged
    assert results[("run", step)]["passed_in"] == "env-warn-error"
    assert results[("run", old)]["passed_in"] is None
    assert "does not match any enabled nodes" in results[("run", old)]["failed"]["default"]


def test_the_handler_knows_dbts_options(judged, handler):
    """The option table the handler reads steps with is dbt-core's own (click's), as installed."""
    _, results, _ = judged
    options = results[("options", "dbt")]
    assert {name for name, kind in options.items() if kind == "value"} == handler._DBT_VALUE_OPTIONS
    assert {name for name, kind in options.items() if kind == "list"} == handler._DBT_LIST_OPTIONS
    assert {name for name, kind in options.items() if kind == "flag"} == handler._DBT_FLAG_OPTIONS
