"""Runs a task body, Snowflake Scripting, statement by statement through the stand-in's cursor.

`execute_task_body(cursor, definition)` takes a task's AS clause (`EXECUTE IMMEDIATE '<block>'`) or a block
and returns what the block returns; a body that ends with an unhandled error raises TaskBodyFailed, a construct
the stand-in does not model raises NotModelled (scripting_errors.py). Each SQL statement goes to the cursor
(so the stand-in's rules apply: streams, transactions, its catalog); a CALL goes to
procedure_calls.call_procedure.

Rules, from Snowflake's documentation:
- sql-reference/snowflake-scripting/declare, developer-guide/snowflake-scripting/variables: a variable
  declared without a default is NULL; a value is cast to the declared type; a block's variables are seen by
  the blocks inside it; LET declares in the current block.
- developer-guide/snowflake-scripting/exceptions, sql-reference/snowflake-scripting/exception: an error in a
  statement raises an exception; the block's handler catches it (WHEN <name> for a declared exception, WHEN
  OTHER for any), else the enclosing block's, else the body fails; a handler does not cover the DECLARE section;
  inside a handler SQLCODE, SQLERRM and SQLSTATE describe the exception and RAISE with no name raises it again;
  after a handler the block ends.
- sql-reference/snowflake-scripting/raise: a declared exception has a code and message (-20000 and '' by
  default); its SQLSTATE is P0001.
- sql-reference/constructs/into: SELECT … INTO must return exactly one row.
- sql-reference/transactions: BEGIN TRANSACTION, COMMIT and ROLLBACK in a body are statements of the session
  (transactions.py follows them). A transaction the body began and left open (a refusal stopped it, or it
  returned inside one) is rolled back when the body ends, so the session is left clean; whatever else
  Snowflake reports when a block ends inside a transaction is not modelled.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from snowflake.connector.errors import Error as ConnectorError

from . import procedure_calls, transactions
from . import scripting_parser as ast
from .scripting_errors import CompilationError, NotModelled, ScriptingError, TaskBodyFailed
from .scripting_values import JSON_TYPE_CODES, JSON_TYPES, literal, substitute
from .sql_tokens import SqlSyntaxError

ProcedureCaller = Callable[[list[str], list[Any], Any], Any]


@dataclass
class Variable:
    type: str
    value: Any = None
    type_code: int | None = None

    @property
    def literal(self) -> str:
        return literal(self.value, self.type, self.type_code)


@dataclass
class Frame:
    """One block's variables and exceptions, and the exception its handler is handling (if it is one)."""

    parent: Frame | None = None
    variables: dict[str, Variable] = field(default_factory=dict)
    exceptions: dict[str, ast.ExceptionDeclaration] = field(default_factory=dict)
    handling: ScriptingError | None = None

    def find(self, name: str) -> Variable:
        frame: Frame | None = self
        while frame is not None:
            if name in frame.variables:
                return frame.variables[name]
            frame = frame.parent
        raise CompilationError(f"variable '{name}' is not declared")

    def exception(self, name: str) -> ast.ExceptionDeclaration:
        frame: Frame | None = self
        while frame is not None:
            if name in frame.exceptions:
                return frame.exceptions[name]
            frame = frame.parent
        raise CompilationError(f"exception '{name}' is not declared")

    def current_error(self) -> ScriptingError | None:
        frame: Frame | None = self
        while frame is not None:
            if frame.handling is not None:
                return frame.handling
            frame = frame.parent
        return None

    def literals(self) -> dict[str, str]:
        found: dict[str, str] = {}
        frame: Frame | None = self
        while frame is not None:
            for name, variable in frame.variables.items():
                found.setdefault(name, variable.literal)
            frame = frame.parent
        return found


class _Returned(Exception):
    def __init__(self, value: Any):
        self.value = value


def execute_task_body(cursor: Any, definition: str, call_procedure: ProcedureCaller | None = None) -> Any:
    """Runs the body; returns its RETURN value (None without one). Raises TaskBodyFailed or NotModelled."""
    executor = Executor(cursor, call_procedure or procedure_calls.call_procedure)
    block = ast.parse(ast.body_of_task(definition))
    opened_before = _in_transaction(cursor)
    try:
        return executor.run(block)
    except ScriptingError as error:
        raise TaskBodyFailed(error.sqlcode, error.sqlerrm, error.sqlstate) from None
    finally:
        if _in_transaction(cursor) and not opened_before:
            cursor.execute("rollback")


def _in_transaction(cursor: Any) -> bool:
    return transactions.current(cursor._conn) is not None


class Executor:
    def __init__(self, cursor: Any, call_procedure: ProcedureCaller):
        self.cursor = cursor
        self.call_procedure = call_procedure

    def run(self, block: ast.Block) -> Any:
        try:
            self.block(block, None)
        except _Returned as returned:
            return returned.value
        return None

    # ---- blocks ------------------------------------------------------------------------------------

    def block(self, block: ast.Block, parent: Frame | None) -> None:
        frame = Frame(parent=parent)
        # The DECLARE section: its errors are not the block's handler's to catch.
        for declaration in block.declarations:
            if isinstance(declaration, ast.ExceptionDeclaration):
                frame.exceptions[declaration.name] = declaration
            else:
                frame.variables[declaration.name] = self.declared(declaration, frame)
        try:
            self.statements(block.body, frame)
        except ScriptingError as error:
            handler = self.handler_for(block, error, frame)
            if handler is None:
                raise
            handling = Frame(parent=frame, handling=error)
            for name, value in (("SQLCODE", error.sqlcode), ("SQLERRM", error.sqlerrm), ("SQLSTATE", error.sqlstate)):
                handling.variables[name] = Variable("NUMBER" if name == "SQLCODE" else "VARCHAR", value)
            self.statements(handler.body, handling)

    @staticmethod
    def handler_for(block: ast.Block, error: ScriptingError, frame: Frame) -> ast.Handler | None:
        for handler in block.handlers:
            if handler.names is None:
                return handler
            if any(error.exception is frame.exception(name) for name in handler.names):
                return handler
        return None

    def declared(self, declaration: ast.Declaration, frame: Frame) -> Variable:
        variable = Variable(declaration.type)
        if declaration.default is not None and declaration.default.upper() != "NULL":
            self.assign(variable, declaration.default, frame)
        return variable

    # ---- statements --------------------------------------------------------------------------------

    def statements(self, statements: list[object], frame: Frame) -> None:
        for statement in statements:
            self.statement(statement, frame)

    def statement(self, statement: object, frame: Frame) -> None:
        if isinstance(statement, ast.Block):
            self.block(statement, frame)
        elif isinstance(statement, ast.Assign):
            self.assign(frame.find(statement.name), statement.expression, frame)
        elif isinstance(statement, ast.Let):
            frame.variables[statement.declaration.name] = self.declared(statement.declaration, frame)
        elif isinstance(statement, ast.If):
            for condition, body in statement.branches:
                if self.evaluate(condition, frame)[0] is True:
                    self.statements(body, frame)
                    return
            if statement.otherwise is not None:
                self.statements(statement.otherwise, frame)
        elif isinstance(statement, ast.Return):
            raise _Returned(None if statement.expression is None else self.evaluate(statement.expression, frame)[0])
        elif isinstance(statement, ast.Raise):
            self.raise_(statement, frame)
        elif isinstance(statement, ast.Null):
            pass
        elif isinstance(statement, ast.Sql):
            self.sql(statement.text, frame)
        elif isinstance(statement, ast.SelectInto):
            self.select_into(statement, frame)
        elif isinstance(statement, ast.Call):
            self.call(statement, frame)
        elif isinstance(statement, ast.ExecuteImmediate):
            self.execute_immediate(statement, frame)
        else:
            raise NotModelled(f"{type(statement).__name__} is not modelled")

    def raise_(self, statement: ast.Raise, frame: Frame) -> None:
        if statement.name is None:
            current = frame.current_error()
            if current is None:
                raise CompilationError("RAISE without an exception name outside an exception handler")
            raise current
        declared = frame.exception(statement.name)
        raise ScriptingError(declared.code, declared.message, "P0001", exception=declared)

    def assign(self, variable: Variable, expression: str, frame: Frame) -> None:
        declared = variable.type.split("(")[0].strip().upper()
        # A value takes the variable's declared type (JSON types as they are: fakesnow keeps them as JSON).
        typed = f"({expression})::{variable.type}" if variable.type and declared not in JSON_TYPES else expression
        variable.value, variable.type_code = self.evaluate(typed, frame)

    def evaluate(self, expression: str, frame: Frame) -> tuple[Any, int | None]:
        """An expression of the language (variables bare or with a colon), through the cursor: value, type code."""
        rows, description = self.query(f"select {self.bound(expression, frame, bare=True)}")
        return rows[0][0], description[0][1]

    def sql(self, text: str, frame: Frame) -> None:
        self.query(self.bound(text, frame, bare=False))

    def select_into(self, statement: ast.SelectInto, frame: Frame) -> None:
        rows, description = self.query(self.bound(statement.query, frame, bare=False))
        if len(rows) != 1:
            message = f"SELECT … INTO returned {len(rows)} rows: it must return exactly one (stand-in wording)"
            raise ScriptingError(100183, message, "P0003")
        if len(rows[0]) < len(statement.targets):
            raise CompilationError(f"SELECT … INTO sets {len(statement.targets)} variables from {len(rows[0])} columns")
        for index, name in enumerate(statement.targets):
            variable = frame.find(name)
            variable.value, variable.type_code = rows[0][index], description[index][1]

    def call(self, statement: ast.Call, frame: Frame) -> None:
        arguments: list[Any] = []
        if statement.arguments:
            expressions = ", ".join(self.bound(argument, frame, bare=False) for argument in statement.arguments)
            rows, description = self.query(f"select {expressions}")
            for value, column in zip(rows[0], description, strict=True):
                is_json = column[1] in JSON_TYPE_CODES and isinstance(value, str)
                arguments.append(json.loads(value) if is_json else value)
        try:
            result = self.call_procedure(statement.name, arguments, self.cursor)
        except ConnectorError as error:  # the procedure failed, as a failed statement does
            raise _scripting_error(error) from None
        if statement.target is not None:
            variable = frame.find(statement.target)
            variable.value, variable.type_code = result, None

    def execute_immediate(self, statement: ast.ExecuteImmediate, frame: Frame) -> None:
        source = statement.source
        if source.startswith(":") or not source.startswith(("'", "$$")):
            text = frame.find(source.lstrip(":").upper()).value
        else:
            text = self.evaluate(source, frame)[0]
        block = ast.parse(str(text))
        self.block(block, frame)

    # ---- the cursor --------------------------------------------------------------------------------

    def bound(self, text: str, frame: Frame, bare: bool) -> str:
        try:
            return substitute(text, frame.literals(), bare)
        except KeyError as missing:
            raise CompilationError(f"bind variable :{missing.args[0]} is not declared") from None
        except SqlSyntaxError as error:
            raise CompilationError(str(error)) from None

    def query(self, sql: str) -> tuple[list[tuple], list[Any]]:
        try:
            self.cursor.execute(sql)
            rows = self.cursor.fetchall() if self.cursor.description else []
            return rows, list(self.cursor.description or [])
        except ConnectorError as error:
            raise _scripting_error(error) from None


def _scripting_error(error: ConnectorError) -> ScriptingError:
    """A failed statement as the body sees it: SQLCODE is the error number, SQLERRM its message."""
    message = getattr(error, "raw_msg", None) or str(error)
    return ScriptingError(getattr(error, "errno", None) or -1, message, getattr(error, "sqlstate", None) or "")
