"""The handler's time zones do not depend on the sandbox having zone files.

`no_zone_data` hides every source Python's zoneinfo reads (TZPATH emptied, the tzdata
package made unimportable, the cache cleared) and first proves that zoneinfo really fails.
The handler must then convert through Snowflake's CONVERT_TIMEZONE with the procedure's
session.  The session here is a stand-in (`SnowparkSessionStandIn`): it answers only that
one query, with zone data loaded before the files were hidden.
"""

from __future__ import annotations

import re
import sys
import types
import zoneinfo
from datetime import UTC, datetime

import pytest
from conftest import TOKEN

CONVERT = re.compile(
    r"^select convert_timezone\('UTC', '(?P<zone>[^']+)', '(?P<stamp>[^']+)'::timestamp_ntz\) as local_time$"
)
ZONES = ("America/Chicago", "Europe/Amsterdam", "Asia/Kolkata")


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


class SnowparkSessionStandIn:
    """`session.sql(query).collect()` for CONVERT_TIMEZONE only; an unknown zone raises like Snowflake."""

    def __init__(self):
        self.zones = {name: zoneinfo.ZoneInfo.no_cache(name) for name in ZONES}
        self.queries = []

    def sql(self, query):
        self.queries.append(query)
        match = CONVERT.match(query)
        assert match, f"unexpected query: {query}"
        zone = self.zones.get(match["zone"])
        stamp = datetime.strptime(match["stamp"], "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC)
        rows = None if zone is None else [(stamp.astimezone(zone).replace(tzinfo=None),)]
        return types.SimpleNamespace(collect=lambda: self._collect(rows, match["zone"]))

    @staticmethod
    def _collect(rows, zone):
        if rows is None:
            raise RuntimeError(f"100096 (22023): Unknown timezone: '{zone}'")
        return rows


@pytest.fixture
def session():
    return SnowparkSessionStandIn()


@pytest.fixture
def no_zone_data(monkeypatch, session):
    monkeypatch.setitem(sys.modules, "tzdata", None)  # `import tzdata` now raises ImportError
    zoneinfo.reset_tzpath(to=[])
    zoneinfo.ZoneInfo.clear_cache()
    try:
        with pytest.raises(zoneinfo.ZoneInfoNotFoundError):
            zoneinfo.ZoneInfo("America/Chicago")
        yield
    finally:
        zoneinfo.reset_tzpath()
        zoneinfo.ZoneInfo.clear_cache()


def check(result, name):
    return next(c for c in result["checks"] if c["name"] == name)


def error_line(result):
    return next(line for line in result["logs"] if line.startswith("ERROR: "))


def test_window_and_weekday_through_snowflake(run, api, clock, session, no_zone_data):
    clock.set(utc(2026, 7, 1, 3, 30))  # 22:30 on Tuesday June 30 in Chicago (CDT)
    result = run(
        min_start_time="22:00", max_start_time="23:00", days_of_week=[1], timezone="America/Chicago", session=session
    )
    assert result["status"] == "TRIGGERED", result["logs"]
    assert "local time 22:30 inside" in check(result, "time_window")["detail"]
    assert "Tuesday" in check(result, "days_of_week")["detail"]
    assert (
        "2026-06-30 22:30:00 America/Chicago (Tuesday), local time from Snowflake CONVERT_TIMEZONE" in result["logs"][0]
    )
    assert session.queries == [
        "select convert_timezone('UTC', 'America/Chicago', '2026-07-01 03:30:00.000000'::timestamp_ntz) as local_time"
    ]


def test_closed_window_through_snowflake_costs_no_api_call(run, api, clock, session, no_zone_data):
    clock.set(utc(2026, 7, 1, 3, 30))  # 09:00 in Kolkata
    result = run(min_start_time="10:00", max_start_time="11:00", timezone="Asia/Kolkata", session=session)
    assert result["status"] == "SKIPPED"
    assert "local time 09:00 outside" in check(result, "time_window")["detail"]
    assert api.requests == []


@pytest.mark.parametrize(("finished", "passed"), [(utc(2026, 3, 8, 5, 59), False), (utc(2026, 3, 8, 6, 1), True)])
def test_upstream_today_through_snowflake(run, api, clock, session, no_zone_data, finished, passed):
    clock.set(utc(2026, 3, 8, 20, 0))  # 15:00 CDT on the spring-forward day
    api.add_run(7, 10, finished, finished)  # 23:59 CST Mar 7 / 00:01 CST Mar 8
    result = run(upstream_job_id=7, timezone="America/Chicago", session=session)
    assert check(result, "upstream_success_today")["passed"] is passed, result["logs"]
    assert len(session.queries) == 2  # now, and the upstream run's finish


def test_unknown_zone_refused_by_snowflake(run, api, session, no_zone_data):
    result = run(timezone="Mars/Olympus", session=session)
    assert result["status"] == "ERROR"
    assert "argument timezone 'Mars/Olympus' is not a time zone Snowflake knows" in error_line(result)
    assert api.requests == []


def test_no_zone_data_and_no_session_is_a_clear_error(run, api, no_zone_data):
    result = run(timezone="America/Chicago")
    assert result["status"] == "ERROR"
    assert "no data for it and no Snowflake session" in error_line(result)
    assert api.requests == []


def test_utc_needs_neither_zone_data_nor_session(run, api, no_zone_data):
    assert run(timezone="UTC")["status"] == "TRIGGERED"
    api.finish_all()
    assert run(timezone=None, min_start_time="00:00", max_start_time="23:59")["status"] == "TRIGGERED"


@pytest.mark.parametrize(
    "name", ["Europe/Amsterdam'; drop table logs; --", "America/Chicago\n", "../etc/passwd", "A" * 80]
)
def test_zone_names_are_shape_checked_before_any_sql(run, api, session, no_zone_data, name):
    result = run(timezone=name, session=session)
    if name.strip() == "America/Chicago":  # surrounding blanks are trimmed, as before
        assert result["status"] == "TRIGGERED"
        return
    assert result["status"] == "ERROR"
    assert "is not a known IANA time zone" in error_line(result)
    assert session.queries == []


def test_zoneinfo_is_used_when_it_has_the_zone(run, api, session):
    result = run(timezone="Europe/Amsterdam", session=session)
    assert result["status"] == "TRIGGERED"
    assert session.queries == []  # no SQL round trip when Python has the data


def test_main_hands_the_snowpark_session_over(handler, api, monkeypatch, session, no_zone_data):
    fake = types.ModuleType("_snowflake")
    fake.get_generic_secret_string = lambda alias: TOKEN
    monkeypatch.setitem(sys.modules, "_snowflake", fake)
    result = handler.main(session, api.url, 1, 42, "from main", None, None, None, None, None, "Europe/Amsterdam", None)
    assert result["status"] == "TRIGGERED", result["logs"]
    assert len(session.queries) == 1
