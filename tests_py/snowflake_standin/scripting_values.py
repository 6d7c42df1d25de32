"""Variables' values inside SQL text: bind variables, bare names in expressions, and the stand-in's clock.

Snowflake Scripting (docs.snowflake.com/en/developer-guide/snowflake-scripting/variables): in a SQL statement
a variable is written `:name` (a bind variable); in an expression of the language itself (an assignment, an
IF condition, RETURN, LET) it is written bare. `a:b` after a value is a path into a VARIANT
(docs.snowflake.com/en/user-guide/querying-semistructured), not a variable. The stand-in puts each value in as
a SQL literal of its type before the statement goes to the stand-in's cursor, and the simulated time in for
CURRENT_TIMESTAMP and its kin (clock.with_simulated_now), so a simulated day runs the body at its own time.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from . import clock
from .sql_tokens import Token, tokenize

JSON_TYPES = {"VARIANT", "OBJECT", "ARRAY"}
# The connector's type codes (cursor.description) of VARIANT, OBJECT and ARRAY values.
JSON_TYPE_CODES = {5, 9, 10}
# Words after which `:name` is a bind variable, not a VARIANT path.
_KEYWORDS = {
    "SELECT", "INTO", "FROM", "WHERE", "AND", "OR", "NOT", "THEN", "ELSE", "WHEN", "IN", "IS", "BY", "AS",
    "SET", "VALUES", "ON", "LIKE", "ILIKE", "BETWEEN", "CASE", "LIMIT", "OFFSET", "HAVING", "RETURN", "QUALIFY",
    "DISTINCT", "ALL", "ANY", "EXISTS", "USING", "IF", "ELSEIF", "TOP",
}  # fmt: skip


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def literal(value: Any, type_name: str = "", type_code: int | None = None) -> str:
    """A SQL literal for a variable's value, of its declared type (or the type its value came back with)."""
    declared = type_name.split("(")[0].strip().upper()
    is_json = declared in JSON_TYPES or type_code in JSON_TYPE_CODES or isinstance(value, (dict, list))
    if value is None:
        return "NULL::VARIANT" if is_json else (f"NULL::{type_name}" if type_name else "NULL")
    if is_json:
        return f"parse_json({quote(value if isinstance(value, str) else json.dumps(value, default=str))})"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, datetime):
        kind = "timestamp_tz" if value.tzinfo is not None else "timestamp_ntz"
        return f"{quote(value.isoformat(sep=' '))}::{kind}"
    if isinstance(value, date):
        return f"{quote(value.isoformat())}::date"
    return quote(str(value))


def _is_bind(tokens: list[Token], position: int) -> bool:
    """Is the `:` at `position` a bind variable's (not a VARIANT path's)?"""
    if position == 0:
        return True
    before = tokens[position - 1]
    if before.kind == "symbol":
        return before.text not in (")", "]", ":")  # `::type` is a cast
    if before.kind == "word":
        return before.upper in _KEYWORDS or before.end < tokens[position].start
    return False


def substitute(sql: str, values: dict[str, str], bare: bool) -> str:
    """`sql` with each `:name` (and, in an expression, each bare `name`) of a variable replaced by its literal,
    and the clock's words by the stand-in's time. `values` maps upper-case names to literals."""
    tokens = tokenize(sql)
    replacements: list[tuple[int, int, str]] = []
    skip = -1
    for position, token in enumerate(tokens):
        if position <= skip:
            continue
        following = tokens[position + 1] if position + 1 < len(tokens) else None
        before = tokens[position - 1] if position else None
        if token.text == ":" and following is not None and following.kind == "word" and _is_bind(tokens, position):
            name = following.upper
            if name not in values:
                raise KeyError(following.text)
            replacements.append((token.start, following.end, values[name]))
            skip = position + 1
        elif (
            bare
            and token.kind == "word"
            and token.upper in values
            and (before is None or before.text not in (":", "."))
            and (following is None or following.text not in ("(", "."))
        ):
            replacements.append((token.start, token.end, values[token.upper]))
    for start, end, text in reversed(replacements):
        sql = sql[:start] + f"({text})" + sql[end:]
    return clock.with_simulated_now(sql)
