"""Selective builds judged by real dbt: every narrowed step selects exactly what its original selects
downstream of the changed sources, keeps every other flag, and runs wherever its original runs.

The judge (tests_py/selection_judge.py, one process) runs dbt-core with dbt-duckdb on
tests_py/selection_project: sources (one whose table starts with a digit, one named with a glob character
next to its decoy, one feeding nothing), tags, paths, an ephemeral and a disabled model, seeds, snapshots,
generic, singular and unit tests, an exposure and YAML selectors. Each case is a realistic dbt Cloud job
step and a set of changed tables, in three environments (selection_judge.MODES): one whose DBT_WARN_ERROR
no step shows, one whose DBT_WARN_ERROR_OPTIONS keep an empty selection a warning, and dbt's default.
What the procedure knows of an environment is what dbt wrote into a run's run_results.json there; with it,
the handler plans the step, and dbt decides:

- what a step selects is what `dbt <step>` executes (its run results), and the changed sources' downstream
  is what `dbt ls --select source:<changed>+` lists;
- every other flag is what dbt's CLI reads from the step;
- whether a step passes is whether `dbt <step>` passes, for real, in that environment.
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
# selection_judge.MODES, strictest first: a step that passes in one passes in every later one (each makes a
# subset of the previous one's warnings errors and changes nothing else).
HIDDEN_WARN_ERROR = "env-warn-error"
QUIET = ("env-warn-error-but-empty-selection", "default")  # the procedure narrows the same way in both
MODES = (HIDDEN_WARN_ERROR, *QUIET)


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
OUTSIDE = "sent as it is: warn-error may reach it from outside"

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


def ls_of(handler, changed):
    return f"dbt ls --select {shlex.quote(' '.join(handler.changed_selection(CHANGED[changed]).selectors))}"


class Judge:
    """tests_py/selection_judge.py, asked one batch of requests at a time."""

    def __init__(self):
        self.process = subprocess.Popen(
            [sys.executable, str(JUDGE)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        self.batch({"project": str(PROJECT)})

    def batch(self, document):
        self.process.stdin.write(json.dumps(document) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            self.process.kill()
            raise AssertionError(self.process.stderr.read()[-3000:])
        answer = json.loads(line)
        print("selection judge:", answer["cost"])  # shown with -s: what the judge cost
        return answer["results"]

    def ask(self, requests):
        """{key: answer} for {key: request}: one batch."""
        identified = [{"id": str(number), **request} for number, request in enumerate(requests.values())]
        answers = self.batch({"requests": identified})
        return {key: answers[str(number)] for number, key in enumerate(requests)}

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=60)


def run_request(step, modes):
    return {"kind": "run", "args": words(step), "modes": list(modes)}


@pytest.fixture(scope="module")
def judged(handler):
    """The outside warn-error each environment shows, every case planned with it, and what dbt says about
    every command the cases need."""
    judge = Judge()
    try:
        # What a run in each environment wrote into run_results.json: all the procedure learns of it.
        probes = judge.ask({mode: run_request("dbt run -s calendar", [mode]) for mode in MODES})
        outside = {mode: handler.outside_warn_error({"args": probes[mode]["args"]}) for mode in MODES}
        plans = {
            mode: {case: handler.narrow_step(case[0], handler.changed_selection(CHANGED[case[1]]), outside[mode])
                   for case in CASES}
            for mode in MODES
        }  # fmt: skip
        requests = {("ls", ls_of(handler, changed)): {"kind": "ls", "args": words(ls_of(handler, changed))}
                    for changed in CHANGED}  # fmt: skip
        for (step, _), plan in plans[QUIET[0]].items():
            if kind_of(plan) in (NARROWED, LEFT_OUT) and step not in SPELLINGS:
                requests[("run", step, QUIET)] = run_request(step, QUIET)
                if plan.sent is not None:
                    requests[("run", plan.sent, QUIET)] = run_request(plan.sent, QUIET)
            if kind_of(plan) == NARROWED:
                requests[("params", step)] = {"kind": "params", "args": words(step)}
                requests[("params", plan.sent)] = {"kind": "params", "args": words(plan.sent)}
        for (step, _), plan in plans[HIDDEN_WARN_ERROR].items():
            if kind_of(plan) == NARROWED:
                requests[("run", step, (HIDDEN_WARN_ERROR,))] = run_request(step, [HIDDEN_WARN_ERROR])
                requests[("run", plan.sent, (HIDDEN_WARN_ERROR,))] = run_request(plan.sent, [HIDDEN_WARN_ERROR])
        for control in NEGATIVE_CONTROL:
            requests[("run", control, MODES)] = run_request(control, MODES)
        requests[("options",)] = {"kind": "options"}
        results = judge.ask(requests)
    finally:
        judge.close()
    return {"outside": outside, "plans": plans, "results": results, "handler": handler}


def downstream(judged, changed):
    listed = judged["results"][("ls", ls_of(judged["handler"], changed))]
    assert "nodes" in listed, listed
    return set(listed["nodes"])


def test_what_dbt_writes_into_run_results_shows_the_procedure_each_environment(judged):
    outside = judged["outside"]
    assert outside[HIDDEN_WARN_ERROR].fails_empty_selection, outside[HIDDEN_WARN_ERROR]
    assert not any(outside[mode].fails_empty_selection for mode in QUIET), outside
    assert judged["plans"][QUIET[0]] == judged["plans"][QUIET[1]]


def test_every_step_is_planned_as_expected(judged):
    wrong = {}
    for case, plan in judged["plans"][QUIET[0]].items():
        if not kind_of(plan).startswith(expected_kind(*case)):
            wrong[case] = (kind_of(plan), plan.sent)
    assert wrong == {}


def test_under_warn_error_from_outside_only_a_step_with_its_own_warn_error_options_is_narrowed(judged):
    wrong = {}
    for case, plan in judged["plans"][HIDDEN_WARN_ERROR].items():
        quiet = judged["plans"][QUIET[0]][case]
        if kind_of(quiet) != NARROWED:
            assert plan == quiet, case
            continue
        narrowed = kind_of(plan) == NARROWED
        own_options = "--warn-error-options" in case[0]
        if not (own_options and narrowed and not plan.trusts_outside) and not (
            not own_options and not narrowed and plan.why.startswith(OUTSIDE)
        ):
            wrong[case] = plan
    assert wrong == {}


def test_every_original_step_passes_in_some_environment(judged):
    """Without this, "passes wherever the original passes" would be vacuous. (Under DBT_WARN_ERROR, a step
    with its own --warn-error-options fails: dbt refuses the two together.)"""
    results = judged["results"]
    failing = {}
    for key, answer in results.items():
        if key[0] == "run" and key[1] in EXPECTED and key[2] == QUIET and answer["passed_in"] is None:
            failing[key[1]] = answer["failed"]
    assert failing == {}


def test_a_narrowed_step_selects_what_its_original_selects_downstream_of_the_changes(judged):
    results = judged["results"]
    wrong = {}
    for step, changed in RUN_CASES:
        plan = judged["plans"][QUIET[0]][(step, changed)]
        if kind_of(plan) != NARROWED:
            continue
        original = set(results[("run", step, QUIET)]["executed"])
        narrowed = set(results[("run", plan.sent, QUIET)]["executed"])
        expected = original & downstream(judged, changed)
        if narrowed != expected:
            wrong[(step, changed)] = {"missing": sorted(expected - narrowed), "extra": sorted(narrowed - expected)}
    assert wrong == {}


def test_a_left_out_seed_step_would_select_nothing_downstream_of_the_changes(judged):
    for step, changed in RUN_CASES:
        if kind_of(judged["plans"][QUIET[0]][(step, changed)]) == LEFT_OUT:
            original = set(judged["results"][("run", step, QUIET)]["executed"])
            assert original, step
            assert original & downstream(judged, changed) == set(), (step, changed)


def test_a_narrowed_step_is_read_by_dbt_as_the_intersection(judged):
    """dbt's CLI reads the narrowed --select as every member it reads in the original's, intersected with
    each changed source (or the changed sources alone when the original selects everything)."""
    results, handler = judged["results"], judged["handler"]
    for (step, changed), plan in judged["plans"][QUIET[0]].items():
        if kind_of(plan) != NARROWED:
            continue
        selectors = handler.changed_selection(CHANGED[changed]).selectors
        original = [member for member in results[("params", step)]["select_members"] if member]
        narrowed = results[("params", plan.sent)]["select_members"]
        expected = [f"{member},{selector}" for member in original for selector in selectors] if original else selectors
        assert sorted(narrowed) == sorted(set(expected)), (step, plan.sent)


def test_a_narrowed_step_keeps_every_flag_but_its_selection(judged):
    results = judged["results"]
    for (step, _), plan in judged["plans"][QUIET[0]].items():
        if kind_of(plan) != NARROWED:
            continue
        original, narrowed = results[("params", step)], results[("params", plan.sent)]
        assert "error" not in narrowed, (plan.sent, narrowed)
        assert narrowed["command"] == original["command"]
        assert narrowed["group"] == original["group"], plan.sent
        assert {**narrowed["command_params"], "select": None} == {**original["command_params"], "select": None}
        assert narrowed["command_params"]["select"] != original["command_params"]["select"]


def test_a_narrowed_step_passes_wherever_its_original_passes(judged):
    """In each environment, with the plan the procedure makes for it. Where the environment keeps an empty
    selection a warning and in dbt's default, environments are tried strictest first: passing in one means
    passing in the next. Where warn-error comes from outside, only steps with their own
    --warn-error-options are narrowed, and they are run there."""
    results = judged["results"]
    worse = {}
    for case in RUN_CASES:
        plan = judged["plans"][QUIET[0]][case]
        if kind_of(plan) == NARROWED:
            original, narrowed = results[("run", case[0], QUIET)], results[("run", plan.sent, QUIET)]
            if original["passed_in"] is not None and (
                narrowed["passed_in"] is None or QUIET.index(narrowed["passed_in"]) > QUIET.index(original["passed_in"])
            ):
                worse[(*case, "quiet")] = (original["passed_in"], narrowed["failed"])
        plan = judged["plans"][HIDDEN_WARN_ERROR][case]
        if kind_of(plan) == NARROWED:
            original = results[("run", case[0], (HIDDEN_WARN_ERROR,))]
            narrowed = results[("run", plan.sent, (HIDDEN_WARN_ERROR,))]
            if original["passed_in"] is not None and narrowed["passed_in"] is None:
                worse[(*case, HIDDEN_WARN_ERROR)] = narrowed["failed"]
    assert worse == {}


def test_the_judge_fails_a_narrowing_that_dbt_refuses_under_warn_error(judged):
    """Negative control: the narrowing earlier versions sent for a step with --warn-error fails where the
    step passes, and the judge says so."""
    step, old = NEGATIVE_CONTROL
    results = judged["results"]
    assert results[("run", step, MODES)]["passed_in"] == HIDDEN_WARN_ERROR
    assert results[("run", old, MODES)]["passed_in"] is None
    assert "does not match any enabled nodes" in results[("run", old, MODES)]["failed"]["default"]


def test_the_handler_knows_dbts_options(judged):
    """The option table the handler reads steps with is dbt-core's own (click's), as installed."""
    options, handler = judged["results"][("options",)], judged["handler"]
    assert {name for name, kind in options.items() if kind == "value"} == handler._DBT_VALUE_OPTIONS
    assert {name for name, kind in options.items() if kind == "list"} == handler._DBT_LIST_OPTIONS
    assert {name for name, kind in options.items() if kind == "flag"} == handler._DBT_FLAG_OPTIONS
