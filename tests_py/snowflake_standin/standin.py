"""The Snowflake stand-in: fakesnow (DuckDB) plus a catalog of what fakesnow lacks, behind the real connector API.

`SnowflakeStandIn(db_dir).patch()` patches `snowflake.connector.connect` with fakesnow (databases persist as
DuckDB files in db_dir) and hooks fakesnow's cursor so that every statement is first recorded, then answered
by the stand-in (streams, tasks, procedures, network rules, secrets, integrations, SYSTEM$STREAM_HAS_DATA) or
by fakesnow (everything else: schemas, tables, SHOW SCHEMAS/TABLES, DML, queries). Code above the connector,
dbt-core, dbt-snowflake and their macros, runs unchanged. See docs/testing-live-path.md.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import fakesnow
import pyarrow as pa
import sqlglot
from fakesnow import info_schema, macros
from fakesnow.conn import FakeSnowflakeConnection
from fakesnow.cursor import FakeSnowflakeCursor
from snowflake.connector.errors import ProgrammingError

from . import account as acct
from . import catalog as cat
from . import clock, paging, result_scan, runtime_statements, session_parameters
from .change_tracking import ChangeTracking
from .egress import EgressAttempt
from .privileges import NotificationIntegration, Privileges
from .scheduler import Scheduler
from .session_parameters import SessionParameters
from .sql_tokens import SqlSyntaxError
from .statements import Answer, Rewrite, Session, Statements

_LEADING_COMMENTS = re.compile(r"^\s*(?:/\*.*?\*/\s*|--[^\n]*\n\s*)*", re.DOTALL)
_TRAILING_COMMENT = re.compile(r"/\*[^']*?\*/\s*;?\s*$", re.DOTALL)
_DDL = {"CREATE", "ALTER", "DROP", "GRANT", "REVOKE", "UNDROP", "COMMENT", "TRUNCATE"}


def without_query_comment(sql: str) -> str:
    """dbt adds a query comment (`/* {"app": "dbt", …} */`) to every statement, after it on Snowflake."""
    return _TRAILING_COMMENT.sub("", _LEADING_COMMENTS.sub("", sql, count=1)).strip()


def _simulated_now(sql: str) -> str:
    try:
        return clock.with_simulated_now(sql)
    except SqlSyntaxError as error:
        raise ProgrammingError(
            msg=f"SQL compilation error:\n{error} (stand-in wording)", errno=1003, sqlstate="42000"
        ) from None


@dataclass
class RecordedStatement:
    """One statement as the connector received it: its SQL (placeholders unbound), how many bindings came with it."""

    sql: str
    bindings: int
    answered_by: str  # "stand-in" or "fakesnow"
    error: str | None = None

    @property
    def keyword(self) -> str:
        match = re.match(r"[A-Za-z]+", self.sql)
        return match.group().upper() if match else ""

    @property
    def is_ddl(self) -> bool:
        return self.keyword in _DDL

    @property
    def reads_only(self) -> bool:
        """SHOW, DESCRIBE, SELECT (and dbt's connection bookkeeping: USE, COMMIT, ROLLBACK)."""
        return self.keyword in {"SHOW", "DESCRIBE", "DESC", "SELECT", "WITH", "USE", "COMMIT", "ROLLBACK"}


class SnowflakeStandIn:
    def __init__(self, db_dir: str | Path):
        self.db_dir = Path(db_dir)
        self.db_dir.mkdir(parents=True, exist_ok=True)
        self.catalog = cat.Catalog.load(self.catalog_path)
        self.account = acct.Account.load(self.account_path)
        self.statements: list[RecordedStatement] = []
        self._answers = itertools.count()
        # The view holding the stand-in's previous answer, and its columns, for RESULT_SCAN(LAST_QUERY_ID()).
        self._last_answer_view: str | None = None
        self._last_answer_columns: list[str] = []
        # The runtime: tasks fire (scheduler.py), procedures run (procedures.py) with their secrets' values,
        # which live in this process's memory only, and leave the account only as egress.py lets them.
        self.scheduler = Scheduler(self)
        self.secret_values: dict[str, str] = {}
        self.egress_routes: dict[tuple[str, int], str] = {}
        self.egress_log: list[EgressAttempt] = []
        # Streams' offsets and what they return (change_tracking.py), kept beside the databases.
        self.change_tracking = ChangeTracking(
            self.db_dir / "standin-stream-offsets",
            lambda: self.catalog,
            lambda: self.catalog.save(self.catalog_path),
            lambda parts: self.account.facts(parts).base_tables,
        )

    @property
    def catalog_path(self) -> Path:
        return self.db_dir / "standin-catalog.json"

    @property
    def account_path(self) -> Path:
        return self.db_dir / "standin-account.json"

    @property
    def journal_path(self) -> Path:
        return self.db_dir / "standin-statements.jsonl"

    # ---- patching ----------------------------------------------------------------------------------

    @contextlib.contextmanager
    def patch(self) -> Iterator[SnowflakeStandIn]:
        """fakesnow's patch of the connector, with this stand-in answering first."""
        standin = self
        original_execute = FakeSnowflakeCursor.execute
        original_init = FakeSnowflakeConnection.__init__

        def init(connection: FakeSnowflakeConnection, *args: Any, **kwargs: Any) -> None:
            original_init(connection, *args, **kwargs)
            standin._attach_databases(connection)
            # The role the connection logged in with owns what it creates (SHOW … owner).
            connection._standin_role = str(kwargs.get("role") or "SYSADMIN").upper()
            connection._standin_user = str(kwargs.get("user") or "STANDIN_USER").upper()
            # Every session starts with the user's (or account's) parameters (session_parameters.py).
            connection._standin_parameters = SessionParameters.starting(standin.account.parameters)
            # A CALL inside a task body finds the runtime through its connection (procedures.call_procedure).
            connection._standin = standin

        def execute(cursor: FakeSnowflakeCursor, command: str, params: Any = None, *args: Any, **kwargs: Any) -> Any:
            return standin._execute(original_execute, cursor, command, params, *args, **kwargs)

        with (
            fakesnow.patch(db_path=self.db_dir),
            mock.patch.object(FakeSnowflakeConnection, "__init__", init),
            mock.patch.object(FakeSnowflakeCursor, "execute", execute),
        ):
            try:
                yield self
            finally:
                self.scheduler.close()

    def _attach_databases(self, connection: FakeSnowflakeConnection) -> None:
        """Every database of the account, as fakesnow attaches the connection's own (it attaches only that one):
        a new process sees the databases an earlier one created, as a new Snowflake session does."""
        duck = connection._duck_conn
        attached = {row[0].upper() for row in duck.execute("select database_name from duckdb_databases()").fetchall()}
        for db_file in sorted(self.db_dir.glob("*.db")):
            name = db_file.stem
            if name.upper() in attached or not re.fullmatch(r"[A-Z_][A-Z0-9_]*", name):
                continue
            duck.execute(f"ATTACH DATABASE '{db_file}' AS {name}")
            duck.execute(info_schema.per_db_creation_sql(name))
            duck.execute(macros.creation_sql(name))

    def _execute(
        self, original: Any, cursor: FakeSnowflakeCursor, command: str, params: Any, *args: Any, **kwargs: Any
    ) -> Any:
        sql = without_query_comment(command)
        bindings = list(params) if isinstance(params, (list, tuple)) else []
        record = RecordedStatement(sql=sql, bindings=len(bindings), answered_by="fakesnow")
        self.statements.append(record)
        try:
            # First, so everything after sees it: CURRENT_TIMESTAMP and friends follow the simulated clock
            # (clock.py); the record keeps what was sent.
            sql, command = _simulated_now(sql), _simulated_now(command)
            session = self._session(cursor)
            # Streams (change_tracking.py): a DDL's implicit commit, then the streams this statement reads.
            self.change_tracking.before(cursor, sql, record.keyword)
            streams_before = self.change_tracking.streams_before()
            stream_read = self.change_tracking.prepare(cursor, sql, record.keyword, bindings, session)
            parameters = self._parameters(cursor)
            last_answer, self._last_answer_view = self._last_answer_view, None
            try:
                answer = session_parameters.answer(sql, parameters) if not bindings else None
                if answer is None and not result_scan.reads_result_scan(sql):
                    session_parameters.refuse_case_sensitive_names(sql, parameters, result_scan=False)
                views = lambda parts: self._view_exists(cursor, parts)  # noqa: E731
                account = acct.AccountStatements(
                    self.account,
                    self.catalog,
                    session,
                    sql,
                    last_answer,
                    views,
                    last_answer_columns=self._last_answer_columns,
                    parameters=parameters,
                    user=self._user(cursor),
                )
                if answer is None and not bindings:
                    answer = account.answer()
                if account.changed:
                    self.account.save(self.account_path)
                if answer is None and stream_read is not None:
                    answer = Rewrite(stream_read.sql)  # streams read, SYSTEM$STREAM_HAS_DATA answered
                if answer is None:
                    answer = runtime_statements.answer(self, cursor, session, sql, bindings)
                if answer is None:
                    answer = Statements(self.catalog, session, sql, bindings, self.secret_values).answer()
            except SqlSyntaxError as error:
                raise ProgrammingError(
                    msg=f"SQL compilation error:\n{error} (stand-in wording)", errno=1003, sqlstate="42000"
                ) from None
            query = record.keyword in ("SELECT", "WITH")
            if isinstance(answer, Answer):
                record.answered_by = "stand-in"
                if answer.changed_catalog:
                    self.catalog.save(self.catalog_path)
                if query and parameters.ignore_case:
                    answer = session_parameters.upper_case_columns(answer)
                self._answer(cursor, answer)
                self.change_tracking.after(cursor, sql, record.keyword, stream_read, streams_before)
                return cursor
            if isinstance(answer, Rewrite):
                record.answered_by = "stand-in"
                result = original(cursor, answer.sql, params, *args, **kwargs)
                if query and parameters.ignore_case:
                    self._upper_case_result(cursor)
                self.change_tracking.after(cursor, sql, record.keyword, stream_read, streams_before)
                return result
            objects = re.match(r"show\s+(terse\s+)?(tables|views)\b", sql, re.IGNORECASE)
            # fakesnow reads LIMIT but not FROM: the stand-in pages the answer itself (paging.py).
            fakesnow_sql, limit, start = paging.split_limit(sql) if objects else (command, None, None)
            result = original(cursor, fakesnow_sql, params, *args, **kwargs)
            if record.is_ddl:
                self._keep_table_comments(cursor)
            elif objects and objects.group(2).lower() == "tables":
                self._fill_table_comments(cursor)
                self._complete_object_rows(cursor, session, views=False, limit=limit, start=start)
            elif objects:
                self._complete_object_rows(cursor, session, views=True, limit=limit, start=start)
            elif query and parameters.ignore_case:
                self._upper_case_result(cursor)
            self.change_tracking.after(cursor, sql, record.keyword, stream_read, streams_before)
            return result
        except Exception as error:
            # A message may quote the statement: with bindings, only the error's type (a bound value is never kept).
            message = "" if bindings else f": {getattr(error, 'raw_msg', None) or error}"
            record.error = f"{type(error).__name__}{message}"
            raise
        finally:
            with self.journal_path.open("a") as journal:
                journal.write(json.dumps(asdict(record)) + "\n")

    def _session(self, cursor: FakeSnowflakeCursor) -> Session:
        connection = cursor._conn
        duck = cursor._duck_conn

        def exists(sql: str, values: list[str]) -> bool:
            # A cursor of its own: the connection's may hold a result dbt has not fetched yet.
            with duck.cursor() as lookup:
                return len(lookup.execute(sql, values).fetchall()) > 0

        def schema_exists(database: str, schema: str) -> bool:
            return exists(
                "select 1 from information_schema.schemata where upper(catalog_name) = ? and upper(schema_name) = ?",
                [database.upper(), schema.upper()],
            )

        def table_exists(parts: list[str]) -> bool:
            return exists(
                "select 1 from information_schema.tables"
                " where upper(table_catalog) = ? and upper(table_schema) = ? and table_name = ?",
                [parts[0].upper(), parts[1].upper(), parts[2]],
            )

        role = getattr(connection, "_standin_role", "SYSADMIN")
        return Session(
            database=connection.database,
            schema=connection.schema,
            role=role,
            schema_exists=schema_exists,
            table_exists=table_exists,
            privileges=Privileges(self.account, self.catalog, role),
        )

    @staticmethod
    def _parameters(cursor: FakeSnowflakeCursor) -> SessionParameters:
        connection = cursor._conn
        if not hasattr(connection, "_standin_parameters"):
            connection._standin_parameters = SessionParameters()
        return connection._standin_parameters

    @staticmethod
    def _user(cursor: FakeSnowflakeCursor) -> str:
        return getattr(cursor._conn, "_standin_user", "STANDIN_USER")

    def _upper_case_result(self, cursor: FakeSnowflakeCursor) -> None:
        """A query's columns under QUOTED_IDENTIFIERS_IGNORE_CASE = TRUE (session_parameters.py)."""
        table = cursor._arrow_table
        if table is not None:
            columns = [(field.name.upper(), field.type) for field in table.schema]
            self._answer(cursor, Answer(columns, [tuple(row.values()) for row in table.to_pylist()]))

    def _answer(self, cursor: FakeSnowflakeCursor, answer: Answer) -> None:
        """Makes the cursor hold the answer as a result set, through fakesnow's own result path."""
        table = pa.table(
            {
                name: pa.array([row[index] for row in answer.rows], type=kind)
                for index, (name, kind) in enumerate(answer.columns)
            }
        )
        view = f"_standin_answer_{next(self._answers)}"
        cursor._duck_conn.register(view, table)
        cursor._execute(sqlglot.parse_one(f"select * from {view}", read="duckdb"))
        self._last_answer_view = view
        self._last_answer_columns = [name for name, _ in answer.columns]

    def _view_exists(self, cursor: FakeSnowflakeCursor, parts: list[str]) -> bool:
        with cursor._duck_conn.cursor() as lookup:
            found = lookup.execute(
                "select 1 from information_schema.tables where upper(table_catalog) = ? and upper(table_schema) = ?"
                " and table_name = ? and table_type = 'VIEW'",
                [parts[0].upper(), parts[1].upper(), parts[2]],
            ).fetchall()
        return len(found) > 0

    def _complete_object_rows(
        self, cursor: FakeSnowflakeCursor, session: Session, views: bool, limit: int | None, start: str | None
    ) -> None:
        """SHOW TABLES / VIEWS with the account model's owners, change tracking and kinds (account.py), paged
        (paging.py)."""
        table = cursor._arrow_table
        if table is not None and "owner" in table.column_names:
            completed = acct.complete_object_rows(self.account, session, table, views)
            self._answer(cursor, acct.page_object_rows(completed, limit, start))

    def _keep_table_comments(self, cursor: FakeSnowflakeCursor) -> None:
        """Copies the table COMMENTs fakesnow holds in memory into the catalog, which persists."""
        with cursor._duck_conn.cursor() as lookup:
            found = lookup.execute(
                "select ext_table_catalog, ext_table_schema, ext_table_name, comment"
                " from _fs_global._fs_information_schema._fs_tables_ext"
            ).fetchall()
        comments = {f"{catalog}|{schema}|{name}": comment for catalog, schema, name, comment in found if comment}
        if any(self.catalog.table_comments.get(key) != comment for key, comment in comments.items()):
            self.catalog.table_comments.update(comments)
            self.catalog.save(self.catalog_path)

    def _fill_table_comments(self, cursor: FakeSnowflakeCursor) -> None:
        """fakesnow keeps a table's COMMENT (CREATE TABLE … COMMENT = '…') but SHOW TABLES prints ''."""
        table = cursor._arrow_table
        if table is None or "comment" not in table.column_names:
            return
        rows = table.to_pylist()
        for row in rows:
            key = f"{row['database_name']}|{row['schema_name']}|{row['name']}"
            row["comment"] = self.catalog.table_comments.get(key) or row["comment"]
        self._answer(
            cursor, Answer([(field.name, field.type) for field in table.schema], [tuple(row.values()) for row in rows])
        )

    # ---- what tests look at and change -------------------------------------------------------------

    def mark(self) -> int:
        """A position in the statement record: `statements_since(mark)` returns what came after."""
        return len(self.statements)

    def statements_since(self, mark: int) -> list[RecordedStatement]:
        return self.statements[mark:]

    def _find(self, kind: str, name: str) -> Any:
        """An object by its bare name (unique in these tests) or its qualified key."""
        store = getattr(self.catalog, kind)
        found = [item for key, item in store.items() if key == name or item.name == name]
        if len(found) != 1:
            raise KeyError(f"{len(found)} {kind} named {name}: {sorted(store)}")
        return found[0]

    def stream(self, name: str) -> cat.Stream:
        return self._find("streams", name)

    def task(self, name: str) -> cat.Task:
        return self._find("tasks", name)

    def mark_stream_stale(self, name: str) -> None:
        """As when its offset fell outside the table's retention: SHOW STREAMS says stale, stale_after is past."""
        stream = self.stream(name)
        stream.stale = True
        stream.stale_after = stream.created_on
        self.catalog.save(self.catalog_path)

    def break_stream(self, name: str, reason: str) -> None:
        """As when its table was recreated (dbt --full-refresh): SHOW STREAMS gives an invalid_reason."""
        self.stream(name).invalid_reason = reason
        self.catalog.save(self.catalog_path)

    def set_stream_has_data(self, name: str, has_data: bool = True) -> None:
        """A false positive: SYSTEM$STREAM_HAS_DATA answers TRUE for the stream, empty or not, until a DML
        statement consumes it (False takes the false positive back). Real changes answer TRUE by themselves."""
        self.stream(name).has_data = has_data
        self.catalog.save(self.catalog_path)

    def inject_stream_false_positive(self, name: str) -> None:
        """SYSTEM$STREAM_HAS_DATA "is not guaranteed to avoid false positives" (system_stream_has_data)."""
        self.set_stream_has_data(name, True)

    def backdate_stream(self, name: str, by: timedelta) -> None:
        """As if the stream's offset had last moved `by` earlier: its stale_after moves back with it."""
        stream = self.stream(name)
        stream.offset_on = (datetime.fromisoformat(stream.offset_on) - by).isoformat()
        stream.stale_after = (datetime.fromisoformat(stream.stale_after) - by).isoformat()
        self.catalog.save(self.catalog_path)

    def set_task_state(self, name: str, state: str) -> None:
        """As when someone suspended (or resumed) the task by hand, or Snowflake suspended it after failures."""
        if state not in ("started", "suspended"):
            raise ValueError(state)
        self.task(name).state = state
        self.catalog.save(self.catalog_path)

    # ---- the account model (account.py): what the preflight and the watched objects need -----------

    def set_object(
        self,
        parts: list[str],
        owner: str | None = None,
        change_tracking: bool = False,
        kind: str = "",
        refresh_mode: str = "INCREMENTAL",
        catalog: str = "SNOWFLAKE",
    ) -> None:
        """A watched table's or view's owner role, change tracking and kind ("dynamic table", "hybrid table", …),
        a dynamic table's refresh mode, an Iceberg table's catalog; a view keeps the text and base tables it was
        created with."""
        facts = self.account.facts(parts)
        facts.owner, facts.change_tracking, facts.kind = owner, change_tracking, kind
        facts.refresh_mode, facts.catalog = refresh_mode, catalog
        self.account.set_facts(parts, facts)
        self.account.save(self.account_path)

    def model_privileges(self, modelled: bool = True) -> None:
        """Turns the privilege model on (privileges.py): from now on each role holds what it was granted."""
        self.account.privileges_modelled = modelled
        self.account.save(self.account_path)

    def add_notification_integration(self, name: str, type: str, owner: str = "ACCOUNTADMIN") -> None:
        """A notification integration of the given SHOW INTEGRATIONS type ("EMAIL", "QUEUE - AWS_SNS", …)."""
        self.account.notification_integrations[name] = NotificationIntegration(name=name, type=type, owner=owner)
        self.account.save(self.account_path)

    def set_parameter(self, name: str, value: str) -> None:
        """A session parameter every new session starts with, as set for the user (session_parameters.py)."""
        self.account.parameters[name.upper()] = value
        self.account.save(self.account_path)

    def grant(self, privilege: str, granted_on: str, name: str, role: str) -> None:
        """A grant as SHOW GRANTS lists it (ACCOUNT grants have the account's name; SCHEMA names are DB.SCHEMA)."""
        self.account.grants.append(acct.Grant(privilege.upper(), granted_on.upper(), name, role))
        self.account.save(self.account_path)

    def add_warehouse(self, name: str) -> None:
        self.account.warehouses.append(name)
        self.account.save(self.account_path)

    def inherit(self, role: str, *roles: str) -> None:
        """`role` inherits `roles` (as after GRANT ROLE … TO ROLE role)."""
        self.account.inherited_roles.setdefault(role, []).extend(roles)
        self.account.save(self.account_path)

    def forget_timezone(self, name: str) -> None:
        """This account's CONVERT_TIMEZONE does not know the IANA name (a database older than pytz's)."""
        self.account.unknown_timezones.append(name)
        self.account.save(self.account_path)

    def reset_account(self) -> None:
        """No grants, warehouses, role hierarchy, object facts, parameters or ping result; privileges not modelled."""
        self.account = acct.Account()
        self.account.save(self.account_path)

    def route_egress(self, host: str, base_url: str, port: int = 443) -> None:
        """Where a procedure's allowed HTTP to host:port goes, for example the dbt Cloud stand-in's URL (egress.py)."""
        self.egress_routes[(host.lower(), port)] = base_url

    def set_ping_result(self, result: dict[str, Any] | None) -> None:
        """What a `mode: 'ping'` CALL of the procedure returns instead of running it (None: the handler runs)."""
        self.account.ping_result = result
        self.account.save(self.account_path)
