"""The simulation's seeded scenario: the same seed, the same week; every gate and fault of the runtime is in it."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from simulation.scenario import REPO_ROOT, canonical_table, example_config, make_scenario, watched_tables


def test_one_seed_makes_one_week_and_another_seed_another():
    assert make_scenario(7, 7, REPO_ROOT) == make_scenario(7, 7, REPO_ROOT)
    assert make_scenario(7, 7, REPO_ROOT).arrivals != make_scenario(8, 7, REPO_ROOT).arrivals


def test_the_deployed_config_is_the_example_projects_plus_jobs_for_the_other_gates():
    scenario = make_scenario(1, 7, REPO_ROOT)
    jobs = scenario.config["jobs"]
    assert jobs[:3] == example_config(REPO_ROOT)["jobs"]
    kinds = {job.get("schedule", "").split(" ")[0] for job in jobs}
    assert {"triggered", "USING", "15", "30"} <= kinds
    assert any(job.get("days_of_week") == [5, 6] for job in jobs)
    assert any(job.get("min_start_time", "00:00") > job.get("max_start_time", "23:59") for job in jobs)
    assert sum(job.get("upstream_job_id") is not None for job in jobs) >= 2


def test_arrivals_land_inside_the_week_on_odd_seconds_and_never_on_a_quiet_day():
    for seed in range(5):
        scenario = make_scenario(seed, 7, REPO_ROOT)
        zone = ZoneInfo(scenario.timezone)
        assert len(scenario.quiet_days) == 1
        assert scenario.arrivals == sorted(scenario.arrivals, key=lambda item: item.at)
        for arrival in scenario.arrivals:
            assert scenario.start <= arrival.at < scenario.start + timedelta(days=7)
            assert arrival.at.second % 2 == 1
            assert arrival.at.astimezone(zone).date().isoformat() not in scenario.quiet_days
            assert arrival.rows > 0
        assert len(scenario.upstream_runs) == 7


def test_over_several_seeds_every_fault_of_dbt_cloud_happens():
    kinds = {item.kind for seed in range(6) for item in make_scenario(seed, 7, REPO_ROOT).behaviours}
    assert kinds == {"slow", "5xx", "429", "401", "dies after POST"}
    assert all(make_scenario(seed, 7, REPO_ROOT).false_signals for seed in range(6))


def test_run_fates_depend_on_the_seed_the_job_and_the_ordinal_only():
    scenario = make_scenario(3, 2, REPO_ROOT)
    assert scenario.run_fate(67890, 1) == make_scenario(3, 7, REPO_ROOT).run_fate(67890, 1)
    assert len({scenario.run_fate(67890, ordinal) for ordinal in range(20)}) > 10


def test_watched_tables_are_named_as_snowflake_prints_them():
    assert canonical_table('"RAW"."SALES"."Order Items"') == 'RAW.SALES."Order Items"'
    assert canonical_table("raw.sales.orders") == "RAW.SALES.ORDERS"
    daily_sales = example_config(REPO_ROOT)["jobs"][0]
    assert watched_tables(daily_sales, {"raw_sales.customers": "RAW.SALES.CUSTOMERS"}) == [
        "RAW.SALES.ORDERS",
        'RAW.SALES."Order Items"',
        "RAW.SALES.CUSTOMERS",
    ]
