"""Checks SQL statements the way Snowflake and dbt will meet them.

Reads a JSON list of statements on stdin (with --serve: one list per line, one answer per line, so a
test file starts sqlfluff once); prints, for each:
- `statements`: how many statements sqlfluff's snowflake dialect finds (one means no value smuggled in a second);
- `unparsable`: the text of every segment sqlfluff could not parse, including inside a task's
  `execute immediate '<block>'`, whose Snowflake Scripting block is unquoted and parsed too;
- `pieces`: how many statements the Snowflake connector's splitter makes of it, which is what dbt-snowflake
  runs one by one (a block split at an inner semicolon would fail in Snowflake).
"""

import io
import json
import sys

from snowflake.connector.util_text import split_statements
from sqlfluff.core import FluffConfig, Linter

EXECUTE_IMMEDIATE = "as execute immediate '"


def unquote_literal(text: str) -> str:
    """The value of a single-quoted Snowflake literal's body: '' is a quote, a backslash escapes."""
    out, index = [], 0
    while index < len(text):
        char = text[index]
        if char == "'" and text[index + 1 : index + 2] == "'":
            out.append("'")
            index += 2
        elif char == "\\" and index + 1 < len(text):
            out.append(text[index + 1])
            index += 2
        else:
            out.append(char)
            index += 1
    return "".join(out)


def unparsable(linter: Linter, sql: str) -> list[str]:
    tree = linter.parse_string(sql + ";\n").tree
    if tree is None:
        return ["<nothing parsed>"]
    return [segment.raw for segment in tree.recursive_crawl("unparsable")]


def check(linter: Linter, statements: list[str]) -> list[dict]:
    reports = []
    for statement in statements:
        tree = linter.parse_string(statement + ";\n").tree
        count = 0 if tree is None else len(list(tree.recursive_crawl("statement", recurse_into=False)))
        problems = unparsable(linter, statement)
        start = statement.find(EXECUTE_IMMEDIATE)
        if start != -1 and statement.endswith("'"):
            problems += unparsable(linter, unquote_literal(statement[start + len(EXECUTE_IMMEDIATE) : -1]))
        pieces = [piece for piece, _ in split_statements(io.StringIO(statement + ";")) if piece.strip()]
        reports.append({"statements": count, "unparsable": problems, "pieces": len(pieces)})
    return reports


def main() -> None:
    linter = Linter(config=FluffConfig(overrides={"dialect": "snowflake"}))
    if "--serve" not in sys.argv:
        json.dump(check(linter, json.load(sys.stdin)), sys.stdout)
        return
    for line in sys.stdin:
        if line.strip():
            sys.stdout.write(json.dumps(check(linter, json.loads(line))) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
