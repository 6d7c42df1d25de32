"""The statements the stand-in answers itself, on its catalog; everything else goes to fakesnow.

Grammar and messages follow Snowflake's SQL reference (CREATE/ALTER/DROP/SHOW for streams, tasks,
procedures, network rules, secrets and external access integrations). Messages whose exact Snowflake
wording is not documented end with "(stand-in wording)".
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from snowflake.connector.errors import ProgrammingError

from . import catalog as cat
from .sql_tokens import SqlSyntaxError, TokenReader, identifier_value


@dataclass
class Session:
    """What a statement sees of its connection: the current database and schema, the role, the tables."""

    database: str | None
    schema: str | None
    role: str
    schema_exists: Callable[[str, str], bool]
    table_exists: Callable[[list[str]], bool]
    # The role's privileges (privileges.Privileges): the checks CREATE PROCEDURE / TASK and ALTER TASK need.
    privileges: Any = None


@dataclass
class Answer:
    """A result set: columns (name, arrow type) and rows."""

    columns: list[tuple[str, pa.DataType]]
    rows: list[tuple]
    changed_catalog: bool = False


@dataclass
class Rewrite:
    """A statement fakesnow runs once the stand-in has replaced what fakesnow lacks."""

    sql: str


def status(message: str, changed: bool = True) -> Answer:
    return Answer([("status", pa.string())], [(message,)], changed)


def does_not_exist(kind: str, parts: list[str]) -> ProgrammingError:
    return ProgrammingError(
        msg=f"SQL compilation error:\n{kind} '{cat.qualified(parts)}' does not exist or not authorized.",
        errno=2003,
        sqlstate="02000",
    )


def already_exists(parts: list[str]) -> ProgrammingError:
    return ProgrammingError(
        msg=f"SQL compilation error:\nObject '{cat.qualified(parts)}' already exists.", errno=2002, sqlstate="42710"
    )


def missing(kind: str, parts: list[str], if_exists: bool) -> Answer:
    """ALTER/DROP … IF EXISTS on a missing object succeeds and does nothing; without IF EXISTS it is an error."""
    if if_exists:
        return status("Statement executed successfully.", changed=False)
    raise does_not_exist(kind, parts)


def refused(message: str) -> ProgrammingError:
    return ProgrammingError(msg=f"SQL compilation error:\n{message}", errno=1003, sqlstate="42000")


class Statements:
    def __init__(
        self,
        catalog: cat.Catalog,
        session: Session,
        sql: str,
        bindings: list[object] | None,
        secret_values: dict[str, str] | None = None,
    ):
        self.catalog = catalog
        self.session = session
        self.reader = TokenReader(sql, bindings)
        # Where a secret's value goes (in memory, for the procedure's _snowflake shim), if anywhere.
        self.secret_values = secret_values

    # ---- names -------------------------------------------------------------------------------------

    def resolve(self, parts: list[str]) -> list[str]:
        """DATABASE.SCHEMA.NAME, filling in the session's current database and schema."""
        if len(parts) == 3:
            return parts
        if len(parts) == 2:
            if self.session.database is None:
                raise refused(
                    "This session does not have a current database. Call 'USE DATABASE', or use a qualified name."
                )
            return [self.session.database, *parts]
        if self.session.database is None or self.session.schema is None:
            raise refused("This session does not have a current schema. Call 'USE SCHEMA', or use a qualified name.")
        return [self.session.database, self.session.schema, parts[0]]

    def object_name(self) -> list[str]:
        return self.resolve(self.reader.name())

    def require_schema(self, parts: list[str]) -> None:
        if not self.session.schema_exists(parts[0], parts[1]):
            raise does_not_exist("Schema", parts[:2])

    # ---- entry point -------------------------------------------------------------------------------

    def answer(self) -> Answer | Rewrite | None:
        """The stand-in's answer, a rewrite for fakesnow, or None when fakesnow answers alone."""
        r = self.reader
        if r.accept("CREATE"):
            replace = r.accept("OR", "REPLACE")
            alter = not replace and r.accept("OR", "ALTER")
            r.accept("SECURE")
            for words, handler in self._creators():
                if r.accept(*words):
                    if_not_exists = r.accept("IF", "NOT", "EXISTS")
                    return handler(replace=replace, alter=alter, if_not_exists=if_not_exists)
            return None
        if r.accept("ALTER"):
            for words, handler in self._alterers():
                if r.accept(*words):
                    return handler(if_exists=r.accept("IF", "EXISTS"))
            return None
        if r.accept("DROP"):
            for words, kind in self._droppable():
                if r.accept(*words):
                    return self.drop(kind, if_exists=r.accept("IF", "EXISTS"))
            return None
        if r.accept("SHOW"):
            return self.show()
        if re.search(r"system\$stream_has_data", r.sql, re.IGNORECASE):
            return self.stream_has_data()
        return None

    def _creators(self) -> list[tuple[tuple[str, ...], Callable[..., Answer]]]:
        return [
            (("STREAM",), self.create_stream),
            (("TASK",), self.create_task),
            (("PROCEDURE",), self.create_procedure),
            (("NETWORK", "RULE"), self.create_network_rule),
            (("SECRET",), self.create_secret),
            (("EXTERNAL", "ACCESS", "INTEGRATION"), self.create_integration),
        ]

    def _alterers(self) -> list[tuple[tuple[str, ...], Callable[..., Answer]]]:
        return [
            (("TASK",), self.alter_task),
            (("NETWORK", "RULE"), self.alter_network_rule),
            (("SECRET",), self.alter_secret),
            (("EXTERNAL", "ACCESS", "INTEGRATION"), self.alter_integration),
        ]

    @staticmethod
    def _droppable() -> list[tuple[tuple[str, ...], str]]:
        return [
            (("STREAM",), "streams"),
            (("TASK",), "tasks"),
            (("PROCEDURE",), "procedures"),
            (("NETWORK", "RULE"), "network_rules"),
            (("SECRET",), "secrets"),
            (("EXTERNAL", "ACCESS", "INTEGRATION"), "integrations"),
            (("INTEGRATION",), "integrations"),
        ]

    # ---- properties --------------------------------------------------------------------------------

    def _list(self) -> list[str]:
        """`( item, … )`: literals or names; `'alias' = name` pairs read as "alias=NAME"."""
        r = self.reader
        r.expect("(")
        items: list[str] = []
        while not r.accept(")"):
            item = r.value()
            if r.accept("="):
                item = f"{item}={'.'.join(self.resolve(r.name()))}"
            items.append(item)
            r.accept(",")
        return items

    def properties(self, stop: tuple[str, ...] = ("AS",)) -> dict[str, object]:
        """`KEY = value` pairs (and a few keyword forms) up to a stop word or the end."""
        r = self.reader
        found: dict[str, object] = {}
        while not r.at_end():
            token = r.peek()
            assert token is not None
            if token.is_word(*stop):
                break
            key = r.next().upper
            if key == "RETURNS":
                found[key] = self._type()
                if r.accept("NOT", "NULL"):
                    found["RETURNS NOT NULL"] = "true"
            elif key == "LANGUAGE":
                found[key] = r.next().upper
            elif key == "EXECUTE":
                r.expect("AS")
                found["EXECUTE AS"] = r.next().upper
            elif key in ("STRICT", "VOLATILE", "IMMUTABLE"):
                found[key] = "true"
            else:
                r.expect("=")
                nxt = r.peek()
                found[key] = self._list() if nxt is not None and nxt.text == "(" else r.value()
        return found

    def _type(self) -> str:
        """A data type, as SHOW prints it in a signature (its precision dropped: NUMBER(38,0) → NUMBER)."""
        r = self.reader
        name = r.next().upper
        if r.accept("("):
            depth = 1
            while depth:
                text = r.next().text
                depth += {"(": 1, ")": -1}.get(text, 0)
        return name

    @staticmethod
    def _text(props: dict[str, object], key: str, default: str = "") -> str:
        value = props.get(key, default)
        if isinstance(value, list):
            raise refused(f"{key} takes one value (stand-in wording)")
        return str(value)

    @staticmethod
    def _values(props: dict[str, object], key: str) -> list[str]:
        value = props.get(key, [])
        return value if isinstance(value, list) else [str(value)]

    def _existing(self, kind: str, parts: list[str], replace: bool, if_not_exists: bool) -> Answer | None:
        """Answers CREATE for an object that exists (IF NOT EXISTS: nothing to do; plain CREATE: an error)."""
        store = getattr(self.catalog, kind)
        key = cat.Catalog.key(parts)
        if key not in store or replace:
            return None
        if if_not_exists:
            return status(
                f"{parts[2] if len(parts) == 3 else parts[0]} already exists, statement succeeded.", changed=False
            )
        raise already_exists(parts)

    # ---- streams -----------------------------------------------------------------------------------

    def create_stream(self, replace: bool, alter: bool, if_not_exists: bool) -> Answer:
        r = self.reader
        parts = self.object_name()
        self.require_schema(parts)
        r.expect("ON", "TABLE")
        table = self.resolve(r.name())
        props = self.properties(stop=())
        if not self.session.table_exists(table):
            raise does_not_exist("Table", table)
        existing = self._existing("streams", parts, replace, if_not_exists)
        if existing is not None:
            return existing
        mode = "APPEND_ONLY" if self._text(props, "APPEND_ONLY", "FALSE").upper() == "TRUE" else "DEFAULT"
        self.catalog.streams[cat.Catalog.key(parts)] = cat.Stream(
            database=parts[0],
            schema=parts[1],
            name=parts[2],
            table=table,
            comment=self._text(props, "COMMENT"),
            owner=self.session.role,
            mode=mode,
        )
        return status(f"Stream {parts[2]} successfully created.")

    def stream_has_data(self) -> Rewrite:
        """SYSTEM$STREAM_HAS_DATA('<stream>') becomes the stand-in's answer for that stream, TRUE or FALSE."""

        def value(match: re.Match[str]) -> str:
            name = match.group(1).replace("''", "'")
            parts = self.resolve(TokenReader(name).name())
            stream = self.catalog.streams.get(cat.Catalog.key(parts))
            if stream is None:
                raise does_not_exist("Stream", parts)
            return "TRUE" if stream.has_data and not stream.is_stale else "FALSE"

        sql = re.sub(r"system\$stream_has_data\(\s*'((?:[^']|'')*)'\s*\)", value, self.reader.sql, flags=re.IGNORECASE)
        return Rewrite(sql)

    # ---- tasks -------------------------------------------------------------------------------------

    def create_task(self, replace: bool, alter: bool, if_not_exists: bool) -> Answer:
        r = self.reader
        parts = self.object_name()
        self.require_schema(parts)
        props = self.properties(stop=("WHEN", "AS", "AFTER"))
        if r.accept("AFTER"):
            raise refused("task graphs (AFTER) are not modelled by the stand-in (stand-in wording)")
        condition = r.text_until_word("AS") if r.accept("WHEN") else None
        if condition is None:
            r.expect("AS")
        definition = r.rest_text()
        if not definition:
            raise refused("a task needs a body after AS (stand-in wording)")
        key = cat.Catalog.key(parts)
        existing = self.catalog.tasks.get(key)
        if self.session.privileges is not None:
            if existing is None:
                self.session.privileges.create_in_schema("TASK", parts)
            self.session.privileges.create_task(
                self._text(props, "WAREHOUSE") or None, self._text(props, "ERROR_INTEGRATION") or None
            )
        fields = {
            "warehouse": self._text(props, "WAREHOUSE") or None,
            "schedule": self._text(props, "SCHEDULE") or None,
            "comment": self._text(props, "COMMENT"),
            "condition": condition,
            "definition": definition,
            "parameters": {k: self._text(props, k) for k in props if k not in ("WAREHOUSE", "SCHEDULE", "COMMENT")},
        }
        if alter and existing is not None:
            # CREATE OR ALTER has ALTER TASK's limits: a started task must be suspended first
            # (sql-reference/sql/create-task).
            if existing.state == "started":
                raise refused(f"Unable to update task '{parts[2]}': it is started; suspend it first (stand-in wording)")
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.last_committed_on = cat.now()
            return status("Statement executed successfully.")
        answered = self._existing("tasks", parts, replace, if_not_exists)
        if answered is not None:
            return answered
        self.catalog.tasks[key] = cat.Task(
            database=parts[0], schema=parts[1], name=parts[2], owner=self.session.role, **fields
        )
        return status(f"Task {parts[2]} successfully created.")

    def alter_task(self, if_exists: bool) -> Answer:
        r = self.reader
        parts = self.object_name()
        task = self.catalog.tasks.get(cat.Catalog.key(parts))
        if task is None:
            return missing("Task", parts, if_exists)
        if r.accept("SUSPEND"):
            if task.state != "suspended":
                task.state = "suspended"
                task.last_suspended_on = cat.now()
                task.last_suspended_reason = "USER_SUSPENDED"
        elif r.accept("RESUME"):
            if self.session.privileges is not None:
                self.session.privileges.resume_task()
            task.state = "started"
        else:
            raise refused(f"ALTER TASK {r.rest_text()[:40]} is not modelled by the stand-in (stand-in wording)")
        return status("Statement executed successfully.")

    # ---- procedures --------------------------------------------------------------------------------

    def create_procedure(self, replace: bool, alter: bool, if_not_exists: bool) -> Answer:
        r = self.reader
        parts = self.object_name()
        self.require_schema(parts)
        r.expect("(")
        argument_types: list[str] = []
        while not r.accept(")"):
            identifier_value(r.next())
            argument_types.append(self._type())
            if r.accept("DEFAULT"):
                raise refused("argument defaults are not modelled by the stand-in (stand-in wording)")
            r.accept(",")
        props = self.properties()
        r.expect("AS")
        definition = r.string()
        language = self._text(props, "LANGUAGE", "SQL")
        if language == "PYTHON":
            self._check_python(definition, self._text(props, "HANDLER"))
        integrations = self._values(props, "EXTERNAL_ACCESS_INTEGRATIONS")
        for integration in integrations:
            if integration not in self.catalog.integrations:
                raise does_not_exist("Integration", [integration])
        secrets: dict[str, str] = {}
        for pair in self._values(props, "SECRETS"):
            alias, _, secret = pair.partition("=")
            if cat.Catalog.key(secret.split(".")) not in self.catalog.secrets:
                raise does_not_exist("Secret", secret.split("."))
            secrets[alias] = secret
        # A secret must be one the named integrations allow (ALLOWED_AUTHENTICATION_SECRETS:
        # docs.snowflake.com/en/developer-guide/external-network-access/creating-using-external-network-access).
        allowed = {
            name
            for integration in integrations
            for name in self.catalog.integrations[integration].allowed_authentication_secrets
        }
        for secret in secrets.values():
            if cat.Catalog.key(secret.split(".")) not in allowed:
                raise refused(
                    f"Secret '{secret}' is not allowed by the external access integrations "
                    f"{', '.join(integrations)} (stand-in wording)"
                )
        if self.session.privileges is not None:
            self.session.privileges.create_in_schema("PROCEDURE", parts)
            self.session.privileges.create_procedure(
                integrations, [cat.Catalog.key(secret.split(".")) for secret in secrets.values()]
            )
        key = f"{cat.Catalog.key(parts)}({', '.join(argument_types)})"
        if key in self.catalog.procedures and not replace:
            if if_not_exists:
                return status(f"{parts[2]} already exists, statement succeeded.", changed=False)
            raise already_exists(parts)
        self.catalog.procedures[key] = cat.Procedure(
            database=parts[0],
            schema=parts[1],
            name=parts[2],
            argument_types=argument_types,
            returns=self._text(props, "RETURNS"),
            language=language,
            comment=self._text(props, "COMMENT"),
            definition=definition,
            properties={
                k: self._text(props, k)
                for k in props
                if k not in ("COMMENT", "SECRETS", "EXTERNAL_ACCESS_INTEGRATIONS", "PACKAGES")
            },
            secrets=secrets,
            external_access_integrations=integrations,
            owner=self.session.role,
            packages=self._values(props, "PACKAGES"),
        )
        return status(f"Function {parts[2]} successfully created.")

    @staticmethod
    def _check_python(source: str, handler: str) -> None:
        """Snowflake compiles a Python procedure's code and finds its handler at CREATE time."""
        try:
            tree = ast.parse(source)
        except SyntaxError as error:
            raise refused(
                f"Python procedure does not compile: {error.msg} at line {error.lineno} (stand-in wording)"
            ) from None
        names = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
        if handler not in names:
            raise refused(f"Python procedure has no handler function '{handler}' (stand-in wording)")

    # ---- network rules, secrets, integrations ------------------------------------------------------

    def create_network_rule(self, replace: bool, alter: bool, if_not_exists: bool) -> Answer:
        """CREATE [OR REPLACE | OR ALTER] NETWORK RULE: its reference documents no IF NOT EXISTS, and OR ALTER
        may change VALUE_LIST and COMMENT only (docs.snowflake.com/en/sql-reference/sql/create-network-rule)."""
        if if_not_exists:
            raise refused(
                "CREATE NETWORK RULE … IF NOT EXISTS is not in Snowflake's documented syntax (stand-in wording)"
            )
        parts = self.object_name()
        self.require_schema(parts)
        props = self.properties(stop=())
        existing = self.catalog.network_rules.get(cat.Catalog.key(parts))
        if alter and existing is not None:
            for key, current in (("TYPE", existing.type), ("MODE", existing.mode)):
                if key in props and self._text(props, key).upper() != current:
                    raise refused(f"CREATE OR ALTER NETWORK RULE cannot change {key} (stand-in wording)")
            existing.value_list = self._values(props, "VALUE_LIST")
            existing.comment = self._text(props, "COMMENT")
            return status("Statement executed successfully.")
        answered = self._existing("network_rules", parts, replace, if_not_exists)
        if answered is not None:
            return answered
        self.catalog.network_rules[cat.Catalog.key(parts)] = cat.NetworkRule(
            database=parts[0],
            schema=parts[1],
            name=parts[2],
            type=self._text(props, "TYPE").upper(),
            mode=self._text(props, "MODE", "INGRESS").upper(),
            value_list=self._values(props, "VALUE_LIST"),
            comment=self._text(props, "COMMENT"),
            owner=self.session.role,
        )
        return status(f"Network rule {parts[2]} successfully created.")

    def alter_network_rule(self, if_exists: bool) -> Answer:
        parts = self.object_name()
        rule = self.catalog.network_rules.get(cat.Catalog.key(parts))
        self.reader.expect("SET")
        props = self.properties(stop=())
        if rule is None:
            return missing("Network rule", parts, if_exists)
        if "VALUE_LIST" in props:
            rule.value_list = self._values(props, "VALUE_LIST")
        if "COMMENT" in props:
            rule.comment = self._text(props, "COMMENT")
        return status("Statement executed successfully.")

    def create_secret(self, replace: bool, alter: bool, if_not_exists: bool) -> Answer:
        parts = self.object_name()
        self.require_schema(parts)
        props = self.properties(stop=())
        answered = self._existing("secrets", parts, replace, if_not_exists)
        if answered is not None:
            return answered
        secret = cat.Secret(
            database=parts[0],
            schema=parts[1],
            name=parts[2],
            secret_type=self._text(props, "TYPE").upper(),
            comment=self._text(props, "COMMENT"),
            owner=self.session.role,
        )
        self._store_secret_string(secret, props)
        self.catalog.secrets[cat.Catalog.key(parts)] = secret
        return status(f"Secret {parts[2]} successfully created.")

    def alter_secret(self, if_exists: bool) -> Answer:
        parts = self.object_name()
        secret = self.catalog.secrets.get(cat.Catalog.key(parts))
        self.reader.expect("SET")
        props = self.properties(stop=())
        if secret is None:
            return missing("Secret", parts, if_exists)
        self._store_secret_string(secret, props)
        if "COMMENT" in props:
            secret.comment = self._text(props, "COMMENT")
        return status("Statement executed successfully.")

    def _store_secret_string(self, secret: cat.Secret, props: dict[str, object]) -> None:
        if "SECRET_STRING" in props:
            value = str(props["SECRET_STRING"])
            secret.secret_string_set = True
            secret.secret_string_sha256 = hashlib.sha256(value.encode()).hexdigest()
            if self.secret_values is not None:
                self.secret_values[cat.Catalog.key([secret.database, secret.schema, secret.name])] = value

    def create_integration(self, replace: bool, alter: bool, if_not_exists: bool) -> Answer:
        """CREATE [OR REPLACE] EXTERNAL ACCESS INTEGRATION: no IF NOT EXISTS, no OR ALTER in its reference
        (docs.snowflake.com/en/sql-reference/sql/create-external-access-integration)."""
        if if_not_exists or alter:
            raise refused(
                f"CREATE {'OR ALTER ' if alter else ''}EXTERNAL ACCESS INTEGRATION"
                f"{' … IF NOT EXISTS' if if_not_exists else ''} "
                "is not in Snowflake's documented syntax (stand-in wording)"
            )
        name = identifier_value(self.reader.next())
        props = self.properties(stop=())
        if name in self.catalog.integrations and not replace:
            if if_not_exists:
                return status(f"{name} already exists, statement succeeded.", changed=False)
            raise already_exists([name])
        integration = cat.Integration(
            name=name,
            allowed_network_rules=[],
            allowed_authentication_secrets=[],
            enabled=False,
            comment="",
            owner=self.session.role,
        )
        self._set_integration(integration, props)
        self.catalog.integrations[name] = integration
        return status(f"Integration {name} successfully created.")

    def alter_integration(self, if_exists: bool) -> Answer:
        name = identifier_value(self.reader.next())
        self.reader.expect("SET")
        props = self.properties(stop=())
        integration = self.catalog.integrations.get(name)
        if integration is None:
            return missing("Integration", [name], if_exists)
        self._set_integration(integration, props)
        return status("Statement executed successfully.")

    def _set_integration(self, integration: cat.Integration, props: dict[str, object]) -> None:
        for key, store, kind in (
            ("ALLOWED_NETWORK_RULES", "allowed_network_rules", "network_rules"),
            ("ALLOWED_AUTHENTICATION_SECRETS", "allowed_authentication_secrets", "secrets"),
        ):
            if key in props:
                names = [self.resolve(item.split(".")) for item in self._values(props, key)]
                for parts in names:
                    if cat.Catalog.key(parts) not in getattr(self.catalog, kind):
                        raise does_not_exist("Network rule" if kind == "network_rules" else "Secret", parts)
                setattr(integration, store, [cat.Catalog.key(parts) for parts in names])
        if "ENABLED" in props:
            integration.enabled = self._text(props, "ENABLED").upper() == "TRUE"
        if "COMMENT" in props:
            integration.comment = self._text(props, "COMMENT")

    # ---- drop and show -----------------------------------------------------------------------------

    def drop(self, kind: str, if_exists: bool) -> Answer:
        r = self.reader
        raw = r.name()
        parts = [identifier_value_of(raw)] if kind == "integrations" else self.resolve(raw)
        key = parts[0] if kind == "integrations" else cat.Catalog.key(parts)
        if kind == "procedures":
            types: list[str] = []
            if r.accept("("):
                while not r.accept(")"):
                    types.append(self._type())
                    r.accept(",")
            key = f"{key}({', '.join(types)})"
        store = getattr(self.catalog, kind)
        if key not in store:
            return missing(kind.rstrip("s").replace("_", " ").capitalize(), parts, if_exists)
        del store[key]
        return status(f"{parts[-1]} successfully dropped.")

    def show(self) -> Answer | None:
        from . import paging  # paging refuses through this module's `refused`

        r = self.reader
        for words, listing in cat.SHOWS.items():
            if r.accept(*words):
                like = r.string() if r.accept("LIKE") else None
                # The scope: None (the account), [DATABASE] or [DATABASE, SCHEMA]; by default the current schema.
                scope: list[str] | None = None
                if r.accept("IN"):
                    if r.accept("DATABASE"):
                        scope = [identifier_value(r.next())]
                    elif not r.accept("ACCOUNT"):
                        r.accept("SCHEMA")
                        scope = self.resolve([*r.name(), "_"])[:2]
                elif self.session.database is not None and self.session.schema is not None:
                    scope = [self.session.database, self.session.schema]
                limit, start = None, None
                if r.accept("LIMIT"):
                    limit = int(r.next().text)
                    start = r.string() if r.accept("FROM") else None
                columns, rows = listing.answer(self.catalog, scope, like)
                if listing.store == "secrets" and self.session.privileges is not None:
                    # SHOW SECRETS lists the secrets the role has a privilege on (privileges.py).
                    rows = [
                        row
                        for row in rows
                        if self.session.privileges.has_any("SECRET", cat.qualified([row[3], row[2], row[1]]))
                    ]
                position = [name for name, _ in columns].index("name")
                rows = paging.page(rows, lambda row, at=position: row[at], limit, start)
                return Answer(columns, rows, changed_catalog=False)
        return None


def identifier_value_of(parts: list[str]) -> str:
    if len(parts) != 1:
        raise SqlSyntaxError(f"an integration name has one part, not {'.'.join(parts)}")
    return parts[0]
