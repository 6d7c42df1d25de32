"""The Snowflake objects fakesnow does not know, as catalog entries, and the rows SHOW prints for them.

Columns and value formats follow Snowflake's documentation:
- SHOW STREAMS: docs.snowflake.com/en/sql-reference/sql/show-streams
- SHOW TASKS: docs.snowflake.com/en/sql-reference/sql/show-tasks
- SHOW PROCEDURES: docs.snowflake.com/en/sql-reference/sql/show-procedures
- SHOW NETWORK RULES / SECRETS / EXTERNAL ACCESS INTEGRATIONS: the same reference, one page each.
Flags are the text 'true'/'false' (streams, tasks) or 'Y'/'N' (procedures), as Snowflake prints them.
No secret value is ever kept: a secret records only that a value arrived, and its SHA-256 (so a test can
tell the right token arrived without the token being stored or printed).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from . import clock
from .sql_tokens import display_part

# A stream stays readable this long past its offset: the table's retention (1 day by default) extended
# by MAX_DATA_EXTENSION_TIME_IN_DAYS (14 days by default) (user-guide/streams-intro, "Data retention period").
STREAM_STALE_AFTER = timedelta(days=14)

TIMESTAMP = pa.timestamp("us", tz="UTC")


def now() -> str:
    """Creation and change times follow the stand-in's clock (simulated once a test sets it)."""
    return clock.current_time().isoformat()


def qualified(parts: list[str]) -> str:
    return ".".join(display_part(part) for part in parts)


@dataclass
class Stream:
    database: str
    schema: str
    name: str
    table: list[str]
    comment: str
    owner: str
    created_on: str = field(default_factory=now)
    mode: str = "DEFAULT"
    stale: bool = False
    stale_after: str = ""
    invalid_reason: str = "N/A"
    # A false positive SYSTEM$STREAM_HAS_DATA keeps answering until a DML statement consumes the stream.
    has_data: bool = False
    # Where the offset is (change_tracking.py): when it last moved, and the file holding the source's rows then.
    offset_on: str = ""
    offset_rows: str = ""
    # A view stream's base tables at the offset, each as a digest of its rows (SYSTEM$STREAM_HAS_DATA diffs them).
    base_versions: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.offset_on:
            self.offset_on = self.created_on
        if not self.stale_after:
            self.stale_after = (datetime.fromisoformat(self.offset_on) + STREAM_STALE_AFTER).isoformat()

    @property
    def is_stale(self) -> bool:
        """Marked stale (a test's hook), or its stale_after has passed on the stand-in's clock."""
        return self.stale or clock.current_time() > datetime.fromisoformat(self.stale_after)


@dataclass
class Task:
    database: str
    schema: str
    name: str
    definition: str
    comment: str
    owner: str
    warehouse: str | None = None
    schedule: str | None = None
    condition: str | None = None
    # Task parameters set in CREATE (USER_TASK_MINIMUM_TRIGGER_INTERVAL_IN_SECONDS, TARGET_COMPLETION_INTERVAL, …).
    parameters: dict[str, str] = field(default_factory=dict)
    state: str = "suspended"  # tasks are created suspended (sql-reference/sql/create-task)
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    created_on: str = field(default_factory=now)
    last_committed_on: str = field(default_factory=now)
    last_suspended_on: str | None = None
    last_suspended_reason: str | None = None


@dataclass
class Procedure:
    database: str
    schema: str
    name: str
    argument_types: list[str]
    returns: str
    language: str
    comment: str
    definition: str
    properties: dict[str, str]
    secrets: dict[str, str]
    external_access_integrations: list[str]
    owner: str
    created_on: str = field(default_factory=now)
    # PACKAGES as written (CREATE PROCEDURE): what the handler may import beyond the standard library.
    packages: list[str] = field(default_factory=list)


@dataclass
class NetworkRule:
    database: str
    schema: str
    name: str
    type: str
    mode: str
    value_list: list[str]
    comment: str
    owner: str
    created_on: str = field(default_factory=now)


@dataclass
class Secret:
    database: str
    schema: str
    name: str
    secret_type: str
    comment: str
    owner: str
    # Only that a value arrived, and its digest: never the value.
    secret_string_set: bool = False
    secret_string_sha256: str = ""
    created_on: str = field(default_factory=now)


@dataclass
class Integration:
    name: str
    allowed_network_rules: list[str]
    allowed_authentication_secrets: list[str]
    enabled: bool
    comment: str
    owner: str
    created_on: str = field(default_factory=now)


KINDS = {
    "streams": Stream,
    "tasks": Task,
    "procedures": Procedure,
    "network_rules": NetworkRule,
    "secrets": Secret,
    "integrations": Integration,
}


@dataclass
class Catalog:
    """Every stand-in object, by kind and by its qualified name (upper-case key, see `key`)."""

    streams: dict[str, Stream] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)
    procedures: dict[str, Procedure] = field(default_factory=dict)
    network_rules: dict[str, NetworkRule] = field(default_factory=dict)
    secrets: dict[str, Secret] = field(default_factory=dict)
    integrations: dict[str, Integration] = field(default_factory=dict)
    # Table COMMENTs by "DATABASE|SCHEMA|TABLE": fakesnow keeps them in memory only, so they would not outlive a patch.
    table_comments: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def key(parts: list[str]) -> str:
        return qualified(parts)

    def save(self, path: Path) -> None:
        data: dict[str, object] = {
            kind: {name: asdict(item) for name, item in getattr(self, kind).items()} for kind in KINDS
        }
        data["table_comments"] = self.table_comments
        path.write_text(json.dumps(data, indent=1, sort_keys=True))

    @classmethod
    def load(cls, path: Path) -> Catalog:
        if not path.exists():
            return cls()
        data = json.loads(path.read_text())
        return cls(
            **{kind: {name: KINDS[kind](**item) for name, item in data.get(kind, {}).items()} for kind in KINDS},
            table_comments=data.get("table_comments", {}),
        )


def _ts(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _in_schema(item: Any, scope: list[str] | None) -> bool:
    """SHOW … IN: None is the account, [DATABASE] a database, [DATABASE, SCHEMA] a schema."""
    if scope is None or not hasattr(item, "schema"):
        return True
    if len(scope) == 1:
        return item.database == scope[0]
    return [item.database, item.schema] == scope


def _like(name: str, pattern: str | None) -> bool:
    """SHOW … LIKE: case-insensitive, % and _ wildcards."""
    if pattern is None:
        return True
    regex = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern)
    return re.fullmatch(regex, name, re.IGNORECASE | re.DOTALL) is not None


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _json_or_null(value: object) -> str | None:
    return json.dumps(value) if value else None


def _signature(procedure: Procedure) -> str:
    return f"{procedure.name}({', '.join(procedure.argument_types)}) RETURN {procedure.returns}"


TEXT = pa.string()
NUMBER = pa.int64()
Column = tuple[str, pa.DataType, Callable[[Any], object]]


@dataclass(frozen=True)
class Show:
    """One SHOW command: the catalog store it lists and its columns (name, type, value), in Snowflake's order."""

    store: str
    columns: list[Column]

    def answer(self, catalog: Catalog, scope: list[str] | None, like: str | None) -> tuple[list, list[tuple]]:
        items = sorted(getattr(catalog, self.store).values(), key=lambda item: item.name)
        rows = [
            tuple(value(item) for _, _, value in self.columns)
            for item in items
            if _in_schema(item, scope) and _like(item.name, like)
        ]
        return [(name, kind) for name, kind, _ in self.columns], rows


STREAMS = Show(
    "streams",
    [
        ("created_on", TIMESTAMP, lambda s: _ts(s.created_on)),
        ("name", TEXT, lambda s: s.name),
        ("database_name", TEXT, lambda s: s.database),
        ("schema_name", TEXT, lambda s: s.schema),
        ("owner", TEXT, lambda s: s.owner),
        ("comment", TEXT, lambda s: s.comment),
        ("table_name", TEXT, lambda s: qualified(s.table)),
        ("source_type", TEXT, lambda s: "Table"),
        ("base_tables", TEXT, lambda s: qualified(s.table)),
        ("type", TEXT, lambda s: "DELTA"),
        ("stale", TEXT, lambda s: _flag(s.is_stale)),
        ("mode", TEXT, lambda s: s.mode),
        ("stale_after", TIMESTAMP, lambda s: _ts(s.stale_after)),
        ("invalid_reason", TEXT, lambda s: s.invalid_reason),
        ("owner_role_type", TEXT, lambda s: "ROLE"),
    ],
)

TASKS = Show(
    "tasks",
    [
        ("created_on", TIMESTAMP, lambda t: _ts(t.created_on)),
        ("name", TEXT, lambda t: t.name),
        ("id", TEXT, lambda t: t.id),
        ("database_name", TEXT, lambda t: t.database),
        ("schema_name", TEXT, lambda t: t.schema),
        ("owner", TEXT, lambda t: t.owner),
        ("comment", TEXT, lambda t: t.comment),
        ("warehouse", TEXT, lambda t: t.warehouse),
        ("schedule", TEXT, lambda t: t.schedule),
        ("predecessors", TEXT, lambda t: "[]"),
        ("state", TEXT, lambda t: t.state),
        ("definition", TEXT, lambda t: t.definition),
        ("condition", TEXT, lambda t: t.condition),
        ("allow_overlapping_execution", TEXT, lambda t: "false"),
        ("error_integration", TEXT, lambda t: "null"),
        ("last_committed_on", TIMESTAMP, lambda t: _ts(t.last_committed_on)),
        ("last_suspended_on", TIMESTAMP, lambda t: _ts(t.last_suspended_on)),
        ("owner_role_type", TEXT, lambda t: "ROLE"),
        ("config", TEXT, lambda t: None),
        ("budget", TEXT, lambda t: None),
        ("task_relations", TEXT, lambda t: '{"Predecessors":[]}'),
        ("last_suspended_reason", TEXT, lambda t: t.last_suspended_reason),
    ],
)

PROCEDURES = Show(
    "procedures",
    [
        ("created_on", TIMESTAMP, lambda p: _ts(p.created_on)),
        ("name", TEXT, lambda p: p.name),
        ("schema_name", TEXT, lambda p: p.schema),
        ("is_builtin", TEXT, lambda p: "N"),
        ("is_aggregate", TEXT, lambda p: "N"),
        ("is_ansi", TEXT, lambda p: "N"),
        ("min_num_arguments", NUMBER, lambda p: len(p.argument_types)),
        ("max_num_arguments", NUMBER, lambda p: len(p.argument_types)),
        ("arguments", TEXT, _signature),
        # SHOW PROCEDURES prints the COMMENT as the description ("user-defined procedure" when there is none).
        ("description", TEXT, lambda p: p.comment or "user-defined procedure"),
        ("catalog_name", TEXT, lambda p: p.database),
        ("is_table_function", TEXT, lambda p: "N"),
        ("valid_for_clustering", TEXT, lambda p: "N"),
        ("is_secure", TEXT, lambda p: "N"),
        ("secrets", TEXT, lambda p: _json_or_null(p.secrets)),
        ("external_access_integrations", TEXT, lambda p: _json_or_null(p.external_access_integrations)),
    ],
)

NETWORK_RULES = Show(
    "network_rules",
    [
        ("created_on", TIMESTAMP, lambda r: _ts(r.created_on)),
        ("name", TEXT, lambda r: r.name),
        ("database_name", TEXT, lambda r: r.database),
        ("schema_name", TEXT, lambda r: r.schema),
        ("owner", TEXT, lambda r: r.owner),
        ("comment", TEXT, lambda r: r.comment),
        ("type", TEXT, lambda r: r.type),
        ("mode", TEXT, lambda r: r.mode),
        ("entries_in_valuelist", NUMBER, lambda r: len(r.value_list)),
        ("owner_role_type", TEXT, lambda r: "ROLE"),
    ],
)

SECRETS = Show(
    "secrets",
    [
        ("created_on", TIMESTAMP, lambda s: _ts(s.created_on)),
        ("name", TEXT, lambda s: s.name),
        ("schema_name", TEXT, lambda s: s.schema),
        ("database_name", TEXT, lambda s: s.database),
        ("owner", TEXT, lambda s: s.owner),
        ("comment", TEXT, lambda s: s.comment),
        ("secret_type", TEXT, lambda s: s.secret_type),
        ("oauth_scopes", TEXT, lambda s: None),
        ("owner_role_type", TEXT, lambda s: "ROLE"),
    ],
)

INTEGRATIONS = Show(
    "integrations",
    [
        ("name", TEXT, lambda i: i.name),
        ("type", TEXT, lambda i: "EXTERNAL_ACCESS"),
        ("category", TEXT, lambda i: "SECURITY"),
        ("enabled", TEXT, lambda i: _flag(i.enabled)),
        ("comment", TEXT, lambda i: i.comment),
        ("created_on", TIMESTAMP, lambda i: _ts(i.created_on)),
    ],
)

# SHOW <words> → what it lists.
SHOWS = {
    ("STREAMS",): STREAMS,
    ("TASKS",): TASKS,
    ("PROCEDURES",): PROCEDURES,
    ("USER", "PROCEDURES"): PROCEDURES,
    ("NETWORK", "RULES"): NETWORK_RULES,
    ("SECRETS",): SECRETS,
    ("EXTERNAL", "ACCESS", "INTEGRATIONS"): INTEGRATIONS,
    ("INTEGRATIONS",): INTEGRATIONS,
}
