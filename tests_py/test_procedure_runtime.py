"""What a procedure's handler gets when the stand-in runs it (snowflake_standin/procedures.py and its shims),
through the connector alone: typed arguments, the session shim, the clock, secrets and egress."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import snowflake.connector
from snowflake.connector.errors import ProgrammingError
from snowflake_standin import SnowflakeStandIn, clock

SCHEMA = "ANALYTICS.ORCH"
NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def cursor(tmp_path):
    standin = SnowflakeStandIn(tmp_path)
    with standin.patch():
        clock.set_clock(NOW)
        connection = snowflake.connector.connect(database="ANALYTICS", schema="ORCH")
        cursor = connection.cursor()
        cursor.execute(f"create schema if not exists {SCHEMA}")
        cursor.standin = standin
        try:
            yield cursor
        finally:
            clock.reset_clock()
            connection.close()


def procedure(cursor, name: str, arguments: str, body: str, extra: str = "", packages: str = "") -> None:
    cursor.execute(
        f"create or replace procedure {SCHEMA}.{name}({arguments}) returns variant language python"
        f" runtime_version = '3.11' packages = ('snowflake-snowpark-python'{packages}) handler = 'main' {extra}"
        f" as $$\n{body}\n$$"
    )


def call(cursor, sql: str):
    cursor.execute(sql)
    (value,) = cursor.fetchone()
    return json.loads(value)


def test_arguments_arrive_typed_as_snowflake_passes_them(cursor):
    procedure(
        cursor,
        "TYPES",
        "n number, f float, s varchar, b boolean, v variant, a array, o object, missing varchar",
        "def main(session, *values):\n    return [[type(v).__name__, v] for v in values]",
    )
    got = call(
        cursor,
        f"call {SCHEMA}.TYPES(41.6, 1.5, 'x', true, parse_json('{{\"k\": [1]}}'), array_construct(1, 'two'),"
        " object_construct('a', 1), null)",
    )
    assert got == [
        ["int", 42],  # NUMBER(38,0): rounded
        ["float", 1.5],
        ["str", "x"],
        ["bool", True],
        ["dict", {"k": [1]}],
        ["list", [1, "two"]],
        ["dict", {"a": 1}],
        ["NoneType", None],
    ]


def test_the_session_shim_runs_sql_in_the_callers_session(cursor):
    cursor.execute(f"create table {SCHEMA}.T (id int, name varchar)")
    cursor.execute(f"insert into {SCHEMA}.T values (1, 'one'), (2, 'two')")
    procedure(
        cursor,
        "READS",
        "",
        "def main(session):\n"
        "    rows = session.sql('select id, name from ANALYTICS.ORCH.T order by id').collect()\n"
        "    return [[row[0], row.NAME, row.as_dict()] for row in rows]",
    )
    assert call(cursor, f"call {SCHEMA}.READS()") == [
        [1, "one", {"ID": 1, "NAME": "one"}],
        [2, "two", {"ID": 2, "NAME": "two"}],
    ]
    assert "select id, name from ANALYTICS.ORCH.T order by id" in [s.sql for s in cursor.standin.statements]


def test_the_handler_reads_and_moves_the_simulated_clock(cursor):
    procedure(
        cursor,
        "SLEEPER",
        "",
        "import time\nfrom datetime import UTC, datetime\n"
        "def main(session):\n"
        "    before = datetime.now(UTC).isoformat()\n"
        "    time.sleep(90)\n"
        "    return [before, datetime.now(UTC).isoformat(), isinstance(datetime.now(UTC), datetime)]",
    )
    assert call(cursor, f"call {SCHEMA}.SLEEPER()") == [
        NOW.isoformat(),
        (NOW + timedelta(seconds=90)).isoformat(),
        True,
    ]
    assert clock.current_time() == NOW + timedelta(seconds=90)


def external_access(cursor, enabled: str = "true") -> None:
    cursor.execute(
        f"create or alter network rule {SCHEMA}.RULE type = host_port value_list = ('api.example.com') mode = egress"
    )
    cursor.execute(f"create secret if not exists {SCHEMA}.TOKEN type = generic_string secret_string = %s", ("t0k",))
    cursor.execute(
        f"create or replace external access integration EAI allowed_network_rules = ({SCHEMA}.RULE)"
        f" allowed_authentication_secrets = ({SCHEMA}.TOKEN) enabled = {enabled}"
    )


FETCH = (
    "import _snowflake, requests\n"
    "def main(session, url):\n"
    "    try:\n"
    "        requests.get(url, timeout=1)\n"
    "    except requests.exceptions.ConnectionError as error:\n"
    "        return str(error)\n"
    "    return 'sent'"
)


def test_egress_only_to_the_network_rules_hosts_of_an_enabled_integration(cursor):
    external_access(cursor)
    procedure(cursor, "FETCH", "url varchar", FETCH, "external_access_integrations = (EAI)", ", 'requests'")
    refused = call(cursor, f"call {SCHEMA}.FETCH('https://other.example.com/x')")
    assert refused.startswith("egress to other.example.com:443 refused")
    unrouted = call(cursor, f"call {SCHEMA}.FETCH('https://api.example.com/x')")
    assert unrouted == "egress to api.example.com:443 is allowed but the stand-in routes it nowhere (stand-in wording)"
    wrong_port = call(cursor, f"call {SCHEMA}.FETCH('https://api.example.com:8443/x')")
    assert wrong_port.startswith("egress to api.example.com:8443 refused")
    external_access(cursor, enabled="false")
    disabled = call(cursor, f"call {SCHEMA}.FETCH('https://api.example.com/x')")
    assert disabled.startswith("egress to api.example.com:443 refused")
    log = [(a.host, a.port, a.allowed) for a in cursor.standin.egress_log]
    assert log == [
        ("other.example.com", 443, False),
        ("api.example.com", 443, True),
        ("api.example.com", 8443, False),
        ("api.example.com", 443, False),
    ]


SECRET = "import _snowflake\ndef main(session):\n    return _snowflake.get_generic_secret_string('cred') == 't0k'"


def test_a_secret_only_through_the_procedures_secrets_and_its_integration(cursor):
    external_access(cursor)
    procedure(
        cursor, "WITH_SECRET", "", SECRET, f"external_access_integrations = (EAI) secrets = ('cred' = {SCHEMA}.TOKEN)"
    )
    assert call(cursor, f"call {SCHEMA}.WITH_SECRET()") is True
    procedure(cursor, "NO_SECRETS", "", SECRET, "external_access_integrations = (EAI)")
    with pytest.raises(ProgrammingError, match="ValueError: secret alias 'cred' is not in the SECRETS"):
        cursor.execute(f"call {SCHEMA}.NO_SECRETS()")
    external_access(cursor, enabled="false")
    with pytest.raises(ProgrammingError, match="is not allowed by the enabled external access integrations"):
        cursor.execute(f"call {SCHEMA}.WITH_SECRET()")


def test_imports_outside_packages_fail_as_in_snowflake(cursor):
    procedure(cursor, "NO_REQUESTS", "", "import requests\ndef main(session):\n    return 1")
    with pytest.raises(ProgrammingError, match="ModuleNotFoundError: No module named 'requests'"):
        cursor.execute(f"call {SCHEMA}.NO_REQUESTS()")
    procedure(cursor, "URLLIB", "", "import urllib.request\ndef main(session):\n    return 1")
    with pytest.raises(ProgrammingError, match=r"import urllib\.request: a handler reaching the network"):
        cursor.execute(f"call {SCHEMA}.URLLIB()")
