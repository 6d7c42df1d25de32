"""What running a task body can end in, besides a value.

- `TaskBodyFailed`: the body raised an error it did not handle, as Snowflake reports a failed task run
  (a scheduler counts it toward SUSPEND_TASK_AFTER_NUM_FAILURES).
- `NotModelled` (and its kinds): the body uses something the stand-in's executor does not model. It is never
  caught by the body's own EXCEPTION handler: a test sees the refusal, never a run that passed by accident.
"""

from __future__ import annotations


class NotModelled(Exception):
    """A Snowflake Scripting construct (or a CALL) the stand-in does not execute, named in the message."""


class ProcedureCallNotModelled(NotModelled):
    """CALL of a stored procedure with no procedure executor installed (procedure_calls.py)."""


class TaskBodyFailed(Exception):
    """The body ended with an unhandled error: its SQLCODE, SQLERRM and SQLSTATE, as Snowflake gives them."""

    def __init__(self, sqlcode: int, sqlerrm: str, sqlstate: str):
        super().__init__(f"the task body failed: {sqlerrm} (SQLCODE {sqlcode}, SQLSTATE {sqlstate})")
        self.sqlcode = sqlcode
        self.sqlerrm = sqlerrm
        self.sqlstate = sqlstate


class ScriptingError(Exception):
    """An error inside a running body, which its EXCEPTION handlers may catch (a failed statement, RAISE).

    `exception` is the declared exception raised by name (None for a failed statement)."""

    def __init__(self, sqlcode: int, sqlerrm: str, sqlstate: str, exception: object = None):
        super().__init__(sqlerrm)
        self.sqlcode = sqlcode
        self.sqlerrm = sqlerrm
        self.sqlstate = sqlstate
        self.exception = exception


class CompilationError(TaskBodyFailed):
    """What Snowflake refuses before running a block (an undeclared variable, RAISE outside a handler):
    no handler catches it."""

    def __init__(self, message: str):
        super().__init__(1003, f"SQL compilation error: {message}", "42601")
