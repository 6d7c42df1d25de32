"""Where an offline plan's time goes on dbt-core, per macro: `npx tsx scripts/bench/plan-cost.ts --profile`.

Reads `{"vars": ..., "macros_dir": ...}` on stdin (plan-cost.ts sends its generated config) and renders
`build_orchestration_resources(dry_run=true, offline=true, verbose=true)` in-process through the oracle
(scripts/engines/oracle: dbt-core's own Jinja, MacroGenerator and dispatch). Prints the CPU time per job (the
plan of every job minus the plan of the first job alone) and, per macro, its calls and its own time per
job (time inside the macro, less the macros it calls; the timing itself adds to these). Every call of a
package macro is a MacroGenerator round trip on dbt-core, which is why the call count matters.
"""

from __future__ import annotations

import collections
import json
import os
import sys
import time

# The oracle points fd 1 at stderr when imported (its protocol owns stdout): keep the real stdout for the report.
REPORT = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "engines", "oracle"))
import jinja_oracle  # noqa: E402
from dbt.clients import jinja as dbt_jinja  # noqa: E402

TOP = 25


def plan_request(macros_dir: str, vars_: dict) -> dict:
    return {
        "macros_dir": macros_dir,
        "macro": "build_orchestration_resources",
        "package_name": "dbt_cloud_orchestration",
        "context": {
            "target": {"name": "dev", "type": "snowflake", "schema": "public", "database": "db"},
            "vars": vars_,
            "args": {"dry_run": True, "offline": True, "verbose": True},
        },
    }


def cpu_seconds(request: dict) -> float:
    start = time.process_time()
    response = jinja_oracle.handle(request)
    if response["error"] is not None:
        raise SystemExit(f"the plan failed: {response['error']}")
    return time.process_time() - start


def main() -> None:
    given = json.load(sys.stdin)
    vars_ = given["vars"]
    config = vars_["dbt_cloud_orchestration"]
    jobs = len(config["jobs"])
    one_job = {"dbt_cloud_orchestration": {**config, "jobs": config["jobs"][:1]}}
    cpu_seconds(plan_request(given["macros_dir"], vars_))  # warm-up: parsing and template caches
    whole = sorted(cpu_seconds(plan_request(given["macros_dir"], vars_)) for _ in range(3))[1]
    single = sorted(cpu_seconds(plan_request(given["macros_dir"], one_job)) for _ in range(3))[1]
    per_job = (whole - single) / (jobs - 1) * 1000
    print(f"in-process, dbt-core's Jinja: {per_job:.2f} ms CPU per job ({jobs} jobs, median of 3)", file=REPORT)

    calls: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    inner: list[float] = []
    call = dbt_jinja.MacroGenerator.__call__

    def timed_call(self, *args, **kwargs):
        start = time.perf_counter()
        inner.append(0.0)
        try:
            return call(self, *args, **kwargs)
        finally:
            spent = time.perf_counter() - start
            calls[self.macro.name] += 1
            own[self.macro.name] += spent - inner.pop()
            if inner:
                inner[-1] += spent

    dbt_jinja.MacroGenerator.__call__ = timed_call
    try:
        cpu_seconds(plan_request(given["macros_dir"], vars_))
    finally:
        dbt_jinja.MacroGenerator.__call__ = call
    per_job_calls = sum(calls.values()) / jobs
    print(f"{per_job_calls:.1f} macro calls per job; the {TOP} macros with the most own time:", file=REPORT)
    print(f"{'calls/job':>9}  {'own µs/job':>10}  macro", file=REPORT)
    for name, seconds in own.most_common(TOP):
        print(f"{calls[name] / jobs:9.2f}  {seconds / jobs * 1e6:10.1f}  {name}", file=REPORT)


if __name__ == "__main__":
    main()
