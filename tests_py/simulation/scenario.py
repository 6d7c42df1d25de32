"""A seeded week: the jobs a team deploys (the example project's, plus jobs for every other gate), when data
lands on their tables, and how dbt Cloud behaves meanwhile. Pure: the same seed makes the same scenario."""

from __future__ import annotations

import copy
import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from .events import Arrival

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "dbt_cloud_orchestration"
EXAMPLE_PROJECT_FILE = "integration_tests/dbt_project.yml"
EXAMPLE_SOURCES_FILE = "integration_tests/models/sources.yml"
# The week starts on a Monday at local midnight, in the example config's time zone.
FIRST_DAY = (2026, 6, 1)
UPSTREAM_JOB_ID = 111  # the example's daily sales waits for it; dbt Cloud schedules it, no task does
ERROR_INTEGRATION = "TASK_ALERTS"
SUSPEND_AFTER_FAILURES = 4

# Jobs beyond the example's, so that every gate and schedule kind is deployed: a table two jobs watch, weekend
# days with a window, a cron schedule in another zone with min_elapsed_seconds, an upstream gate on a quiet table.
EXTRA_JOBS = [
    {
        "name": "customer 360",
        "job_id": 67893,
        "tables": ["RAW.SALES.ORDERS", "RAW.CRM.ACCOUNTS"],
        "schedule": "triggered",
        "min_elapsed_seconds": 3600,
    },
    {
        "name": "weekend marketing",
        "job_id": 67894,
        "tables": ["RAW.MARKETING.CAMPAIGNS"],
        "schedule": "30 MINUTE",
        "min_start_time": "08:00",
        "max_start_time": "18:00",
        "days_of_week": [5, 6],
    },
    {
        "name": "ops tickets",
        "job_id": 67895,
        "tables": ["RAW.OPS.TICKETS"],
        "schedule": "USING CRON 0 */4 * * * UTC",
        "min_elapsed_seconds": 7200,
    },
    {
        "name": "web events",
        "job_id": 67896,
        "tables": ["RAW.WEB.EVENTS"],
        "schedule": "triggered",
        "upstream_job_id": UPSTREAM_JOB_ID,
        "min_elapsed_seconds": 900,
    },
]


@dataclass(frozen=True)
class TableProfile:
    """How data lands on a table: batches a day (mean), the local hours they land in, rows per batch."""

    table: str
    batches_per_day: float
    hours: tuple[int, ...]
    rows: tuple[int, int]


ALL_DAY = tuple(range(24))
# Rows per batch are small: only their count matters to the invariants, and a stream's change set is a
# snapshot diff (change_tracking.py) whose cost grows with the table.
TABLES = [
    TableProfile("RAW.SALES.ORDERS", 6, ALL_DAY, (2, 40)),
    TableProfile('RAW.SALES."Order Items"', 5, ALL_DAY, (5, 60)),
    TableProfile("RAW.SALES.CUSTOMERS", 1, (2, 3, 4), (1, 10)),
    TableProfile("RAW.INVENTORY.STOCK_LEVELS", 2, (21, 22, 23, 0, 1), (10, 50)),
    TableProfile("RAW.FINANCE.GENERAL_LEDGER", 1, (3, 4, 5), (5, 30)),
    TableProfile("RAW.CRM.ACCOUNTS", 2, tuple(range(7, 19)), (1, 10)),
    TableProfile("RAW.MARKETING.CAMPAIGNS", 2, tuple(range(6, 20)), (1, 5)),
    TableProfile("RAW.OPS.TICKETS", 6, ALL_DAY, (1, 20)),
    TableProfile("RAW.WEB.EVENTS", 0.3, ALL_DAY, (20, 80)),  # quiet: most days nothing lands
]


@dataclass(frozen=True)
class CloudBehaviour:
    """dbt Cloud from `start` to `end`: "slow" (every answer `seconds` late), "5xx" (503 to everything), "429"
    (rate limited: every request refused until the cooldown ends), "401" (the token was revoked until an
    operator fixes it), or "dies after POST" (the first task run to trigger a run in the span dies before COMMIT)."""

    kind: str
    start: datetime
    end: datetime
    seconds: float = 0.0


@dataclass(frozen=True)
class FalseSignal:
    """SYSTEM$STREAM_HAS_DATA says true for one job's stream on one table, with no row in it, from `at` on."""

    job_id: int
    table: str
    at: datetime


@dataclass(frozen=True)
class UpstreamRun:
    job_id: int
    created: datetime
    finished: datetime
    succeeded: bool


@dataclass
class Scenario:
    seed: int
    days: int
    timezone: str
    start: datetime
    config: dict  # the package's vars, as the project's dbt_project.yml holds them
    arrivals: list[Arrival] = field(default_factory=list)
    quiet_days: list[str] = field(default_factory=list)  # local dates on which nothing lands anywhere
    behaviours: list[CloudBehaviour] = field(default_factory=list)
    false_signals: list[FalseSignal] = field(default_factory=list)
    upstream_runs: list[UpstreamRun] = field(default_factory=list)
    hours: float | None = None  # play only this many hours of the first day's start (a shorter test)

    @property
    def end(self) -> datetime:
        if self.hours is not None:
            return self.start + timedelta(hours=self.hours)
        return self.start + timedelta(days=self.days)

    @property
    def tables(self) -> list[str]:
        return [profile.table for profile in TABLES]

    def run_fate(self, job_id: int, ordinal: int) -> tuple[timedelta, bool]:
        """How long the job's ordinal-th run takes and whether it succeeds: fixed by the seed, whenever it runs."""
        rng = random.Random(f"{self.seed}/{job_id}/{ordinal}")
        return timedelta(minutes=rng.randint(4, 25), seconds=rng.randint(0, 59)), rng.random() >= 0.1

    def behaviours_at(self, moment: datetime) -> list[CloudBehaviour]:
        return [item for item in self.behaviours if item.start <= moment < item.end]


def example_config(repo_root: Path = REPO_ROOT) -> dict:
    """The example project's vars for the package, as a team has them in its dbt_project.yml."""
    project = yaml.safe_load((repo_root / EXAMPLE_PROJECT_FILE).read_text())
    return copy.deepcopy(project["vars"][PACKAGE])


def example_sources(repo_root: Path = REPO_ROOT) -> dict[str, str]:
    """'source_name.table_name' -> the table it names, as watched tables are named (database.schema.table)."""
    tables = {}
    for source in yaml.safe_load((repo_root / EXAMPLE_SOURCES_FILE).read_text())["sources"]:
        for table in source["tables"]:
            parts = [source["database"], source["schema"], table.get("identifier", table["name"])]
            tables[f"{source['name']}.{table['name']}"] = canonical_table(".".join(parts))
    return tables


_PART = re.compile(r'"((?:[^"]|"")*)"|([^."]+)')
_PLAIN = re.compile(r"[A-Z_][A-Z0-9_$]*")


def canonical_table(name: str) -> str:
    """A table name as Snowflake resolves and prints it: unquoted parts upper-cased, quotes only where needed."""
    parts = []
    for quoted, plain in _PART.findall(name):
        part = quoted.replace('""', '"') if quoted else plain.upper()
        parts.append(part if _PLAIN.fullmatch(part) else '"' + part.replace('"', '""') + '"')
    return ".".join(parts)


def watched_tables(job: dict, sources: dict[str, str]) -> list[str]:
    """A job's watched tables, `tables:` then `sources:`, in canonical form."""
    return [canonical_table(table) for table in job.get("tables", [])] + [
        sources[source] for source in job.get("sources", [])
    ]


def deployed_config(repo_root: Path = REPO_ROOT) -> dict:
    config = example_config(repo_root)
    config["jobs"] = [*config["jobs"], *copy.deepcopy(EXTRA_JOBS)]
    # Failures notify and, repeated, suspend the task (user-guide/tasks-errors).
    config["error_integration"] = ERROR_INTEGRATION
    config["suspend_task_after_num_failures"] = SUSPEND_AFTER_FAILURES
    return config


def make_scenario(seed: int, days: int, repo_root: Path = REPO_ROOT) -> Scenario:
    rng = random.Random(seed)
    config = deployed_config(repo_root)
    sources = example_sources(repo_root)
    zone = ZoneInfo(config["timezone"])
    start = datetime(*FIRST_DAY, tzinfo=zone)
    scenario = Scenario(seed=seed, days=days, timezone=config["timezone"], start=start, config=config)
    local_days = [(start + timedelta(days=index)).date() for index in range(days)]
    quiet = set(rng.sample(local_days, k=days // 4)) if days >= 3 else set()
    scenario.quiet_days = sorted(day.isoformat() for day in quiet)
    for day in local_days:
        midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
        if day not in quiet:
            scenario.arrivals += _arrivals(rng, midnight)
        scenario.upstream_runs += _upstream_runs(rng, midnight)
        scenario.behaviours += _behaviours(rng, midnight)
        scenario.false_signals += _false_signals(rng, midnight, config, sources)
    scenario.arrivals.sort(key=lambda item: item.at)
    scenario.behaviours.sort(key=lambda item: item.start)
    scenario.false_signals.sort(key=lambda item: item.at)
    return scenario


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo("UTC"))


def _arrivals(rng: random.Random, midnight: datetime) -> list[Arrival]:
    arrivals = []
    for profile in TABLES:
        batches = sum(1 for _ in range(12) if rng.random() < profile.batches_per_day / 12)
        for _ in range(batches):
            # Odd seconds: never at the same instant as a task run, which starts on a whole minute or a
            # trigger's whole second after it.
            moment = midnight + timedelta(hours=rng.choice(profile.hours), minutes=rng.randrange(60))
            moment += timedelta(seconds=rng.randrange(1, 60, 2))
            arrivals.append(Arrival(profile.table, _utc(moment), rng.randint(*profile.rows)))
    return arrivals


def _upstream_runs(rng: random.Random, midnight: datetime) -> list[UpstreamRun]:
    """The upstream job runs early every morning (dbt Cloud's own schedule) and fails one day in five."""
    created = midnight + timedelta(hours=5, minutes=rng.randrange(0, 90))
    finished = created + timedelta(minutes=rng.randint(10, 40))
    return [UpstreamRun(UPSTREAM_JOB_ID, _utc(created), _utc(finished), rng.random() >= 0.2)]


def _behaviours(rng: random.Random, midnight: datetime) -> list[CloudBehaviour]:
    behaviours = []

    def span(kind: str, minutes: tuple[int, int], chance: float, seconds: float = 0.0) -> None:
        if rng.random() < chance:
            start = midnight + timedelta(minutes=rng.randrange(0, 24 * 60))
            end = start + timedelta(minutes=rng.randint(*minutes))
            behaviours.append(CloudBehaviour(kind, _utc(start), _utc(end), seconds))

    span("slow", (30, 180), 0.6, seconds=rng.choice([2.0, 8.0, 20.0]))
    span("5xx", (10, 45), 0.4)
    span("429", (5, 5), 0.3)  # dbt Cloud's cooldown after a 429 is five minutes (Admin API rate limits)
    span("401", (20, 60), 0.15)
    span("dies after POST", (60, 240), 0.4)
    return behaviours


def _false_signals(rng: random.Random, midnight: datetime, config: dict, sources: dict) -> list[FalseSignal]:
    """About two a day, over every job's streams."""
    signals = []
    for job in config["jobs"]:
        for table in watched_tables(job, sources):
            if rng.random() < 0.15:
                moment = midnight + timedelta(minutes=rng.randrange(0, 24 * 60), seconds=rng.randrange(1, 60, 2))
                signals.append(FalseSignal(job["job_id"], table, _utc(moment)))
    return signals
