"""The stand-in's clock: real time until a test sets it, then simulated time that moves only when told.

`set_clock(moment)` starts simulated time, `advance(delta)` moves it, `reset_clock()` returns to real
time. `current_time()` is what the scheduler fires tasks by, what a procedure's handler reads
(`datetime.now`, `time.time`, `time.monotonic`; `time.sleep` advances it: python_sandbox.py) and what
CURRENT_TIMESTAMP returns in statements (`with_simulated_now`).

CURRENT_TIMESTAMP returns the current time as TIMESTAMP_LTZ; SYSDATE and GETDATE the current time in
UTC as TIMESTAMP_NTZ; CURRENT_DATE and CURRENT_TIME the date and time of day
(docs.snowflake.com/en/sql-reference/functions/current_timestamp, …/sysdate, …/current_date,
…/current_time). DuckDB has no setting for its current time, so the stand-in rewrites those calls into
literals of the simulated time before fakesnow sees the statement. The session time zone is UTC for
every stand-in session (fakesnow's), so CURRENT_DATE and CURRENT_TIME are taken in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from .sql_tokens import SqlSyntaxError, tokenize

_simulated: datetime | None = None


def current_time() -> datetime:
    """Now, aware, in UTC: the simulated time once set, else the real time."""
    return _simulated if _simulated is not None else datetime.now(UTC)


def is_simulated() -> bool:
    return _simulated is not None


def set_clock(moment: datetime) -> datetime:
    """Starts (or moves) simulated time at `moment`, which must carry its time zone."""
    global _simulated
    if moment.tzinfo is None:
        raise ValueError("set_clock needs an aware datetime (a naive one has no instant)")
    _simulated = moment.astimezone(UTC)
    return _simulated


def advance(delta: timedelta | float) -> datetime:
    """Moves simulated time forward by `delta` (a timedelta or seconds); never backwards."""
    step = delta if isinstance(delta, timedelta) else timedelta(seconds=delta)
    if step < timedelta(0):
        raise ValueError("the clock does not go backwards")
    if _simulated is None:
        raise RuntimeError("advance needs simulated time: call set_clock first")
    return set_clock(_simulated + step)


def reset_clock() -> None:
    """Back to real time."""
    global _simulated
    _simulated = None


# The functions whose value is "now", with what each becomes as a literal of the simulated time.
_NOW_FUNCTIONS = {
    "CURRENT_TIMESTAMP": lambda t: f"'{t.isoformat()}'::timestamp_tz",
    "LOCALTIMESTAMP": lambda t: f"'{t.isoformat()}'::timestamp_tz",
    "SYSTIMESTAMP": lambda t: f"'{t.isoformat()}'::timestamp_tz",
    "SYSDATE": lambda t: f"'{t.replace(tzinfo=None).isoformat()}'::timestamp_ntz",
    "GETDATE": lambda t: f"'{t.replace(tzinfo=None).isoformat()}'::timestamp_ntz",
    "CURRENT_DATE": lambda t: f"'{t.date().isoformat()}'::date",
    "CURRENT_TIME": lambda t: f"'{t.time().isoformat()}'::time",
    "LOCALTIME": lambda t: f"'{t.time().isoformat()}'::time",
}


def with_simulated_now(sql: str) -> str:
    """The statement with every call of a "now" function replaced by the simulated time (unchanged in real time).

    `CURRENT_TIMESTAMP`, `CURRENT_TIMESTAMP()` and `CURRENT_TIMESTAMP(3)` are calls; a word inside a string
    literal or a quoted identifier is not (the tokenizer tells them apart).
    """
    if _simulated is None or not any(name in sql.upper() for name in _NOW_FUNCTIONS):
        return sql
    try:
        tokens = tokenize(sql)
    except SqlSyntaxError as error:
        raise SqlSyntaxError(
            f"the stand-in cannot read this statement to put the simulated time in its CURRENT_TIMESTAMP: {error}"
        ) from None
    pieces: list[str] = []
    position = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        literal = _NOW_FUNCTIONS.get(token.upper) if token.kind == "word" else None
        previous = tokens[index - 1] if index > 0 else None
        if literal is None or (previous is not None and previous.text == "."):
            index += 1
            continue
        end = token.end
        following = tokens[index + 1 : index + 4]
        if following and following[0].text == "(":
            if len(following) > 1 and following[1].text == ")":
                end, index = following[1].end, index + 2
            elif len(following) > 2 and following[1].kind == "number" and following[2].text == ")":
                end, index = following[2].end, index + 3
            else:
                raise SqlSyntaxError(f"{token.text}(…) with these arguments is not modelled by the stand-in")
        pieces.append(sql[position : token.start])
        pieces.append(literal(_simulated))
        position = end
        index += 1
    pieces.append(sql[position:])
    return "".join(pieces)
