"""Streams track changes: what a stream returns, when its offset moves, what SYSTEM$STREAM_HAS_DATA answers.

The rules, from Snowflake's documentation:
- docs.snowflake.com/en/user-guide/streams-intro: a stream holds an offset into its source's versions and
  returns the net change between the offset and now; a row changed several times shows once, as it is now.
  The stand-in keeps the source's rows at the offset (a Parquet file beside the databases) and diffs them
  with the rows now ("snapshot diff"). Each change row has the source's columns and METADATA$ACTION
  (INSERT/DELETE), METADATA$ISUPDATE (TRUE on the DELETE and INSERT pair of an update) and METADATA$ROW_ID
  (the row's unique, immutable id). An append-only stream (and an insert-only one) returns inserted rows
  only. The offset moves only when a DML statement reads the stream and its transaction commits (an
  autocommit statement commits at once; a rollback moves nothing), to the transaction's start; a query
  alone never moves it. A stream is stale once its offset is older than the source's data retention,
  which Snowflake extends for an unconsumed stream up to MAX_DATA_EXTENSION_TIME_IN_DAYS (14 days by
  default): stale_after = offset + 14 days (catalog.STREAM_STALE_AFTER); a stale stream cannot be read.
- docs.snowflake.com/en/sql-reference/functions/system_stream_has_data: no false negatives, false
  positives possible; on a view stream it diffs the view's base tables, so a change outside the view answers
  TRUE; a TRUE answer (false positive included) keeps coming until a DML statement consumes the stream; a
  FALSE answer on an empty stream keeps it from going stale.
- docs.snowflake.com/en/user-guide/streams-examples: a consuming statement is any DML that reads the stream
  (`insert into … select … from stream where false` consumes it while inserting nothing).

Not modelled (see docs/testing-live-path.md): rows an append-only stream saw inserted and then deleted before
it was consumed (a diff no longer sees them); METADATA$ISUPDATE on a view stream (a view's rows have no
identity here: an update shows as a DELETE and an INSERT); AT/BEFORE and SHOW_INITIAL_ROWS; a stream read
in a statement with bind parameters (refused by name).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import sqlglot
from sqlglot import exp

from . import catalog as cat
from . import clock, transactions
from .sql_tokens import TokenReader
from .statements import Session, does_not_exist, refused

ROW_ID = "__standin_rowid"  # DuckDB's rowid, kept with each row of an offset to pair an update's two halves
METADATA = [("METADATA$ACTION", pa.string()), ("METADATA$ISUPDATE", pa.bool_()), ("METADATA$ROW_ID", pa.string())]
# Statements whose reading of a stream consumes it (DML, and CREATE TABLE … AS SELECT); SELECT only looks.
CONSUMING = {"INSERT", "UPDATE", "DELETE", "MERGE", "CREATE"}
READING = CONSUMING | {"SELECT", "WITH"}
# CREATE TABLE … AS SELECT is the one CREATE that reads (and so consumes) a stream.
_CREATE_TABLE = re.compile(
    r"create\s+(?:or\s+replace\s+)?(?:(?:local|global)\s+)?(?:(?:temp|temporary|transient|volatile)\s+)?table\b", re.I
)
_HAS_DATA = re.compile(r"system\$stream_has_data\(\s*'((?:[^']|'')*)'\s*\)", re.IGNORECASE)


@dataclass
class Consumption:
    """Where a stream's offset goes when the reading statement's transaction commits."""

    stream_key: str
    created_on: str  # the stream this was read from (a stream replaced since is not moved)
    rows: pa.Table
    base_versions: dict[str, str]  # a view stream's base tables then (see `base_versions`)


@dataclass
class StreamRead:
    """A statement with each stream it reads replaced by that stream's change rows."""

    sql: str
    consumes: list[Consumption]


def _duck_name(parts: list[str]) -> str:
    return ".".join('"' + part.replace('"', '""') + '"' for part in parts)


def _row_key(row: dict[str, Any], columns: list[str]) -> str:
    return json.dumps([row.get(column) for column in columns], default=str)


class ChangeTracking:
    def __init__(
        self,
        directory: Path,
        catalog: Callable[[], cat.Catalog],
        save: Callable[[], None],
        base_tables: Callable[[list[str]], list[list[str]]] = lambda parts: [],
    ):
        self.directory = directory
        self.catalog = catalog
        self.save = save
        self.base_tables = base_tables  # a view's base tables, as its CREATE VIEW names them (account.py)
        self._views = 0

    # ---- the source's rows, and the rows at the offset ---------------------------------------------

    def source_rows(self, duck: Any, stream: cat.Stream) -> pa.Table:
        """The stream's source as it is now, with DuckDB's rowid for a table (a view's rows have none)."""
        db, schema, name = stream.table
        with duck.cursor() as lookup:
            kind = lookup.execute(
                "select table_type from information_schema.tables"
                " where upper(table_catalog) = ? and upper(table_schema) = ? and table_name = ?",
                [db.upper(), schema.upper(), name],
            ).fetchall()
            if not kind:
                raise does_not_exist("Table", stream.table)
            row_id = "rowid" if kind[0][0] != "VIEW" else "null::bigint"
            query = f'select {row_id} as "{ROW_ID}", * from {_duck_name(stream.table)}'
            return lookup.sql(query).to_arrow_table()

    def base_versions(self, duck: Any, stream: cat.Stream) -> dict[str, str]:
        """A view stream's base tables, each as a digest of its rows ({} for a table stream):
        SYSTEM$STREAM_HAS_DATA on a view stream diffs its base tables, not the view."""
        versions: dict[str, str] = {}
        for parts in self.base_tables(stream.table):
            with duck.cursor() as lookup:
                rows = lookup.sql(f"select * from {_duck_name(parts)}").to_arrow_table().to_pylist()
            digest = hashlib.sha1("\n".join(sorted(json.dumps(row, default=str) for row in rows)).encode())
            versions[cat.qualified(parts)] = digest.hexdigest()
        return versions

    def offset_rows(self, duck: Any, stream: cat.Stream) -> pa.Table:
        """The source's rows at the offset. A stream the stand-in has no rows for (made before it kept them)
        starts its offset now."""
        path = self.directory / stream.offset_rows if stream.offset_rows else None
        if path is None or not path.exists():
            rows = self.source_rows(duck, stream)
            self.move_offset(stream, rows, clock.current_time(), self.base_versions(duck, stream))
            return rows
        return pq.read_table(path)

    def move_offset(self, stream: cat.Stream, rows: pa.Table, moment: datetime, versions: dict[str, str]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{uuid.uuid4().hex}.parquet"
        pq.write_table(rows, self.directory / name)
        if stream.offset_rows:
            (self.directory / stream.offset_rows).unlink(missing_ok=True)
        stream.offset_rows = name
        stream.base_versions = versions
        stream.offset_on = moment.isoformat()
        stream.stale_after = (moment + cat.STREAM_STALE_AFTER).isoformat()
        self.save()

    def forget(self, stream: cat.Stream) -> None:
        if stream.offset_rows:
            (self.directory / stream.offset_rows).unlink(missing_ok=True)

    # ---- what a stream returns ---------------------------------------------------------------------

    def changes(self, duck: Any, stream: cat.Stream) -> tuple[pa.Table, pa.Table]:
        """The stream's change rows (the source's columns and METADATA$…), and the source's rows now."""
        before, now = self.offset_rows(duck, stream), self.source_rows(duck, stream)
        columns = [name for name in now.column_names if name != ROW_ID]
        remaining: dict[str, list[dict[str, Any]]] = {}
        for row in before.to_pylist():
            remaining.setdefault(_row_key(row, columns), []).append(row)
        inserted: list[dict[str, Any]] = []
        for row in now.to_pylist():
            same = remaining.get(_row_key(row, columns))
            if not same:
                inserted.append(row)
                continue
            # An unchanged row: the same values, by preference the same row.
            match = next((old for old in same if old.get(ROW_ID) == row[ROW_ID]), same[0])
            same.remove(match)
        deleted = [row for rows in remaining.values() for row in rows]
        if stream.mode in ("APPEND_ONLY", "INSERT_ONLY"):
            deleted = []
        updated = {row[ROW_ID] for row in deleted if row.get(ROW_ID) is not None} & {
            row[ROW_ID] for row in inserted if row[ROW_ID] is not None
        }
        source = cat.qualified(stream.table)
        seen: dict[str, int] = {}

        def change(row: dict[str, Any], action: str) -> dict[str, Any]:
            identity = row.get(ROW_ID)
            if identity is None:  # a view's row: its values and how many such rows came before
                key = _row_key(row, columns)
                seen[key] = seen.get(key, 0) + 1
                identity = f"{key}#{seen[key]}"
            values = {column: row.get(column) for column in columns}
            values["METADATA$ACTION"] = action
            values["METADATA$ISUPDATE"] = row.get(ROW_ID) in updated
            values["METADATA$ROW_ID"] = hashlib.sha1(f"{source}|{identity}".encode()).hexdigest()
            return values

        rows = [change(row, "DELETE") for row in deleted] + [change(row, "INSERT") for row in inserted]
        fields = [field for field in now.schema if field.name != ROW_ID] + [pa.field(n, t) for n, t in METADATA]
        return pa.Table.from_pylist(rows, schema=pa.schema(fields)), now

    # ---- statements --------------------------------------------------------------------------------

    def prepare(
        self, cursor: Any, sql: str, keyword: str, bindings: list[object], session: Session
    ) -> StreamRead | None:
        """The statement with SYSTEM$STREAM_HAS_DATA answered and each stream it reads replaced by its change
        rows; None when it does neither."""
        catalog = self.catalog()
        if keyword not in READING or not catalog.streams or (keyword == "CREATE" and not _CREATE_TABLE.match(sql)):
            return None
        duck = cursor._duck_conn
        has_data = _HAS_DATA.search(sql) is not None
        if has_data:
            sql = _HAS_DATA.sub(lambda match: self._has_data(duck, match.group(1), session), sql)
        names = {stream.name.upper() for stream in catalog.streams.values()}
        if not any(name in sql.upper() for name in names):
            return StreamRead(sql, []) if has_data else None
        try:
            # Bind placeholders (%s) are not SQL sqlglot reads: NULL stands in, only to find the streams read.
            tree = sqlglot.parse_one(sql.replace("%s", "NULL") if bindings else sql, read="snowflake")
        except sqlglot.errors.ParseError:
            return StreamRead(sql, []) if has_data else None
        consumes: list[Consumption] = []
        replaced = 0
        for table in list(tree.find_all(exp.Table)):
            stream = self._stream_named(table, session)
            if stream is None:
                continue
            if bindings:
                raise refused("reading a stream in a statement with bind parameters is not modelled (stand-in wording)")
            if stream.is_stale:
                raise refused(
                    f"Stream {cat.qualified(self._key_parts(stream))} has become stale: its offset is outside the "
                    "source's data retention; recreate it (stand-in wording)"
                )
            rows, now = self.changes(duck, stream)
            self._views += 1
            view = f"_standin_stream_changes_{self._views}"
            duck.register(view, rows)
            alias = table.args.get("alias") or exp.TableAlias(this=exp.to_identifier(stream.name, quoted=True))
            table.replace(exp.Table(this=exp.to_identifier(view), alias=alias))
            replaced += 1
            if keyword in CONSUMING:
                key = cat.Catalog.key(self._key_parts(stream))
                consumes.append(Consumption(key, stream.created_on, now, self.base_versions(duck, stream)))
        if not replaced:
            return StreamRead(sql, []) if has_data else None
        return StreamRead(tree.sql(dialect="snowflake"), consumes)

    @staticmethod
    def _key_parts(stream: cat.Stream) -> list[str]:
        return [stream.database, stream.schema, stream.name]

    def _stream_named(self, table: exp.Table, session: Session) -> cat.Stream | None:
        parts = [
            part.this if part.quoted else part.this.upper() for part in table.parts if isinstance(part, exp.Identifier)
        ]
        if not parts or len(parts) != len(table.parts):
            return None
        if len(parts) == 2 and session.database:
            parts = [session.database, *parts]
        elif len(parts) == 1 and session.database and session.schema:
            parts = [session.database, session.schema, *parts]
        return self.catalog().streams.get(cat.Catalog.key(parts))

    def _has_data(self, duck: Any, quoted_name: str, session: Session) -> str:
        name = TokenReader(quoted_name.replace("''", "'")).name()
        if len(name) == 2 and session.database:
            name = [session.database, *name]
        elif len(name) == 1 and session.database and session.schema:
            name = [session.database, session.schema, *name]
        stream = self.catalog().streams.get(cat.Catalog.key(name))
        if stream is None:
            raise does_not_exist("Stream", name)
        if stream.is_stale:
            return "FALSE"
        rows, now = self.changes(duck, stream)
        versions = self.base_versions(duck, stream)
        # A view stream answers TRUE when a base table changed, even outside the view (a false positive).
        if rows.num_rows or stream.has_data or versions != stream.base_versions:
            return "TRUE"
        # Asked about an empty stream, Snowflake keeps it from going stale: its offset moves to now. The rows
        # there are the same as at the offset unless some were deleted (an append-only stream shows no deletes).
        moment = clock.current_time()
        if stream.offset_rows and pq.ParquetFile(self.directory / stream.offset_rows).metadata.num_rows == now.num_rows:
            stream.offset_on = moment.isoformat()
            stream.stale_after = (moment + cat.STREAM_STALE_AFTER).isoformat()
            self.save()
        else:
            self.move_offset(stream, now, moment, versions)
        return "FALSE"

    # ---- after the statement succeeded -------------------------------------------------------------

    def before(self, cursor: Any, sql: str, keyword: str) -> None:
        """A DDL statement inside an explicit transaction commits it first (sql-reference/transactions, "DDL"):
        in DuckDB too, and the offsets that transaction moves."""
        if transactions.control(sql, keyword) == "implicit commit" and transactions.current(cursor._conn):
            with contextlib.suppress(duckdb.TransactionException):  # DuckDB may have none open (a failed BEGIN)
                cursor._duck_conn.commit()
            self._commit(transactions.end(cursor._conn))

    def after(
        self, cursor: Any, sql: str, keyword: str, read: StreamRead | None, streams_before: dict[str, str]
    ) -> None:
        connection = cursor._conn
        action = transactions.control(sql, keyword)
        if action == "begin":
            transactions.begin(connection)
        elif action == "commit":
            self._commit(transactions.end(connection))
        elif action == "rollback":
            transactions.end(connection)
        if read is not None and read.consumes:
            transaction = transactions.current(connection)
            for consumption in read.consumes:
                if transaction is None:
                    self._consume(consumption, clock.current_time())
                else:
                    # Every read in one transaction sees the stream as at its start: the first read's rows stand.
                    transaction.consumed.setdefault(consumption.stream_key, consumption)
        self._follow_catalog(cursor, streams_before)

    def streams_before(self) -> dict[str, str]:
        return {key: stream.created_on for key, stream in self.catalog().streams.items()}

    def _commit(self, transaction: transactions.Transaction | None) -> None:
        if transaction is not None:
            for consumption in transaction.consumed.values():
                self._consume(consumption, transaction.started_on)

    def _consume(self, consumption: Consumption, moment: datetime) -> None:
        stream = self.catalog().streams.get(consumption.stream_key)
        if stream is None or stream.created_on != consumption.created_on:
            return
        stream.has_data = False  # consumed: a false positive ends too
        self.move_offset(stream, consumption.rows, moment, consumption.base_versions)

    def _follow_catalog(self, cursor: Any, before: dict[str, str]) -> None:
        """A stream created (or replaced) takes its source's rows now as its offset; a dropped one's rows go."""
        streams = self.catalog().streams
        for key, stream in streams.items():
            if before.get(key) != stream.created_on:
                duck = cursor._duck_conn
                rows, versions = self.source_rows(duck, stream), self.base_versions(duck, stream)
                self.move_offset(stream, rows, clock.current_time(), versions)
        live = {stream.offset_rows for stream in streams.values()}
        if self.directory.exists() and before != self.streams_before():
            for path in self.directory.glob("*.parquet"):
                if path.name not in live:
                    path.unlink(missing_ok=True)
