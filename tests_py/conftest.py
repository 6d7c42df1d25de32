"""Fixtures: the handler module, the OpenAPI spec, a fake clock, the stand-in API, prism."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fake_dbt_cloud import FakeDbtCloud
from openapi_spec import REPO_ROOT, OpenApiSpec, spec_path

HANDLER_PATH = REPO_ROOT / "macros-src" / "procedure" / "dbt_cloud_run_job.py"
PRISM_BIN = REPO_ROOT / "node_modules" / ".bin" / "prism"
TOKEN = "dbtc_TEST-s3cret-Tok3n-0123456789abcdef"  # must never show up in any output


def load_handler():
    spec = importlib.util.spec_from_file_location("dbt_cloud_run_job", HANDLER_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def handler():
    return load_handler()


@pytest.fixture(scope="session")
def openapi():
    return OpenApiSpec(spec_path())


class FakeClock:
    """Wall clock + monotonic clock + sleep that only advance when told."""

    def __init__(self, now: datetime):
        self.now = now
        self.mono = 1000.0
        self.sleeps: list[float] = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(round(seconds, 3))
        self.now += timedelta(seconds=seconds)
        self.mono += seconds

    def monotonic(self):
        return self.mono

    def set(self, now: datetime):
        self.now = now


@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 5, 20, 12, 0, 0, tzinfo=UTC))  # a Wednesday


@pytest.fixture
def api(openapi, clock):
    server = FakeDbtCloud(openapi, now=lambda: clock.now).start()
    server.add_job(42)
    try:
        yield server
    finally:
        server.stop()
    assert server.violations == [], "stand-in API or handler broke the spec:\n" + "\n".join(server.violations)


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def assert_no_token(*texts):
    for text in texts:
        assert TOKEN not in text, "the API token leaked"
        assert TOKEN[5:20] not in text, "part of the API token leaked"


@pytest.fixture
def run(handler, api, clock):
    """Call run_job against the stand-in; every call is scanned for the token."""

    def call(base_url=None, token=TOKEN, **args):
        args.setdefault("account_id", 1)
        args.setdefault("job_id", 42)
        args.setdefault("cause", "Triggered by Snowflake task")
        # Generous timeouts: only the hang tests, which pass their own short read_timeout, should ever time
        # out, so a slow CI machine cannot turn a normal response into a retry.
        policy = {"connect_timeout": 5.0, "read_timeout": 5.0}
        for name in [field.name for field in dataclasses.fields(handler.RetryPolicy)]:
            if name in args:
                policy[name] = args.pop(name)
        options = {
            "clock": clock,
            "sleep": clock.sleep,
            "monotonic": clock.monotonic,
            "policy": handler.RetryPolicy(**policy),
        }
        for name in ("http", "session"):
            if name in args:
                options[name] = args.pop(name)
        requests_before = len(api.requests)
        runs_before = sum(len(runs) for runs in api.scenario.jobs.values())
        capture = _Capture()
        logger = logging.getLogger("dbt_cloud_run_job")
        logger.addHandler(capture)
        logger.setLevel(logging.INFO)
        try:
            result = handler.run_job(base_url or api.url, token, args, **options)
        finally:
            logger.removeHandler(capture)
        assert set(result) == {"status", "run_id", "run_url", "checks", "logs", "runs", "steps_override"}
        assert result["status"] in ("TRIGGERED", "ADOPTED", "SKIPPED", "ERROR", "OK")
        # The guarantees of docs/procedure.md, checked on every invocation of every test:
        # at most one run created, and never more requests than the policy's ceiling.
        assert sum(len(runs) for runs in api.scenario.jobs.values()) - runs_before <= 1
        assert len(api.requests) - requests_before <= options["policy"].max_requests
        json.dumps(result)  # VARIANT-compatible
        assert_no_token(json.dumps(result), *capture.lines)
        for request in api.requests:
            assert_no_token(request.path, json.dumps(request.query), request.body)
        if result["status"] not in ("TRIGGERED", "ADOPTED"):
            assert result["run_id"] is None and result["run_url"] is None
        if result["status"] == "ERROR":
            assert any(line.startswith("ERROR: ") for line in result["logs"])
        return result

    return call


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def prism(openapi):
    """`prism mock --errors <spec>` on 127.0.0.1; a missing prism FAILS (never skips)."""
    if not PRISM_BIN.exists():
        pytest.fail(f"prism not found at {PRISM_BIN}: run `npm ci` (devDependency @stoplight/prism-cli)")
    port = _free_port()
    log_path = REPO_ROOT / ".pytest_cache" / "prism.log"
    log_path.parent.mkdir(exist_ok=True)
    log = open(log_path, "wb")  # noqa: SIM115 - kept open for the process's lifetime
    proc = subprocess.Popen(
        [str(PRISM_BIN), "mock", "-h", "127.0.0.1", "-p", str(port), "--errors", str(openapi.path)],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=REPO_ROOT,
        env={**os.environ, "NO_COLOR": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"prism exited with {proc.returncode}; see {log_path}")
            try:
                urllib.request.urlopen(url + "/", timeout=1)
                break
            except urllib.error.HTTPError:
                break  # any HTTP answer means it is serving
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"prism did not start within 60 s; see {log_path}")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
