"""dbt Cloud during a simulated week: the spec-validated stand-in API (tests_py/fake_dbt_cloud.py) on the
simulated clock, with the scenario's behaviours switched on and off, the upstream job's runs, and each run
finishing when its fate says."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fake_dbt_cloud import FakeDbtCloud, Fault
from openapi_spec import OpenApiSpec, spec_path

from .events import CloudRun
from .scenario import CloudBehaviour, Scenario

QUEUED, SUCCESS, ERROR = 1, 10, 20
# Seconds of real time per simulated second of a slow answer: the handler's clock is simulated, the stand-in
# API's latency is not, so a slow span is felt as a real delay scaled down (and capped) to keep a week quick.
SLOW_SCALE, SLOW_CAP = 0.005, 0.1
FAULT_STATUS = {"5xx": 503, "429": 429, "401": 401}
FAULT_MESSAGE = {
    "5xx": "Service Unavailable",
    "429": "Too many requests: the account is rate limited for five minutes",
    "401": "Invalid token.",
}


class SimulatedDbtCloud:
    def __init__(self, scenario: Scenario, now: Callable[[], datetime]):
        self.scenario = scenario
        self.api = FakeDbtCloud(OpenApiSpec(spec_path()), now=now)
        self.api.scenario.account_id = scenario.config["account_id"]
        for job in scenario.config["jobs"]:
            self.api.add_job(job["job_id"])
        for run in scenario.upstream_runs:
            self.api.add_job(run.job_id)
        self._fates: dict[int, tuple[datetime, int]] = {}  # run id -> when it finishes, with which status
        self._upstream = sorted(scenario.upstream_runs, key=lambda run: run.created)
        self._faults: dict[CloudBehaviour, Fault] = {}

    def __enter__(self) -> SimulatedDbtCloud:
        self.api.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.api.stop()

    @property
    def url(self) -> str:
        return self.api.url

    def request_count(self) -> int:
        return len(self.api.requests)

    def run_ids(self) -> set[int]:
        return {run.id for runs in self.api.scenario.jobs.values() for run in runs}

    def catch_up(self, moment: datetime) -> None:
        """Everything due by `moment`: upstream runs created or finished, runs finished, behaviours on or off."""
        while self._upstream and self._upstream[0].created <= moment:
            planned = self._upstream.pop(0)
            run = self.api.add_run(planned.job_id, QUEUED, planned.created, cause="Scheduled by dbt Cloud")
            self._fates[run.id] = (planned.finished, SUCCESS if planned.succeeded else ERROR)
        ordinals: dict[int, int] = {}
        for job_id, runs in self.api.scenario.jobs.items():
            for run in runs:
                ordinals[job_id] = ordinals.get(job_id, 0) + 1
                if run.id not in self._fates:
                    duration, succeeded = self.scenario.run_fate(job_id, ordinals[job_id])
                    self._fates[run.id] = (run.created_at + duration, SUCCESS if succeeded else ERROR)
                finished_at, status = self._fates[run.id]
                if run.finished_at is None and finished_at <= moment:
                    run.status, run.finished_at = status, finished_at
        self._switch_behaviours(moment)

    def next_change_after(self, moment: datetime) -> datetime | None:
        """The next instant at which catch_up would change something."""
        times = [finished for finished, _ in self._fates.values() if finished > moment]
        times += [run.created for run in self._upstream]
        times += [edge for item in self.scenario.behaviours for edge in (item.start, item.end) if edge > moment]
        return min(times, default=None)

    def _switch_behaviours(self, moment: datetime) -> None:
        active = set(self.scenario.behaviours_at(moment))
        for item in list(self._faults):
            if item not in active:
                self.api.scenario.faults.remove(self._faults.pop(item))
        for item in active:
            if item.kind in FAULT_STATUS and item not in self._faults:  # "dies after POST" is the task run's
                fault = Fault("status", status=FAULT_STATUS[item.kind], message=FAULT_MESSAGE[item.kind], times=10**9)
                self._faults[item] = fault
                self.api.scenario.faults.append(fault)
        slow = [item.seconds for item in active if item.kind == "slow"]
        self.api.scenario.latency = min(SLOW_CAP, max(slow) * SLOW_SCALE) if slow else 0.0

    def runs(self) -> list[CloudRun]:
        return sorted(
            (
                CloudRun(
                    id=run.id,
                    job_id=run.job_id,
                    created=run.created_at,
                    status=run.status,
                    finished=run.finished_at,
                    cause=run.cause,
                )
                for runs in self.api.scenario.jobs.values()
                for run in runs
            ),
            key=lambda run: (run.created, run.id),
        )
