"""Snowflake's lexical rules, as much as the stand-in needs to read the package's DDL.

Identifiers: unquoted ones resolve in upper case, "quoted" ones exactly ("" is a quote); string
literals are '…' with '' for a quote (docs.snowflake.com: sql-reference/identifiers-syntax and
sql-reference/data-types-text, "String constants"). `$$…$$` is a dollar-quoted string.
`%s` is a client-side bind placeholder (the connector's pyformat paramstyle).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PATTERNS = [
    ("comment", r"/\*.*?\*/|--[^\n]*"),
    ("space", r"\s+"),
    ("string", r"'(?:[^']|'')*'"),
    ("dollar", r"\$\$.*?\$\$"),
    ("quoted", r'"(?:[^"]|"")*"'),
    ("placeholder", r"%s"),
    ("position", r"\$\d+"),  # a positional column reference, $1 (sql-reference/sql/select)
    ("word", r"[A-Za-z_][A-Za-z0-9_$]*"),
    ("number", r"\d+(?:\.\d+)?"),
    ("symbol", r"[().,=;:*<>!+\-/|\[\]{}@%]"),
]
_SCANNER = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _PATTERNS), re.DOTALL)


class SqlSyntaxError(ValueError):
    """A statement the stand-in cannot read."""


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int

    @property
    def upper(self) -> str:
        return self.text.upper()

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.upper in words


def tokenize(sql: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(sql):
        match = _SCANNER.match(sql, position)
        if match is None:
            raise SqlSyntaxError(f"unexpected character {sql[position]!r} at position {position}")
        kind = match.lastgroup or ""
        if kind not in ("space", "comment"):
            tokens.append(Token(kind, match.group(), match.start(), match.end()))
        position = match.end()
    return tokens


def string_value(token: Token) -> str:
    """The value of a '…' literal or a $$…$$ string."""
    if token.kind == "string":
        return token.text[1:-1].replace("''", "'")
    if token.kind == "dollar":
        return token.text[2:-2]
    raise SqlSyntaxError(f"expected a string, found {token.text!r}")


def identifier_value(token: Token) -> str:
    """An identifier as Snowflake resolves it: unquoted in upper case, quoted exactly."""
    if token.kind == "quoted":
        return token.text[1:-1].replace('""', '"')
    if token.kind == "word":
        return token.upper
    raise SqlSyntaxError(f"expected a name, found {token.text!r}")


def display_part(part: str) -> str:
    """A name part as SHOW prints it inside a qualified name: quoted only when it must be."""
    return part if re.fullmatch(r"[A-Z_][A-Z0-9_$]*", part) else '"' + part.replace('"', '""') + '"'


class TokenReader:
    """Reads a statement's tokens from left to right."""

    def __init__(self, sql: str, bindings: list[object] | None = None):
        self.sql = sql
        self.tokens = tokenize(sql)
        self.index = 0
        self.bindings = list(bindings or [])
        self.bindings_used = 0

    def peek(self, offset: int = 0) -> Token | None:
        position = self.index + offset
        return self.tokens[position] if position < len(self.tokens) else None

    def at_end(self) -> bool:
        rest = self.tokens[self.index :]
        return all(token.text == ";" for token in rest)

    def next(self) -> Token:
        token = self.peek()
        if token is None:
            raise SqlSyntaxError("unexpected end of statement")
        self.index += 1
        return token

    def accept(self, *words: str) -> bool:
        """Consumes the words if the statement continues with exactly them."""
        for offset, word in enumerate(words):
            token = self.peek(offset)
            if token is None or token.upper != word.upper():
                return False
        self.index += len(words)
        return True

    def expect(self, *words: str) -> None:
        if not self.accept(*words):
            found = self.peek()
            raise SqlSyntaxError(f"expected {' '.join(words)!r}, found {found.text if found else 'end'!r}")

    def name(self) -> list[str]:
        """A possibly qualified name: its parts as Snowflake resolves them."""
        parts = [identifier_value(self.next())]
        while self.peek() is not None and self.peek().text == "." and self.peek(1) is not None:
            self.index += 1
            parts.append(identifier_value(self.next()))
        return parts

    def string(self) -> str:
        """A string literal, or a bind placeholder's value."""
        token = self.next()
        if token.kind == "placeholder":
            if self.bindings_used >= len(self.bindings):
                raise SqlSyntaxError("a %s placeholder without a binding")
            value = self.bindings[self.bindings_used]
            self.bindings_used += 1
            return str(value)
        return string_value(token)

    def value(self) -> str:
        """A property value: a literal, a name, a number or a boolean, as text."""
        token = self.peek()
        if token is None:
            raise SqlSyntaxError("a property without a value")
        if token.kind in ("string", "dollar", "placeholder"):
            return self.string()
        if token.kind == "number":
            self.index += 1
            return token.text
        return ".".join(self.name())

    def parenthesised(self, item: str = "value") -> list[str]:
        """`( a, b, … )` of literals or names."""
        self.expect("(")
        values: list[str] = []
        if self.accept(")"):
            return values
        while True:
            values.append(self.value() if item == "value" else ".".join(self.name()))
            if self.accept(")"):
                return values
            self.expect(",")

    def rest_text(self) -> str:
        """The statement's text from the current token on, as written (trailing semicolon dropped)."""
        token = self.peek()
        if token is None:
            return ""
        return self.sql[token.start :].strip().removesuffix(";").rstrip()

    def text_until_word(self, word: str) -> str:
        """The text up to (not including) the next top-level `word`, which is consumed."""
        start = self.peek()
        depth = 0
        while True:
            token = self.next()
            if token.text == "(":
                depth += 1
            elif token.text == ")":
                depth -= 1
            elif depth == 0 and token.is_word(word.upper()):
                assert start is not None
                return self.sql[start.start : token.start].strip()
