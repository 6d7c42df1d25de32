"""The stand-in's account model: roles, grants, warehouses, watched objects' owners and change tracking.

What the preflight (`check_orchestration_setup`) and the build's reading of watched objects need and
fakesnow lacks, kept apart from the object catalog (catalog.py) and persisted as `standin-account.json`:

- watched objects' facts: owner role, change tracking, kind (a fakesnow table can be declared a dynamic or
  external table, which fakesnow cannot create); SHOW TABLES / SHOW VIEWS rows are completed from them;
- CREATE STREAM on a table or view: Snowflake enables change tracking when the creating role owns the object
  (directly or through its role hierarchy) and fails otherwise (user-guide/streams-manage); `ON VIEW`,
  `ON DYNAMIC TABLE` and `ON EXTERNAL TABLE … INSERT_ONLY = TRUE` are accepted on objects of that kind;
- ALTER TABLE/VIEW … SET CHANGE_TRACKING = TRUE, by the owner only;
- CURRENT_ROLE() (the role the connection logged in with) and IS_ROLE_IN_SESSION('<role>') (that role or one
  it inherits, as declared by a test);
- SHOW GRANTS TO ROLE / ON SCHEMA / ON DATABASE, SHOW WAREHOUSES, SHOW INTEGRATIONS, DESCRIBE INTEGRATION,
  DESCRIBE NETWORK RULE (from the catalog's integrations and rules);
- RESULT_SCAN(LAST_QUERY_ID()) over the stand-in's previous answer (a SHOW it answered);
- EXECUTE IMMEDIATE of the preflight's time zone block: CONVERT_TIMEZONE modelled with pytz's IANA database,
  minus the names a test declares unknown to this account;
- CALL of the procedure in `ping` mode: the stand-in runs no procedure, so the test sets the result it returns.
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
from .sql_tokens import TokenReader
from .statements import Answer, Rewrite, Session, Statements, does_not_exist, refused, status

TEXT = pa.string()


@dataclass
class ObjectFacts:
    """What Snowflake knows of a watched table or view that fakesnow does not: owner, change tracking, kind."""

    owner: str | None = None  # None: the role of the session that reads it (it created the object)
    change_tracking: bool = False
    kind: str = ""  # "", "dynamic table", "external table" (tables); "", "materialized view" (views)


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


_ROLE_QUERY = re.compile(
    r"""^select current_role\(\) as "role"((?:, is_role_in_session\('(?:[^']|'')*'\) as "[^"]*")*)$""", re.I
)
_IN_SESSION = re.compile(r"""is_role_in_session\('((?:[^']|'')*)'\) as "([^"]*)\"""", re.I)
_RESULT_SCAN = re.compile(r"table\(result_scan\(last_query_id\(\)\)\)", re.I)
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
    ):
        self.account = account
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
        if _RESULT_SCAN.search(sql):
            if self.last_answer_view is None:
                raise refused("RESULT_SCAN: the previous statement left no result (stand-in wording)")
            return Rewrite(_RESULT_SCAN.sub(self.last_answer_view, sql))
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
        columns: list[tuple[str, pa.DataType]] = [("role", TEXT)]
        row: list[object] = [self.session.role]
        for role, alias in _IN_SESSION.findall(self.sql):
            columns.append((alias, pa.bool_()))
            row.append(role.replace("''", "'") in roles)
        return Answer(columns, [tuple(row)])

    # ---- grants, warehouses, integrations ----------------------------------------------------------

    def show_grants(self) -> Answer:
        r = self.reader
        if r.accept("TO", "ROLE"):
            role = r.name()[0]
            found = [grant for grant in self.account.grants if grant.grantee == role]
        elif r.accept("ON"):
            kind = r.next().upper
            name = ".".join(self.resolve([*r.name(), "_"])[:2]) if kind == "SCHEMA" else r.name()[0]
            found = [grant for grant in self.account.grants if grant.granted_on == kind and grant.name == name]
        else:
            raise refused("SHOW GRANTS: only TO ROLE and ON <object> are modelled (stand-in wording)")
        columns = [(name, TEXT) for name in ("privilege", "granted_on", "name", "granted_to", "grantee_name")]
        return Answer(columns, [(g.privilege, g.granted_on, g.name, "ROLE", g.grantee) for g in found])

    def _like(self) -> str | None:
        return self.reader.string() if self.reader.accept("LIKE") else None

    def show_warehouses(self) -> Answer:
        like = self._like()
        rows = [(name, "STARTED", "STANDARD", "X-Small") for name in self.account.warehouses if cat._like(name, like)]
        return Answer([(name, TEXT) for name in ("name", "state", "type", "size")], rows)

    def show_integrations(self) -> Answer:
        like = self._like()
        rows = [
            (item.name, "EXTERNAL_ACCESS", "SECURITY", "true" if item.enabled else "false", item.comment)
            for item in self.catalog.integrations.values()
            if cat._like(item.name, like)
        ]
        return Answer([(name, TEXT) for name in ("name", "type", "category", "enabled", "comment")], rows)

    def describe_integration(self) -> Answer:
        name = self.reader.name()[0]
        integration = next((item for item in self.catalog.integrations.values() if item.name == name), None)
        if integration is None:
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
            raise refused("the test set no ping result (stand-in wording)")
        return Answer([(parts[2], TEXT)], [(json.dumps(self.account.ping_result),)])

    # ---- change tracking --------------------------------------------------------------------------

    def _owned_by_session(self, parts: list[str]) -> bool:
        return self.account.owner(parts, self.session) in self.account.roles_of(self.session.role)

    def create_stream(self) -> Answer | Rewrite | None:
        """Checks the source's kind and change tracking, then lets the catalog create the stream `on table`."""
        r = self.reader
        r.accept("IF", "NOT", "EXISTS")
        r.name()
        r.expect("ON")
        kind = "table"
        for words in (("DYNAMIC", "TABLE"), ("EXTERNAL", "TABLE"), ("TABLE",), ("VIEW",)):
            if r.accept(*words):
                kind = " ".join(words).lower()
                break
        source = self.resolve(r.name())
        facts = self.account.facts(source)
        actual = facts.kind or ("view" if self.view_exists(source) else "table")
        if kind != actual:
            raise refused(f"Object '{cat.qualified(source)}' is a {actual}, not a {kind} (stand-in wording)")
        if kind in ("table", "view") and not facts.change_tracking:
            if not self._owned_by_session(source):
                raise refused(
                    f"Cannot enable change tracking on {cat.qualified(source)}: "
                    "only its owner can (insufficient privileges, stand-in wording)"
                )
            facts.change_tracking = True
            self.account.set_facts(source, facts)
            self.changed = True
        if kind == "table":
            return None
        # The catalog's stream knows only `on table`: the same stream, its source kind checked here.
        rewritten = re.sub(
            r"\bon\s+(dynamic\s+table|external\s+table|view)\b", "on table", self.sql, count=1, flags=re.I
        )
        rewritten = re.sub(r"\binsert_only\s*=\s*true\b", "", rewritten, flags=re.I)
        answer = Statements(self.catalog, self.session, rewritten, []).answer()
        if isinstance(answer, Answer):
            answer.changed_catalog = True
        return answer

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
    """SHOW TABLES / SHOW VIEWS rows with the account's owner, change tracking and kind."""
    rows = table.to_pylist()
    for row in rows:
        parts = [row["database_name"], row["schema_name"], row["name"]]
        facts = account.facts(parts)
        row["owner"] = facts.owner or session.role
        row["change_tracking"] = "ON" if facts.change_tracking else "OFF"
        if views:
            row["is_materialized"] = facts.kind == "materialized view"
        else:
            row["is_external"] = "Y" if facts.kind == "external table" else "N"
            row["is_dynamic"] = "Y" if facts.kind == "dynamic table" else "N"
    return Answer([(item.name, item.type) for item in table.schema], [tuple(row.values()) for row in rows])
