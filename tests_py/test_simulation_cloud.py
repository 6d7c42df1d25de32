"""dbt Cloud in the simulated week: behaviours switch on and off with the clock, runs finish as their fate says."""

from __future__ import annotations

from datetime import timedelta

import requests
from simulation.cloud import SimulatedDbtCloud
from simulation.scenario import CloudBehaviour, make_scenario

HEADERS = {"Authorization": "Bearer dbtc_simulated", "Accept": "application/json"}


def test_faults_hold_for_their_span_and_runs_finish_on_their_fate():
    scenario = make_scenario(5, 1)
    start = scenario.start
    outage = CloudBehaviour("5xx", start + timedelta(hours=1), start + timedelta(hours=2))
    scenario.behaviours = [outage]
    now = [start]
    with SimulatedDbtCloud(scenario, now=lambda: now[0]) as cloud:
        url = f"{cloud.url}/api/v2/accounts/{scenario.config['account_id']}/runs/"
        params = {"job_definition_id": 67890, "order_by": "-created_at", "limit": 10}
        cloud.catch_up(start)
        assert requests.get(url, params=params, headers=HEADERS, timeout=5).status_code == 200
        cloud.catch_up(outage.start)
        assert requests.get(url, params=params, headers=HEADERS, timeout=5).status_code == 503
        assert cloud.next_change_after(outage.start) == outage.end
        cloud.catch_up(outage.end)
        assert requests.get(url, params=params, headers=HEADERS, timeout=5).status_code == 200
        assert cloud.api.violations == []

        run = cloud.api.add_run(67890, 1, outage.end)
        cloud.catch_up(outage.end)
        duration, succeeded = scenario.run_fate(67890, 1)
        assert cloud.next_change_after(outage.end) == min(outage.end + duration, scenario.upstream_runs[0].created)
        cloud.catch_up(outage.end + duration - timedelta(seconds=1))
        assert run.finished_at is None
        cloud.catch_up(outage.end + duration)
        assert (run.status, run.finished_at) == (10 if succeeded else 20, outage.end + duration)


def test_the_upstream_job_runs_when_the_scenario_says():
    scenario = make_scenario(5, 1)
    (planned,) = scenario.upstream_runs
    with SimulatedDbtCloud(scenario, now=lambda: scenario.start) as cloud:
        cloud.catch_up(planned.created - timedelta(seconds=1))
        assert [run.job_id for run in cloud.runs()] == []
        cloud.catch_up(planned.finished)
        (run,) = cloud.runs()
        assert (run.job_id, run.created, run.finished, run.status) == (
            111,
            planned.created,
            planned.finished,
            10 if planned.succeeded else 20,
        )
