"""SHOW <objects> … LIMIT <rows> [ FROM '<name>' ]: pages of a SHOW, and the rows a SHOW may return.

Snowflake's SHOW commands return their rows ordered by name and take `LIMIT rows [ FROM 'name_string' ]`,
FROM serving as a cursor: the page starts at the first row whose name matches the string, case-sensitive,
partial names allowed (docs.snowflake.com/en/sql-reference/sql/show-tables, "LIMIT rows [ FROM 'name_string' ]";
docs.snowflake.com/en/release-notes/bcr-bundles/2023_05/bcr-1080). The stand-in models FROM as "the rows
whose name is not before the string", which includes the named row and any name it begins. A SHOW
without LIMIT that would list more than SHOW_ROWS_WITHOUT_LIMIT rows is refused (stand-in wording): the
package must page. fakesnow reads LIMIT but not FROM, so the stand-in takes the clause off before fakesnow
answers and pages the answer itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from .statements import refused

# The most rows a SHOW returns without LIMIT.
SHOW_ROWS_WITHOUT_LIMIT = 10_000

_LIMIT = re.compile(r"\s+limit\s+(\d+)(?:\s+from\s+'((?:[^']|'')*)')?\s*;?\s*$", re.IGNORECASE)

Row = TypeVar("Row")


def split_limit(sql: str) -> tuple[str, int | None, str | None]:
    """The statement without its LIMIT … FROM clause, the limit and the FROM name (None when absent)."""
    match = _LIMIT.search(sql)
    if match is None:
        return sql, None, None
    start = match.group(2).replace("''", "'") if match.group(2) is not None else None
    return sql[: match.start()], int(match.group(1)), start


def page(rows: list[Row], name_of: Callable[[Row], Any], limit: int | None, start: str | None) -> list[Row]:
    """One page of rows already in name order; without LIMIT, no more than SHOW_ROWS_WITHOUT_LIMIT rows."""
    if start is not None:
        rows = [row for row in rows if str(name_of(row)) >= start]
    if limit is None:
        if len(rows) > SHOW_ROWS_WITHOUT_LIMIT:
            raise refused(
                f"SHOW lists {len(rows)} rows, more than {SHOW_ROWS_WITHOUT_LIMIT} without LIMIT; "
                "page with LIMIT … FROM (stand-in wording)"
            )
        return rows
    return rows[:limit]
