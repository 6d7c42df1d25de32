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
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa

from .sql_tokens import display_part

# A stream stays readable this long past its offset: the table's retention (1 day by default) extended
# by MAX_DATA_EXTENSION_TIME_IN_DAYS (14 days by default) (user-guide/streams-intro, "Data retention period").
STREAM_STALE_AFTER = timedelta(days=14)

TIMESTAMP = pa.timestamp("us", tz="UTC")


def now() -> str:
    return datetime.now(UTC).isoformat()


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
    has_data: bool = False

    def __post_init__(self) -> None:
        if not self.stale_after:
            self.stale_after = (datetime.fromisoformat(self.created_on) + STREAM_STALE_AFTER).isoformat()


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


def _in_schema(database: str, schema: str, scope: list[str] | None) -> bool:
    """SHOW … IN: None is the account, [DATABASE] a database, [DATABASE, SCHEMA] a schema."""
    if scope is None:
        return True
    if len(scope) == 1:
        return database == scope[0]
    return [database, schema] == scope


def _like(name: str, pattern: str | None) -> bool:
    """SHOW … LIKE: case-insensitive, % and _ wildcards."""
    if pattern is None:
        return True
    regex = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern)
    return re.fullmatch(regex, name, re.IGNORECASE | re.DOTALL) is not None


STREAM_COLUMNS = [
    ("created_on", TIMESTAMP),
    ("name", pa.string()),
    ("database_name", pa.string()),
    ("schema_name", pa.string()),
    ("owner", pa.string()),
    ("comment", pa.string()),
    ("table_name", pa.string()),
    ("source_type", pa.string()),
    ("base_tables", pa.string()),
    ("type", pa.string()),
    ("stale", pa.string()),
    ("mode", pa.string()),
    ("stale_after", TIMESTAMP),
    ("invalid_reason", pa.string()),
    ("owner_role_type", pa.string()),
]


def stream_rows(catalog: Catalog, scope: list[str] | None, like: str | None) -> list[tuple]:
    rows = []
    for stream in sorted(catalog.streams.values(), key=lambda item: item.name):
        if not (_in_schema(stream.database, stream.schema, scope) and _like(stream.name, like)):
            continue
        table = qualified(stream.table)
        rows.append(
            (
                _ts(stream.created_on),
                stream.name,
                stream.database,
                stream.schema,
                stream.owner,
                stream.comment,
                table,
                "Table",
                table,
                "DELTA",
                "true" if stream.stale else "false",
                stream.mode,
                _ts(stream.stale_after),
                stream.invalid_reason,
                "ROLE",
            )
        )
    return rows


TASK_COLUMNS = [
    ("created_on", TIMESTAMP),
    ("name", pa.string()),
    ("id", pa.string()),
    ("database_name", pa.string()),
    ("schema_name", pa.string()),
    ("owner", pa.string()),
    ("comment", pa.string()),
    ("warehouse", pa.string()),
    ("schedule", pa.string()),
    ("predecessors", pa.string()),
    ("state", pa.string()),
    ("definition", pa.string()),
    ("condition", pa.string()),
    ("allow_overlapping_execution", pa.string()),
    ("error_integration", pa.string()),
    ("last_committed_on", TIMESTAMP),
    ("last_suspended_on", TIMESTAMP),
    ("owner_role_type", pa.string()),
    ("config", pa.string()),
    ("budget", pa.string()),
    ("task_relations", pa.string()),
    ("last_suspended_reason", pa.string()),
]


def task_rows(catalog: Catalog, scope: list[str] | None, like: str | None) -> list[tuple]:
    rows = []
    for task in sorted(catalog.tasks.values(), key=lambda item: item.name):
        if not (_in_schema(task.database, task.schema, scope) and _like(task.name, like)):
            continue
        rows.append(
            (
                _ts(task.created_on),
                task.name,
                task.id,
                task.database,
                task.schema,
                task.owner,
                task.comment,
                task.warehouse,
                task.schedule,
                "[]",
                task.state,
                task.definition,
                task.condition,
                "false",
                "null",
                _ts(task.last_committed_on),
                _ts(task.last_suspended_on),
                "ROLE",
                None,
                None,
                '{"Predecessors":[]}',
                task.last_suspended_reason,
            )
        )
    return rows


PROCEDURE_COLUMNS = [
    ("created_on", TIMESTAMP),
    ("name", pa.string()),
    ("schema_name", pa.string()),
    ("is_builtin", pa.string()),
    ("is_aggregate", pa.string()),
    ("is_ansi", pa.string()),
    ("min_num_arguments", pa.int64()),
    ("max_num_arguments", pa.int64()),
    ("arguments", pa.string()),
    ("description", pa.string()),
    ("catalog_name", pa.string()),
    ("is_table_function", pa.string()),
    ("valid_for_clustering", pa.string()),
    ("is_secure", pa.string()),
    ("secrets", pa.string()),
    ("external_access_integrations", pa.string()),
]


def procedure_rows(catalog: Catalog, scope: list[str] | None, like: str | None) -> list[tuple]:
    rows = []
    for procedure in sorted(catalog.procedures.values(), key=lambda item: item.name):
        if not (_in_schema(procedure.database, procedure.schema, scope) and _like(procedure.name, like)):
            continue
        signature = f"{procedure.name}({', '.join(procedure.argument_types)}) RETURN {procedure.returns}"
        secrets = json.dumps(procedure.secrets) if procedure.secrets else None
        integrations = (
            json.dumps(procedure.external_access_integrations) if procedure.external_access_integrations else None
        )
        rows.append(
            (
                _ts(procedure.created_on),
                procedure.name,
                procedure.schema,
                "N",
                "N",
                "N",
                len(procedure.argument_types),
                len(procedure.argument_types),
                signature,
                # SHOW PROCEDURES prints the COMMENT as the description ("user-defined procedure" when there is none).
                procedure.comment or "user-defined procedure",
                procedure.database,
                "N",
                "N",
                "N",
                secrets,
                integrations,
            )
        )
    return rows


NETWORK_RULE_COLUMNS = [
    ("created_on", TIMESTAMP),
    ("name", pa.string()),
    ("database_name", pa.string()),
    ("schema_name", pa.string()),
    ("owner", pa.string()),
    ("comment", pa.string()),
    ("type", pa.string()),
    ("mode", pa.string()),
    ("entries_in_valuelist", pa.int64()),
    ("owner_role_type", pa.string()),
]


def network_rule_rows(catalog: Catalog, scope: list[str] | None, like: str | None) -> list[tuple]:
    return [
        (
            _ts(rule.created_on),
            rule.name,
            rule.database,
            rule.schema,
            rule.owner,
            rule.comment,
            rule.type,
            rule.mode,
            len(rule.value_list),
            "ROLE",
        )
        for rule in sorted(catalog.network_rules.values(), key=lambda item: item.name)
        if _in_schema(rule.database, rule.schema, scope) and _like(rule.name, like)
    ]


SECRET_COLUMNS = [
    ("created_on", TIMESTAMP),
    ("name", pa.string()),
    ("schema_name", pa.string()),
    ("database_name", pa.string()),
    ("owner", pa.string()),
    ("comment", pa.string()),
    ("secret_type", pa.string()),
    ("oauth_scopes", pa.string()),
    ("owner_role_type", pa.string()),
]


def secret_rows(catalog: Catalog, scope: list[str] | None, like: str | None) -> list[tuple]:
    return [
        (
            _ts(secret.created_on),
            secret.name,
            secret.schema,
            secret.database,
            secret.owner,
            secret.comment,
            secret.secret_type,
            None,
            "ROLE",
        )
        for secret in sorted(catalog.secrets.values(), key=lambda item: item.name)
        if _in_schema(secret.database, secret.schema, scope) and _like(secret.name, like)
    ]


INTEGRATION_COLUMNS = [
    ("name", pa.string()),
    ("type", pa.string()),
    ("category", pa.string()),
    ("enabled", pa.string()),
    ("comment", pa.string()),
    ("created_on", TIMESTAMP),
]


def integration_rows(catalog: Catalog, _scope: list[str] | None, like: str | None) -> list[tuple]:
    return [
        (
            item.name,
            "EXTERNAL_ACCESS",
            "SECURITY",
            "true" if item.enabled else "false",
            item.comment,
            _ts(item.created_on),
        )
        for item in sorted(catalog.integrations.values(), key=lambda item: item.name)
        if _like(item.name, like)
    ]


# SHOW <what> → (columns, rows function)
SHOWS = {
    ("STREAMS",): (STREAM_COLUMNS, stream_rows),
    ("TASKS",): (TASK_COLUMNS, task_rows),
    ("PROCEDURES",): (PROCEDURE_COLUMNS, procedure_rows),
    ("USER", "PROCEDURES"): (PROCEDURE_COLUMNS, procedure_rows),
    ("NETWORK", "RULES"): (NETWORK_RULE_COLUMNS, network_rule_rows),
    ("SECRETS",): (SECRET_COLUMNS, secret_rows),
    ("EXTERNAL", "ACCESS", "INTEGRATIONS"): (INTEGRATION_COLUMNS, integration_rows),
    ("INTEGRATIONS",): (INTEGRATION_COLUMNS, integration_rows),
}
