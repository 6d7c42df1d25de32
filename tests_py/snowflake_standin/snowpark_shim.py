"""The Snowpark Session a Python procedure's handler gets as its first argument, as far as handlers here use it.

`session.sql(query).collect()` runs the query in the caller's session and returns Rows (tuples whose
fields also read by column name), as Snowpark documents
(docs.snowflake.com/en/developer-guide/snowpark/reference/python/latest/snowpark/api/snowflake.snowpark.Session.sql).
The query goes through the connector like any statement, so the stand-in records and answers it. Bind
parameters and every other Session method are refused by name.
"""

from __future__ import annotations

from typing import Any


class Row(tuple):
    _fields: tuple[str, ...] = ()

    def __new__(cls, values: tuple, fields: tuple[str, ...]) -> Row:
        row = super().__new__(cls, values)
        row._fields = fields
        return row

    def __getattr__(self, name: str) -> Any:
        for index, field in enumerate(self._fields):
            if field.upper() == name.upper():
                return self[index]
        raise AttributeError(name)

    def as_dict(self) -> dict[str, Any]:
        return dict(zip(self._fields, self, strict=True))


class DataFrame:
    def __init__(self, connection: Any, query: str):
        self._connection = connection
        self._query = query

    def collect(self) -> list[Row]:
        cursor = self._connection.cursor()
        cursor.execute(self._query)
        fields = tuple(column[0] for column in cursor.description or ())
        return [Row(tuple(values), fields) for values in cursor.fetchall()]


class Session:
    def __init__(self, connection: Any):
        self._connection = connection

    def sql(self, query: str, params: Any = None) -> DataFrame:
        if params is not None:
            raise NotImplementedError("Session.sql(…, params=…) is not modelled by the stand-in")
        return DataFrame(self._connection, query)

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"Session.{name} is not modelled by the stand-in (only sql(…).collect() is)")
