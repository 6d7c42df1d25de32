"""Session parameters, and the one the package's reads depend on: QUOTED_IDENTIFIERS_IGNORE_CASE.

With QUOTED_IDENTIFIERS_IGNORE_CASE = TRUE, Snowflake stores and resolves the letters of double-quoted
identifiers in upper case (docs.snowflake.com/en/sql-reference/identifiers-syntax, "Controlling case using
the QUOTED_IDENTIFIERS_IGNORE_CASE parameter"; docs.snowflake.com/en/sql-reference/parameters). What the
stand-in models of it:
- the parameter's value per connection: the account's (or user's) default, which a test sets, then
  ALTER SESSION SET / UNSET; SHOW PARAMETERS LIKE '<name>' IN SESSION shows it with its level;
- a query's result columns come back in upper case (a quoted alias "role" is ROLE);
- a RESULT_SCAN query that names a lower-case SHOW column in double quotes ("name") fails: the name
  resolves as NAME, which the lower-case column is not;
- any other statement with a double-quoted name holding lower-case letters (a column alias aside) is
  refused by name: how Snowflake would resolve it ("Order Items" as ORDER ITEMS) is not modelled.
Other parameters are not modelled: SHOW PARAMETERS of anything else and ALTER SESSION of them are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyarrow as pa

from .sql_tokens import TokenReader, tokenize
from .statements import Answer, refused, status

IGNORE_CASE = "QUOTED_IDENTIFIERS_IGNORE_CASE"
# name → (default, type, description)
MODELLED = {IGNORE_CASE: ("false", "BOOLEAN", "If true, the case of quoted identifiers is ignored.")}
TEXT = pa.string()


@dataclass
class SessionParameters:
    """One connection's parameter values: name → (value, level)."""

    values: dict[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def starting(cls, defaults: dict[str, str]) -> SessionParameters:
        """A new session: the user's or account's values (the test's), at level USER."""
        return cls({name.upper(): (value.lower(), "USER") for name, value in defaults.items()})

    def value(self, name: str) -> str:
        found = self.values.get(name)
        return found[0] if found is not None else MODELLED[name][0]

    @property
    def ignore_case(self) -> bool:
        return self.value(IGNORE_CASE) == "true"


_ALTER = re.compile(r"^alter\s+session\s+(set|unset)\s+(\w+)(?:\s*=\s*(\w+))?\s*;?$", re.IGNORECASE)


def answer(sql: str, parameters: SessionParameters) -> Answer | None:
    """ALTER SESSION SET/UNSET and SHOW PARAMETERS … IN SESSION; None for every other statement."""
    alter = _ALTER.match(sql.strip())
    if alter is not None:
        action, name, value = alter.group(1).upper(), alter.group(2).upper(), alter.group(3)
        if name not in MODELLED:
            raise refused(f"the session parameter {name} is not modelled by the stand-in (stand-in wording)")
        if action == "SET":
            parameters.values[name] = ((value or "").lower(), "SESSION")
        else:
            parameters.values.pop(name, None)
        return status("Statement executed successfully.", changed=False)
    reader = TokenReader(sql)
    if not reader.accept("SHOW", "PARAMETERS"):
        return None
    like = reader.string() if reader.accept("LIKE") else None
    if not reader.accept("IN", "SESSION") or like is None:
        raise refused("only SHOW PARAMETERS LIKE '<name>' IN SESSION is modelled by the stand-in (stand-in wording)")
    rows = []
    for name, (default, kind, description) in MODELLED.items():
        if re.fullmatch(like.replace("%", ".*").replace("_", "."), name, re.IGNORECASE):
            value, level = parameters.values.get(name, (default, ""))
            rows.append((name, value, default, level, description, kind))
    columns = [(column, TEXT) for column in ("key", "value", "default", "level", "description", "type")]
    return Answer(columns, rows)


def case_sensitive_names(sql: str) -> list[str]:
    """The double-quoted names of a statement that hold lower-case letters, column aliases (AS "x") aside: an
    alias just comes back in upper case."""
    try:
        tokens = tokenize(sql)
    except ValueError:
        return []
    return [
        token.text
        for index, token in enumerate(tokens)
        if token.kind == "quoted"
        and token.text != token.text.upper()
        and not (index > 0 and tokens[index - 1].is_word("AS"))
    ]


def refuse_case_sensitive_names(sql: str, parameters: SessionParameters, result_scan: bool) -> None:
    """Under QUOTED_IDENTIFIERS_IGNORE_CASE = TRUE: a RESULT_SCAN naming a lower-case column fails; any other
    quoted lower-case name is not modelled."""
    if not parameters.ignore_case:
        return
    names = case_sensitive_names(sql)
    if not names:
        return
    if result_scan:
        raise refused(f"invalid identifier '{names[0].upper()}'")
    raise refused(
        f"QUOTED_IDENTIFIERS_IGNORE_CASE = TRUE: how Snowflake resolves {names[0]} in upper case is not modelled "
        "by the stand-in (stand-in wording)"
    )


def upper_case_columns(answer: Answer) -> Answer:
    """A query's result under QUOTED_IDENTIFIERS_IGNORE_CASE = TRUE: every column name in upper case."""
    return Answer([(name.upper(), kind) for name, kind in answer.columns], answer.rows, answer.changed_catalog)
