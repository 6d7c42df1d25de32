"""Real dbt-core + dbt-snowflake, in this process, against the stand-in: one `dbt …` command per `run()`.

dbt is started through its documented programmatic entry point (`dbt.cli.main.dbtRunner`), so every
command goes through dbt's own CLI, parser, Jinja context, `run_query`, `statement`, adapter and the
Snowflake connector (patched by fakesnow at `snowflake.connector.connect`). State survives between
commands: DuckDB files and the stand-in's catalog live in one folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dbt.cli.main import dbtRunner

from .standin import RecordedStatement, SnowflakeStandIn

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_PROJECT = REPO_ROOT / "integration_tests"
PARTIAL_PARSE_FILE = "partial_parse.msgpack"


class PartialParseStore:
    """dbt's own partial-parse files (`target/partial_parse.msgpack`), kept between sessions.

    A new session's target folder is empty, so its first command would parse dbt's ~1,800 macro files
    again (about 2 s). Before each command the session's target gets the file dbt last wrote for the same
    project, profiles, `--vars` and `--target`; after it, the file dbt wrote is kept. dbt itself decides
    whether the file may be used: it checks the vars, profile, target, dbt version and every file's
    checksum, and parses in full (or re-parses the changed files) when anything differs. One exception is
    keyed away (`_macro_docs_digest`). Kept in .cache/dbt-partial-parse/, so a warm clone's next run starts parsed.
    """

    def __init__(self, directory: Path):
        self.directory = directory

    def restore(self, key: str, target: Path) -> None:
        kept = self.directory / f"{key}.msgpack"
        if kept.exists():
            target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(kept, target / PARTIAL_PARSE_FILE)

    def keep(self, key: str, target: Path) -> None:
        written = target / PARTIAL_PARSE_FILE
        if not written.exists():
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        staging = self.directory / f"{key}.{os.getpid()}.tmp"
        shutil.copyfile(written, staging)
        staging.replace(self.directory / f"{key}.msgpack")  # atomic: sessions in other processes read it


_PARTIAL_PARSE_STORE = PartialParseStore(REPO_ROOT / ".cache" / "dbt-partial-parse")


def _macro_docs_digest() -> str:
    """The package's macro property files (macros/**/*.yml). dbt's partial parse mishandles a macro removed
    together with its yml entry ("Found patch for macro … which was not found", a warning a full parse never
    gives), so a kept file is used only with the macro docs it was written with."""
    digest = hashlib.sha256()
    for path in sorted((REPO_ROOT / "macros").rglob("*.yml")):
        digest.update(path.relative_to(REPO_ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _partial_parse_key(project_dir: Path, profiles_dir: Path, vars: dict[str, Any] | None, target: str | None) -> str:
    described = json.dumps(
        [str(project_dir), str(profiles_dir), vars, target, _macro_docs_digest()], sort_keys=True, default=str
    )
    return hashlib.sha256(described.encode()).hexdigest()[:32]


_DBT_LINE = re.compile(r"^\d\d:\d\d:\d\d  ")


@dataclass
class DbtEvent:
    name: str
    level: str
    msg: str


@dataclass
class DbtRun:
    args: list[str]
    success: bool
    exception: BaseException | None
    events: list[DbtEvent]
    output: str
    log_file: str
    statements: list[RecordedStatement] = field(default_factory=list)

    @property
    def log_lines(self) -> list[str]:
        """What the macros logged with `log(…, info=True)`, in order."""
        return [event.msg for event in self.events if event.name == "JinjaLogInfo"]

    @property
    def printed(self) -> list[str]:
        """What the macros printed with `print` (the plan, the status): every console line dbt itself
        did not write (its own lines start with a time stamp)."""
        return [line for line in self.output.splitlines() if line and not _DBT_LINE.match(line)]

    @property
    def plan_rows(self) -> list[tuple[str, str, str, str]]:
        """The printed plan table's rows (action, kind, object, reason): from its header to the plan's notes
        or its `Plan:` summary line."""
        lines = self.printed
        (header,) = [index for index, line in enumerate(lines) if re.match(r"action +kind +object +reason$", line)]
        end = next(
            index
            for index in range(header + 1, len(lines))
            if lines[index].startswith(("Plan: ", "dbt_cloud_orchestration: "))
        )
        rows = [re.split(r" {2,}", line, maxsplit=3) for line in lines[header + 1 : end]]
        return [tuple((*row, "")[:4]) for row in rows]

    @property
    def warnings(self) -> list[str]:
        return [event.msg for event in self.events if event.level == "warn"]

    @property
    def errors(self) -> list[str]:
        return [event.msg for event in self.events if event.level == "error"]

    @property
    def everything_shown(self) -> str:
        """Every text dbt produced: the console, the log file and the event messages."""
        return "\n".join([self.output, self.log_file, *(event.msg for event in self.events)])


class DbtSession:
    """`with DbtSession(tmp_dir) as dbt: dbt.run("run-operation", …)` — the stand-in patched in for the session.

    With `warehouse=False` nothing is patched: the profile's (dummy) account is really unreachable, as for a
    user without network access to Snowflake.
    """

    def __init__(
        self,
        work_dir: str | Path,
        project_dir: Path = EXAMPLE_PROJECT,
        profiles_dir: Path | None = None,
        warehouse: bool = True,
    ):
        self.work_dir = Path(work_dir)
        self.project_dir = project_dir
        self.profiles_dir = profiles_dir or project_dir / "profiles"
        self.standin = SnowflakeStandIn(self.work_dir / "warehouse")
        self.warehouse = warehouse
        self._stack = contextlib.ExitStack()
        self._log_file = self.work_dir / "logs" / "dbt.log"

    def __enter__(self) -> DbtSession:
        env = {
            "DBT_TARGET_PATH": str(self.work_dir / "target"),
            "DBT_LOG_PATH": str(self.work_dir / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DO_NOT_TRACK": "1",
            "DBT_USE_COLORS": "false",
        }
        self._stack.enter_context(mock_environ(env))
        if self.warehouse:
            self._stack.enter_context(self.standin.patch())
        if not (self.project_dir / "dbt_packages" / "dbt_cloud_orchestration").exists():
            self.run("deps")
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def run(
        self,
        *args: str,
        vars: dict[str, Any] | None = None,
        target: str | None = None,
        env: dict[str, str] | None = None,
    ) -> DbtRun:
        """One dbt command; `vars` replaces the project's vars of the same name (dbt's --vars)."""
        command = [*args, "--project-dir", str(self.project_dir), "--profiles-dir", str(self.profiles_dir)]
        if vars is not None:
            command += ["--vars", json.dumps(vars)]
        if target is not None:
            command += ["--target", target]
        events: list[DbtEvent] = []

        def collect(event: Any) -> None:
            msg = event.data.msg if event.info.name in ("JinjaLogInfo", "JinjaLogWarning") else event.info.msg
            events.append(DbtEvent(event.info.name, event.info.level, msg))

        parse_key = _partial_parse_key(self.project_dir, self.profiles_dir, vars, target)
        _PARTIAL_PARSE_STORE.restore(parse_key, self.work_dir / "target")
        mark = self.standin.mark()
        log_start = self._log_file.stat().st_size if self._log_file.exists() else 0
        console = io.StringIO()
        with mock_environ(env or {}), contextlib.redirect_stdout(console), contextlib.redirect_stderr(console):
            result = _invoke_in_own_thread(dbtRunner(callbacks=[collect]), command)
        _PARTIAL_PARSE_STORE.keep(parse_key, self.work_dir / "target")
        log_text = ""
        if self._log_file.exists():
            with self._log_file.open() as log:
                log.seek(log_start)
                log_text = log.read()
        return DbtRun(
            args=command,
            success=result.success,
            exception=result.exception,
            events=events,
            output=console.getvalue(),
            log_file=log_text,
            statements=self.standin.statements_since(mark),
        )


def _invoke_in_own_thread(runner: dbtRunner, command: list[str]) -> Any:
    """`runner.invoke(command)` on a thread of its own, waited for: dbt itself is unchanged.

    dbt-common names the source of each behavior flag of an adapter from `inspect.stack()`, which reads the
    source of every frame on the stack, about 20 times per command. Under pytest the stack is some 60 frames
    deeper than in a terminal, and this took half the time of the live tests; a new thread's stack holds only
    dbt's own frames, as when a user runs `dbt` (dbt_common/behavior_flags.py, `_default_source`).
    """
    outcome: dict[str, Any] = {}

    def invoke() -> None:
        try:
            outcome["result"] = runner.invoke(command)
        except BaseException as error:  # re-raised on the caller's thread, as a direct call would
            outcome["error"] = error

    thread = threading.Thread(target=invoke, name="dbt")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


@contextlib.contextmanager
def mock_environ(values: dict[str, str]):
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
