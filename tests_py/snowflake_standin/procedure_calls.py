"""The one place a task body's `CALL … [INTO :var]` goes: `call_procedure(name, args, cursor)`.

In order: the caller a test installed (`install(caller)`, or `calling(caller)` for a `with` block); else the
stand-in's procedure executor (`procedures.call_procedure(cursor, name, args)`) when the stand-in has one;
else a refusal by name (ProcedureCallNotModelled), never a made-up result. `refuse` is that refusal, for a
test that wants it whatever the stand-in can run.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from typing import Any

from . import catalog as cat
from .scripting_errors import ProcedureCallNotModelled

# (name parts as Snowflake resolves them, argument values, the session's cursor) -> the procedure's return value.
ProcedureCaller = Callable[[list[str], list[Any], Any], Any]

_caller: ProcedureCaller | None = None


def install(caller: ProcedureCaller | None) -> None:
    """The function that runs procedures from now on (None: back to the stand-in's own, or the refusal)."""
    global _caller
    _caller = caller


@contextlib.contextmanager
def calling(caller: ProcedureCaller) -> Iterator[None]:
    previous = _caller
    install(caller)
    try:
        yield
    finally:
        install(previous)


def refuse(name: list[str], args: list[Any], cursor: Any) -> Any:
    raise ProcedureCallNotModelled(f"CALL of a stored procedure is not modelled: {cat.qualified(name)}")


def call_procedure(name: list[str], args: list[Any], cursor: Any) -> Any:
    if _caller is not None:
        return _caller(name, args, cursor)
    try:
        from .procedures import call_procedure as run_stored  # the stand-in's procedure executor, when present
    except ImportError:
        return refuse(name, args, cursor)
    # It takes the name as written and semi-structured values as the connector returns them (JSON text).
    values = [json.dumps(value) if isinstance(value, (dict, list)) else value for value in args]
    return run_stored(cursor, cat.qualified(name), values)
