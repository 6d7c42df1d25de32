create or replace procedure "ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_RUN_JOB"(
  access_url varchar, account_id number, job_id number, cause varchar, upstream_job_id number,
  min_elapsed_seconds number, min_start_time varchar, max_start_time varchar, days_of_week array, timezone varchar, options variant
)
returns variant
language python
runtime_version = '3.11'
packages = ('snowflake-snowpark-python', 'requests')
handler = 'main'
external_access_integrations = ("DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION")
secrets = ('dbt_cloud_token' = "ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_ACCESS_TOKEN")
comment = 'Managed by the dbt_cloud_orchestration dbt package: checks a job''s conditions, then triggers it in dbt Cloud (definition 7aa69b34c17057e94e725817ab6bcd6a)'
as
$$
"""Snowflake Python procedure handler: trigger a dbt Cloud job when its checks pass.

Runtime: Snowflake Python 3.11 with only ``requests`` and the standard library.
``main`` is the procedure's HANDLER; it only reads the API token from the
procedure's secret and hands over to ``run_job``, which holds all the logic and
is what the tests call (with an injected clock, sleep and HTTP session).

The result is a dict (returned through RETURNS VARIANT)::

    {"status": "TRIGGERED" | "SKIPPED" | "ERROR" | "OK" (refresh),
     "run_id": int | None, "run_url": str | None,
     "checks": [{"name": str, "passed": bool, "detail": str}, ...],
     "logs": [str, ...],
     "runs": [{"run_id", "status", "finished_at", "duration_seconds"}, ...],
     "steps_override": [str, ...] | None}

``options`` (the last argument, an object) picks the mode: ``trigger`` (the
default), or ``refresh`` (only report how ``known_run_ids`` ended, read-only);
``select_changed`` with ``changed_sources`` narrows the triggered run's dbt
steps to what is downstream of the changed dbt sources.

``run_job`` never raises, never triggers after an error, and never lets the
token into a log line, a check detail or the result.  See docs/procedure.md.
"""

from __future__ import annotations

import json
import logging
import re
import shlex
import time
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime

import requests

try:  # zoneinfo needs tz data (system or the tzdata package); UTC always works.
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
# How many of the job's newest runs (by created_at) one list call fetches to
# look for a queued/starting/running run; see docs/procedure.md for why.
RECENT_RUNS_LIMIT = 10

STATUS_NAMES = {1: "Queued", 2: "Starting", 3: "Running", 10: "Success", 20: "Error", 30: "Cancelled"}
IN_PROGRESS_STATUSES = (1, 2, 3)
TERMINAL_STATUSES = (10, 20, 30)
SUCCESS_STATUS = 10

# options.mode: what one invocation does.  "refresh" lists the job's newest runs once
# (RECENT_OUTCOMES_LIMIT, the API's page maximum) to report how known runs ended.
TRIGGER_MODE = "trigger"
REFRESH_MODE = "refresh"
MODES = (TRIGGER_MODE, REFRESH_MODE)
RECENT_OUTCOMES_LIMIT = 100

DEFAULT_BUDGET_SECONDS = 60.0
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 20.0
DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_BACKOFF_BASE = 1.0
DEFAULT_BACKOFF_CAP = 16.0

_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
_URL = re.compile(r"^https?://[^/\s?#]+(/[^\s?#]*)?$")
_FRACTION = re.compile(r"(\.\d{6})\d+")
_COMPACT_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")


class HandlerError(Exception):
    """A failure whose message is safe to show (it never contains the token)."""


class AmbiguousTrigger(HandlerError):
    """The trigger request may or may not have created a run (lost response)."""


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


def load_timezone(value):
    name = "UTC" if _is_blank(value) else str(value).strip()
    if name.upper() in ("UTC", "ETC/UTC", "Z"):
        try:
            return "UTC", ZoneInfo("UTC")
        except Exception:  # no tz data at all: UTC needs none
            return "UTC", UTC
    try:
        return name, ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        raise HandlerError(f"argument timezone {name!r} is not a known IANA time zone") from None


def normalize_base_url(value):
    if not isinstance(value, str) or value.strip() == "":
        raise HandlerError("access_url is empty: configure the dbt Cloud account's access URL")
    url = value.strip().rstrip("/")
    if not _URL.match(url):
        raise HandlerError(f"access_url must look like https://<host>, got {url!r}")
    return url


def normalize_args(args):
    """Validate and coerce the procedure's arguments (a dict) into a config dict."""
    cause = args.get("cause")
    if not isinstance(cause, str) or cause.strip() == "":
        raise HandlerError("argument cause is required and must be a non-empty string")
    cause = cause.strip()
    tz_name, tz = load_timezone(args.get("timezone"))
    return {
        "account_id": coerce_int(args.get("account_id"), "account_id", required=True, minimum=1),
        "job_id": coerce_int(args.get("job_id"), "job_id", required=True, minimum=1),
        "cause": cause,
        "upstream_job_id": coerce_int(args.get("upstream_job_id"), "upstream_job_id", minimum=1),
        "min_elapsed_seconds": coerce_int(args.get("min_elapsed_seconds"), "min_elapsed_seconds", minimum=0),
        "min_start": parse_hhmm(args.get("min_start_time"), "min_start_time"),
        "max_start": parse_hhmm(args.get("max_start_time"), "max_start_time"),
        "days_of_week": coerce_days(args.get("days_of_week")),
        "timezone_name": tz_name,
        "tz": tz,
    }


def _options_object(value):
    """The options argument as a dict: a VARIANT OBJECT arrives as a dict (or JSON text)."""
    if value is None:
        return {}
    if isinstance(value, str):
        if value.strip() == "":
            return {}
        try:
            value = json.loads(value)
        except ValueError:
            raise HandlerError("argument options is not a JSON object") from None
    if not isinstance(value, dict):
        raise HandlerError(f"argument options must be an object, got {type(value).__name__}")
    return value


def _changed_source(item, index):
    name = f"options.changed_sources[{index}]"
    if not isinstance(item, dict):
        raise HandlerError(f"argument {name} must be an object {{table, source}}")
    table = item.get("table")
    if not isinstance(table, str) or table.strip() == "":
        raise HandlerError(f"argument {name}.table must be a table name")
    source = item.get("source")
    if source is not None and not isinstance(source, str):
        raise HandlerError(f"argument {name}.source must be a dbt source name or null")
    return {"table": table.strip(), "source": None if _is_blank(source) else source.strip()}


def normalize_options(value):
    """Validate the options object (unknown keys are ignored, for newer callers)."""
    options = _options_object(value)
    mode = options.get("mode")
    mode = TRIGGER_MODE if mode is None else mode
    if not isinstance(mode, str) or mode.strip().lower() not in MODES:
        raise HandlerError(f"argument options.mode {mode!r} is not one of: {', '.join(MODES)}")
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
    select_changed = options.get("select_changed")
    if select_changed is not None and not isinstance(select_changed, bool):
        raise HandlerError(f"argument options.select_changed must be true or false, got {select_changed!r}")
    changed = options.get("changed_sources")
    if changed is None:
        changed = []
    if not isinstance(changed, list):
        raise HandlerError("argument options.changed_sources must be an array")
    return {
        "mode": mode.strip().lower(),
        "known_run_ids": known_ids,
        "select_changed": select_changed is True,
        "changed_sources": [_changed_source(item, index) for index, item in enumerate(changed)],
    }


# --------------------------------------------------------------------------- #
# Selective builds: narrow a job's dbt steps to what the changed sources feed
# --------------------------------------------------------------------------- #

# The dbt commands whose selection decides which nodes run (docs.getdbt.com, node selection syntax).
SELECTING_COMMANDS = ("build", "run", "test", "seed", "snapshot")
# dbt-core's --select option and its aliases (dbt/cli/params.py: select_decls, model_decls).
SELECT_FLAGS = ("-s", "--select", "-m", "--models", "--model")
# A source name usable in a `source:<source>.<table>` selector without quoting.
_SOURCE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$")


class CannotNarrow(Exception):
    """A step (or the changed tables) cannot be narrowed safely: the whole job runs."""


def source_selectors(changed_sources):
    """`source:<source>.<table>+` for each changed dbt source (sorted, distinct)."""
    selectors = set()
    for item in changed_sources:
        source = item["source"]
        if source is None:
            raise CannotNarrow(f"changed table {item['table']} is not a dbt source (it is listed under tables:)")
        if not _SOURCE_NAME.match(source):
            raise CannotNarrow(f"changed source {source!r} cannot be written as a dbt source selector")
        selectors.add(f"source:{source}+")
    return sorted(selectors)


def _select_flag(token):
    """(flag, inline value or None) when the token is a --select flag, else None."""
    if token in SELECT_FLAGS:
        return token, None
    name, equals, inline = token.partition("=")
    if equals and name in SELECT_FLAGS and name.startswith("--"):
        return name, inline
    if token.startswith(("-s", "-m")) and not token.startswith("--") and len(token) > 2:
        raise CannotNarrow(f"the attached short flag {token!r}")
    return None


def narrow_step(step, selectors):
    """One job step with its selection intersected with `selectors` (a union).

    dbt reads a --select value's members split at spaces as a union, and `a,b` as
    their intersection; every --select/--models occurrence adds to the same union
    (dbt/cli/options.py: MultiOption).  So (v1 or v2) and (s1 or s2) is written
    `v1,s1 v1,s2 v2,s1 v2,s2`.  Other flags (--exclude, --selector, …) stay as
    they are; --selector cannot be combined with --select, so it raises.
    """
    try:
        tokens = shlex.split(step)
    except ValueError as exc:
        raise CannotNarrow(f"step {step!r} cannot be parsed ({exc})") from None
    if len(tokens) < 2 or tokens[0] != "dbt" or tokens[1] not in SELECTING_COMMANDS:
        if len(tokens) >= 2 and tokens[0] == "dbt" and tokens[1].startswith("-"):
            raise CannotNarrow(f"step {step!r} puts flags before its command")
        return step
    kept = tokens[:2]
    chosen = []
    flag_used = None
    index = 2
    while index < len(tokens):
        word = tokens[index]
        if word == "--selector" or word.startswith("--selector="):
            raise CannotNarrow(f"step {step!r} uses --selector, which dbt does not combine with --select")
        found = _select_flag(word)
        if found is None:
            kept.append(word)
            index += 1
            continue
        flag, inline = found
        values = [] if inline is None else [inline]
        index += 1
        while index < len(tokens) and not tokens[index].startswith("-"):
            values.append(tokens[index])
            index += 1
        members = [member for value in values for member in value.split()]
        if not members:
            raise CannotNarrow(f"step {step!r} has {flag} without a value")
        if flag_used is None:
            flag_used = flag if flag.startswith("--") else {"-s": "--select", "-m": "--models"}[flag]
            kept.append(flag_used)
        chosen += [member for member in members if member not in chosen]
    narrowed = [f"{member},{selector}" for member in chosen for selector in selectors] if chosen else list(selectors)
    if flag_used is None:
        kept.append("--select")
    position = kept.index(flag_used or "--select", 2)
    return shlex.join(kept[: position + 1] + narrowed + kept[position + 1 :])


def narrow_steps(execute_steps, changed_sources):
    """The steps_override for a job: every selecting dbt step narrowed, the others as they are."""
    selectors = source_selectors(changed_sources)
    return [narrow_step(step, selectors) for step in execute_steps]


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
    """Retry-After as seconds (delta-seconds or HTTP-date), or None."""
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


def _connect_failure(exc):
    """True when the request certainly never reached the server."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(exc, requests.exceptions.ConnectionError):
        reason = exc.args[0] if exc.args else None
        reason = getattr(reason, "reason", reason)
        name = type(reason).__name__
        return name in ("NewConnectionError", "NameResolutionError", "ConnectTimeoutError")
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


class DbtCloudClient:
    """Minimal dbt Cloud API v2 client: timeouts, retries, one time budget."""

    def __init__(
        self,
        base_url,
        token,
        account_id,
        *,
        http,
        sleep,
        monotonic,
        wall_clock,
        log,
        budget_seconds=DEFAULT_BUDGET_SECONDS,
        connect_timeout=DEFAULT_CONNECT_TIMEOUT,
        read_timeout=DEFAULT_READ_TIMEOUT,
        max_attempts=DEFAULT_MAX_ATTEMPTS,
        backoff_base=DEFAULT_BACKOFF_BASE,
        backoff_cap=DEFAULT_BACKOFF_CAP,
    ):
        self.base_url = base_url
        self._token = token
        self.account_id = account_id
        self.http = http
        self.sleep = sleep
        self.monotonic = monotonic
        self.wall_clock = wall_clock
        self.log = log
        self.deadline = monotonic() + float(budget_seconds)
        self.budget_seconds = float(budget_seconds)
        self.connect_timeout = float(connect_timeout)
        self.read_timeout = float(read_timeout)
        self.max_attempts = max(1, int(max_attempts))
        self.backoff_base = float(backoff_base)
        self.backoff_cap = float(backoff_cap)
        self.calls = 0

    def _headers(self, with_body):
        headers = {
            "Authorization": f"{AUTH_SCHEME} {self._token}",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        if with_body:
            headers["Content-Type"] = "application/json"
        return headers

    def remaining(self):
        return self.deadline - self.monotonic()

    def _wait(self, seconds, what):
        remaining = self.remaining()
        if seconds >= remaining:
            raise HandlerError(
                f"{what}: giving up, waiting {seconds:.1f}s would exceed the remaining time "
                f"budget ({max(0.0, remaining):.1f}s of {self.budget_seconds:.0f}s)"
            )
        if seconds > 0:
            self.sleep(seconds)

    def request(self, method, path, *, params=None, body=None, idempotent=True):
        """Send one API request with retries; return the decoded JSON object.

        Retries 429, 5xx, connection errors and timeouts with exponential backoff
        (honouring Retry-After) within the budget.  For a non-idempotent request
        (the trigger) a failure after the request may have reached the server
        (5xx, read timeout, dropped connection) raises AmbiguousTrigger instead.
        """
        url = f"{self.base_url}{path}"
        what = f"{method} {path}"
        for attempt in range(1, self.max_attempts + 1):
            remaining = self.remaining()
            if remaining <= 0:
                raise HandlerError(f"{what}: time budget of {self.budget_seconds:.0f}s exhausted")
            timeout = (min(self.connect_timeout, remaining), min(self.read_timeout, remaining))
            retry_after = None
            self.calls += 1
            started = self.monotonic()
            try:
                response = self.http.request(
                    method,
                    url,
                    params=params,
                    data=None if body is None else json.dumps(body),
                    headers=self._headers(body is not None),
                    timeout=timeout,
                    allow_redirects=False,
                )
            except requests.exceptions.RequestException as exc:
                kind = "timed out" if isinstance(exc, requests.exceptions.Timeout) else "connection failed"
                problem = f"{what}: attempt {attempt} {kind} ({type(exc).__name__})"
                if not idempotent and not _connect_failure(exc):
                    raise AmbiguousTrigger(problem) from None
            else:
                code = response.status_code
                elapsed = self.monotonic() - started
                if 200 <= code < 300:
                    self.log(f"{what} -> HTTP {code} ({elapsed * 1000:.0f} ms, attempt {attempt})")
                    try:
                        payload = response.json()
                    except ValueError:
                        raise HandlerError(f"{what}: HTTP {code} but the body is not valid JSON") from None
                    if not isinstance(payload, dict):
                        raise HandlerError(f"{what}: HTTP {code} but the body is not a JSON object")
                    return payload
                if code == 429 or code >= 500:
                    problem = f"{what}: attempt {attempt} got HTTP {code}{_error_message(response)}"
                    retry_after = _retry_after_seconds(response.headers.get("Retry-After"), self.wall_clock())
                    if code >= 500 and not idempotent:
                        raise AmbiguousTrigger(problem)
                elif code in (401, 403):
                    raise HandlerError(
                        f"{what}: HTTP {code} - the API token was refused; check the secret's token, "
                        f"its permissions on account {self.account_id}, and the access URL{_error_message(response)}"
                    )
                elif code == 404:
                    raise HandlerError(
                        f"{what}: HTTP 404 - not found; check account_id, job id and the access URL"
                        f"{_error_message(response)}"
                    )
                else:
                    raise HandlerError(f"{what}: HTTP {code}{_error_message(response)}")
            if attempt == self.max_attempts:
                raise HandlerError(f"{problem}; giving up after {attempt} attempts")
            delay = min(self.backoff_cap, self.backoff_base * (2 ** (attempt - 1)))
            if retry_after is not None:
                delay = retry_after
                self.log(f"{problem}; retrying in {delay:.1f}s (Retry-After)")
            else:
                self.log(f"{problem}; retrying in {delay:.1f}s")
            self._wait(delay, problem)
        raise HandlerError(f"{what}: no attempt made")  # pragma: no cover

    def list_runs(self, job_definition_id, *, order_by, limit, status=None):
        params = [("job_definition_id", str(job_definition_id))]
        if status is not None:
            params.append(("status", str(status)))
        params += [("order_by", order_by), ("limit", str(limit))]
        payload = self.request("GET", f"/api/v2/accounts/{self.account_id}/runs/", params=params)
        data = payload.get("data")
        if not isinstance(data, list):
            raise HandlerError("list runs: response has no 'data' array")
        for run in data:
            _require_run_fields(run, "list runs", ("id", "status"))
        return data

    def trigger_run(self, job_id, cause, steps_override=None):
        body = {"cause": cause}
        if steps_override is not None:
            body["steps_override"] = steps_override
        payload = self.request(
            "POST",
            f"/api/v2/accounts/{self.account_id}/jobs/{job_id}/run/",
            body=body,
            idempotent=False,
        )
        return payload.get("data")

    def job_steps(self, job_id):
        """The job definition's `execute_steps` (Retrieve Job), as a list of strings."""
        payload = self.request("GET", f"/api/v2/accounts/{self.account_id}/jobs/{job_id}/")
        job = payload.get("data")
        steps = job.get("execute_steps") if isinstance(job, dict) else None
        if not isinstance(steps, list) or not all(isinstance(step, str) for step in steps):
            raise HandlerError("retrieve job: response has no 'execute_steps' list of strings")
        return steps


def _require_run_fields(run, what, fields):
    if not isinstance(run, dict):
        raise HandlerError(f"{what}: a run in the response is not an object")
    for field in fields:
        value = run.get(field)
        if not isinstance(value, int) or isinstance(value, bool):
            raise HandlerError(f"{what}: a run in the response lacks an integer '{field}'")


def _status_name(status):
    return STATUS_NAMES.get(status, f"unknown status {status}")


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
    if run["status"] not in TERMINAL_STATUSES or _is_blank(run.get("finished_at")):
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


class _Report:
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
                "status": status,
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
    clock=None,
    http=None,
    sleep=None,
    monotonic=None,
    budget_seconds=DEFAULT_BUDGET_SECONDS,
    connect_timeout=DEFAULT_CONNECT_TIMEOUT,
    read_timeout=DEFAULT_READ_TIMEOUT,
    max_attempts=DEFAULT_MAX_ATTEMPTS,
    backoff_base=DEFAULT_BACKOFF_BASE,
    backoff_cap=DEFAULT_BACKOFF_CAP,
):
    """Evaluate the checks and trigger the job; return the result dict. Never raises.

    clock() -> aware datetime (now); sleep(seconds); monotonic() -> seconds;
    http: a requests.Session-like object.  All default to the real thing.
    """
    report = _Report(token if isinstance(token, str) else "")
    session_owned = False
    try:
        clock = clock or _utc_now
        sleep = sleep or time.sleep
        monotonic = monotonic or time.monotonic
        if not isinstance(token, str) or token.strip() == "":
            raise HandlerError(f"the secret '{SECRET_ALIAS}' holds no API token")
        token = token.strip()
        report = _Report(token)
        base = normalize_base_url(base_url)
        cfg = normalize_args(args or {})
        options = normalize_options((args or {}).get("options"))
        if http is None:
            http = requests.Session()
            session_owned = True
        cause = cfg["cause"]
        if len(cause) > CAUSE_MAX_LENGTH:
            cause = cause[:CAUSE_MAX_LENGTH]
            report.log(f"cause truncated to {CAUSE_MAX_LENGTH} characters")
        now_utc = clock()
        if now_utc.tzinfo is None:
            now_utc = now_utc.replace(tzinfo=UTC)
        now_utc = now_utc.astimezone(UTC)
        local_now = now_utc.astimezone(cfg["tz"])
        report.log(
            f"job {cfg['job_id']} on account {cfg['account_id']}: now {local_now:%Y-%m-%d %H:%M:%S} "
            f"{cfg['timezone_name']} ({DAY_NAMES[local_now.weekday()]})"
        )
        client = DbtCloudClient(
            base,
            token,
            cfg["account_id"],
            http=http,
            sleep=sleep,
            monotonic=monotonic,
            wall_clock=clock,
            log=report.log,
            budget_seconds=budget_seconds,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            max_attempts=max_attempts,
            backoff_base=backoff_base,
            backoff_cap=backoff_cap,
        )
        if options["mode"] == REFRESH_MODE:
            return _refresh_outcomes(report, client, cfg, options)
        return _evaluate_and_trigger(report, client, base, cfg, cause, now_utc, local_now, options)
    except HandlerError as exc:
        report.log(f"ERROR: {exc}")
        return report.result("ERROR")
    except Exception as exc:  # never raise out of the procedure
        report.log(f"ERROR: unexpected {type(exc).__name__}: {exc}")
        return report.result("ERROR")
    finally:
        if session_owned:
            try:
                http.close()
            except Exception:  # noqa: S110 - closing is best effort
                pass


def _refresh_outcomes(report, client, cfg, options):
    """Read-only: how the known runs ended, from one list of the job's newest runs (none if none known)."""
    wanted = options["known_run_ids"]
    if not wanted:
        report.log("refresh: no unfinished run to ask about; no API call made")
        return report.result("OK")
    runs = client.list_runs(cfg["job_id"], order_by="-created_at", limit=RECENT_OUTCOMES_LIMIT)
    report.runs = known_outcomes(runs, wanted, report.log)
    found = {outcome["run_id"] for outcome in report.runs}
    missing = [run_id for run_id in wanted if run_id not in found]
    report.log(f"refresh: {len(found)} of {len(wanted)} run(s) found among the job's newest {len(runs)}")
    if missing:
        report.log(f"refresh: not among them (left as they are): {', '.join(str(run_id) for run_id in missing)}")
    return report.result("OK")


def _selected_steps(report, client, job_id, changed_sources):
    """steps_override for a selective build, or None (with the reason logged) to run the whole job."""
    if not changed_sources:
        report.log("select_changed: the task named no changed source; running the whole job")
        return None
    try:
        source_selectors(changed_sources)  # a non-source table needs no job definition to fall back
        steps = narrow_steps(client.job_steps(job_id), changed_sources)
    except CannotNarrow as exc:
        report.log(f"select_changed: {exc}; running the whole job")
        return None
    report.log(f"select_changed: steps_override {json.dumps(steps)}")
    return steps


def _evaluate_and_trigger(report, client, base, cfg, cause, now_utc, local_now, options):
    # 1. Cheap checks first: they cost no API call.
    cheap_ok = True
    if cfg["min_start"] is not None or cfg["max_start"] is not None:
        passed, detail = window_check(local_now, cfg["min_start"], cfg["max_start"])
        cheap_ok &= report.check("time_window", passed, detail)
    if cfg["days_of_week"] is not None:
        weekday = local_now.weekday()
        allowed = ", ".join(DAY_NAMES[d] for d in sorted(cfg["days_of_week"]))
        passed = weekday in cfg["days_of_week"]
        detail = f"local day {DAY_NAMES[weekday]} ({weekday}) {'is' if passed else 'is not'} in [{allowed}]"
        cheap_ok &= report.check("days_of_week", passed, detail)
    if not cheap_ok:
        report.log("SKIPPED: a schedule check failed; no API call made")
        return report.result("SKIPPED")

    # 2. One list call: the job's newest runs -> in-progress check + min elapsed.
    job_id = cfg["job_id"]
    runs = client.list_runs(job_id, order_by="-created_at", limit=RECENT_RUNS_LIMIT)
    known_ids = {run["id"] for run in runs}
    # Free: the outcomes of the runs the log table still has as unfinished, from this same list.
    report.runs = known_outcomes(runs, options["known_run_ids"], report.log)
    own_ok = _check_own_runs(report, runs, cfg, now_utc)
    if not own_ok:
        report.log("SKIPPED: the job's own run history blocks a new run")
        return report.result("SKIPPED")

    # 3. Upstream job: a successful run that finished today (local time).
    if cfg["upstream_job_id"] is not None:
        upstream_ok = _check_upstream(report, client, cfg, local_now)
        if not upstream_ok:
            report.log("SKIPPED: upstream job has no successful run today")
            return report.result("SKIPPED")

    # 4. Selective build (one more call: the job's steps), then trigger.
    steps = _selected_steps(report, client, job_id, options["changed_sources"]) if options["select_changed"] else None
    report.steps_override = steps
    run = _trigger(report, client, cfg, cause, known_ids, steps)
    run_id, run_url = _run_identity(report, base, cfg, run)
    if isinstance(run.get("status"), int) and not isinstance(run.get("status"), bool):
        report.runs.append(run_outcome(run, report.log))
    report.log(f"TRIGGERED run {run_id}" + (f": {run_url}" if run_url else ""))
    return report.result("TRIGGERED", run_id, run_url)


def _check_own_runs(report, runs, cfg, now_utc):
    active = [run for run in runs if run["status"] not in TERMINAL_STATUSES or run.get("in_progress") is True]
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
    minimum = cfg["min_elapsed_seconds"]
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


def _check_upstream(report, client, cfg, local_now):
    upstream = cfg["upstream_job_id"]
    runs = client.list_runs(upstream, status=SUCCESS_STATUS, order_by="-finished_at", limit=1)
    finished = []
    for run in runs:
        if run["status"] != SUCCESS_STATUS or run.get("finished_at") in (None, ""):
            continue
        finished.append((parse_timestamp(run["finished_at"], f"run {run['id']} finished_at"), run))
    if not finished:
        return report.check("upstream_success_today", False, f"upstream job {upstream} has no successful run")
    finished_at, run = max(finished, key=lambda pair: pair[0])
    local_finished = finished_at.astimezone(cfg["tz"])
    passed = local_finished.date() == local_now.date()
    detail = (
        f"upstream job {upstream}: newest successful run {run['id']} finished "
        f"{local_finished:%Y-%m-%d %H:%M:%S} {cfg['timezone_name']}; today is {local_now:%Y-%m-%d}"
    )
    return report.check("upstream_success_today", passed, detail)


def _trigger(report, client, cfg, cause, known_ids, steps_override=None):
    """POST the trigger; after a lost response, look before retrying (never double-fire)."""
    job_id = cfg["job_id"]
    for attempt in range(1, client.max_attempts + 1):
        try:
            run = client.trigger_run(job_id, cause, steps_override)
        except AmbiguousTrigger as exc:
            report.log(f"{exc}; the run may have been created - checking before any retry")
            runs = client.list_runs(job_id, order_by="-created_at", limit=RECENT_RUNS_LIMIT)
            new_runs = [run for run in runs if run["id"] not in known_ids]
            if new_runs:
                adopted = max(new_runs, key=lambda item: item["id"])
                report.log(f"found new run {adopted['id']} created after the trigger request; not triggering again")
                return adopted
            if attempt == client.max_attempts:
                raise HandlerError(f"{exc}; no run was created; giving up after {attempt} attempts") from None
            delay = min(client.backoff_cap, client.backoff_base * (2 ** (attempt - 1)))
            report.log(f"no new run was created; retrying the trigger in {delay:.1f}s")
            client._wait(delay, str(exc))
            continue
        return run
    raise HandlerError("trigger: no attempt made")  # pragma: no cover


def _run_identity(report, base, cfg, run):
    if not isinstance(run, dict):
        raise HandlerError("trigger: HTTP 200 but the response has no 'data' run object; a run may have been created")
    run_id = run.get("id")
    if not isinstance(run_id, int) or isinstance(run_id, bool):
        raise HandlerError("trigger: HTTP 200 but the run has no integer 'id'; a run may have been created")
    href = run.get("href")
    if isinstance(href, str) and href.strip():
        return run_id, href.strip()
    project_id = run.get("project_id")
    if isinstance(project_id, int) and not isinstance(project_id, bool):
        return run_id, f"{base}/deploy/{cfg['account_id']}/projects/{project_id}/runs/{run_id}/"
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
    """Procedure HANDLER. `session` (Snowpark) is unused: all work is HTTP."""
    try:
        token = _read_token()
    except Exception as exc:
        return {
            "status": "ERROR",
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
    return run_job(access_url, token, args)
$$;
