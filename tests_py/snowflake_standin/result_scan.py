"""RESULT_SCAN(LAST_QUERY_ID()) over the stand-in's previous answer (a SHOW it answered).

The previous answer is a view the stand-in registered; a query over RESULT_SCAN is rewritten to read that
view, and fakesnow runs it (docs.snowflake.com/en/sql-reference/functions/result_scan). A column may be
named by position, `$2` (the SELECT list's positional column references, 1-based), which the stand-in
turns into the view's column name; under QUOTED_IDENTIFIERS_IGNORE_CASE = TRUE a double-quoted lower-case
name fails (session_parameters.py). Only LAST_QUERY_ID() is modelled.
"""

from __future__ import annotations

import re

from .session_parameters import SessionParameters, refuse_case_sensitive_names
from .statements import Rewrite, refused

_RESULT_SCAN = re.compile(r"table\(result_scan\(last_query_id\(\)\)\)", re.IGNORECASE)
_POSITION = re.compile(r"(?<![\w$])\$(\d+)\b")


def reads_result_scan(sql: str) -> bool:
    return _RESULT_SCAN.search(sql) is not None


def rewrite(sql: str, view: str | None, columns: list[str], parameters: SessionParameters) -> Rewrite:
    if view is None:
        raise refused("RESULT_SCAN: the previous statement left no result (stand-in wording)")
    refuse_case_sensitive_names(sql, parameters, result_scan=True)

    def column(match: re.Match[str]) -> str:
        position = int(match.group(1))
        if not 1 <= position <= len(columns):
            raise refused(
                f"invalid column position ${position}: the result has {len(columns)} columns (stand-in wording)"
            )
        return '"' + columns[position - 1].replace('"', '""') + '"'

    return Rewrite(_POSITION.sub(column, _RESULT_SCAN.sub(view, sql)))
