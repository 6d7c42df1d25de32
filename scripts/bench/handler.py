"""Benchmark the dbt_cloud_run_job handler against the stand-in dbt Cloud API.

Every request to the stand-in gets an injected latency (default 100 ms), so the
wall time per invocation is dominated by the number of sequential API calls.
Prints a markdown table: scenario, result status, API calls, wall time.

    .venv/bin/python scripts/bench/handler.py [--latency-ms 100] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "tests_py"))

from conftest import TOKEN, load_handler  # noqa: E402
from fake_dbt_cloud import FakeDbtCloud  # noqa: E402
from openapi_spec import OpenApiSpec, spec_path  # noqa: E402

NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)  # a Wednesday, noon UTC
BASE_ARGS = {"account_id": 1, "job_id": 42, "cause": "benchmark"}


def setup_history(api):
    api.scenario.jobs.clear()
    api.add_run(42, 10, NOW - timedelta(hours=6), NOW - timedelta(hours=5, minutes=40), run_id=9001)
    api.add_run(42, 20, NOW - timedelta(hours=30), NOW - timedelta(hours=29, minutes=50), run_id=9002)
    api.add_run(7, 10, NOW - timedelta(hours=3), NOW - timedelta(hours=2, minutes=30))
    api.add_run(7, 3, NOW - timedelta(minutes=20))


SCENARIOS = [
    (
        "no upstream, all checks pass",
        {"min_elapsed_seconds": 3600, "min_start_time": "06:00", "max_start_time": "18:00", "days_of_week": [2]},
        None,
    ),
    ("with upstream, all checks pass", {"upstream_job_id": 7, "min_elapsed_seconds": 3600}, None),
    ("skipped by window", {"min_start_time": "22:00", "max_start_time": "02:00"}, None),
    ("skipped: run in progress", {"upstream_job_id": 7}, "in_progress"),
    (
        "outcomes of 2 known runs, all checks pass",
        {"options": {"known_run_ids": [9001, 9002]}},
        None,
    ),
    (
        "select_changed, with upstream",
        {
            "upstream_job_id": 7,
            "options": {"select_changed": True, "changed_sources": [{"table": "RAW.S.T", "source": "raw.t"}]},
        },
        None,
    ),
    ("refresh of 2 known runs", {"options": {"mode": "refresh", "known_run_ids": [9001, 9002]}}, None),
    ("ping (options mode 'ping')", {"options": {"mode": "ping"}}, None),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()

    handler = load_handler()
    api = FakeDbtCloud(OpenApiSpec(spec_path()), now=lambda: NOW).start()
    api.scenario.latency = options.latency_ms / 1000.0
    rows = []
    try:
        for name, extra, variant in SCENARIOS:
            times, calls, statuses = [], [], set()
            for _ in range(options.repeat):
                setup_history(api)
                if variant == "in_progress":
                    api.add_run(42, 1, NOW - timedelta(minutes=1))
                api.requests.clear()
                started = time.perf_counter()
                result = handler.run_job(api.url, TOKEN, {**BASE_ARGS, **extra}, clock=lambda: NOW)
                times.append(time.perf_counter() - started)
                calls.append(len(api.requests))
                statuses.add(result["status"])
            rows.append((name, "/".join(sorted(statuses)), max(calls), statistics.median(times), max(times)))
    finally:
        api.stop()
    if api.violations:
        print("spec violations:", *api.violations, sep="\n", file=sys.stderr)
        return 1

    print(f"Latency injected per request: {options.latency_ms:.0f} ms; {options.repeat} invocations per scenario.\n")
    print("| scenario | status | API calls | wall time median (ms) | wall time max (ms) |")
    print("| --- | --- | ---: | ---: | ---: |")
    for name, status, ncalls, median, worst in rows:
        print(f"| {name} | {status} | {ncalls} | {median * 1000:.0f} | {worst * 1000:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
