"""The one place a task body's `CALL … INTO :var` goes: `call_procedure(name, args, cursor)`.

Until a procedure executor is installed (`install(caller)`), a CALL is refused by name
(ProcedureCallNotModelled), never answered with a made-up result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .scripting_errors import ProcedureCallNotModelled

# (name parts as Snowflake resolves them, argument values, the session's cursor) -> the procedure's return value.
ProcedureCaller = Callable[[list[str], list[Any], Any], Any]

_caller: ProcedureCaller | None = None


def install(caller: ProcedureCaller | None) -> None:
    """The function that runs procedures from now on (None: refuse CALL again)."""
    global _caller
    _caller = caller


def call_procedure(name: list[str], args: list[Any], cursor: Any) -> Any:
    if _caller is None:
        raise ProcedureCallNotModelled(f"CALL of a stored procedure is not modelled: {'.'.join(name)}")
    return _caller(name, args, cursor)
