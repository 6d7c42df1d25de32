"""The stand-in's one source of "now": the wall clock, unless a simulation sets its own.

Everything in the stand-in that asks what time it is (objects' created_on, stream offsets and staleness,
`CURRENT_TIMESTAMP()` inside a task body) asks `current_time()`, so a simulated clock moves all of it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

_source: Callable[[], datetime] | None = None


def current_time() -> datetime:
    """Now, timezone-aware (UTC): the simulated clock's time when one is set, else the wall clock's."""
    moment = _source() if _source is not None else datetime.now(UTC)
    if moment.tzinfo is None:
        raise ValueError("the stand-in's clock must give timezone-aware times")
    return moment.astimezone(UTC)


def set_clock(source: Callable[[], datetime] | datetime | None) -> None:
    """A function giving the time, a fixed time, or None for the wall clock again."""
    global _source
    if isinstance(source, datetime):
        fixed = source
        _source = lambda: fixed  # noqa: E731
    else:
        _source = source
