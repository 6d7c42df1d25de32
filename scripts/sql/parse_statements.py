"""Parses SQL statements with sqlfluff's snowflake dialect.

Reads a JSON list of statements on stdin; prints, for each, how many statements sqlfluff found and
the text of every unparsable segment. One statement and no unparsable segment means Snowflake SQL
that sqlfluff understands end to end, and that no value smuggled in a second statement.
"""

import json
import sys

from sqlfluff.core import FluffConfig, Linter


def main() -> None:
    linter = Linter(config=FluffConfig(overrides={"dialect": "snowflake"}))
    reports = []
    for statement in json.load(sys.stdin):
        tree = linter.parse_string(statement + ";\n").tree
        if tree is None:
            reports.append({"statements": 0, "unparsable": ["<nothing parsed>"]})
            continue
        reports.append(
            {
                "statements": len(list(tree.recursive_crawl("statement", recurse_into=False))),
                "unparsable": [segment.raw for segment in tree.recursive_crawl("unparsable")],
            }
        )
    json.dump(reports, sys.stdout)


if __name__ == "__main__":
    main()
