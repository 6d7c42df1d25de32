"""SYSTEM$LAST_CHANGE_COMMIT_TIME('<table>'): a token that changes when the table's data changes.

docs.snowflake.com/en/sql-reference/functions/system_last_change_commit_time: "Returns a token that can be
used to detect whether a database table or view changed between two calls"; "for each DML operation
performed on the specified table … the returned value increases"; it is "typically an approximation of
the time that the database object was last changed, expressed as the UTC timestamp in nanoseconds"; the
returned type is NUMBER(38, 0). The stand-in keeps, per table, the time (on the stand-in's clock,
clock.py) at which a DML statement on it committed: at once outside an explicit transaction (autocommit),
at COMMIT inside one, never when it rolls back (docs.snowflake.com/en/sql-reference/transactions). A
table no DML has changed since the stand-in started answers 0. The token is kept in this process's memory.

Not modelled, refused by name: a view's token (the changes of the tables it reads), and the function on
anything but a string literal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import catalog as cat
from . import clock, transactions
from .sql_tokens import SqlSyntaxError, TokenReader, string_value, tokenize

_DML_TARGET = {
    "INSERT": (("INSERT", "INTO"), ("INSERT", "OVERWRITE", "INTO")),
    "UPDATE": (("UPDATE",),),
    "DELETE": (("DELETE", "FROM"),),
    "MERGE": (("MERGE", "INTO"),),
    "TRUNCATE": (("TRUNCATE", "TABLE", "IF", "EXISTS"), ("TRUNCATE", "TABLE"), ("TRUNCATE",)),
}

Resolve = Callable[[list[str]], list[str]]


class TableChanges:
    def __init__(self) -> None:
        self.committed: dict[str, int] = {}  # table key -> nanoseconds since the epoch of its last change

    def rewrite(self, sql: str, resolve: Resolve, is_view: Callable[[list[str]], bool]) -> str:
        """The statement with each SYSTEM$LAST_CHANGE_COMMIT_TIME('<name>') call (not one inside a string, such
        as a task's body being created) replaced by the table's token."""
        if "LAST_CHANGE_COMMIT_TIME" not in sql.upper():
            return sql
        tokens = tokenize(sql)
        pieces, position = [], 0
        for index, token in enumerate(tokens):
            if token.kind != "word" or token.upper != "SYSTEM$LAST_CHANGE_COMMIT_TIME":
                continue
            call = tokens[index + 1 : index + 4]
            if [item.text for item in call[:1]] != ["("] or len(call) < 3 or call[2].text != ")":
                raise SqlSyntaxError(
                    "SYSTEM$LAST_CHANGE_COMMIT_TIME(…) with these arguments is not modelled by the stand-in"
                )
            if call[1].kind != "string":
                raise SqlSyntaxError(
                    "SYSTEM$LAST_CHANGE_COMMIT_TIME of anything but a string literal is not modelled by the stand-in"
                )
            parts = resolve(TokenReader(string_value(call[1])).name())
            if is_view(parts):
                raise SqlSyntaxError("SYSTEM$LAST_CHANGE_COMMIT_TIME of a view is not modelled by the stand-in")
            pieces += [sql[position : token.start], f"{self.committed.get(cat.Catalog.key(parts), 0)}::number(38, 0)"]
            position = call[2].end
        return "".join([*pieces, sql[position:]])

    def after(self, connection: Any, sql: str, keyword: str, resolve: Resolve) -> None:
        """After a statement succeeded: a DML statement's table changed (now, or at its COMMIT)."""
        control = transactions.control(sql, keyword)
        uncommitted: set[str] = getattr(connection, "_standin_uncommitted_tables", set())
        if control in ("commit", "implicit commit"):
            self._commit(uncommitted)
            uncommitted = set()
        elif control == "rollback":
            uncommitted = set()
        elif keyword in _DML_TARGET:
            target = _target(sql, keyword, resolve)
            if target is not None:
                if transactions.current(connection) is None:
                    self._commit({target})
                else:
                    uncommitted.add(target)
        connection._standin_uncommitted_tables = uncommitted

    def _commit(self, tables: set[str]) -> None:
        moment = clock.current_time()
        nanoseconds = int(moment.timestamp()) * 1_000_000_000 + moment.microsecond * 1000
        for key in tables:
            # "For each DML operation … the returned value increases", also within one microsecond.
            self.committed[key] = max(nanoseconds, self.committed.get(key, 0) + 1)


def _target(sql: str, keyword: str, resolve: Resolve) -> str | None:
    for words in _DML_TARGET[keyword]:
        reader = TokenReader(sql)
        if reader.accept(*words):
            try:
                return cat.Catalog.key(resolve(reader.name()))
            except Exception:  # the statement ran, so its table resolved; anything else is no table of ours
                return None
    return None
