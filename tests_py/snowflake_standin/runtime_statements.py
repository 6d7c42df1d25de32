"""The statements that make the runtime move: EXECUTE TASK (scheduler.py) and CALL (procedures.py)."""

from __future__ import annotations

from typing import Any

from . import catalog as cat
from . import procedures
from .sql_tokens import TokenReader
from .statements import Answer, Session, Statements, does_not_exist, refused, status


def answer(standin: Any, cursor: Any, session: Session, sql: str, bindings: list[object]) -> Answer | None:
    reader = TokenReader(sql, bindings)
    if reader.accept("EXECUTE", "TASK"):
        return execute_task(standin, session, reader)
    if reader.accept("CALL"):
        return procedures.call_statement(standin, cursor, session, reader)
    return None


def execute_task(standin: Any, session: Session, reader: TokenReader) -> Answer:
    """EXECUTE TASK <name>: one asynchronous run, independent of the schedule, suspended or not
    (docs.snowflake.com/en/sql-reference/sql/execute-task). RETRY LAST and USING CONFIG are task-graph
    features: refused by name."""
    parts = Statements(standin.catalog, session, "", None).resolve(reader.name())
    if not reader.at_end():
        raise refused(f"EXECUTE TASK … {reader.rest_text()[:40]} is not modelled by the stand-in (stand-in wording)")
    key = cat.Catalog.key(parts)
    if key not in standin.catalog.tasks:
        raise does_not_exist("Task", parts)
    standin.scheduler.execute_task(key)
    return status(f"Task {parts[2]} is scheduled to run once now (stand-in wording)", changed=False)
