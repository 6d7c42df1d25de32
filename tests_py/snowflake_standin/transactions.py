"""A session's explicit transaction, as far as streams care: when it started and which offsets it would move.

Snowflake (docs.snowflake.com/en/sql-reference/transactions): `BEGIN [TRANSACTION | WORK] [NAME n]` or
`START TRANSACTION` opens an explicit transaction, `COMMIT [WORK]` and `ROLLBACK [WORK]` end it; a
transaction belongs to one session; a BEGIN while one is open is ignored, and so are COMMIT and ROLLBACK
outside one; a DDL statement inside an explicit transaction commits it first (implicit commit). Outside an
explicit transaction each statement commits on its own (AUTOCOMMIT, the connector's default).

fakesnow runs the same statements on DuckDB (rows roll back there); this module keeps what DuckDB does not
know: the stream offsets a committed transaction moves (change_tracking.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import clock

_BEGIN = re.compile(r"^(?:begin|start)(?:\s+(?:transaction|work))?(?:\s+name\s+\S+)?\s*;?$", re.IGNORECASE)
_COMMIT = re.compile(r"^commit(?:\s+work)?\s*;?$", re.IGNORECASE)
_ROLLBACK = re.compile(r"^rollback(?:\s+work)?\s*;?$", re.IGNORECASE)
_DDL = {"CREATE", "ALTER", "DROP", "UNDROP", "COMMENT", "GRANT", "REVOKE"}


@dataclass
class Transaction:
    started_on: datetime
    # Stream key -> what its offset moves to when this transaction commits (change_tracking.Consumption).
    consumed: dict[str, Any] = field(default_factory=dict)


def control(sql: str, keyword: str) -> str | None:
    """ "begin", "commit", "rollback", "implicit commit" (a DDL statement), or None for any other statement."""
    text = sql.strip()
    if _BEGIN.match(text):
        return "begin"
    if _COMMIT.match(text):
        return "commit"
    if _ROLLBACK.match(text):
        return "rollback"
    if keyword in _DDL:
        return "implicit commit"
    return None


def current(connection: Any) -> Transaction | None:
    """The session's open explicit transaction, if any."""
    return getattr(connection, "_standin_transaction", None)


def begin(connection: Any) -> None:
    if current(connection) is None:
        connection._standin_transaction = Transaction(started_on=clock.current_time())


def end(connection: Any) -> Transaction | None:
    """Closes the session's transaction (COMMIT, ROLLBACK or an implicit commit) and returns it."""
    transaction = current(connection)
    connection._standin_transaction = None
    return transaction
