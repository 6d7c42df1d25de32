"""Streams in the stand-in track changes: DML on a watched table changes what its streams return, and the
offset moves only when a committed DML statement reads the stream (snowflake_standin/change_tracking.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import snowflake.connector
from snowflake.connector.errors import ProgrammingError
from snowflake_standin import SnowflakeStandIn, clock

SCHEMA = '"ANALYTICS"."ORCH"'
STREAM = f"{SCHEMA}.ORDERS_STREAM"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    """The stand-in's simulated clock, moved by the test."""

    def advance(self, **delta: float) -> None:
        clock.advance(timedelta(**delta))


@pytest.fixture
def simulated():
    clock.set_clock(START)
    yield Clock()
    clock.reset_clock()


@pytest.fixture
def standin(tmp_path, simulated):
    standin = SnowflakeStandIn(tmp_path)
    with standin.patch():
        yield standin


def connect():
    return snowflake.connector.connect(database="ANALYTICS", schema="ORCH", role="transformer")


@pytest.fixture
def cursor(standin):
    connection = connect()
    cursor = connection.cursor()
    cursor.execute("create table ORDERS (id int, status varchar)")
    cursor.execute("insert into ORDERS values (1, 'new'), (2, 'new')")
    cursor.execute(f"create stream {STREAM} on table {SCHEMA}.ORDERS")
    cursor.execute("create table SINK (id int)")
    yield cursor
    connection.close()


def changes(cursor, stream=STREAM):
    cursor.execute(
        f"select id, status, metadata$action, metadata$isupdate, metadata$row_id from {stream} order by id, 3"
    )
    return cursor.fetchall()


def has_data(cursor, stream=STREAM):
    cursor.execute(f"select system$stream_has_data('{stream}')")
    return cursor.fetchone()[0]


def consume(cursor, stream=STREAM):
    cursor.execute(f"insert into SINK select id from {stream} where metadata$action = 'INSERT'")


def show_stream(cursor):
    cursor.execute(f"show streams like 'ORDERS_STREAM' in schema {SCHEMA}")
    names = [column[0] for column in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


def test_a_new_stream_is_empty_and_dml_shows_as_the_net_change(cursor):
    assert changes(cursor) == []
    cursor.execute("insert into ORDERS values (3, 'new')")
    cursor.execute("update ORDERS set status = 'paid' where id = 1")
    cursor.execute("delete from ORDERS where id = 2")
    cursor.execute("insert into ORDERS values (4, 'new')")
    cursor.execute("delete from ORDERS where id = 4")  # inserted and deleted: no net change
    rows = changes(cursor)
    assert [row[:4] for row in rows] == [
        (1, "new", "DELETE", True),
        (1, "paid", "INSERT", True),
        (2, "new", "DELETE", False),
        (3, "new", "INSERT", False),
    ]
    # An update's two halves are the same row; every other row has an id of its own.
    assert rows[0][4] == rows[1][4]
    assert len({row[4] for row in rows}) == 3
    assert all(len(row[4]) == 40 for row in rows)


def test_an_append_only_stream_returns_inserts_only(cursor):
    cursor.execute(f"create stream {SCHEMA}.APPENDS on table {SCHEMA}.ORDERS append_only = true")
    cursor.execute("insert into ORDERS values (3, 'new')")
    cursor.execute("update ORDERS set status = 'paid' where id = 1")
    cursor.execute("delete from ORDERS where id = 2")
    assert [row[:4] for row in changes(cursor, f"{SCHEMA}.APPENDS")] == [
        (1, "paid", "INSERT", False),
        (3, "new", "INSERT", False),
    ]


def test_a_select_never_moves_the_offset_an_autocommit_dml_moves_it_at_once(cursor, standin, simulated):
    cursor.execute("insert into ORDERS values (3, 'new')")
    simulated.advance(minutes=5)
    assert len(changes(cursor)) == 1
    assert len(changes(cursor)) == 1
    consume(cursor)
    assert changes(cursor) == []
    assert standin.stream("ORDERS_STREAM").offset_on == (START + timedelta(minutes=5)).isoformat()
    cursor.execute("select id from SINK")
    assert cursor.fetchall() == [(3,)]


def test_a_committed_transaction_moves_the_offset_to_its_start(cursor, standin, simulated):
    cursor.execute("insert into ORDERS values (3, 'new')")
    simulated.advance(minutes=1)
    cursor.execute("begin transaction")
    simulated.advance(minutes=1)
    consume(cursor)
    assert len(changes(cursor)) == 1, "the offset moves when the transaction commits, not before"
    cursor.execute("commit")
    assert changes(cursor) == []
    assert standin.stream("ORDERS_STREAM").offset_on == (START + timedelta(minutes=1)).isoformat()
    assert show_stream(cursor)["stale_after"] == START + timedelta(minutes=1, days=14)


def test_a_rolled_back_transaction_keeps_the_changes(cursor, standin):
    cursor.execute("insert into ORDERS values (3, 'new')")
    cursor.execute("begin transaction")
    consume(cursor)
    cursor.execute("rollback")
    assert [row[:3] for row in changes(cursor)] == [(3, "new", "INSERT")]
    cursor.execute("select count(*) from SINK")
    assert cursor.fetchone() == (0,)
    assert standin.stream("ORDERS_STREAM").offset_on == START.isoformat()


def test_ddl_in_a_transaction_commits_it_and_moves_the_offset(cursor):
    cursor.execute("insert into ORDERS values (3, 'new')")
    cursor.execute("begin")
    consume(cursor)
    cursor.execute("create table ELSEWHERE (id int)")
    cursor.execute("rollback")  # nothing left to roll back
    assert changes(cursor) == []


def test_a_transaction_belongs_to_its_session(cursor, standin):
    cursor.execute("insert into ORDERS values (3, 'new')")
    cursor.execute("begin")
    consume(cursor)
    other = connect()
    assert len(changes(other.cursor())) == 1
    other.close()
    cursor.execute("commit")
    assert changes(cursor) == []


def test_stream_has_data_answers_from_the_changes_and_a_false_positive_lasts_until_consumed(cursor, standin):
    assert has_data(cursor) is False
    cursor.execute("insert into ORDERS values (3, 'new')")
    assert has_data(cursor) is True
    consume(cursor)
    assert has_data(cursor) is False
    standin.inject_stream_false_positive("ORDERS_STREAM")
    assert has_data(cursor) is True
    assert changes(cursor) == [], "a false positive: no change to read"
    assert has_data(cursor) is True, "until a DML statement consumes the stream"
    consume(cursor)
    assert has_data(cursor) is False


def test_asking_an_empty_stream_keeps_it_from_going_stale(cursor, standin, simulated):
    simulated.advance(days=10)
    assert has_data(cursor) is False
    assert show_stream(cursor)["stale_after"] == START + timedelta(days=24)
    cursor.execute("insert into ORDERS values (3, 'new')")
    simulated.advance(days=10)
    assert has_data(cursor) is True, "a stream with changes is not refreshed by asking"
    assert show_stream(cursor)["stale_after"] == START + timedelta(days=24)


def test_a_stream_goes_stale_fourteen_days_after_its_offset(cursor, standin, simulated):
    cursor.execute("insert into ORDERS values (3, 'new')")
    simulated.advance(days=13, hours=23)
    row = show_stream(cursor)
    assert (row["stale"], row["stale_after"]) == ("false", START + timedelta(days=14))
    simulated.advance(hours=2)
    assert show_stream(cursor)["stale"] == "true"
    assert has_data(cursor) is False
    with pytest.raises(ProgrammingError, match="ORDERS_STREAM has become stale"):
        changes(cursor)
    cursor.execute(f"create or replace stream {STREAM} on table {SCHEMA}.ORDERS")
    assert (show_stream(cursor)["stale"], changes(cursor)) == ("false", [])


def test_backdating_a_stream_makes_it_stale(cursor, standin):
    standin.backdate_stream("ORDERS_STREAM", timedelta(days=15))
    row = show_stream(cursor)
    assert (row["stale"], row["stale_after"]) == ("true", START - timedelta(days=1))


def test_a_stream_on_a_view_returns_the_views_changes(cursor, standin):
    cursor.execute("create view OPEN_ORDERS as select id, status from ORDERS where status = 'new'")
    cursor.execute(f"create stream {SCHEMA}.OPEN_STREAM on view {SCHEMA}.OPEN_ORDERS")
    cursor.execute("update ORDERS set status = 'paid' where id = 1")
    cursor.execute("insert into ORDERS values (3, 'new')")
    assert [row[:4] for row in changes(cursor, f"{SCHEMA}.OPEN_STREAM")] == [
        (1, "new", "DELETE", False),
        (3, "new", "INSERT", False),
    ]


def test_stream_has_data_on_a_view_stream_answers_for_its_base_tables(cursor, standin):
    cursor.execute("create view OPEN_ORDERS as select id, status from ORDERS where status = 'new'")
    cursor.execute(f"create stream {SCHEMA}.OPEN_STREAM on view {SCHEMA}.OPEN_ORDERS")
    view_stream = f"{SCHEMA}.OPEN_STREAM"
    assert has_data(cursor, view_stream) is False
    cursor.execute("insert into ORDERS values (3, 'cancelled')")  # outside the view
    assert changes(cursor, view_stream) == []
    assert has_data(cursor, view_stream) is True, "a false positive, as Snowflake's diff of the base table gives"
    assert has_data(cursor, view_stream) is True, "until a DML statement consumes the stream"
    consume(cursor, view_stream)
    assert has_data(cursor, view_stream) is False


def test_an_insert_only_stream_on_an_external_table_returns_inserts_only(cursor, standin):
    cursor.execute("create table LAKE (id int, status varchar)")
    cursor.execute("insert into LAKE values (0, 'old')")
    standin.set_object(["ANALYTICS", "ORCH", "LAKE"], kind="external table")
    cursor.execute(f"create stream {SCHEMA}.LAKE_STREAM on external table {SCHEMA}.LAKE insert_only = true")
    cursor.execute("insert into LAKE values (1, 'new'), (2, 'new')")
    cursor.execute("delete from LAKE where id = 0")
    assert [row[:4] for row in changes(cursor, f"{SCHEMA}.LAKE_STREAM")] == [
        (1, "new", "INSERT", False),
        (2, "new", "INSERT", False),
    ]
    cursor.execute(f"show streams like 'LAKE_STREAM' in schema {SCHEMA}")
    assert cursor.fetchone()[11] == "INSERT_ONLY"


def test_offsets_outlive_the_stand_in(cursor, standin, tmp_path):
    cursor.execute("insert into ORDERS values (3, 'new')")
    consume(cursor)
    cursor.execute("insert into ORDERS values (4, 'new')")
    later = SnowflakeStandIn(tmp_path)
    assert later.stream("ORDERS_STREAM").offset_rows == standin.stream("ORDERS_STREAM").offset_rows
    assert [row[:3] for row in changes(cursor)] == [(4, "new", "INSERT")]


def test_a_stream_read_with_bind_parameters_is_refused_by_name(cursor):
    with pytest.raises(ProgrammingError, match="reading a stream in a statement with bind parameters is not modelled"):
        cursor.execute(f"select id from {STREAM} where id = %s", (1,))


def test_dropping_a_stream_forgets_its_offset(cursor, standin, tmp_path):
    assert len(list((tmp_path / "standin-stream-offsets").glob("*.parquet"))) == 1
    cursor.execute(f"drop stream {STREAM}")
    assert list((tmp_path / "standin-stream-offsets").glob("*.parquet")) == []
