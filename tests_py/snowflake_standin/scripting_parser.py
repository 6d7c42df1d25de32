"""Snowflake Scripting, read into statements: exactly the constructs the stand-in executes (scripting.py).

The grammar, from Snowflake's reference (docs.snowflake.com/en/developer-guide/snowflake-scripting/…):
- blocks: `[DECLARE …] BEGIN … [EXCEPTION WHEN … THEN …] END` (sql-reference/snowflake-scripting/begin,
  …/declare, …/exception); nested blocks;
- declarations: `name [type] [{DEFAULT | :=} expr];`, `name EXCEPTION [(code, 'message')];`
  (…/snowflake-scripting/variables, …/exceptions); `LET name [type] {DEFAULT | :=} expr;` (…/let);
- `name := expr;`, `IF (cond) THEN … [ELSEIF (cond) THEN …] [ELSE …] END IF;` (…/if), `RETURN [expr];`
  (…/return), `RAISE [name];` (…/raise), `NULL;` (…/null);
- SQL statements, `SELECT … INTO :a[, :b] …` (sql-reference/constructs/into), `CALL p(args) [INTO :v]`
  (sql-reference/sql/call), `EXECUTE IMMEDIATE '<text>'` (sql-reference/sql/execute-immediate);
  BEGIN [TRANSACTION | WORK], START TRANSACTION, COMMIT, ROLLBACK are SQL statements (sql-reference/transactions).
Everything else Snowflake Scripting has (loops, CASE statements, cursors, RESULTSETs, EXIT/CONTINUE handlers,
EXECUTE IMMEDIATE … USING, RETURN TABLE, ASYNC) is refused by name (NotModelled).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .scripting_errors import CompilationError, NotModelled
from .sql_tokens import SqlSyntaxError, Token, identifier_value, string_value, tokenize

REFUSED_STATEMENTS = {
    "FOR": "FOR loops",
    "WHILE": "WHILE loops",
    "REPEAT": "REPEAT loops",
    "LOOP": "LOOP loops",
    "CASE": "CASE statements",
    "BREAK": "BREAK",
    "EXIT": "EXIT",
    "CONTINUE": "CONTINUE",
    "ITERATE": "ITERATE",
    "LEAVE": "LEAVE",
    "OPEN": "cursors (OPEN)",
    "FETCH": "cursors (FETCH)",
    "CLOSE": "cursors (CLOSE)",
    "ASYNC": "ASYNC child jobs",
    "AWAIT": "AWAIT",
    "CANCEL": "CANCEL",
}
REFUSED_TYPES = {"CURSOR": "cursors", "RESULTSET": "RESULTSETs"}
TRANSACTION_WORDS = {"TRANSACTION", "WORK", "NAME"}


@dataclass
class Declaration:
    name: str
    type: str  # as written, "" when the type comes from the default
    default: str | None  # an expression, None for NULL


@dataclass
class ExceptionDeclaration:
    name: str
    code: int
    message: str


@dataclass
class Handler:
    names: list[str] | None  # None: WHEN OTHER
    body: list[object]


@dataclass
class Block:
    declarations: list[Declaration | ExceptionDeclaration]
    body: list[object]
    handlers: list[Handler] = field(default_factory=list)


@dataclass
class Assign:
    name: str
    expression: str


@dataclass
class Let:
    declaration: Declaration


@dataclass
class If:
    branches: list[tuple[str, list[object]]]  # (condition, statements)
    otherwise: list[object] | None


@dataclass
class Return:
    expression: str | None


@dataclass
class Raise:
    name: str | None  # None: re-raise the exception being handled


@dataclass
class Null:
    pass


@dataclass
class Sql:
    text: str


@dataclass
class SelectInto:
    query: str  # the SELECT without its INTO clause
    targets: list[str]


@dataclass
class Call:
    name: list[str]
    arguments: list[str]
    target: str | None


@dataclass
class ExecuteImmediate:
    source: str  # a string literal, or a variable holding the text


def body_of_task(definition: str) -> str:
    """The block a task runs: `EXECUTE IMMEDIATE '<block>'` unwrapped (a task's AS clause), else the text."""
    tokens = _tokens(definition)
    if len(tokens) >= 3 and tokens[0].is_word("EXECUTE") and tokens[1].is_word("IMMEDIATE"):
        if tokens[2].kind not in ("string", "dollar"):
            raise NotModelled("EXECUTE IMMEDIATE of anything but a string literal is not modelled")
        rest = [token for token in tokens[3:] if token.text != ";"]
        if rest:
            raise NotModelled(f"EXECUTE IMMEDIATE … {rest[0].text} (USING or INTO) is not modelled")
        return string_value(tokens[2])
    return definition


def parse(source: str) -> Block:
    """A block, or a single SQL statement (a task's body may be one), as a block of its own."""
    parser = Parser(source)
    first = parser.peek()
    if first is not None and (first.is_word("DECLARE") or (first.is_word("BEGIN") and not parser.transaction())):
        block = parser.block()
        parser.accept(";")
        if parser.peek() is not None:
            raise CompilationError(f"unexpected '{parser.peek().text}' after the block's END")
        return block
    return Block([], parser.statements(stops=set()))


def _tokens(source: str) -> list[Token]:
    try:
        return tokenize(source)
    except SqlSyntaxError as error:
        raise CompilationError(str(error)) from None


class Parser:
    def __init__(self, source: str):
        self.source = source
        self.tokens = _tokens(source)
        self.index = 0

    # ---- tokens ------------------------------------------------------------------------------------

    def peek(self, offset: int = 0) -> Token | None:
        position = self.index + offset
        return self.tokens[position] if position < len(self.tokens) else None

    def next(self) -> Token:
        token = self.peek()
        if token is None:
            raise CompilationError("unexpected end of the block")
        self.index += 1
        return token

    def accept(self, *texts: str) -> bool:
        for offset, text in enumerate(texts):
            token = self.peek(offset)
            if token is None or token.upper != text.upper():
                return False
        self.index += len(texts)
        return True

    def expect(self, *texts: str) -> None:
        if not self.accept(*texts):
            found = self.peek()
            raise CompilationError(f"expected {' '.join(texts)}, found {found.text if found else 'the end'}")

    def transaction(self) -> bool:
        """At BEGIN: is it BEGIN [TRANSACTION | WORK | NAME …] (a statement), not a block?"""
        after = self.peek(1)
        return after is None or after.text == ";" or after.upper in TRANSACTION_WORDS

    def until(self, *stop_words: str, semicolon: bool = True) -> tuple[int, int]:
        """Source span up to a top-level stop word or `;` (consumed when `semicolon`), outside parentheses."""
        start = self.peek()
        if start is None:
            raise CompilationError("unexpected end of the block")
        depth, end = 0, start.start
        while True:
            token = self.peek()
            if token is None:
                raise CompilationError("a statement without its ';'")
            if depth == 0 and (token.text == ";" or (token.kind == "word" and token.upper in stop_words)):
                if token.text == ";" and semicolon:
                    self.index += 1
                return start.start, end
            depth += {"(": 1, ")": -1}.get(token.text, 0)
            end = token.end
            self.index += 1

    def text(self, *stop_words: str) -> str:
        start, end = self.until(*stop_words)
        return self.source[start:end].strip()

    # ---- blocks ------------------------------------------------------------------------------------

    def block(self) -> Block:
        declarations: list[Declaration | ExceptionDeclaration] = []
        if self.accept("DECLARE"):
            while not (self.peek() is not None and self.peek().is_word("BEGIN")):
                declarations.append(self.declaration())
        self.expect("BEGIN")
        body = self.statements(stops={"EXCEPTION", "END"})
        handlers: list[Handler] = []
        if self.accept("EXCEPTION"):
            while self.accept("WHEN"):
                handlers.append(self.handler())
        self.expect("END")
        return Block(declarations, body, handlers)

    def handler(self) -> Handler:
        names: list[str] | None = None
        if not self.accept("OTHER"):
            names = [identifier_value(self.next())]
            while self.accept("OR"):
                names.append(identifier_value(self.next()))
        token = self.peek()
        if token is not None and token.upper in ("EXIT", "CONTINUE"):
            raise NotModelled(f"exception handlers with {token.upper} are not modelled")
        self.expect("THEN")
        return Handler(names, self.statements(stops={"WHEN", "END"}))

    def declaration(self, let: bool = False) -> Declaration | ExceptionDeclaration:
        name = identifier_value(self.next())
        if not let and self.accept("EXCEPTION"):
            code, message = -20000, ""
            if self.accept("("):
                sign = -1 if self.accept("-") else 1
                code = sign * int(self.next().text)
                self.expect(",")
                message = string_value(self.next())
                self.expect(")")
            self.expect(";")
            return ExceptionDeclaration(name, code, message)
        type_start = self.peek()
        if type_start is not None and type_start.upper in REFUSED_TYPES:
            raise NotModelled(f"{REFUSED_TYPES[type_start.upper]} are not modelled ({name} {type_start.upper})")
        # The type, if any: up to DEFAULT, `:=` or `;`.
        depth, type_end = 0, None
        while True:
            token = self.peek()
            if token is None:
                raise CompilationError(f"the declaration of {name} has no ';'")
            following = self.peek(1)
            assigns = token.text == ":" and following is not None and following.text == "="
            if depth == 0 and (token.text == ";" or token.is_word("DEFAULT") or assigns):
                break
            depth += {"(": 1, ")": -1}.get(token.text, 0)
            type_end = token.end
            self.index += 1
        type_text = self.source[type_start.start : type_end].strip() if type_start and type_end else ""
        default: str | None = None
        if self.accept("DEFAULT") or self.accept(":", "="):
            default = self.text()
        else:
            self.expect(";")
        if let and default is None:
            raise CompilationError(f"LET {name} needs a value (DEFAULT or :=)")
        return Declaration(name, type_text, default)

    # ---- statements --------------------------------------------------------------------------------

    def statements(self, stops: set[str]) -> list[object]:
        found: list[object] = []
        while True:
            token = self.peek()
            if token is None:
                if stops:
                    raise CompilationError(f"expected {' or '.join(sorted(stops))}, found the end")
                return found
            if token.kind == "word" and token.upper in stops:
                return found
            found.append(self.statement())

    def statement(self) -> object:
        token = self.peek()
        assert token is not None
        word = token.upper if token.kind == "word" else ""
        after = self.peek(1)
        if word in REFUSED_STATEMENTS:
            raise NotModelled(f"{REFUSED_STATEMENTS[word]} are not modelled by the stand-in's Snowflake Scripting")
        if word == "DECLARE" or (word == "BEGIN" and not self.transaction()):
            block = self.block()
            self.expect(";")
            return block
        if word == "IF":
            return self.if_statement()
        if word == "LET":
            self.next()
            declaration = self.declaration(let=True)
            assert isinstance(declaration, Declaration)
            return Let(declaration)
        if word == "RETURN":
            self.next()
            if self.peek() is not None and self.peek().is_word("TABLE"):
                raise NotModelled("RETURN TABLE is not modelled")
            text = self.text()
            return Return(text or None)
        if word == "RAISE":
            self.next()
            name = None if self.peek() is not None and self.peek().text == ";" else identifier_value(self.next())
            self.expect(";")
            return Raise(name)
        if word == "NULL" and after is not None and after.text == ";":
            self.index += 2
            return Null()
        if token.kind in ("word", "quoted") and after is not None and after.text == ":":
            following = self.peek(2)
            if following is not None and following.text == "=":
                self.index += 3
                return Assign(identifier_value(token), self.text())
        if word == "CALL":
            return self.call()
        if word == "EXECUTE" and after is not None and after.is_word("IMMEDIATE"):
            self.index += 2
            source = self.next()
            rest = self.text()
            if rest:
                raise NotModelled(f"EXECUTE IMMEDIATE … {rest.split()[0]} (USING or INTO) is not modelled")
            return ExecuteImmediate(source.text)
        start, end = self.until()
        text = self.source[start:end].strip()
        if word in ("SELECT", "WITH"):
            into = self.select_into(start, end)
            if into is not None:
                return into
        return Sql(text)

    def if_statement(self) -> If:
        self.expect("IF")
        branches: list[tuple[str, list[object]]] = []
        condition = self.text_until_then()
        branches.append((condition, self.statements(stops={"ELSEIF", "ELSE", "END"})))
        otherwise: list[object] | None = None
        while True:
            if self.accept("ELSEIF"):
                condition = self.text_until_then()
                branches.append((condition, self.statements(stops={"ELSEIF", "ELSE", "END"})))
            elif self.accept("ELSE"):
                otherwise = self.statements(stops={"END"})
            else:
                break
        self.expect("END", "IF")
        self.expect(";")
        return If(branches, otherwise)

    def text_until_then(self) -> str:
        start, end = self.until("THEN", semicolon=False)
        self.expect("THEN")
        return self.source[start:end].strip()

    def call(self) -> Call:
        self.expect("CALL")
        name = [identifier_value(self.next())]
        while self.accept("."):
            name.append(identifier_value(self.next()))
        self.expect("(")
        arguments: list[str] = []
        if not self.accept(")"):
            while True:
                first = self.peek()
                assert first is not None
                self.index = self._argument_end(self.index)
                arguments.append(self.source[first.start : self.tokens[self.index].start].strip())
                if self.accept(")"):
                    break
                self.expect(",")
        target = None
        if self.accept("INTO"):
            self.expect(":")
            target = identifier_value(self.next())
        self.expect(";")
        return Call(name, arguments, target)

    def _argument_end(self, index: int) -> int:
        """The index of the `,` or `)` that ends the argument starting at token `index`."""
        depth = 0
        while index < len(self.tokens):
            text = self.tokens[index].text
            if depth == 0 and text in (",", ")"):
                return index
            depth += {"(": 1, ")": -1}.get(text, 0)
            index += 1
        raise CompilationError("a CALL without its ')'")

    def select_into(self, start: int, end: int) -> SelectInto | None:
        """`SELECT … INTO :a, :b FROM …`: the query without INTO, and the variables it sets."""
        tokens = [token for token in self.tokens if start <= token.start and token.end <= end]
        depth = 0
        for position, token in enumerate(tokens):
            depth += {"(": 1, ")": -1}.get(token.text, 0)
            if depth != 0 or not token.is_word("INTO"):
                continue
            targets: list[str] = []
            cursor = position + 1
            while cursor + 1 < len(tokens) and tokens[cursor].text == ":":
                targets.append(identifier_value(tokens[cursor + 1]))
                cursor += 2
                if cursor < len(tokens) and tokens[cursor].text == ",":
                    cursor += 1
                else:
                    break
            if not targets:
                return None
            rest = tokens[cursor].start if cursor < len(tokens) else end
            return SelectInto(self.source[start : token.start] + " " + self.source[rest:end], targets)
        return None
