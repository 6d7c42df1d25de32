"""`python -m snowflake_standin DB_DIR dbt-args…`: one dbt command (dbt-core's own CLI) against the stand-in in DB_DIR.

For tests that run dbt as a process (vitest); state persists in DB_DIR between commands. Run from tests_py/.
"""

import sys

from dbt.cli.main import cli

from .standin import SnowflakeStandIn

if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: python -m snowflake_standin DB_DIR <dbt arguments…>")
    with SnowflakeStandIn(sys.argv[1]).patch():
        cli.main(args=sys.argv[2:], prog_name="dbt")
