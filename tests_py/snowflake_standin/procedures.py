"""The procedure runs: CALL executes the handler source as CREATE PROCEDURE stored it.

What the stored procedure says is what runs: LANGUAGE PYTHON (anything else refused by name),
RUNTIME_VERSION (must be this interpreter's, refused otherwise), HANDLER (the function called with the
Snowpark session first, then the arguments), PACKAGES (what the handler may import; a Python procedure
needs snowflake-snowpark-python, sql-reference/sql/create-procedure; entries other than those
python_sandbox.PACKAGE_MODULES knows are refused by name), EXTERNAL_ACCESS_INTEGRATIONS (egress.py) and
SECRETS (secret_shim.py). EXECUTE AS CALLER / RESTRICTED CALLER: refused by name (the shim runs with the
caller's session, which is what owner's rights give a task's own call here).

Arguments reach the handler typed as Snowflake passes them
(docs.snowflake.com/en/developer-guide/udf-stored-procedure-data-type-mapping, SQL-Python): NUMBER → int
(scale 0: the catalog keeps no scale, so a fraction is rounded as NUMBER(38,0) would), FLOAT → float,
VARCHAR → str, BOOLEAN → bool, VARIANT → the JSON value (dict, list, str, int, float, bool),
ARRAY → list, OBJECT → dict, DATE/TIMESTAMP → date/datetime, NULL → None; other types are refused by
name. The return value goes back as the declared RETURNS type: VARIANT/OBJECT/ARRAY as JSON text in a
one-column result named after the procedure, as the connector shows a CALL's result.

An exception out of the handler fails the CALL with "Python Interpreter Error" (errno 100357), the
exception's type and message (stand-in wording for the rest).
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pyarrow as pa
from snowflake.connector.errors import ProgrammingError

from . import catalog as cat
from . import egress, python_sandbox, secret_shim, snowpark_shim
from .sql_tokens import TokenReader
from .statements import Answer, Session, Statements, does_not_exist, refused

SNOWPARK_PACKAGE = "snowflake-snowpark-python"
_INTEGER_TYPES = {"NUMBER", "INT", "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "BYTEINT", "DECIMAL", "NUMERIC"}
_FLOAT_TYPES = {"FLOAT", "FLOAT4", "FLOAT8", "DOUBLE", "REAL"}
_TEXT_TYPES = {"VARCHAR", "STRING", "TEXT", "CHAR", "CHARACTER", "NVARCHAR"}
_SEMI_STRUCTURED = {"VARIANT", "ARRAY", "OBJECT"}
_TIME_TYPES = {"DATE", "TIMESTAMP", "TIMESTAMP_NTZ", "TIMESTAMP_LTZ", "TIMESTAMP_TZ", "DATETIME"}
# The connector's type codes of semi-structured columns (VARIANT, OBJECT, ARRAY): their values arrive as JSON text.
_JSON_TYPE_CODES = {5, 9, 10}


def call_statement(standin: Any, cursor: Any, session: Session, reader: TokenReader) -> Answer:
    """CALL <name>(<argument>, …): the arguments evaluated in the caller's session, then the handler run."""
    parts = Statements(standin.catalog, session, "", None).resolve(reader.name())
    arguments = _argument_texts(reader)
    if reader.accept("INTO"):
        raise refused("CALL … INTO is Snowflake Scripting: it is valid only inside a block (stand-in wording)")
    if not reader.at_end():
        raise refused(f"CALL … {reader.rest_text()[:40]} is not modelled by the stand-in (stand-in wording)")
    procedure = find_procedure(standin.catalog, parts, len(arguments))
    values = _evaluate(cursor, arguments, reader.bindings)
    result = run(standin, cursor._conn, procedure, values)
    return result_answer(procedure, result)


def call_procedure(cursor: Any, name: str, arguments: list[Any]) -> Any:
    """For a CALL inside a task body: runs the procedure `name` (as written in the body, resolved in the
    cursor's session) with argument values already evaluated (JSON text for semi-structured ones is
    accepted as the connector returns it); returns the handler's value converted to the RETURNS type."""
    standin = cursor._conn._standin
    session = standin._session(cursor)
    parts = Statements(standin.catalog, session, "", None).resolve(TokenReader(name).name())
    procedure = find_procedure(standin.catalog, parts, len(arguments))
    values = [(value, 5 if isinstance(value, str) and _looks_like_json(value) else None) for value in arguments]
    return returned(procedure, run(standin, cursor._conn, procedure, values))


def find_procedure(catalog: cat.Catalog, parts: list[str], count: int) -> cat.Procedure:
    prefix = cat.Catalog.key(parts) + "("
    found = [p for key, p in catalog.procedures.items() if key.startswith(prefix) and len(p.argument_types) == count]
    if not found:
        raise does_not_exist("Procedure", parts)
    if len(found) > 1:
        raise refused(f"choosing between overloads with {count} arguments is not modelled by the stand-in")
    return found[0]


def run(standin: Any, connection: Any, procedure: cat.Procedure, values: list[tuple[Any, int | None]]) -> Any:
    """The handler's return value (a Python value), or ProgrammingError when it raised."""
    handler = _checked(procedure)
    arguments = [
        _to_python(value, code, kind) for (value, code), kind in zip(values, procedure.argument_types, strict=True)
    ]
    qualified = f"{procedure.database}.{procedure.schema}.{procedure.name}"
    try:
        policy = egress.EgressPolicy.for_procedure(standin.catalog, procedure)
    except egress.EgressNotModelled as error:
        raise refused(f"procedure {qualified}: {error}") from None
    try:
        return python_sandbox.run_handler(
            procedure.definition,
            handler,
            [snowpark_shim.Session(connection), *arguments],
            secret_module=secret_shim.secret_module(standin, procedure),
            session_class=egress.session_class(policy, standin.egress_routes, standin.egress_log),
            packages={_package_name(entry) for entry in procedure.packages},
            module_name=procedure.name.lower(),
        )
    except Exception as error:
        raise ProgrammingError(
            msg=f"Python Interpreter Error:\n{type(error).__name__}: {error} in function {procedure.name} "
            f"with handler {handler} (stand-in wording)",
            errno=100357,
            sqlstate="P0000",
        ) from None


def _checked(procedure: cat.Procedure) -> str:
    """The handler's name, once the stored procedure is one the stand-in can run faithfully."""
    props = procedure.properties
    name = procedure.name
    if procedure.language != "PYTHON":
        raise refused(f"procedure {name}: LANGUAGE {procedure.language} is not modelled by the stand-in")
    runtime = props.get("RUNTIME_VERSION", "")
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    if runtime != here:
        raise refused(f"procedure {name}: RUNTIME_VERSION {runtime!r}: the stand-in runs handlers on Python {here}")
    if props.get("EXECUTE AS", "OWNER") != "OWNER":
        raise refused(f"procedure {name}: EXECUTE AS {props['EXECUTE AS']} is not modelled by the stand-in")
    packages = {_package_name(entry) for entry in procedure.packages}
    if SNOWPARK_PACKAGE not in packages:
        raise refused(f"procedure {name}: a Python procedure needs {SNOWPARK_PACKAGE} in PACKAGES")
    unknown = sorted(packages - set(python_sandbox.PACKAGE_MODULES))
    if unknown:
        raise refused(f"procedure {name}: PACKAGES {unknown} are not modelled by the stand-in")
    handler = props.get("HANDLER", "")
    if not handler or "." in handler:
        raise refused(f"procedure {name}: HANDLER {handler!r} (a module.function form) is not modelled by the stand-in")
    return handler


def _package_name(entry: str) -> str:
    return re.split(r"[=<>!~\[]", entry, maxsplit=1)[0].strip().lower()


def _argument_texts(reader: TokenReader) -> list[str]:
    """The argument expressions, as written, split at top-level commas."""
    reader.expect("(")
    texts: list[str] = []
    depth, start = 0, None
    while True:
        token = reader.next()
        if token.text == "=" and reader.peek() is not None and reader.peek().text == ">":
            raise refused("named arguments (name => value) are not modelled by the stand-in")
        if depth == 0 and token.text in (",", ")"):
            if start is not None:
                texts.append(reader.sql[start : token.start].strip())
            elif token.text == "," or texts:
                raise refused("an empty argument in CALL (stand-in wording)")
            if token.text == ")":
                return texts
            start = None
            continue
        if start is None:
            start = token.start
        depth += {"(": 1, ")": -1}.get(token.text, 0)


def _evaluate(cursor: Any, arguments: list[str], bindings: list[object]) -> list[tuple[Any, int | None]]:
    """Each argument's value and the connector's type code, from one SELECT in the caller's session."""
    if not arguments:
        return []
    lookup = cursor._conn.cursor()
    lookup.execute(f"select {', '.join(arguments)}", bindings or None)
    row = lookup.fetchone()
    codes = [column[1] for column in lookup.description]
    return list(zip(row, codes, strict=True))


def _looks_like_json(text: str) -> bool:
    return text[:1] in ("{", "[")


def _to_python(value: Any, type_code: int | None, declared: str) -> Any:
    kind = declared.upper()
    if value is None:
        return None
    if kind in _INTEGER_TYPES:
        return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if kind in _FLOAT_TYPES:
        return float(value)
    if kind in _TEXT_TYPES:
        return value if isinstance(value, str) else json.dumps(value) if isinstance(value, (dict, list)) else str(value)
    if kind == "BOOLEAN":
        return bool(value)
    if kind in _SEMI_STRUCTURED:
        if isinstance(value, str) and type_code in _JSON_TYPE_CODES:
            value = json.loads(value)
        elif isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() else float(value)
        expected = {"ARRAY": list, "OBJECT": dict}.get(kind)
        if expected is not None and not isinstance(value, expected):
            raise refused(f"a {type(value).__name__} value for an {kind} argument is not modelled by the stand-in")
        return value
    if kind in _TIME_TYPES and isinstance(value, (date, datetime)):
        return value
    raise refused(f"an argument of type {declared} is not modelled by the stand-in")


def returned(procedure: cat.Procedure, value: Any) -> Any:
    """The handler's value as the RETURNS type carries it (VARIANT: what JSON holds)."""
    kind = procedure.returns.upper()
    if value is None:
        return None
    if kind in _SEMI_STRUCTURED:
        return json.loads(_json_text(procedure, value))
    if kind in _TEXT_TYPES:
        return str(value)
    if kind in _INTEGER_TYPES:
        return int(value)
    if kind == "BOOLEAN":
        return bool(value)
    raise refused(f"procedure {procedure.name}: RETURNS {procedure.returns} is not modelled by the stand-in")


def result_answer(procedure: cat.Procedure, value: Any) -> Answer:
    kind = procedure.returns.upper()
    value = returned(procedure, value)
    if kind in _SEMI_STRUCTURED:
        text = None if value is None else json.dumps(value, indent=2)
        return Answer([(procedure.name, pa.string())], [(text,)])
    arrow = {"BOOLEAN": pa.bool_()}.get(kind, pa.int64() if kind in _INTEGER_TYPES else pa.string())
    return Answer([(procedure.name, arrow)], [(value,)])


def _json_text(procedure: cat.Procedure, value: Any) -> str:
    try:
        return json.dumps(value)
    except (TypeError, ValueError) as error:
        raise ProgrammingError(
            msg=f"Python Interpreter Error:\nthe value {procedure.name} returned is not a VARIANT: {error} "
            "(stand-in wording)",
            errno=100357,
            sqlstate="P0000",
        ) from None
