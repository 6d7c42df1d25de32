"""`npm run simulate -- --days N --seed S [--json]` (scripts/simulate.sh, run from tests_py/): a simulated week.

Prints the summary table and each invariant's verdict; with --json, the event log on stdout and the rest on
stderr. Exits 1 when an invariant is broken.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from .invariants import violations
from .scenario import make_scenario
from .summary import format_summary, summarise


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="npm run simulate --", description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=7, help="simulated days (default 7)")
    parser.add_argument("--seed", type=int, default=1, help="the scenario's seed (default 1)")
    parser.add_argument("--json", action="store_true", help="print the event log as JSON on stdout")
    parser.add_argument("--work-dir", type=Path, help="keep the warehouse here (default: a temporary folder)")
    args = parser.parse_args(argv)
    if args.days < 1:
        parser.error("--days must be at least 1")

    from .playback import play  # imports dbt and the stand-in: after the arguments are known good

    report = sys.stderr if args.json else sys.stdout
    scenario = make_scenario(args.seed, args.days)
    with tempfile.TemporaryDirectory(prefix="simulated-week-") as temporary:
        work_dir = args.work_dir or Path(temporary)
        log = play(scenario, work_dir)
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
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
