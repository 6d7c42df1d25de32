"""`npm run simulate -- --days N --seed S [--json]` (scripts/cli/simulate.sh, run from tests_py/): a simulated week.

Prints the summary table and each invariant's verdict; with --json, the event log on stdout and the rest on
stderr. Exits 1 when an invariant is broken.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from .invariants import violations
from .scenario import make_scenario
from .summary import format_summary, summarise


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="npm run simulate --", description="A simulated week of the runtime (docs/development.md)."
    )
    parser.add_argument("--days", type=int, default=7, help="simulated days (default 7)")
    parser.add_argument("--hours", type=float, help="stop after this many hours of the first day (a quick look)")
    parser.add_argument("--seed", type=int, default=1, help="the scenario's seed (default 1)")
    parser.add_argument("--json", action="store_true", help="print the event log as JSON on stdout")
    parser.add_argument("--work-dir", type=Path, help="keep the warehouse here (default: a temporary folder)")
    parser.add_argument("--timing", action="store_true", help="also print the wall and CPU time of each phase")
    args = parser.parse_args(argv)
    if args.days < 1:
        parser.error("--days must be at least 1")

    from .deployment import deploy
    from .playback import play  # imports dbt and the stand-in: after the arguments are known good

    report = sys.stderr if args.json else sys.stdout
    scenario = make_scenario(args.seed, args.days)
    scenario.hours = args.hours
    with tempfile.TemporaryDirectory(prefix="simulated-week-") as temporary:
        work_dir = args.work_dir or Path(temporary)
        with Stopwatch("deploy through real dbt-core") as deploying:
            deployed = deploy(scenario, work_dir / "deployed")
        with Stopwatch("the simulated days") as playing:
            log = play(scenario, work_dir, deployed)
    if args.json:
        print(log.to_json())
    print(format_summary(log, summarise(log)), file=report)
    broken = {name: found for name, found in violations(log).items() if found}
    print("\ninvariants:", file=report)
    for name, found in violations(log).items():
        print(f"  {'ok    ' if not found else 'BROKEN'}  {name}", file=report)
        for violation in found[:10]:
            print(f"          {violation}", file=report)
        if len(found) > 10:
            print(f"          … and {len(found) - 10} more", file=report)
    if args.timing:
        print("", file=report)
        for watch in (deploying, playing):
            print(f"{watch.what:<40}{watch.wall:>8.1f} s wall {watch.cpu:>8.1f} s CPU", file=report)
        ran = sum(1 for item in log.invocations if item.body_ran)
        if ran:
            print(f"{'CPU per invocation':<40}{playing.cpu / ran * 1000:>8.1f} ms", file=report)
    return 1 if broken else 0


class Stopwatch:
    def __init__(self, what: str):
        self.what, self.wall, self.cpu = what, 0.0, 0.0

    def __enter__(self) -> Stopwatch:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self._wall, time.process_time() - self._cpu


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
