"""The stand-in's account model: roles, grants, warehouses, watched objects' owners and change tracking.

What the preflight (`check_orchestration_setup`) and the build's reading of watched objects need and
fakesnow lacks, kept apart from the object catalog (catalog.py) and persisted as `standin-account.json`:

- watched objects' facts: owner role, change tracking, kind (a fakesnow table can be declared a dynamic,
  external, event, hybrid or Iceberg table, a view a materialized one, which fakesnow cannot create), a
  dynamic table's refresh mode, an Iceberg table's catalog, a view's text and base tables; SHOW TABLES /
  SHOW VIEWS rows are completed from them, and CREATE STREAM follows each kind's rules (object_kinds.py);
- CREATE STREAM on a table or view: Snowflake enables change tracking when the creating role owns the object
  (directly or through its role hierarchy) and fails otherwise (user-guide/streams-manage); for a view, on
  its base tables too;
- ALTER TABLE/VIEW … SET CHANGE_TRACKING = TRUE, by the owner only;
- CURRENT_ROLE(), CURRENT_USER() (the role and user the connection logged in with) and
  IS_ROLE_IN_SESSION('<role>') (that role or one it inherits, as declared by a test), under any alias;
- SHOW GRANTS TO ROLE / ON SCHEMA / ON DATABASE, SHOW WAREHOUSES, SHOW INTEGRATIONS (external access and the
  notification integrations a test declares), DESCRIBE INTEGRATION, DESCRIBE NETWORK RULE, with the
  privilege model of privileges.py when a test turns it on;
- RESULT_SCAN(LAST_QUERY_ID()) over the stand-in's previous answer (result_scan.py);
- EXECUTE IMMEDIATE of the preflight's time zone block: CONVERT_TIMEZONE modelled with pytz's IANA database,
  minus the names a test declares unknown to this account;
- CALL of the procedure in `ping` mode, when a test set the result it returns (`set_ping_result`): the
  preflight's tests choose the account's answer this way; without one the procedure runs (procedures.py).
Messages whose Snowflake wording is not documented end with "(stand-in wording)".
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytz

from . import catalog as cat
from . import object_kinds, paging, result_scan
from .privileges import NotificationIntegration, Privileges, grants_held
from .session_parameters import SessionParameters
from .sql_tokens import TokenReader
from .statements import Answer, Rewrite, Session, Statements, does_not_exist, refused, status

TEXT = pa.string()


@dataclass
class ObjectFacts:
    """What Snowflake knows of a watched table or view that fakesnow does not: owner, change tracking, kind."""

    owner: str | None = None  # None: the role of the session that reads it (it created the object)
    change_tracking: bool = False
    # "", "dynamic table", "external table", "event table", "hybrid table", "iceberg table" (tables);
    # "", "materialized view" (views)
    kind: str = ""
    refresh_mode: str = "INCREMENTAL"  # dynamic tables: SHOW DYNAMIC TABLES' refresh_mode
    catalog: str = "SNOWFLAKE"  # Iceberg tables: SHOW ICEBERG TABLES' catalog_name
    view_text: str = ""  # views: the CREATE VIEW statement as written (SHOW VIEWS' text)
    base_tables: list[list[str]] = field(default_factory=list)  # views: what the CREATE VIEW reads
    secure: bool = False


@dataclass
class Grant:
    privilege: str
    granted_on: str  # ACCOUNT, DATABASE, SCHEMA, WAREHOUSE, INTEGRATION, SECRET
    name: str
    grantee: str


@dataclass
class Account:
    objects: dict[str, ObjectFacts] = field(default_factory=dict)
    grants: list[Grant] = field(default_factory=list)
    warehouses: list[str] = field(default_factory=list)
    inherited_roles: dict[str, list[str]] = field(default_factory=dict)
    ping_result: dict[str, Any] | None = None
    # IANA names this account's Snowflake does not know yet (its tz database may lag the IANA release).
    unknown_timezones: list[str] = field(default_factory=list)
    # Off: every role holds every privilege (privileges.py).
    privileges_modelled: bool = False
    notification_integrations: dict[str, NotificationIntegration] = field(default_factory=dict)
    # Session parameters every new session starts with (the user's or account's), e.g. QUOTED_IDENTIFIERS_IGNORE_CASE.
    parameters: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def key(parts: list[str]) -> str:
        return cat.qualified(parts)

    def facts(self, parts: list[str]) -> ObjectFacts:
        """The object's facts (defaults when the test declared none: not written until changed)."""
        return self.objects.get(self.key(parts), ObjectFacts())

    def set_facts(self, parts: list[str], facts: ObjectFacts) -> None:
        self.objects[self.key(parts)] = facts

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1, sort_keys=True))

    @classmethod
    def load(cls, path: Path) -> Account:
        if not path.exists():
            return cls()
        raw = json.loads(path.read_text())
        return cls(
            objects={key: ObjectFacts(**value) for key, value in raw["objects"].items()},
            grants=[Grant(**grant) for grant in raw["grants"]],
            warehouses=raw["warehouses"],
            inherited_roles=raw["inherited_roles"],
            ping_result=raw["ping_result"],
            unknown_timezones=raw.get("unknown_timezones", []),
            privileges_modelled=raw.get("privileges_modelled", False),
            notification_integrations={
                name: NotificationIntegration(**value)
                for name, value in raw.get("notification_integrations", {}).items()
            },
            parameters=raw.get("parameters", {}),
        )

    def roles_of(self, role: str) -> set[str]:
        """The role and every role it inherits."""
        found, todo = {role}, [role]
        while todo:
            for inherited in self.inherited_roles.get(todo.pop(), []):
                if inherited not in found:
                    found.add(inherited)
                    todo.append(inherited)
        return found

    def owner(self, parts: list[str], session: Session) -> str:
        return self.facts(parts).owner or session.role


# SELECT of CURRENT_ROLE(), CURRENT_USER() and IS_ROLE_IN_SESSION('<role>'), each under an alias.
_ROLE_ITEM = r"""(?:current_role\(\)|current_user\(\)|is_role_in_session\('(?:[^']|'')*'\))\s+as\s+(?:"[^"]*"|\w+)"""
_ROLE_QUERY = re.compile(rf"^select\s+{_ROLE_ITEM}(?:\s*,\s*{_ROLE_ITEM})*\s*$", re.I)
_ROLE_COLUMN = re.compile(
    r"""(current_role\(\)|current_user\(\)|is_role_in_session\('((?:[^']|'')*)'\))\s+as\s+("[^"]*"|\w+)""", re.I
)
_TZ_BLOCK = re.compile(
    r"^begin\n  return convert_timezone\('((?:[^']|'')*)', current_timestamp\(\)\)::varchar;\n", re.I
)


class AccountStatements:
    """Answers what the account model covers; None lets the catalog's Statements and fakesnow answer."""

    def __init__(
        self,
        account: Account,
        catalog: cat.Catalog,
        session: Session,
        sql: str,
        last_answer_view: str | None,
        view_exists: Callable[[list[str]], bool],
        last_answer_columns: list[str] | None = None,
        parameters: SessionParameters | None = None,
        user: str = "",
    ):
        self.account = account
        self.last_answer_columns = last_answer_columns or []
        self.parameters = parameters or SessionParameters()
        self.user = user
        self.privileges = Privileges(account, catalog, session.role)
        self.view_exists = view_exists
        self.catalog = catalog
        self.session = session
        self.sql = sql
        self.reader = TokenReader(sql, [])
        self.last_answer_view = last_answer_view
        self.changed = False

    def resolve(self, parts: list[str]) -> list[str]:
        return Statements(self.catalog, self.session, "select 1", []).resolve(parts)

    def answer(self) -> Answer | Rewrite | None:
        sql, r = self.sql, self.reader
        if _ROLE_QUERY.match(sql):
            return self.role_query()
        if result_scan.reads_result_scan(sql):
            return result_scan.rewrite(sql, self.last_answer_view, self.last_answer_columns, self.parameters)
        kinds = object_kinds.answer(
            sql, self.account, self.session, lambda text: self.resolve([*TokenReader(text).name(), "_"])[:2]
        )
        if kinds is not None:
            return kinds
        if r.accept("SHOW", "GRANTS"):
            return self.show_grants()
        if r.accept("SHOW", "WAREHOUSES"):
            return self.show_warehouses()
        if r.accept("SHOW", "INTEGRATIONS"):
            return self.show_integrations()
        if r.accept("DESCRIBE", "INTEGRATION") or r.accept("DESC", "INTEGRATION"):
            return self.describe_integration()
        if r.accept("DESCRIBE", "NETWORK", "RULE") or r.accept("DESC", "NETWORK", "RULE"):
            return self.describe_network_rule()
        if r.accept("EXECUTE", "IMMEDIATE"):
            return self.execute_immediate()
        if r.accept("CALL"):
            return self.call()
        if object_kinds.is_create_view(sql):
            self.record_view()
            return None
        if r.accept("CREATE"):
            r.accept("OR", "REPLACE")
            if r.accept("STREAM"):
                return self.create_stream()
            return None
        if r.accept("ALTER", "TABLE") or r.accept("ALTER", "VIEW"):
            return self.alter_change_tracking()
        return None

    # ---- roles -------------------------------------------------------------------------------------

    def role_query(self) -> Answer:
        roles = self.account.roles_of(self.session.role)
        columns: list[tuple[str, pa.DataType]] = []
        row: list[object] = []
        for function, role, alias in _ROLE_COLUMN.findall(self.sql):
            name = alias[1:-1].replace('""', '"') if alias.startswith('"') else alias.upper()
            if function.lower().startswith("current_role"):
                columns.append((name, TEXT))
                row.append(self.session.role)
            elif function.lower().startswith("current_user"):
                columns.append((name, TEXT))
                row.append(self.user)
            else:
                columns.append((name, pa.bool_()))
                row.append(role.replace("''", "'") in roles)
        return Answer(columns, [tuple(row)])

    # ---- grants, warehouses, integrations ----------------------------------------------------------

    def show_grants(self) -> Answer:
        r = self.reader
        columns = [(name, TEXT) for name in ("privilege", "granted_on", "name", "granted_to", "grantee_name")]
        if r.accept("TO", "ROLE"):
            role = r.name()[0]
            held = grants_held(self.account, self.catalog, role)
            return Answer(columns, [(g.privilege, g.granted_on, g.name, "ROLE", role) for g in held])
        if r.accept("TO", "DATABASE", "ROLE"):
            raise refused("database roles are not modelled by the stand-in (stand-in wording)")
        if r.accept("ON"):
            kind = r.next().upper
            name = ".".join(self.resolve([*r.name(), "_"])[:2]) if kind == "SCHEMA" else r.name()[0]
            found = [grant for grant in self.account.grants if grant.granted_on == kind and grant.name == name]
            return Answer(columns, [(g.privilege, g.granted_on, g.name, "ROLE", g.grantee) for g in found])
        raise refused("SHOW GRANTS: only TO ROLE and ON <object> are modelled (stand-in wording)")

    def _like(self) -> str | None:
        return self.reader.string() if self.reader.accept("LIKE") else None

    def show_warehouses(self) -> Answer:
        like = self._like()
        rows = [
            (name, "STARTED", "STANDARD", "X-Small")
            for name in self.account.warehouses
            if cat._like(name, like) and self.privileges.has_any("WAREHOUSE", name)
        ]
        return Answer([(name, TEXT) for name in ("name", "state", "type", "size")], rows)

    def show_integrations(self) -> Answer:
        """External access integrations (the catalog's) and notification integrations (declared by tests), those
        the role may see."""
        like = self._like()
        found = [
            (item.name, "EXTERNAL_ACCESS", "SECURITY", "true" if item.enabled else "false", item.comment)
            for item in self.catalog.integrations.values()
        ] + [
            (item.name, item.type, item.category, "true" if item.enabled else "false", "")
            for item in self.account.notification_integrations.values()
        ]
        rows = [
            row for row in sorted(found) if cat._like(row[0], like) and self.privileges.has_any("INTEGRATION", row[0])
        ]
        return Answer([(name, TEXT) for name in ("name", "type", "category", "enabled", "comment")], rows)

    def describe_integration(self) -> Answer:
        name = self.reader.name()[0]
        integration = next((item for item in self.catalog.integrations.values() if item.name == name), None)
        if integration is None or not self.privileges.holds("USAGE", "INTEGRATION", name):
            raise does_not_exist("Integration", [name])
        rules = ", ".join(integration.allowed_network_rules)
        secrets = ", ".join(integration.allowed_authentication_secrets)
        rows = [
            ("ENABLED", "Boolean", "true" if integration.enabled else "false", "false"),
            ("ALLOWED_NETWORK_RULES", "List", f"[{rules}]", "[]"),
            ("ALLOWED_AUTHENTICATION_SECRETS", "List", f"[{secrets}]", "[]"),
        ]
        columns = [(name, TEXT) for name in ("property", "property_type", "property_value", "property_default")]
        return Answer(columns, rows)

    def describe_network_rule(self) -> Answer:
        parts = self.resolve(self.reader.name())
        rule = self.catalog.network_rules.get(cat.Catalog.key(parts))
        if rule is None:
            raise does_not_exist("Network rule", parts)
        self.privileges.describe_network_rule(rule)
        columns = [(name, TEXT) for name in ("name", "database_name", "schema_name", "type", "mode", "value_list")]
        values = ",".join(rule.value_list)
        return Answer(columns, [(rule.name, rule.database, rule.schema, rule.type, rule.mode, values)])

    # ---- the preflight's block and ping -----------------------------------------------------------

    def execute_immediate(self) -> Answer:
        block = self.reader.string()
        match = _TZ_BLOCK.match(block)
        if match is None:
            raise refused("the Snowflake stand-in runs only the preflight's time zone block (stand-in wording)")
        zone = match.group(1).replace("''", "'")
        try:
            if zone in self.account.unknown_timezones:
                raise pytz.UnknownTimeZoneError(zone)
            local = datetime.now(UTC).astimezone(pytz.timezone(zone))
            value = local.strftime("%Y-%m-%d %H:%M:%S.000 %z")
        except pytz.UnknownTimeZoneError:
            value = f"ERROR: Unknown timezone: '{zone}' (stand-in wording)"
        return Answer([("anonymous block", TEXT)], [(value,)])

    def call(self) -> Answer | None:
        if "object_construct('mode', 'ping')" not in self.sql:
            return None
        parts = self.resolve(self.reader.name())
        procedures = self.catalog.procedures.values()
        if not any([p.database, p.schema, p.name] == parts for p in procedures):
            raise does_not_exist("Procedure", parts)
        if self.account.ping_result is None:
            return None  # no result set: the handler runs (procedures.py)
        return Answer([(parts[2], TEXT)], [(json.dumps(self.account.ping_result),)])

    # ---- change tracking --------------------------------------------------------------------------

    def _owned_by_session(self, parts: list[str]) -> bool:
        return self.account.owner(parts, self.session) in self.account.roles_of(self.session.role)

    def _enable_tracking(self, parts: list[str], facts: ObjectFacts) -> None:
        """Change tracking on an object a new stream needs it on: enabled by its owner, refused for any other role."""
        if facts.change_tracking:
            return
        if not self._owned_by_session(parts):
            raise refused(
                f"Cannot enable change tracking on {cat.qualified(parts)}: "
                "only its owner can (insufficient privileges, stand-in wording)"
            )
        facts.change_tracking = True
        self.account.set_facts(parts, facts)
        self.changed = True

    def create_stream(self) -> Answer | Rewrite | None:
        """Checks the source's kind and change tracking (object_kinds.py), then lets the catalog create the stream
        `on table`."""
        r = self.reader
        r.accept("IF", "NOT", "EXISTS")
        stream = self.resolve(r.name())
        self.privileges.create_in_schema("STREAM", stream)
        r.expect("ON")
        on_kind = "table"
        for words in (("DYNAMIC", "TABLE"), ("EXTERNAL", "TABLE"), ("EVENT", "TABLE"), ("TABLE",), ("VIEW",)):
            if r.accept(*words):
                on_kind = " ".join(words).lower()
                break
        source = self.resolve(r.name())
        facts = self.account.facts(source)
        actual = facts.kind or ("view" if self.view_exists(source) else "table")
        insert_only = re.search(r"\binsert_only\s*=\s*true\b", self.sql, re.I) is not None
        object_kinds.check_stream_source(
            on_kind, insert_only, source, facts, actual, self.account.facts, self._enable_tracking
        )
        if on_kind == "table" and not insert_only:
            return None
        # The catalog's stream knows only `on table`: the same stream, its source kind checked here.
        rewritten = re.sub(
            r"\bon\s+(dynamic\s+table|external\s+table|event\s+table|view)\b", "on table", self.sql, count=1, flags=re.I
        )
        rewritten = re.sub(r"\binsert_only\s*=\s*true\b", "", rewritten, flags=re.I)
        answer = Statements(self.catalog, self.session, rewritten, []).answer()
        if isinstance(answer, Answer):
            answer.changed_catalog = True
            created = self.catalog.streams.get(cat.Catalog.key(stream))
            if insert_only and created is not None:
                created.mode = "INSERT_ONLY"  # SHOW STREAMS' mode; it returns inserts only (change_tracking.py)
        return answer

    def record_view(self) -> None:
        """A CREATE VIEW fakesnow runs: the stand-in keeps its text and what it reads (SHOW VIEWS,
        GET_OBJECT_REFERENCES)."""
        view, bases = object_kinds.view_definition(self.sql, self.resolve)
        facts = self.account.facts(view)
        facts.view_text = self.sql
        facts.base_tables = bases
        facts.secure = re.match(r"^create\s+(or\s+replace\s+)?secure\b", self.sql, re.I) is not None
        self.account.set_facts(view, facts)
        self.changed = True

    def alter_change_tracking(self) -> Answer | None:
        parts = self.resolve(self.reader.name())
        if not re.search(r"\bset\s+change_tracking\s*=\s*true\s*$", self.sql, re.I):
            return None
        if not self._owned_by_session(parts):
            raise refused(f"Insufficient privileges to operate on '{cat.qualified(parts)}' (stand-in wording)")
        facts = self.account.facts(parts)
        facts.change_tracking = True
        self.account.set_facts(parts, facts)
        self.changed = True
        return status("Statement executed successfully.")


def complete_object_rows(account: Account, session: Session, table: pa.Table, views: bool) -> Answer:
    """SHOW TABLES / SHOW VIEWS rows with the account's owner, change tracking and kind (object_kinds.py)."""
    rows = table.to_pylist()
    for row in rows:
        parts = [row["database_name"], row["schema_name"], row["name"]]
        facts = account.facts(parts)
        row["owner"] = facts.owner or session.role
        row["change_tracking"] = "ON" if facts.change_tracking else "OFF"
        if views:
            row["is_materialized"] = facts.kind == "materialized view"
            row["is_secure"] = facts.secure
            if facts.view_text:
                row["text"] = facts.view_text
        else:
            row.update(
                {key: value for key, value in object_kinds.table_flags(facts.kind, facts.catalog).items() if key in row}
            )
    return Answer([(item.name, item.type) for item in table.schema], [tuple(row.values()) for row in rows])


def page_object_rows(answer: Answer, limit: int | None, start: str | None) -> Answer:
    """SHOW TABLES / VIEWS … LIMIT … FROM, paged by the stand-in (paging.py)."""
    names = [name for name, _ in answer.columns]
    position = names.index("name")
    rows = paging.page(sorted(answer.rows, key=lambda row: str(row[position])), lambda row: row[position], limit, start)
    return Answer(answer.columns, rows, answer.changed_catalog)
