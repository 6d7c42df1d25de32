"""The kinds of tables and views a stream may be asked to watch, and what CREATE STREAM says of each.

fakesnow creates plain tables and views; a test declares what else an object is (account.ObjectFacts):
a dynamic table (with its refresh mode), an external, event, hybrid or Iceberg table (with its catalog), a
materialized view. The stand-in then answers:
- SHOW TABLES with the flags Snowflake prints for each kind: is_external, is_event
  (docs.snowflake.com/en/release-notes/bcr-bundles/2023_05/bcr-1006-1157), is_hybrid
  (…/2023_08/bcr-1415), is_iceberg (…/2023_08/bcr-1448), is_dynamic (…/2024_03/bcr-1580);
- SHOW VIEWS with the CREATE VIEW text as it was written, is_secure and is_materialized;
- SHOW DYNAMIC TABLES with refresh_mode (docs.snowflake.com/en/sql-reference/sql/show-dynamic-tables) and
  SHOW ICEBERG TABLES with catalog_name (docs.snowflake.com/en/sql-reference/sql/show-iceberg-tables), for
  the objects declared so, LIKE and IN SCHEMA only;
- GET_OBJECT_REFERENCES of a view: the tables and views its CREATE VIEW reads
  (docs.snowflake.com/en/sql-reference/functions/get_object_references), found by sqlglot in the
  statement the stand-in saw;
- CREATE STREAM's rules per kind (docs.snowflake.com/en/sql-reference/sql/create-stream,
  docs.snowflake.com/en/user-guide/streams-intro): the ON form must be the object's kind (ON EVENT TABLE
  for an event table); no stream on a hybrid table or a materialized view; INSERT_ONLY only on external
  tables and Iceberg tables another catalog manages, which take insert-only streams only
  (docs.snowflake.com/en/release-notes/bcr-bundles/2023_01/bcr-795 for the error text); a dynamic table
  must refresh incrementally (docs.snowflake.com/en/user-guide/dynamic-tables/streams-on-dts); a view
  must have no GROUP BY, QUALIFY, LIMIT or DISTINCT, and its base tables change tracking, which the
  creating role enables where it owns them and is refused where it does not (user-guide/streams-manage).
Not modelled: streams on directory tables, shares, secure views' hidden text, views over functions or stages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pyarrow as pa
import sqlglot
from sqlglot import exp

from . import catalog as cat
from .statements import Answer, Session, does_not_exist, refused

if TYPE_CHECKING:
    from .account import Account, ObjectFacts

TEXT = pa.string()
STREAMLESS = ("hybrid table", "materialized view")
_VIEW_CLAUSES = ("GROUP BY", "QUALIFY", "LIMIT", "DISTINCT")


def table_flags(kind: str, catalog_name: str) -> dict[str, str]:
    """SHOW TABLES' kind flags for a declared kind."""
    return {
        "is_external": "Y" if kind == "external table" else "N",
        "is_event": "Y" if kind == "event table" else "N",
        "is_hybrid": "Y" if kind == "hybrid table" else "N",
        "is_iceberg": "Y" if kind == "iceberg table" else "N",
        "is_dynamic": "Y" if kind == "dynamic table" else "N",
    }


# ---- views ---------------------------------------------------------------------------------------------

_CREATE_VIEW = re.compile(r"^create\s+(?:or\s+replace\s+)?(?:secure\s+)?(?:recursive\s+)?view\b", re.IGNORECASE)


def is_create_view(sql: str) -> bool:
    return _CREATE_VIEW.match(sql) is not None and not re.match(r"^create\s+(or\s+replace\s+)?materialized", sql, re.I)


def view_definition(sql: str, resolve: Callable[[list[str]], list[str]]) -> tuple[list[str], list[list[str]]]:
    """The view a CREATE VIEW makes and the tables and views it reads, resolved as Snowflake would."""
    statement = sqlglot.parse_one(sql, read="snowflake")
    target = statement.this.this if isinstance(statement.this, exp.Schema) else statement.this
    view = resolve(_table_parts(target))
    ctes = {cte.alias_or_name.upper() for cte in statement.find_all(exp.CTE)}
    bases: list[list[str]] = []
    for table in statement.expression.find_all(exp.Table):
        parts = _table_parts(table)
        if len(parts) == 1 and parts[0].upper() in ctes:
            continue
        resolved = resolve(parts)
        if resolved not in bases:
            bases.append(resolved)
    return view, bases


def _table_parts(table: exp.Table) -> list[str]:
    parts = []
    for part in (table.args.get("catalog"), table.args.get("db"), table.this):
        if part is None:
            continue
        quoted = isinstance(part, exp.Identifier) and part.quoted
        name = part.name
        parts.append(name if quoted else name.upper())
    return parts


def unsupported_view_clauses(text: str) -> list[str]:
    """The clauses streams on views do not support that a CREATE VIEW uses (strings, quoted names, comments aside)."""
    code = re.sub(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/", " ", text, flags=re.DOTALL).upper()
    words = " " + re.sub(r"[\s(),;]+", " ", code) + " "
    return [clause for clause in _VIEW_CLAUSES if f" {clause} " in words]


# ---- SHOW DYNAMIC TABLES, SHOW ICEBERG TABLES, GET_OBJECT_REFERENCES ------------------------------------

_SHOW_KIND = re.compile(
    r"^show\s+(dynamic|iceberg)\s+tables\s+like\s+'((?:[^']|'')*)'\s+in\s+schema\s+(.+?)\s*;?$", re.IGNORECASE
)
_REFERENCES = re.compile(
    r"^select\s+referenced_database_name,\s*referenced_schema_name,\s*referenced_object_name\s+from\s+table\("
    r"(.+?)\.\"?INFORMATION_SCHEMA\"?\.\"?GET_OBJECT_REFERENCES\"?\(\s*database_name\s*=>\s*'((?:[^']|'')*)'\s*,\s*"
    r"schema_name\s*=>\s*'((?:[^']|'')*)'\s*,\s*object_name\s*=>\s*'((?:[^']|'')*)'\s*\)\)\s*;?$",
    re.IGNORECASE | re.DOTALL,
)


def _literal_identifier(text: str) -> str:
    """A name given as a string literal to GET_OBJECT_REFERENCES: '"Mixed"' exactly, 'plain' in upper case."""
    value = text.replace("''", "'")
    if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        return value[1:-1].replace('""', '"')
    return value.upper()


def answer(sql: str, account: Account, session: Session, parse_name: Callable[[str], list[str]]) -> Answer | None:
    """SHOW DYNAMIC/ICEBERG TABLES LIKE … IN SCHEMA and GET_OBJECT_REFERENCES; None for anything else."""
    shown = _SHOW_KIND.match(sql.strip())
    if shown is not None:
        kind = "dynamic table" if shown.group(1).lower() == "dynamic" else "iceberg table"
        like = shown.group(2).replace("''", "'")
        schema = parse_name(shown.group(3))
        rows = []
        for key, facts in sorted(account.objects.items()):
            parts = key_parts(key)
            if (
                facts.kind != kind
                or parts[:2] != schema
                or not cat._like(parts[2], like)
                or not session.table_exists(parts)
            ):
                continue
            detail = facts.refresh_mode if kind == "dynamic table" else facts.catalog
            rows.append((parts[2], parts[0], parts[1], facts.owner or session.role, detail))
        detail_column = "refresh_mode" if kind == "dynamic table" else "catalog_name"
        columns = [(name, TEXT) for name in ("name", "database_name", "schema_name", "owner", detail_column)]
        return Answer(columns, rows)
    references = _REFERENCES.match(sql.strip())
    if references is not None:
        view = [_literal_identifier(references.group(index)) for index in (2, 3, 4)]
        facts = account.objects.get(cat.qualified(view))
        if facts is None or not facts.view_text:
            raise does_not_exist("View", view)
        columns = [
            (name, TEXT) for name in ("REFERENCED_DATABASE_NAME", "REFERENCED_SCHEMA_NAME", "REFERENCED_OBJECT_NAME")
        ]
        return Answer(columns, [tuple(base) for base in facts.base_tables])
    return None


def key_parts(key: str) -> list[str]:
    """The parts of an account key (cat.qualified form: quoted only where needed)."""
    from .sql_tokens import TokenReader

    return TokenReader(key).name()


def _with_article(kind: str) -> str:
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


# ---- CREATE STREAM ------------------------------------------------------------------------------------


def check_stream_source(
    on_kind: str,
    insert_only: bool,
    source: list[str],
    facts: ObjectFacts,
    actual: str,
    facts_of: Callable[[list[str]], ObjectFacts],
    enable_tracking: Callable[[list[str], ObjectFacts], None],
) -> None:
    """Refuses what Snowflake refuses for a stream on `source` of kind `actual`, asked as ON `on_kind`."""
    name = cat.qualified(source)
    if actual in STREAMLESS:
        raise refused(f"Streams are not supported on {actual}s: '{name}' is a {actual} (stand-in wording)")
    if on_kind != actual and not (on_kind == "table" and actual == "iceberg table"):
        raise refused(f"Object '{name}' is {_with_article(actual)}, not {_with_article(on_kind)} (stand-in wording)")
    external_iceberg = actual == "iceberg table" and facts.catalog.upper() != "SNOWFLAKE"
    if insert_only and actual != "external table" and not external_iceberg:
        raise refused("Streams of type INSERT_ONLY can only be created on external tables.")
    if external_iceberg and not insert_only:
        raise refused(
            f"'{name}' is an Iceberg table another catalog manages: only INSERT_ONLY streams are supported "
            "(stand-in wording)"
        )
    if actual == "dynamic table" and facts.refresh_mode.upper() != "INCREMENTAL":
        raise refused(
            f"Dynamic table '{name}' refreshes in FULL mode: streams need incremental refresh (stand-in wording)"
        )
    if actual == "view":
        clauses = unsupported_view_clauses(facts.view_text)
        if clauses:
            raise refused(
                f"Change tracking is not supported on view '{name}': it uses {', '.join(clauses)} (stand-in wording)"
            )
        for base in facts.base_tables:
            enable_tracking(base, facts_of(base))
    if actual in ("table", "view", "event table", "iceberg table"):
        enable_tracking(source, facts)
