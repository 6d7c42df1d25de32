"""SYSTEM$LAST_CHANGE_COMMIT_TIME in the stand-in (snowflake_standin/table_changes.py): a token that changes with
each committed DML statement on the table, and not with a rolled-back one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import snowflake.connector
from snowflake.connector.errors import ProgrammingError
from snowflake_standin import SnowflakeStandIn, clock

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def cursor(tmp_path):
    clock.set_clock(START)
    standin = SnowflakeStandIn(tmp_path)
    with standin.patch():
        connection = snowflake.connector.connect(database="ANALYTICS", schema="RAW", role="transformer")
        cursor = connection.cursor()
        cursor.execute("create schema if not exists ANALYTICS.RAW")
        cursor.execute("create table ORDERS (id int)")
        cursor.execute("create view ORDERS_VIEW as select * from ORDERS")
        yield cursor
        connection.close()
    clock.reset_clock()


def token(cursor, name: str = "ANALYTICS.RAW.ORDERS") -> int:
    cursor.execute(f"select system$last_change_commit_time('{name}')")
    return int(cursor.fetchone()[0])


def test_each_committed_dml_statement_changes_the_token_and_a_query_does_not(cursor):
    assert token(cursor) == 0
    cursor.execute("insert into ORDERS values (1)")
    first = token(cursor)
    assert first == int(START.timestamp()) * 1_000_000_000
    cursor.execute("select * from ORDERS")
    assert token(cursor) == first == token(cursor, "ORDERS")
    clock.advance(timedelta(seconds=5))
    cursor.execute("update ORDERS set id = 2")
    assert token(cursor) == first + 5_000_000_000
    cursor.execute("delete from ORDERS")
    assert token(cursor) == first + 5_000_000_001  # increases for each DML, even within one instant


def test_a_transaction_changes_it_at_commit_and_not_on_rollback(cursor):
    cursor.execute("begin transaction")
    cursor.execute("insert into ORDERS values (1)")
    assert token(cursor) == 0
    cursor.execute("rollback")
    assert token(cursor) == 0
    cursor.execute("begin transaction")
    cursor.execute("insert into ORDERS values (1)")
    clock.advance(timedelta(seconds=1))
    cursor.execute("commit")
    assert token(cursor) == int(START.timestamp() + 1) * 1_000_000_000


def test_a_call_inside_a_string_is_left_alone(cursor):
    cursor.execute("select 'system$last_change_commit_time(''ORDERS'')'")
    assert cursor.fetchone()[0] == "system$last_change_commit_time('ORDERS')"


def test_a_view_is_refused_by_name(cursor):
    with pytest.raises(ProgrammingError, match="SYSTEM\\$LAST_CHANGE_COMMIT_TIME of a view is not modelled"):
        token(cursor, "ANALYTICS.RAW.ORDERS_VIEW")
