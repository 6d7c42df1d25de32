create or replace procedure "ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_RUN_JOB"(
  access_url varchar, account_id number, job_id number, cause varchar, upstream_job_id number,
  min_elapsed_seconds number, min_start_time varchar, max_start_time varchar, days_of_week array, timezone varchar, options variant
)
copy grants
returns variant
language python
runtime_version = '3.11'
packages = ('snowflake-snowpark-python', 'requests')
handler = 'main'
external_access_integrations = ("DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION")
secrets = ('dbt_cloud_token' = "ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_ACCESS_TOKEN")
comment = 'Managed by the dbt_cloud_orchestration dbt package: checks a job''s conditions, then triggers it in dbt Cloud (definition fe6bc84ef991faf9ad102eb3d14eda60) [prod target prod]'
as
$$
"""Snowflake Python procedure handler: trigger a dbt Cloud job when its checks pass.

Runtime: Snowflake Python 3.11 with only ``requests`` and the standard library.
``main`` is the procedure's HANDLER; it only reads the API token from the
procedure's secret and hands over to ``run_job``, which holds all the logic and
is what the tests call (with an injected clock, sleep, HTTP session and
Snowpark session).

The result is a dict (returned through RETURNS VARIANT)::

    {"status": "TRIGGERED" | "ADOPTED" | "SKIPPED" | "ERROR" | "OK",   # OK: modes 'ping' and 'refresh'
     "run_id": int | None, "run_url": str | None,
     "checks": [{"name": str, "passed": bool, "detail": str}, ...],
     "logs": [str, ...],
     "runs": [{"run_id", "status", "finished_at", "duration_seconds"}, ...],
     "steps_override": [str, ...] | None}

``options`` (the last argument, an object) picks the mode: ``trigger`` (the
default), ``ping`` (one read of the account, nothing triggered) or ``refresh``
(only report how ``known_run_ids`` ended, read-only); ``select_changed`` with
``changed_sources`` narrows the triggered run's dbt steps to what is downstream
of the changed dbt sources; ``change_key`` names the unconsumed changes: it goes
into the trigger's ``cause``, and a run whose cause already carries it is
ADOPTED instead of triggered again (an earlier invocation died before COMMIT).
A 429 ends a trigger invocation at once as SKIPPED: no request follows it.

``run_job`` never raises, never sends the trigger again unless it has proven
that no run was created, and never lets the token into a log line, a check
detail or the result.  See docs/procedure.md for the exact guarantee.
"""

# No `from __future__ import annotations`: dataclasses would then look the module up in
# sys.modules, which a handler loaded from a file (or inlined by Snowflake) need not be in.
import ipaddress
import json
import logging
import re
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from email.utils import parsedate_to_datetime
from enum import StrEnum
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests

try:  # zoneinfo reads system zone files, else the tzdata package; see load_timezone.
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
except ImportError:  # pragma: no cover - Python 3.9+ always has zoneinfo
    ZoneInfo = None
    ZoneInfoNotFoundError = KeyError

LOGGER = logging.getLogger("dbt_cloud_run_job")

SECRET_ALIAS = "dbt_cloud_token"  # noqa: S105 - the secret's alias, not a secret
# The spec's security scheme is `http`/`bearer`; its description says `Token`
# and `Bearer` are equivalent.  `Bearer` satisfies both the spec and the API.
AUTH_SCHEME = "Bearer"
USER_AGENT = "dbt-cloud-orchestration/0.1 (snowflake-procedure)"

# The OpenAPI spec gives `cause` only minLength 1; the API rejects long causes
# and Airflow's dbt Cloud provider truncates to 255 characters (DBT_CAUSE_MAX_LENGTH).
CAUSE_MAX_LENGTH = 255
# options.change_key: what the task computed from its watched tables' change tokens (a hex digest);
# the shape keeps it short and free of anything the cause or a log line could misread.
_CHANGE_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# List Runs' include_related (a string in the spec): `trigger` adds each run's trigger, whose `cause` holds the key.
INCLUDE_TRIGGER = '["trigger"]'
# How many of the job's newest runs (by created_at) one list call fetches to
# look for a queued/starting/running run; see docs/procedure.md for why.
RECENT_RUNS_LIMIT = 10


class RunStatus(StrEnum):
    """A dbt Cloud run's status: the name the result shows, and the number the API sends (`code`)."""

    def __new__(cls, name, code):
        member = str.__new__(cls, name)
        member._value_ = name
        member.code = code
        return member

    QUEUED = ("Queued", 1)
    STARTING = ("Starting", 2)
    RUNNING = ("Running", 3)
    SUCCESS = ("Success", 10)
    ERROR = ("Error", 20)
    CANCELLED = ("Cancelled", 30)

    @property
    def is_terminal(self):
        return self in (RunStatus.SUCCESS, RunStatus.ERROR, RunStatus.CANCELLED)

    @classmethod
    def from_code(cls, code):
        """The status the API's number stands for, or None for a number the API does not document."""
        return next((status for status in cls if status.code == code), None)


def _is_terminal_code(code):
    """True when the API's status number is a finished run's; an unknown number counts as unfinished."""
    status = RunStatus.from_code(code)
    return status is not None and status.is_terminal


class Mode(StrEnum):
    """options.mode: what one invocation does.  PING reads the account once; REFRESH lists the job's newest
    runs once (RECENT_OUTCOMES_LIMIT, the API's page maximum) to report how known runs ended."""

    TRIGGER = "trigger"
    PING = "ping"
    REFRESH = "refresh"


RECENT_OUTCOMES_LIMIT = 100


class InvocationStatus(StrEnum):
    """The result's `status`: OK is modes ping and refresh."""

    TRIGGERED = "TRIGGERED"
    ADOPTED = "ADOPTED"
    SKIPPED = "SKIPPED"
    ERROR = "ERROR"
    OK = "OK"


# The dependencies run_job takes (each defaults to the real thing): the wall clock (an aware datetime), the
# sleep, the monotonic clock (seconds), and where a log line goes.
WallClock = Callable[[], datetime]
Sleep = Callable[[float], None]
MonotonicClock = Callable[[], float]
LogLine = Callable[[str], None]


class HttpSession(Protocol):
    """What the client uses of a requests.Session."""

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response: ...

    def close(self) -> None: ...


class SqlSession(Protocol):
    """What SnowflakeZone uses of the procedure's Snowpark session: `sql(query).collect()` (rows)."""

    def sql(self, query: str) -> Any: ...


_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
_FRACTION = re.compile(r"(\.\d{6})\d+")
_COMPACT_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")
# IANA names are letters, digits, '_', '-', '+' and '/' (tz-link.html "Names of timezones");
# the shape check also keeps the name safe to inline in the CONVERT_TIMEZONE literal below.
_ZONE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$")


class HandlerError(Exception):
    """A failure whose message is safe to show (it never contains the token)."""


@dataclass(frozen=True)
class RetryPolicy:
    """The one retry policy every dbt Cloud request of an invocation follows.

    max_attempts: tries of one request (a GET), and POSTs of the trigger in total.
    backoff_base/backoff_cap: waits 1, 2, 4, 8 ... s, capped, when no Retry-After came.
    budget_seconds: wall time for the whole invocation (every wait and timeout fits in it).
    max_requests: hard ceiling of HTTP requests in one invocation, whatever the API answers.
    settle_seconds: after a trigger whose outcome is unknown, re-list the job's runs at
      these offsets from the answer; only a list at the last offset that shows no new run
      proves no run was created (dbt Cloud documents no visibility delay; 30 s covers a
      gateway timeout answered while the backend still commits the run).
    connect_timeout/read_timeout: per request, each capped by the remaining budget.
    """

    max_attempts: int = 5
    backoff_base: float = 1.0
    backoff_cap: float = 16.0
    budget_seconds: float = 60.0
    max_requests: int = 20
    settle_seconds: tuple = (0.0, 5.0, 15.0, 30.0)
    connect_timeout: float = 5.0
    read_timeout: float = 20.0

    def __post_init__(self):
        if self.max_attempts < 1 or self.max_requests < 1 or self.budget_seconds <= 0:
            raise ValueError("retry policy: max_attempts, max_requests and budget_seconds must be positive")
        if not self.settle_seconds or list(self.settle_seconds) != sorted(self.settle_seconds):
            raise ValueError("retry policy: settle_seconds must be a non-empty ascending sequence")

    def backoff(self, attempt):
        return min(self.backoff_cap, self.backoff_base * (2 ** (attempt - 1)))

    def wait_before_retry(self, attempt, retry_after):
        """(seconds, why): Retry-After when the server sent one, else the backoff."""
        if retry_after is not None:
            return retry_after, "Retry-After"
        return self.backoff(attempt), "backoff"


DEFAULT_POLICY = RetryPolicy()


# --------------------------------------------------------------------------- #
# Argument coercion
# --------------------------------------------------------------------------- #


def _is_blank(value):
    return value is None or (isinstance(value, str) and value.strip() == "")


def coerce_int(value, name, *, required=False, minimum=None):
    """Coerce a Snowflake NUMBER/VARIANT/string argument to int (None stays None)."""
    if _is_blank(value):
        if required:
            raise HandlerError(f"argument {name} is required")
        return None
    if isinstance(value, bool):
        raise HandlerError(f"argument {name} must be an integer, got a boolean")
    try:
        if isinstance(value, int):
            number = value
        elif isinstance(value, (float, Decimal, str)):
            exact = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
            if exact != exact.to_integral_value():
                raise ValueError
            number = int(exact)
        else:
            raise ValueError
    except (ValueError, ArithmeticError):
        raise HandlerError(f"argument {name} must be an integer, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise HandlerError(f"argument {name} must be >= {minimum}, got {number}")
    return number


def parse_hhmm(value, name):
    """'HH:MM' (24 h) -> minutes since midnight; None/'' -> None."""
    if _is_blank(value):
        return None
    if not isinstance(value, str):
        raise HandlerError(f"argument {name} must be a string 'HH:MM', got {value!r}")
    match = _HHMM.match(value)
    if not match:
        raise HandlerError(f"argument {name} must look like 'HH:MM', got {value!r}")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 23 or minutes > 59:
        raise HandlerError(f"argument {name} is not a valid time of day: {value!r}")
    return hours * 60 + minutes


def coerce_days(value):
    """days_of_week (0=Monday..6=Sunday) from a Snowflake ARRAY: ints, floats or strings."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        try:
            value = json.loads(text)
        except ValueError:
            value = [part for part in text.split(",") if part.strip()]
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, (list, tuple)):
        raise HandlerError(f"argument days_of_week must be an array, got {type(value).__name__}")
    if len(value) == 0:
        raise HandlerError("argument days_of_week is an empty array: pass NULL to allow every day")
    days = set()
    for item in value:
        day = coerce_int(item, "days_of_week[]", required=True, minimum=0)
        if day > 6:
            raise HandlerError(f"argument days_of_week holds {day}: days run 0 (Monday) to 6 (Sunday)")
        days.add(day)
    return frozenset(days)


@dataclass(frozen=True)
class PythonZone:
    """A zone from Python's zoneinfo (system zone files, else the tzdata package)."""

    name: str
    tz: tzinfo

    def to_local(self, moment):
        return moment.astimezone(self.tz)


@dataclass(frozen=True)
class SnowflakeZone:
    """Converts through Snowflake's CONVERT_TIMEZONE with the procedure's Snowpark session.

    Used when Python has no data for the zone: Snowflake does not document whether the
    Python sandbox ships zone files, while CONVERT_TIMEZONE is the function the task itself
    uses for its window (sql-reference/functions/convert_timezone).  Returns naive local
    wall-clock times, which is all the checks read (hour, minute, weekday, date).
    """

    name: str
    session: SqlSession
    source: str = "Snowflake CONVERT_TIMEZONE"

    def to_local(self, moment):
        stamp = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        # The name passed _ZONE_NAME (no quote can occur) and the stamp is ours: both literals are safe.
        query = f"select convert_timezone('UTC', '{self.name}', '{stamp}'::timestamp_ntz) as local_time"
        try:
            rows = self.session.sql(query).collect()
        except Exception as exc:
            reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
            raise HandlerError(
                f"argument timezone {self.name!r} is not a time zone Snowflake knows ({reason})"
            ) from None
        value = rows[0][0] if rows and len(rows[0]) else None
        if not isinstance(value, datetime):
            raise HandlerError(f"argument timezone {self.name!r}: CONVERT_TIMEZONE returned {value!r}")
        return value


UTC_ZONE = PythonZone("UTC", UTC)  # needs no zone data


def load_timezone(value, session=None):
    """The zone to compute local time in: zoneinfo when it knows the name, else Snowflake.

    Python's zoneinfo reads the system's zone files and falls back to the tzdata package
    by itself; when neither has the name (or the sandbox has no zone data at all), the
    procedure's Snowpark session converts through CONVERT_TIMEZONE.  UTC needs no data.
    """
    name = "UTC" if _is_blank(value) else str(value).strip()
    if name.upper() in ("UTC", "ETC/UTC", "Z"):
        return UTC_ZONE
    if len(name) > 64 or not _ZONE_NAME.match(name):
        raise HandlerError(f"argument timezone {name!r} is not a known IANA time zone")
    try:
        return PythonZone(name, ZoneInfo(name))
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        pass
    if session is not None:
        return SnowflakeZone(name, session)
    raise HandlerError(
        f"argument timezone {name!r} is not a known IANA time zone "
        "(this Python has no data for it and no Snowflake session was given to convert with)"
    )


def normalize_base_url(value):
    """https://host[:port][/path]; plain http only for a loopback host (the tests' stand-ins)."""
    if not isinstance(value, str) or value.strip() == "":
        raise HandlerError("access_url is empty: configure the dbt Cloud account's access URL")
    url = value.strip().rstrip("/")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise HandlerError(f"access_url must look like https://<host>, got {url!r}") from None
    if parts.scheme not in ("https", "http") or not host or parts.query or parts.fragment or " " in url:
        raise HandlerError(f"access_url must look like https://<host>, got {url!r}")
    if parts.username or parts.password:
        raise HandlerError("access_url must not carry credentials: the token comes from the secret")
    if parts.scheme == "http" and not _is_loopback(host):
        raise HandlerError(
            f"access_url must use https (got {url!r}): plain http would send the API token in clear text"
        )
    return url


def _is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class JobArguments:
    """The procedure's arguments for the job it triggers, validated (modes trigger and refresh).

    min_start_minute/max_start_minute: the start window's ends in minutes since local midnight;
    days_of_week: 0=Monday..6=Sunday; zone: a PythonZone or a SnowflakeZone.
    """

    account_id: int
    job_id: int
    cause: str
    upstream_job_id: int | None
    min_elapsed_seconds: int | None
    min_start_minute: int | None
    max_start_minute: int | None
    days_of_week: frozenset | None
    zone: PythonZone | SnowflakeZone

    @classmethod
    def parse(cls, args, session=None):
        """Validate and coerce the procedure's arguments (a dict), in the order they are checked."""
        cause = args.get("cause")
        if not isinstance(cause, str) or cause.strip() == "":
            raise HandlerError("argument cause is required and must be a non-empty string")
        return cls(
            account_id=coerce_int(args.get("account_id"), "account_id", required=True, minimum=1),
            job_id=coerce_int(args.get("job_id"), "job_id", required=True, minimum=1),
            cause=cause.strip(),
            upstream_job_id=coerce_int(args.get("upstream_job_id"), "upstream_job_id", minimum=1),
            min_elapsed_seconds=coerce_int(args.get("min_elapsed_seconds"), "min_elapsed_seconds", minimum=0),
            min_start_minute=parse_hhmm(args.get("min_start_time"), "min_start_time"),
            max_start_minute=parse_hhmm(args.get("max_start_time"), "max_start_time"),
            days_of_week=coerce_days(args.get("days_of_week")),
            zone=load_timezone(args.get("timezone"), session),
        )


def _options_object(value):
    """The options argument as a dict: a VARIANT OBJECT arrives as a dict (or JSON text)."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise HandlerError("argument options must be an object, got a string that is not JSON") from None
    if not isinstance(value, dict):
        raise HandlerError(f"argument options must be an object, got {type(value).__name__}")
    return value


@dataclass(frozen=True)
class ChangedSource:
    """A changed table the task named: `source` is its dbt source (`<source>.<table>`), None for a table
    listed under `tables:`."""

    table: str
    source: str | None

    @classmethod
    def parse(cls, item, index):
        name = f"options.changed_sources[{index}]"
        if not isinstance(item, dict):
            raise HandlerError(f"argument {name} must be an object {{table, source}}")
        table = item.get("table")
        if not isinstance(table, str) or table.strip() == "":
            raise HandlerError(f"argument {name}.table must be a table name")
        source = item.get("source")
        if source is not None and not isinstance(source, str):
            raise HandlerError(f"argument {name}.source must be a dbt source name or null")
        return cls(table.strip(), None if _is_blank(source) else source.strip())


@dataclass(frozen=True)
class Options:
    """The procedure's `options` OBJECT, validated before any API call.

    mode (trigger, ping, refresh), known_run_ids, change_key, select_changed, changed_sources; keys
    this handler does not read are ignored (for newer callers).
    """

    mode: Mode = Mode.TRIGGER
    known_run_ids: tuple = ()
    change_key: str | None = None
    select_changed: bool = False
    changed_sources: tuple = ()

    @classmethod
    def parse(cls, value):
        return _parse_options(_options_object(value))


def _parse_options(options):
    modes = [mode.value for mode in Mode]
    mode = options.get("mode")
    mode = Mode.TRIGGER.value if mode is None else mode
    if not isinstance(mode, str) or mode.strip().lower() not in modes:
        raise HandlerError(f"options.mode {mode!r} is not a known mode (known: {', '.join(modes)})")
    known = options.get("known_run_ids")
    if known is None:
        known = []
    if not isinstance(known, list):
        raise HandlerError("argument options.known_run_ids must be an array of run ids")
    known_ids = []
    for item in known:
        run_id = coerce_int(item, "options.known_run_ids[]", required=True, minimum=1)
        if run_id not in known_ids:
            known_ids.append(run_id)
    change_key = options.get("change_key")
    if change_key is not None and (not isinstance(change_key, str) or not _CHANGE_KEY.match(change_key)):
        raise HandlerError("argument options.change_key must be 1 to 64 letters, digits, '_' or '-'")
    select_changed = options.get("select_changed")
    if select_changed is not None and not isinstance(select_changed, bool):
        raise HandlerError(f"argument options.select_changed must be true or false, got {select_changed!r}")
    changed = options.get("changed_sources")
    if changed is None:
        changed = []
    if not isinstance(changed, list):
        raise HandlerError("argument options.changed_sources must be an array")
    return Options(
        mode=Mode(mode.strip().lower()),
        known_run_ids=tuple(known_ids),
        change_key=change_key,
        select_changed=select_changed is True,
        changed_sources=tuple(ChangedSource.parse(item, index) for index, item in enumerate(changed)),
    )


# --------------------------------------------------------------------------- #
# Selective builds: narrow a job's dbt steps to what the changed sources feed
# --------------------------------------------------------------------------- #

# Steps of these commands build or test nodes: their selection is intersected with the changed sources'
# downstream (docs.getdbt.com/reference/node-selection/syntax).
NARROWED_COMMANDS = ("build", "run", "test", "snapshot")
# `dbt seed` loads the project's CSV files: a seed has no parents, so no seed is downstream of a table.
SEED_COMMAND = "seed"

# The options of dbt-core 1.11's `dbt` and of its build, run, test, seed and snapshot commands, by the words
# they take when click reads them (dbt/cli/params.py; tests_py/test_selective_builds.py keeps these sets equal
# to the installed dbt-core's): a value option takes the next word whatever it is, a list option (dbt's
# MultiOption) the next word and every following word up to one starting with '-', a flag none.
_DBT_VALUE_OPTIONS = frozenset(
    {
        "--defer-state", "--deprecated-defer", "--deprecated-favor-state", "--deprecated-state",
        "--event-time-end", "--event-time-start", "--indirect-selection", "--log-file-max-bytes", "--log-format",
        "--log-format-file", "--log-level", "--log-level-file", "--log-path", "--partial-parse-file-path",
        "--printer-width", "--profile", "--profiles-dir", "--project-dir", "--record-timing-info", "--sample",
        "--selector", "--sqlparse", "--state", "--target", "--target-path", "--threads", "--vars",
        "--warn-error-options", "-r", "-t",
    }
)  # fmt: skip
_DBT_LIST_OPTIONS = frozenset(
    {
        "--exclude", "--exclude-resource-type", "--exclude-resource-types", "--model", "--models",
        "--resource-type", "--resource-types", "--select", "-m", "-s",
    }
)  # fmt: skip
_DBT_FLAG_OPTIONS = frozenset(
    {
        "--cache-selected-only", "--debug", "--defer", "--deprecated-no-print", "--deprecated-print", "--empty",
        "--export-saved-queries", "--fail-fast", "--favor-state", "--full-refresh", "--include-saved-query",
        "--log-cache-events", "--macro-debugging", "--no-cache-selected-only", "--no-debug", "--no-defer",
        "--no-empty", "--no-export-saved-queries", "--no-fail-fast", "--no-favor-state", "--no-include-saved-query",
        "--no-log-cache-events", "--no-macro-debugging", "--no-partial-parse", "--no-partial-parse-file-diff",
        "--no-populate-cache", "--no-print", "--no-quiet", "--no-send-anonymous-usage-stats",
        "--no-show-all-deprecations", "--no-show-resource-report", "--no-single-threaded", "--no-static-parser",
        "--no-upload-to-artifacts-ingest-api", "--no-use-colors", "--no-use-colors-file",
        "--no-use-experimental-parser", "--no-use-fast-test-edges", "--no-version-check", "--no-write-json",
        "--partial-parse", "--partial-parse-file-diff", "--populate-cache", "--print", "--quiet",
        "--send-anonymous-usage-stats", "--show", "--show-all-deprecations", "--show-resource-report",
        "--single-threaded", "--static-parser", "--store-failures", "--upload-to-artifacts-ingest-api",
        "--use-colors", "--use-colors-file", "--use-experimental-parser", "--use-fast-test-edges", "--version",
        "--version-check", "--warn-error", "--write-json", "-V", "-d", "-f", "-q", "-v", "-x",
    }
)  # fmt: skip
# dbt's one `select` option under its five names; a narrowed step spells it as the step's first one did.
_SELECT_OPTIONS = {
    "--select": "--select", "-s": "--select", "--models": "--models", "--model": "--model", "-m": "--models"
}  # fmt: skip
# What a narrowed step can warn about and its original cannot: a --select member that selects nothing
# (dbt/graph/selector.py) and a step with nothing to run (dbt/task/runnable.py). Warn-error makes either fail.
_EMPTY_SELECTION_WARNINGS = ("NoNodesForSelectionCriteria", "NothingToDo")
# The artifact whose `args` show the warn-error a job's runs got from outside their steps (outside_warn_error).
RUN_RESULTS_ARTIFACT = "run_results.json"
# dbt splits a --select value at spaces into members and a member at commas into an intersection
# (dbt/graph/cli.py), and its selector pattern's `.` does not match a line break (dbt/graph/selector_spec.py):
# a source or table name holding one of these cannot be selected by name.
_UNSELECTABLE_NAME_CHARACTERS = " ,\n"


class CannotNarrow(Exception):
    """Why a step is sent as it is: dbt could not run it narrowed exactly, or the procedure cannot tell."""


@dataclass(frozen=True)
class ChangedTables:
    """What a selective build narrows to: `source:<source>.<table>+` per changed dbt source.

    `unselectable` says, per changed table dbt cannot select by, why: a table listed under `tables:`
    (nothing tells dbt which nodes read it) or a source name dbt's selector grammar cannot write.
    """

    selectors: tuple
    unselectable: tuple


@dataclass(frozen=True)
class StepPlan:
    """One step of the job and what the trigger sends for it: `sent` None leaves it out; `why` explains
    a step left out or a building step sent as it is (None when narrowed or when the step builds nothing).
    `trusts_outside`: narrowed because no warn-error reaches it from outside its words (OutsideWarnError)."""

    step: str
    sent: str | None
    why: str | None = None
    trusts_outside: bool = False


@dataclass(frozen=True)
class OutsideWarnError:
    """Warn-error a step gets from outside its own words: DBT_WARN_ERROR or DBT_WARN_ERROR_OPTIONS in the
    dbt Cloud environment or a job override, `flags:` in dbt_project.yml. `fails_empty_selection` when it
    makes (or may make) an empty selection fail; `why` says what showed it."""

    fails_empty_selection: bool
    why: str


NO_OUTSIDE_WARN_ERROR = OutsideWarnError(False, "no warn-error reaches the steps from outside them")
UNKNOWN_OUTSIDE_WARN_ERROR = OutsideWarnError(True, "whether warn-error reaches the steps from outside is unknown")


def _glob_literal(name):
    """`name` as an fnmatch pattern matching only itself: dbt's source method matches names with fnmatch."""
    return "".join(f"[{char}]" if char in "*?[" else char for char in name)


def changed_selection(changed_sources):
    """The changed tables as dbt selectors, and the changed tables dbt cannot select by (with why).

    `changed_sources`: ChangedSource records, or the task's {table, source} objects (validated as the
    options' changed_sources are).
    """
    selectors = set()
    unselectable = []
    for index, given in enumerate(changed_sources):
        item = given if isinstance(given, ChangedSource) else ChangedSource.parse(given, index)
        source = item.source
        if source is None:
            unselectable.append(
                f"changed table {_printable(item.table)} is listed under tables:, not as a dbt source: "
                "nothing tells dbt which nodes read it"
            )
            continue
        parts = source.split(".")
        if len(parts) != 2 or "" in parts or any(char in source for char in _UNSELECTABLE_NAME_CHARACTERS):
            unselectable.append(
                f"changed source {_printable(source)!r} cannot be written as a dbt selector "
                "(a dbt source name holds one '.' and no space, comma or line break)"
            )
            continue
        selectors.add(f"source:{_glob_literal(parts[0])}.{_glob_literal(parts[1])}+")
    return ChangedTables(tuple(sorted(selectors)), tuple(unselectable))


def _option_kind(name):
    if name in _DBT_VALUE_OPTIONS:
        return "value"
    if name in _DBT_LIST_OPTIONS:
        return "list"
    if name in _DBT_FLAG_OPTIONS:
        return "flag"
    raise CannotNarrow(f"it has the option {name}, which the procedure does not know (it knows dbt-core 1.11's)")


@dataclass
class _ReadStep:
    """A dbt step as click reads it: its words with the --select occurrences taken out (None marks where the
    first one stood), its command, and what decides how it may be narrowed."""

    words: list = field(default_factory=lambda: ["dbt"])
    command: str | None = None
    select_option: str | None = None
    members: list = field(default_factory=list)
    selector: bool = False
    warn_error: bool = False
    warn_error_options: str | None = None

    def option(self, name, values, words):
        """Record one option occurrence: `values` as click gives them, `words` as the step wrote them."""
        if name in _SELECT_OPTIONS:
            if self.select_option is None:
                self.select_option = _SELECT_OPTIONS[name]
                self.words.append(None)
            # The first value splits at spaces (dbt's MultiOption), the words after it later (parse_union):
            # every value splits there; an empty member selects nothing and is dropped.
            for member in (part for value in values for part in value.split(" ")):
                if member and member not in self.members:
                    self.members.append(member)
            return
        if name == "--selector":
            self.selector = True
        elif name == "--warn-error":
            self.warn_error = True
        elif name == "--warn-error-options":
            self.warn_error_options = values[0]  # click keeps the last one
        self.words.extend(words)


def _take_values(kind, first, words, index):
    """The option's values from `first` (None: the next word) on, and the index after them."""
    if kind == "flag":
        return [], index
    if first is None:
        if index >= len(words):
            raise CannotNarrow("an option at its end lacks its value")
        first, index = words[index], index + 1
    values = [first]
    if kind == "list":
        while index < len(words) and not words[index].startswith("-"):
            values.append(words[index])
            index += 1
    return values, index


def _read_step(words):
    """Read `dbt [options] <command> [options]` as click 8 reads it with dbt-core 1.11's options.

    Returns the _ReadStep, stopping at the command when it builds nothing; raises CannotNarrow
    where click would refuse the step or where the procedure cannot follow it.
    """
    read = _ReadStep()
    index = 1
    while index < len(words):
        word = words[index]
        index += 1
        if word == "--":
            raise CannotNarrow("it has '--', after which dbt reads no option")
        if not word.startswith("-") or word == "-":
            if read.command is not None:
                raise CannotNarrow(f"dbt {read.command} takes no argument such as {_printable(word, 60)!r}")
            read.command = word
            read.words.append(word)
            if word not in NARROWED_COMMANDS:
                return read
            continue
        start = index - 1
        if word.startswith("--"):
            name, equals, inline = word.partition("=")
            kind = _option_kind(name)
            if kind == "flag" and equals:
                raise CannotNarrow(f"its flag {name} is given a value")
            values, index = _take_values(kind, inline if equals else None, words, index)
            read.option(name, values, words[start:index])
            continue
        # A cluster of short options (`-xs model`, `-sfct_orders`): flags, then at most one option whose
        # value is the rest of the word or the next word (click's _match_short_opt).
        flags = ""
        for position, char in enumerate(word[1:], 2):
            name = f"-{char}"
            kind = _option_kind(name)
            if kind == "flag":
                flags += char
                continue
            rest = word[position:] or None
            values, index = _take_values(kind, rest, words, index)
            if name in _SELECT_OPTIONS:
                if flags:
                    read.option(f"-{flags}", [], [f"-{flags}"])
                read.option(name, values, [])
            else:
                read.option(name, values, words[start:index])
            break
        else:
            read.option(word, [], [word])
    return read


# One token of a one-line YAML flow mapping: an indicator, ': ' (YAML needs the space), a quoted scalar,
# a plain word, or `~` (null).
_FLOW_TOKEN = re.compile(
    r"""\s*(?:([{}\[\],]|:(?=\s))|('(?:[^']|'')*')|("(?:[^"\\]|\\.)*")|([A-Za-z_][A-Za-z0-9_]*|~))"""
)
# Plain words YAML 1.1 reads as something other than a string (yaml.org/type/bool, yaml.org/type/null).
_YAML_NOT_STRINGS = frozenset({"true", "false", "yes", "no", "on", "off"})


def _flow_scalar(part):
    if part.startswith("'"):
        return part[1:-1].replace("''", "'")
    if part.startswith('"'):
        return json.loads(part)  # a YAML escape JSON lacks raises ValueError: unreadable
    if part in ("null", "Null", "NULL", "~"):
        return None
    if part.lower() in _YAML_NOT_STRINGS:
        raise ValueError(part)
    return part


def _read_flow_mapping(text):
    """A --warn-error-options value as dbt's YAML reads it, for JSON and one-line flow mappings
    (`{error: all, warn: [NothingToDo]}`); None for anything else (the caller then assumes the worst)."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    parts = []
    position = 0
    while position < len(text):
        match = _FLOW_TOKEN.match(text, position)
        if match is None:
            if text[position:].strip():
                return None
            break
        parts.append(match.group(match.lastindex))
        position = match.end()
    parts.append(None)  # the end
    cursor = 0

    def expect(*allowed):
        nonlocal cursor
        part = parts[cursor]
        if part not in allowed:
            raise ValueError(part)
        cursor += 1
        return part

    def node():
        nonlocal cursor
        part = parts[cursor]
        cursor += 1
        if part in ("{", "["):
            closing = "}" if part == "{" else "]"
            items = {} if part == "{" else []
            while parts[cursor] != closing:
                if part == "{":
                    key = node()
                    expect(":")
                    items[key] = node()
                else:
                    items.append(node())
                if expect(",", closing) == closing:
                    return items
            cursor += 1
            return items
        if part in (None, "{", "}", "[", "]", ",", ":"):
            raise ValueError(part)
        return _flow_scalar(part)

    try:
        result = node()
        expect(None)
    except (ValueError, TypeError):
        return None
    return result if isinstance(result, dict) else None


def _options_fail_empty_selection(text):
    """True when dbt, given `--warn-error-options text`, fails a step whose selection is empty, or would
    refuse the options (dbt_common's WarnErrorOptionsV2.errors, dbt/config/utils.py), or when the procedure
    cannot read them."""
    options = _read_flow_mapping(text)
    if not isinstance(options, dict) or ("error" in options and "include" in options):
        return True
    if "warn" in options and "exclude" in options:
        return True
    error = options.get("error", options.get("include"))
    warn = options.get("warn", options.get("exclude"))
    silence = options.get("silence")
    error, warn, silence = ([] if item is None else item for item in (error, warn, silence))
    error_all = error in ("all", "*")
    if not (error_all or isinstance(error, list)) or not isinstance(warn, list) or not isinstance(silence, list):
        return True
    if warn and not (error_all or "Deprecations" in error or "Deprecations" in silence):
        return True  # dbt refuses `warn` then
    return any(
        (error_all or event in error) and event not in warn and event not in silence
        for event in _EMPTY_SELECTION_WARNINGS
    )


def _narrowed_words(read, selectors):
    """The step's words with its selection intersected with the union of `selectors`.

    (v1 or v2) and (s1 or s2) is written `v1,s1 v1,s2 v2,s1 v2,s2`, as ONE word: dbt splits it at the
    spaces, while a member starting with '-' written as a word of its own would be read as an option.
    """
    if read.select_option is None:
        return [*read.words, "--select", " ".join(selectors)]
    at = read.words.index(None)
    members = " ".join(f"{member},{selector}" for member in read.members for selector in selectors)
    return [*read.words[:at], read.select_option, members, *read.words[at + 1 :]]


def outside_warn_error(run_results):
    """What a run_results.json of the job shows of warn-error set outside its step.

    dbt writes the flags each command ran with into run_results.json's `args`: `warn_error` and
    `warn_error_options` as dbt resolved them from the command line, the environment and dbt_project.yml,
    and `invocation_command`. When the command states neither flag, they came from outside it, and every
    step of the job gets the same. Anything else (no args, a command that states warn-error itself, a
    value the procedure cannot read) leaves it unknown, which the caller treats as warn-error.
    """
    args = run_results.get("args") if isinstance(run_results, dict) else None
    if not isinstance(args, dict) or "warn_error" not in args or not isinstance(args.get("invocation_command"), str):
        return replace(UNKNOWN_OUTSIDE_WARN_ERROR, why="the job's latest run_results.json has no readable args")
    try:
        words = shlex.split(args["invocation_command"])
    except ValueError:
        words = ["--warn-error"]
    if any(word == "--warn-error" or word.startswith("--warn-error-options") for word in words):
        return replace(
            UNKNOWN_OUTSIDE_WARN_ERROR,
            why="the step of the job's latest run_results.json states warn-error itself, hiding what comes "
            "from outside",
        )
    warn_error, options = args["warn_error"], args.get("warn_error_options")
    if warn_error not in (None, False, True):
        return replace(
            UNKNOWN_OUTSIDE_WARN_ERROR, why=f"the job's latest run had warn_error {_printable(warn_error)!r}"
        )
    if warn_error is True or (options is not None and _options_fail_empty_selection(json.dumps(options))):
        return OutsideWarnError(
            True,
            "the job's latest run (run_results.json) turned warnings into errors without a flag in its step: "
            "DBT_WARN_ERROR, DBT_WARN_ERROR_OPTIONS or dbt_project.yml flags",
        )
    return OutsideWarnError(False, "the job's latest run (run_results.json) had no warn-error from outside its step")


def narrow_step(step, changed, outside=UNKNOWN_OUTSIDE_WARN_ERROR):
    """What the trigger sends for one job step, given the changed tables (a ChangedTables).

    A step that builds (build, run, test, snapshot) gets its selection intersected with the changed sources'
    downstream; a seed step is left out; any other step is sent as it is. A building step is also sent as it
    is wherever dbt could not run it narrowed exactly: a YAML --selector (dbt ignores --select next to it),
    warn-error in the step or, for a step that states none, from outside it (`outside`, an OutsideWarnError:
    a narrowed step may select nothing, which warn-error makes fail), a changed table dbt cannot select by,
    or a step the procedure cannot read as dbt does.
    """
    try:
        words = shlex.split(step)
    except ValueError as exc:
        return StepPlan(step, step, f"sent as it is: it cannot be split into words ({exc})")
    if len(words) < 2 or words[0] != "dbt":
        return StepPlan(step, step)
    try:
        read = _read_step(words)
    except CannotNarrow as exc:
        return StepPlan(step, step, f"sent as it is: {exc}")
    if read.command == SEED_COMMAND:
        return StepPlan(step, None, "left out: a seed has no parents, so no seed is downstream of a changed table")
    if read.command not in NARROWED_COMMANDS:
        return StepPlan(step, step)
    reason = None
    if changed.unselectable:
        reason = "a changed table is not one dbt can select by (see above)"
    elif not changed.selectors:
        reason = "no changed dbt source was named"
    elif read.selector:
        reason = "dbt does not combine a YAML --selector with --select (it ignores --select)"
    elif read.warn_error:
        reason = "under --warn-error a narrowed step that selects nothing would fail"
    elif read.warn_error_options is not None and _options_fail_empty_selection(read.warn_error_options):
        reason = "its --warn-error-options may make a narrowed step that selects nothing fail"
    elif read.select_option is not None and not read.members:
        reason = "its --select selects nothing"
    elif read.warn_error_options is None and outside.fails_empty_selection:
        reason = "warn-error may reach it from outside (see above), and a narrowed step that selects nothing would fail"
    if reason is not None:
        return StepPlan(step, step, f"sent as it is: {reason}")
    # A step's own --warn-error-options override those from outside (a command-line option wins, and dbt
    # refuses them next to an outside DBT_WARN_ERROR); without them, what comes from outside decides.
    trusts_outside = read.warn_error_options is None
    return StepPlan(step, shlex.join(_narrowed_words(read, changed.selectors)), trusts_outside=trusts_outside)


def narrow_steps(execute_steps, changed_sources, outside=UNKNOWN_OUTSIDE_WARN_ERROR):
    """One StepPlan per step of the job, for the changed tables the task named."""
    changed = changed_selection(changed_sources)
    return [narrow_step(step, changed, outside) for step in execute_steps]


# --------------------------------------------------------------------------- #
# Time helpers
# --------------------------------------------------------------------------- #


def parse_timestamp(value, field="timestamp"):
    """Parse an API timestamp to an aware UTC datetime.

    Accepts '2023-05-29 21:01:26.830544+00:00', no fraction, 1-9 fraction
    digits, 'T' or space, 'Z', '+00:00' or '+0000'; a naive value is UTC.
    """
    if not isinstance(value, str) or value.strip() == "":
        raise HandlerError(f"API response field {field} is not a timestamp: {value!r}")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    text = _FRACTION.sub(r"\1", text)
    text = _COMPACT_OFFSET.sub(r"\1:\2", text) if re.search(r"[T ]\d{2}:\d{2}", text) else text
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise HandlerError(f"API response field {field} is not a timestamp: {value!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _fmt_minutes(minutes):
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def window_check(local_now, min_start, max_start):
    """Inclusive at minute resolution: max 20:00 admits 20:00:00-20:00:59."""
    now_minute = local_now.hour * 60 + local_now.minute
    if min_start is not None and max_start is not None:
        if min_start <= max_start:
            passed = min_start <= now_minute <= max_start
            shape = "same-day window"
        else:
            passed = now_minute >= min_start or now_minute <= max_start
            shape = "window crossing midnight"
        span = f"{_fmt_minutes(min_start)}-{_fmt_minutes(max_start)} ({shape})"
    elif min_start is not None:
        passed = now_minute >= min_start
        span = f"from {_fmt_minutes(min_start)}"
    else:
        passed = now_minute <= max_start
        span = f"until {_fmt_minutes(max_start)}"
    detail = f"local time {local_now:%H:%M} {'inside' if passed else 'outside'} {span}"
    return passed, detail


DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


# --------------------------------------------------------------------------- #
# dbt Cloud API client
# --------------------------------------------------------------------------- #


def _retry_after_seconds(header, now_utc):
    """Retry-After as seconds (delta-seconds or HTTP-date, RFC 9110 10.2.3), or None."""
    if header is None:
        return None
    text = str(header).strip()
    if text == "":
        return None
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now_utc).total_seconds())


def _root_cause(exc):
    """The innermost exception requests/urllib3 wrapped (e.g. ConnectionResetError)."""
    seen = 0
    while seen < 5:
        seen += 1
        inner = getattr(exc, "reason", None)
        if not isinstance(inner, BaseException):
            inner = next((arg for arg in reversed(exc.args) if isinstance(arg, BaseException)), None)
        if inner is None:
            return exc
        exc = inner
    return exc


def _never_sent(exc):
    """True when the request certainly never reached the server (refused, DNS, connect timeout)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(exc, requests.exceptions.ConnectionError):
        reason = exc.args[0] if exc.args else None
        reason = getattr(reason, "reason", reason)  # urllib3's MaxRetryError carries the cause
        return type(reason).__name__ in ("NewConnectionError", "NameResolutionError", "ConnectTimeoutError")
    return False


def _error_message(response):
    """A short, safe description of an API error body."""
    try:
        body = response.json()
    except ValueError:
        return ""
    status = body.get("status") if isinstance(body, dict) else None
    if isinstance(status, dict):
        for key in ("user_message", "developer_message"):
            message = status.get(key)
            if isinstance(message, str) and message.strip():
                return ": " + message.strip()[:300]
    return ""


def _printable(text, limit=200):
    return "".join(ch if ch.isprintable() else "?" for ch in str(text))[:limit]


class RequestLimitReached(HandlerError):
    """The invocation already sent RetryPolicy.max_requests requests."""


class RateLimited(HandlerError):
    """dbt Cloud answered 429: the account's request limit is spent for now (docs.getdbt.com/docs/dbt-apis/rate-limits).

    The limit is counted per account over a minute: no wait within the invocation's budget is known to
    help, and every further request adds to the count. The invocation ends; the next wake tries again.
    """


@dataclass
class SingleRequestResult:
    """What one HTTP request told us.  `problem` is None when `payload` is a JSON object.

    unprocessed: the server certainly did not act on the request (it was never sent).
    """

    what: str
    problem: str | None = None
    payload: dict | None = None
    code: int | None = None
    retry_after: float | None = None
    unprocessed: bool = False

    @property
    def accepted(self):
        return self.code is not None and 200 <= self.code < 300


@dataclass
class DbtCloudClient:
    """Minimal dbt Cloud API v2 client: one request per `send_once`, one policy, one budget."""

    base_url: str
    token: str = field(repr=False)
    account_id: int
    http: HttpSession
    sleep: Sleep
    monotonic: MonotonicClock
    wall_clock: WallClock
    log: LogLine
    policy: RetryPolicy = DEFAULT_POLICY
    calls: int = 0
    rate_limited: str | None = None  # the 429 that ended the invocation's requests
    deadline: float = field(init=False)

    def __post_init__(self):
        self.deadline = self.monotonic() + float(self.policy.budget_seconds)

    def _headers(self, with_body):
        headers = {
            "Authorization": f"{AUTH_SCHEME} {self.token}",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        if with_body:
            headers["Content-Type"] = "application/json"
        return headers

    def seconds_left(self):
        return self.deadline - self.monotonic()

    def sleep_within_budget(self, seconds, what):
        """Sleep `seconds`, or fail at once when that would overrun the time budget."""
        remaining = self.seconds_left()
        if seconds >= remaining:
            raise HandlerError(
                f"{what}: giving up, waiting {seconds:.1f}s would exceed the remaining time "
                f"budget ({max(0.0, remaining):.1f}s of {self.policy.budget_seconds:.0f}s)"
            )
        if seconds > 0:
            self.sleep(seconds)

    def send_once(self, method, path, *, params=None, body=None):
        """Send ONE request and classify the answer; raise HandlerError for a final refusal.

        Returns a SingleRequestResult for a 2xx, a 5xx and a transport failure (the caller decides
        whether to retry).  Raises RateLimited for a 429, and for any request after one; raises
        for 3xx (the access URL moved), 401/403, 404 and other 4xx.
        """
        what = f"{method} {path}"
        if self.rate_limited is not None:
            raise RateLimited(f"{what}: not sent, dbt Cloud's rate limit was hit ({self.rate_limited})")
        if self.calls >= self.policy.max_requests:
            raise RequestLimitReached(
                f"{what}: not sent, the invocation already made {self.calls} requests "
                f"(the limit per invocation is {self.policy.max_requests})"
            )
        remaining = self.seconds_left()
        if remaining <= 0:
            raise HandlerError(f"{what}: time budget of {self.policy.budget_seconds:.0f}s exhausted")
        self.calls += 1
        attempt = f"request {self.calls}"
        timeout = (min(self.policy.connect_timeout, remaining), min(self.policy.read_timeout, remaining))
        started = self.monotonic()
        try:
            response = self.http.request(
                method,
                f"{self.base_url}{path}",
                params=params,
                data=None if body is None else json.dumps(body),
                headers=self._headers(body is not None),
                timeout=timeout,
                allow_redirects=False,
            )
        except requests.exceptions.RequestException as exc:
            kind = "timed out" if isinstance(exc, requests.exceptions.Timeout) else "connection failed"
            never_sent = _never_sent(exc)
            detail = "never reached the server" if never_sent else "it may have reached the server"
            cause = type(_root_cause(exc)).__name__
            problem = f"{what}: {attempt} {kind} ({type(exc).__name__}: {cause}; {detail})"
            return SingleRequestResult(what, problem, unprocessed=never_sent)
        code = response.status_code
        elapsed_ms = (self.monotonic() - started) * 1000
        if 200 <= code < 300:
            self.log(f"{what} -> HTTP {code} ({elapsed_ms:.0f} ms, {attempt})")
            try:
                payload = response.json()
            except ValueError:
                return SingleRequestResult(what, f"{what}: HTTP {code} but the body is not valid JSON", code=code)
            if not isinstance(payload, dict):
                return SingleRequestResult(what, f"{what}: HTTP {code} but the body is not a JSON object", code=code)
            return SingleRequestResult(what, payload=payload, code=code)
        if code == 429:
            self.rate_limited = f"{what}: {attempt} got HTTP 429{_error_message(response)}"
            self.log(f"{self.rate_limited} ({elapsed_ms:.0f} ms)")
            raise RateLimited(self.rate_limited)
        if code >= 500:
            retry_after = _retry_after_seconds(response.headers.get("Retry-After"), self.wall_clock())
            problem = f"{what}: {attempt} got HTTP {code}{_error_message(response)}"
            return SingleRequestResult(what, problem, code=code, retry_after=retry_after)
        if 300 <= code < 400:
            location = _printable(response.headers.get("Location") or "(no Location header)")
            raise HandlerError(
                f"{what}: HTTP {code} redirect to {location} - dbt Cloud answers at another address; "
                f"set the access_url setting (now {self.base_url}) to the account's access URL "
                "and allow its host in the network rule"
            )
        if code in (401, 403):
            raise HandlerError(
                f"{what}: HTTP {code} - the API token was refused; check the secret's token, "
                f"its permissions on account {self.account_id}, and the access URL{_error_message(response)}"
            )
        if code == 404:
            raise HandlerError(
                f"{what}: HTTP 404 - not found; check account_id, job id and the access URL{_error_message(response)}"
            )
        raise HandlerError(f"{what}: HTTP {code}{_error_message(response)}")

    def pause_before_retry(self, attempt, answer):
        seconds, why = self.policy.wait_before_retry(attempt, answer.retry_after)
        self.log(f"{answer.problem}; retrying in {seconds:.1f}s ({why})")
        self.sleep_within_budget(seconds, answer.problem)

    def get_json(self, path, *, params=None):
        """A read (GET): retried on 5xx and transport failures per the policy; the JSON object."""
        method = "GET"
        for attempt in range(1, self.policy.max_attempts + 1):
            answer = self.send_once(method, path, params=params)
            if answer.problem is None:
                return answer.payload
            if answer.accepted:  # a 2xx without a JSON object is not retried
                raise HandlerError(answer.problem)
            if attempt == self.policy.max_attempts:
                raise HandlerError(f"{answer.problem}; giving up after {attempt} attempts")
            self.pause_before_retry(attempt, answer)
        raise HandlerError(f"{method} {path}: no attempt made")  # pragma: no cover

    def runs_path(self):
        return f"/api/v2/accounts/{self.account_id}/runs/"

    @staticmethod
    def runs_params(job_definition_id, *, order_by, limit, status=None, with_trigger=False):
        params = [("job_definition_id", str(job_definition_id))]
        if status is not None:
            params.append(("status", str(status)))
        if with_trigger:
            params.append(("include_related", INCLUDE_TRIGGER))
        return [*params, ("order_by", order_by), ("limit", str(limit))]

    def list_runs(self, job_definition_id, *, order_by, limit, status=None, with_trigger=False):
        params = self.runs_params(
            job_definition_id, order_by=order_by, limit=limit, status=status, with_trigger=with_trigger
        )
        return runs_in_list(self.get_json(self.runs_path(), params=params))

    def send_trigger(self, job_id, cause, steps_override=None):
        """ONE trigger POST (never retried here: see _trigger_at_most_once_per_run); `steps_override` for a
        selective build."""
        body = {"cause": cause}
        if steps_override is not None:
            body["steps_override"] = steps_override
        return self.send_once("POST", f"/api/v2/accounts/{self.account_id}/jobs/{job_id}/run/", body=body)

    def job_steps(self, job_id):
        """The job definition's `execute_steps` (Retrieve Job), as a list of strings: a read, per the policy."""
        payload = self.get_json(f"/api/v2/accounts/{self.account_id}/jobs/{job_id}/")
        job = payload.get("data")
        steps = job.get("execute_steps") if isinstance(job, dict) else None
        if not isinstance(steps, list) or not all(isinstance(step, str) for step in steps):
            raise HandlerError("retrieve job: response has no 'execute_steps' list of strings")
        return steps

    def job_artifact(self, job_id, path):
        """The job's latest artifact `path` (Retrieve Job Artifact), a JSON object: a read, per the policy."""
        return self.get_json(f"/api/v2/accounts/{self.account_id}/jobs/{job_id}/artifacts/{path}")


def runs_in_list(payload):
    """The runs of a List Runs answer, each checked to carry an integer id and status."""
    data = payload.get("data")
    if not isinstance(data, list):
        raise HandlerError("list runs: response has no 'data' array")
    for run in data:
        _require_run_fields(run, "list runs", ("id", "status"))
    return data


def _require_run_fields(run, what, fields):
    if not isinstance(run, dict):
        raise HandlerError(f"{what}: a run in the response is not an object")
    for name in fields:
        value = run.get(name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise HandlerError(f"{what}: a run in the response lacks an integer '{name}'")


def _status_name(code):
    status = RunStatus.from_code(code)
    return f"unknown status {code}" if status is None else status.value


def run_outcome(run, log):
    """How a run stands, for the log table: status name, finish time (ISO, UTC), seconds it ran.

    A finished run's duration counts from `started_at` (or `created_at` if it never
    started) to `finished_at`; an unreadable timestamp leaves the field empty.
    """
    outcome = {
        "run_id": run["id"],
        "status": _status_name(run["status"]),
        "finished_at": None,
        "duration_seconds": None,
    }
    if not _is_terminal_code(run["status"]) or _is_blank(run.get("finished_at")):
        return outcome
    try:
        finished = parse_timestamp(run["finished_at"], f"run {run['id']} finished_at")
        outcome["finished_at"] = finished.isoformat()
        start_field = "started_at" if not _is_blank(run.get("started_at")) else "created_at"
        started = parse_timestamp(run.get(start_field), f"run {run['id']} {start_field}")
        outcome["duration_seconds"] = max(0, round((finished - started).total_seconds()))
    except HandlerError as exc:
        log(f"outcome of run {run['id']}: {exc}")
    return outcome


def known_outcomes(runs, known_run_ids, log):
    """The outcomes of the listed runs the caller asked about (its log table's unfinished runs)."""
    wanted = set(known_run_ids)
    return [run_outcome(run, log) for run in runs if run["id"] in wanted]


# --------------------------------------------------------------------------- #
# The procedure logic
# --------------------------------------------------------------------------- #


class InvocationReport:
    """What one invocation has found so far (checks, log lines, runs, steps_override), the token scrubbed
    from all of it; `result` is the procedure's returned object."""

    def __init__(self, token):
        self._token = token or ""
        self.checks = []
        self.logs = []
        self.runs = []
        self.steps_override = None

    def scrub(self, text):
        text = str(text)
        if self._token:
            text = text.replace(self._token, "***")
        return text

    def log(self, line):
        line = self.scrub(line)
        self.logs.append(line)
        LOGGER.info(line)

    def check(self, name, passed, detail):
        detail = self.scrub(detail)
        self.checks.append({"name": name, "passed": bool(passed), "detail": detail})
        self.log(f"check {name}: {'passed' if passed else 'FAILED'} - {detail}")
        return passed

    def result(self, status, run_id=None, run_url=None):
        return _scrub_tree(
            {
                "status": InvocationStatus(status).value,
                "run_id": run_id,
                "run_url": run_url,
                "checks": self.checks,
                "logs": self.logs,
                "runs": self.runs,
                "steps_override": self.steps_override,
            },
            self.scrub,
        )


def _scrub_tree(value, scrub):
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {key: _scrub_tree(item, scrub) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub_tree(item, scrub) for item in value]
    return value


def _utc_now():
    return datetime.now(UTC)


def run_job(
    base_url,
    token,
    args,
    *,
    clock: WallClock | None = None,
    http: HttpSession | None = None,
    sleep: Sleep | None = None,
    monotonic: MonotonicClock | None = None,
    session: SqlSession | None = None,
    policy: RetryPolicy = DEFAULT_POLICY,
):
    """Run the invocation (mode 'trigger', 'ping' or 'refresh'); return the result dict. Never raises.

    clock() -> aware datetime (now); sleep(seconds); monotonic() -> seconds;
    http: a requests.Session-like object; session: the Snowpark session (time zones
    Python has no data for are converted through it); policy: the RetryPolicy.
    All default to the real thing.
    """
    report = InvocationReport(token if isinstance(token, str) else "")
    session_owned = False
    mode = None
    try:
        clock = clock or _utc_now
        sleep = sleep or time.sleep
        monotonic = monotonic or time.monotonic
        if not isinstance(token, str) or token.strip() == "":
            raise HandlerError(f"the secret '{SECRET_ALIAS}' holds no API token")
        token = token.strip()
        report = InvocationReport(token)
        args = args or {}
        options = Options.parse(args.get("options"))
        mode = options.mode
        base = normalize_base_url(base_url)
        if options.mode == Mode.PING:
            account_id = coerce_int(args.get("account_id"), "account_id", required=True, minimum=1)
        else:
            job = JobArguments.parse(args, session)
            account_id = job.account_id
        if http is None:
            http = requests.Session()
            session_owned = True
        client = DbtCloudClient(
            base, token, account_id, http, sleep, monotonic, wall_clock=clock, log=report.log, policy=policy
        )
        if options.mode == Mode.PING:
            return _ping(report, client)
        if options.mode == Mode.REFRESH:
            return _refresh_outcomes(report, client, job, options)
        return _evaluate_and_trigger(report, client, base, job, _utc(clock()), options)
    except RateLimited as exc:
        if mode != Mode.TRIGGER:
            report.log(f"ERROR: {exc}")
            return report.result(InvocationStatus.ERROR)
        # Nothing was triggered (a 429 is refused before it is processed), or a run whose answer was lost
        # carries the change key, which the next wake adopts; the task rolls back, so no change is lost.
        report.log(
            f"SKIPPED: rate limited by dbt Cloud ({exc}); no further request in this invocation; "
            "nothing consumed, the next wake tries again"
        )
        return report.result(InvocationStatus.SKIPPED)
    except HandlerError as exc:
        report.log(f"ERROR: {exc}")
        return report.result(InvocationStatus.ERROR)
    except Exception as exc:  # never raise out of the procedure
        report.log(f"ERROR: unexpected {type(exc).__name__}: {exc}")
        return report.result(InvocationStatus.ERROR)
    finally:
        if session_owned:
            try:
                http.close()
            except Exception:  # noqa: S110 - closing is best effort
                pass


def _utc(moment):
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _ping(report, client):
    """One read-only GET of the account: proves host, network rule and token; triggers nothing."""
    address = urlsplit(client.base_url)
    host, port = address.hostname, address.port or (443 if address.scheme == "https" else 80)
    try:
        answer = client.send_once("GET", f"/api/v2/accounts/{client.account_id}/")
        if answer.problem is not None:
            if answer.code is None and answer.unprocessed:
                raise HandlerError(
                    f"{answer.problem}: cannot connect to {host}:{port}; check that the network rule of the "
                    f"procedure's external access integration allows {host}:{port} and that access_url is right"
                )
            if answer.code is None:
                raise HandlerError(f"{answer.problem}: {host} did not answer in time")
            later = f" (Retry-After {answer.retry_after:.0f}s)" if answer.retry_after is not None else ""
            raise HandlerError(f"{answer.problem}: dbt Cloud is reachable but did not serve the account{later}")
        account = answer.payload.get("data")
        if not isinstance(account, dict):
            raise HandlerError(f"{answer.what}: HTTP {answer.code} but the response has no 'data' account object")
        if account.get("locked") is True:
            reason = _printable(account.get("lock_reason") or account.get("lock_cause") or "no reason given")
            raise HandlerError(f"account {client.account_id} is locked in dbt Cloud ({reason}): jobs cannot run")
    except HandlerError as exc:
        report.check("dbt_cloud_account", False, str(exc))
        report.log(f"ERROR: {exc}")
        return report.result(InvocationStatus.ERROR)
    name = account.get("name")
    named = f" ({_printable(name, 80)})" if isinstance(name, str) and name.strip() else ""
    report.check(
        "dbt_cloud_account",
        True,
        f"{host} answered HTTP {answer.code} for account {client.account_id}{named}: "
        "host, network rule and token work; nothing was triggered",
    )
    return report.result(InvocationStatus.OK)


def _refresh_outcomes(report, client, job, options):
    """Read-only: how the known runs ended, from one list of the job's newest runs (none if none known)."""
    wanted = options.known_run_ids
    if not wanted:
        report.log("refresh: no unfinished run to ask about; no API call made")
        return report.result(InvocationStatus.OK)
    runs = client.list_runs(job.job_id, order_by="-created_at", limit=RECENT_OUTCOMES_LIMIT)
    report.runs = known_outcomes(runs, wanted, report.log)
    found = {outcome["run_id"] for outcome in report.runs}
    missing = [run_id for run_id in wanted if run_id not in found]
    report.log(f"refresh: {len(found)} of {len(wanted)} run(s) found among the job's newest {len(runs)}")
    if missing:
        report.log(f"refresh: not among them (left as they are): {', '.join(str(run_id) for run_id in missing)}")
    return report.result(InvocationStatus.OK)


def _selected_steps(report, client, job_id, changed_sources):
    """steps_override for a selective build, or None (with the reason logged) to run the whole job."""
    if not changed_sources:
        report.log("select_changed: the task named no changed table; running the whole job")
        return None
    changed = changed_selection(changed_sources)
    for reason in changed.unselectable:
        report.log(f"select_changed: {reason}")
    steps = client.job_steps(job_id)
    plans = [narrow_step(step, changed, NO_OUTSIDE_WARN_ERROR) for step in steps]
    if any(plan.trusts_outside for plan in plans):
        outside = _outside_warn_error(report, client, job_id)
        if outside.fails_empty_selection:
            plans = [narrow_step(step, changed, outside) for step in steps]
    for number, plan in enumerate(plans, 1):
        if plan.why is not None:
            report.log(f"select_changed: step {number} '{_printable(plan.step, 160)}' {plan.why}")
    sent = [plan.sent for plan in plans if plan.sent is not None]
    if not sent:
        # A skipped invocation would keep the changes in the streams and the task would wake for them
        # again and again; dbt Cloud documents no meaning for an empty steps_override.
        report.log("select_changed: no step is left to send; running the whole job")
        return None
    if sent == steps:
        report.log("select_changed: no step is narrowed; running the whole job")
        return None
    report.log(f"select_changed: steps_override {json.dumps(sent)}")
    return sent


def _outside_warn_error(report, client, job_id):
    """What the job's latest run_results.json shows of warn-error from outside the steps (one more read)."""
    try:
        run_results = client.job_artifact(job_id, RUN_RESULTS_ARTIFACT)
    except (RequestLimitReached, RateLimited):
        raise
    except HandlerError as exc:
        outside = replace(UNKNOWN_OUTSIDE_WARN_ERROR, why=f"the job's latest run_results.json cannot be read ({exc})")
    else:
        outside = outside_warn_error(run_results)
    report.log(f"select_changed: {outside.why}")
    return outside


def _evaluate_and_trigger(report, client, base, job, now_utc, options):
    zone = job.zone
    change_key = options.change_key
    cause = cause_with_key(job.cause, change_key)
    if not cause.startswith(job.cause):
        report.log(f"cause truncated to fit {CAUSE_MAX_LENGTH} characters")
    local_now = zone.to_local(now_utc)
    report.log(
        f"job {job.job_id} on account {job.account_id}: now {local_now:%Y-%m-%d %H:%M:%S} "
        f"{zone.name} ({DAY_NAMES[local_now.weekday()]})"
        + (f", local time from {zone.source}" if isinstance(zone, SnowflakeZone) else "")
    )
    # 1. Cheap checks first: they cost no API call.
    cheap_ok = True
    if job.min_start_minute is not None or job.max_start_minute is not None:
        passed, detail = window_check(local_now, job.min_start_minute, job.max_start_minute)
        cheap_ok &= report.check("time_window", passed, detail)
    if job.days_of_week is not None:
        weekday = local_now.weekday()
        allowed = ", ".join(DAY_NAMES[d] for d in sorted(job.days_of_week))
        passed = weekday in job.days_of_week
        detail = f"local day {DAY_NAMES[weekday]} ({weekday}) {'is' if passed else 'is not'} in [{allowed}]"
        cheap_ok &= report.check("days_of_week", passed, detail)
    if not cheap_ok:
        report.log("SKIPPED: a schedule check failed; no API call made")
        return report.result(InvocationStatus.SKIPPED)

    # 2. One list call: the job's newest runs -> in-progress check + min elapsed.
    job_id = job.job_id
    with_trigger = change_key is not None
    runs = client.list_runs(job_id, order_by="-created_at", limit=RECENT_RUNS_LIMIT, with_trigger=with_trigger)
    known_ids = {run["id"] for run in runs}
    # Free: the outcomes of the runs the log table still has as unfinished, from this same list.
    report.runs = known_outcomes(runs, options.known_run_ids, report.log)
    # Before any check that a run of its own would fail (in progress, min elapsed): a run already triggered for
    # these same changes is the one they get, whatever it is doing.
    adopted = run_for_changes(runs, change_key) if change_key is not None else None
    if adopted is not None:
        run_id, run_url = _run_identity(report, base, job, adopted)
        if run_id not in {outcome["run_id"] for outcome in report.runs}:
            report.runs.append(run_outcome(adopted, report.log))
        report.log(
            f"ADOPTED run {run_id} ({_status_name(adopted['status'])}, created_at {adopted.get('created_at')}): its "
            f"cause carries these changes' key {change_key}, so an earlier invocation triggered it and did not "
            "commit; not triggering again" + (f": {run_url}" if run_url else "")
        )
        return report.result(InvocationStatus.ADOPTED, run_id, run_url)
    own_ok = _check_own_runs(report, runs, job, now_utc)
    if not own_ok:
        report.log("SKIPPED: the job's own run history blocks a new run")
        return report.result(InvocationStatus.SKIPPED)

    # 3. Upstream job: a successful run that finished today (local time).
    if job.upstream_job_id is not None:
        upstream_ok = _check_upstream(report, client, job, local_now)
        if not upstream_ok:
            report.log("SKIPPED: upstream job has no successful run today")
            return report.result(InvocationStatus.SKIPPED)

    # 4. Selective build (one more call: the job's steps), then trigger.
    steps = _selected_steps(report, client, job_id, options.changed_sources) if options.select_changed else None
    report.steps_override = steps
    run = _trigger_at_most_once_per_run(report, client, job, cause, known_ids, steps)
    run_id, run_url = _run_identity(report, base, job, run)
    if isinstance(run.get("status"), int) and not isinstance(run.get("status"), bool):
        report.runs.append(run_outcome(run, report.log))
    report.log(f"TRIGGERED run {run_id}" + (f": {run_url}" if run_url else ""))
    return report.result(InvocationStatus.TRIGGERED, run_id, run_url)


def change_mark(change_key):
    """What the trigger's cause carries for the changes it was sent for."""
    return f"[changes {change_key}]"


def cause_with_key(cause, change_key):
    """The cause sent with the trigger: `cause`, then the change mark, within CAUSE_MAX_LENGTH.

    A long cause is cut, never the mark: the next invocation looks for it at the end.
    """
    if change_key is None:
        return cause[:CAUSE_MAX_LENGTH]
    mark = change_mark(change_key)
    return f"{cause[: CAUSE_MAX_LENGTH - len(mark) - 1]} {mark}"


def run_for_changes(runs, change_key):
    """The newest listed run whose trigger cause carries `change_key`'s mark, or None."""
    mark = change_mark(change_key)
    for run in runs:
        trigger = run.get("trigger")
        cause = trigger.get("cause") if isinstance(trigger, dict) else None
        if isinstance(cause, str) and cause.endswith(mark):
            return run
    return None


def _check_own_runs(report, runs, job, now_utc):
    active = [run for run in runs if not _is_terminal_code(run["status"]) or run.get("in_progress") is True]
    if active:
        newest = active[0]
        detail = f"run {newest['id']} is {_status_name(newest['status'])}"
        if len(active) > 1:
            detail += f" (and {len(active) - 1} more not finished)"
        ok = report.check("no_run_in_progress", False, detail + "; not triggering again")
    else:
        ok = report.check(
            "no_run_in_progress", True, f"none of the job's {len(runs)} newest runs is queued, starting or running"
        )
    minimum = job.min_elapsed_seconds
    if minimum is not None:
        if not runs:
            ok &= report.check("min_elapsed_seconds", True, "the job has never run")
        else:
            created = [(parse_timestamp(run.get("created_at"), f"run {run['id']} created_at"), run) for run in runs]
            newest_at, newest = max(created, key=lambda pair: pair[0])
            elapsed = (now_utc - newest_at).total_seconds()
            passed = elapsed >= minimum
            detail = (
                f"newest run {newest['id']} created {newest_at:%Y-%m-%d %H:%M:%S} UTC, "
                f"{elapsed:.0f}s ago ({'>=' if passed else '<'} {minimum}s)"
            )
            ok &= report.check("min_elapsed_seconds", passed, detail)
    return ok


def _check_upstream(report, client, job, local_now):
    upstream = job.upstream_job_id
    runs = client.list_runs(upstream, status=RunStatus.SUCCESS.code, order_by="-finished_at", limit=1)
    finished = []
    for run in runs:
        if run["status"] != RunStatus.SUCCESS.code or run.get("finished_at") in (None, ""):
            continue
        finished.append((parse_timestamp(run["finished_at"], f"run {run['id']} finished_at"), run))
    if not finished:
        return report.check("upstream_success_today", False, f"upstream job {upstream} has no successful run")
    finished_at, run = max(finished, key=lambda pair: pair[0])
    local_finished = job.zone.to_local(finished_at)
    passed = local_finished.date() == local_now.date()
    detail = (
        f"upstream job {upstream}: newest successful run {run['id']} finished "
        f"{local_finished:%Y-%m-%d %H:%M:%S} {job.zone.name}; today is {local_now:%Y-%m-%d}"
    )
    return report.check("upstream_success_today", passed, detail)


def _trigger_at_most_once_per_run(report, client, job, cause, known_ids, steps_override=None):
    """POST the trigger at most RetryPolicy.max_attempts times, never blindly twice.

    A POST is sent again only when the previous one provably created no run: it never
    reached the server (retried after the backoff), or its outcome was unknown (timeout
    or reset after sending, 5xx) and `_look_for_run_after_unknown_outcome` then saw no new run for the whole settle
    window.  A 429 ends the invocation (RateLimited).  A 2xx without a readable run is never re-sent.  Every
    POST carries the same body (the same `steps_override` for a selective build).
    """
    job_id = job.job_id
    policy = client.policy
    for post in range(1, policy.max_attempts + 1):
        sent_at = client.wall_clock()
        answer = client.send_trigger(job_id, cause, steps_override)
        if answer.problem is None:
            run = answer.payload.get("data")
            if _is_run(run):
                return run
            answer = replace(
                answer, problem=f"{answer.what}: HTTP {answer.code} but the response has no run with an integer 'id'"
            )
        if answer.unprocessed:
            if post == policy.max_attempts:
                raise HandlerError(f"{answer.problem}; giving up after {post} trigger requests; no run was created")
            client.pause_before_retry(post, answer)
            continue
        answered = client.monotonic()
        report.log(f"{answer.problem}: a run may have been created - looking before any retry")
        run = _look_for_run_after_unknown_outcome(report, client, job_id, known_ids, answer, sent_at, answered)
        if run is not None:
            return run
        if post == policy.max_attempts:
            raise HandlerError(f"{answer.problem}; no run was created; giving up after {post} trigger requests")
        seconds, why = policy.wait_before_retry(post, answer.retry_after)
        left = max(0.0, seconds - (client.monotonic() - answered))  # the settle window counts towards it
        report.log(
            f"no run was created; sending the trigger again in {left:.1f}s ({why} {seconds:.1f}s from the answer)"
        )
        client.sleep_within_budget(left, answer.problem)
    raise HandlerError("trigger: no attempt made")  # pragma: no cover


def _is_run(run):
    return isinstance(run, dict) and isinstance(run.get("id"), int) and not isinstance(run.get("id"), bool)


def _look_for_run_after_unknown_outcome(report, client, job_id, known_ids, answer, sent_at, answered):
    """After a trigger with an unknown outcome: the new run, None when proven absent; else raise.

    Re-lists the job's newest runs (by created_at) at the policy's settle offsets from the
    answer, never before the answer's Retry-After.  Any run not listed before the trigger
    is adopted (ids, not timestamps: Snowflake's and dbt Cloud's clocks may differ).  No run
    is proven only by a successful list at the last offset and only when the server did not
    accept the request (for a 2xx, absence proves nothing).
    """
    policy = client.policy
    window = policy.settle_seconds[-1]
    not_before = answered + (answer.retry_after or 0.0)
    evidence = []
    proven_at = None
    reason = "the settle window ended"
    path = client.runs_path()
    params = client.runs_params(job_id, order_by="-created_at", limit=RECENT_RUNS_LIMIT)
    last_due = None
    for offset in policy.settle_seconds:
        due = max(answered + offset, not_before)
        if last_due is not None and due <= last_due:
            continue  # a Retry-After moved this look onto the previous one
        last_due = due
        wait = max(0.0, due - client.monotonic())
        if wait >= client.seconds_left():
            reason = (
                f"the time budget ({max(0.0, client.seconds_left()):.1f}s left) does not allow waiting "
                f"until {due - answered:.0f}s after the answer"
            )
            break
        if wait > 0:
            client.sleep(wait)
        elapsed = client.monotonic() - answered
        try:
            listed = client.send_once("GET", path, params=params)
            runs = runs_in_list(listed.payload) if listed.problem is None else None
        except RateLimited:
            report.log(
                f"a run may have been created: {answer.problem}; the re-list was rate limited: the next wake "
                "adopts it by its change key, or sees it in progress"
            )
            raise
        except HandlerError as exc:
            reason = str(exc)
            break
        if runs is None:
            evidence.append(f"+{elapsed:.0f}s: {listed.problem}")
            if listed.retry_after is not None:
                not_before = client.monotonic() + listed.retry_after
            continue
        new_runs = [run for run in runs if run["id"] not in known_ids]
        if new_runs:
            run = max(new_runs, key=lambda item: item["id"])
            created = run.get("created_at")
            report.log(
                f"run {run['id']} (created_at {created}) was not among the job's runs before the trigger "
                f"(sent {sent_at:%Y-%m-%d %H:%M:%S} UTC): adopting it, not triggering again"
            )
            return run
        evidence.append(f"+{elapsed:.0f}s: no new run among the {len(runs)} newest")
        if elapsed >= window:
            proven_at = elapsed
    if proven_at is not None and not answer.accepted:
        report.log(f"no new run {proven_at:.0f}s after the answer ({'; '.join(evidence)}): the trigger created no run")
        return None
    if answer.accepted:
        reason = f"dbt Cloud accepted the request (HTTP {answer.code}) but no new run is visible"
    raise HandlerError(
        f"a run may have been created: {answer.problem} (sent {sent_at:%Y-%m-%d %H:%M:%S} UTC); "
        f"re-listed the job's runs: {'; '.join(evidence) or 'no list answered'}; {reason}. "
        f"Not sending the trigger again: check job {job_id}'s run history in dbt Cloud; the next "
        "invocation sees the run as in progress if it exists"
    )


def _run_identity(report, base, job, run):
    run_id = run["id"]
    href = run.get("href")
    if isinstance(href, str) and href.strip():
        return run_id, href.strip()
    project_id = run.get("project_id")
    if isinstance(project_id, int) and not isinstance(project_id, bool):
        return run_id, f"{base}/deploy/{job.account_id}/projects/{project_id}/runs/{run_id}/"
    report.log("the run has neither 'href' nor 'project_id'; run_url left empty")
    return run_id, None


# --------------------------------------------------------------------------- #
# Snowflake entry point
# --------------------------------------------------------------------------- #


def _read_token():
    import _snowflake  # only exists inside Snowflake

    return _snowflake.get_generic_secret_string(SECRET_ALIAS)


def main(
    session,
    access_url,
    account_id,
    job_id,
    cause,
    upstream_job_id=None,
    min_elapsed_seconds=None,
    min_start_time=None,
    max_start_time=None,
    days_of_week=None,
    timezone=None,
    options=None,
):
    """Procedure HANDLER.  `session` (Snowpark) converts time zones Python has no data for."""
    try:
        token = _read_token()
    except Exception as exc:
        return {
            "status": InvocationStatus.ERROR.value,
            "run_id": None,
            "run_url": None,
            "checks": [],
            "logs": [f"ERROR: cannot read the secret '{SECRET_ALIAS}' ({type(exc).__name__})"],
            "runs": [],
            "steps_override": None,
        }
    args = {
        "account_id": account_id,
        "job_id": job_id,
        "cause": cause,
        "upstream_job_id": upstream_job_id,
        "min_elapsed_seconds": min_elapsed_seconds,
        "min_start_time": min_start_time,
        "max_start_time": max_start_time,
        "days_of_week": days_of_week,
        "timezone": timezone,
        "options": options,
    }
    return run_job(access_url, token, args, session=session)
$$;
