"""A stand-in dbt Cloud API v2 on 127.0.0.1, driven by scenarios.

It serves the operations the handler uses (List Runs, Trigger Job Run, Retrieve
Account, Retrieve Job: a spec-minimal job definition with the scenario's
`execute_steps`),
implements the list-runs query parameters it is sent (job_definition_id,
status, status__in, order_by, limit, offset), records every request, injects
faults per request, and validates every request it receives and every response
body it sends against the official OpenAPI spec.  Violations are collected in
``server.violations``; the pytest fixture fails the test if any were found.
"""

from __future__ import annotations

import json
import re
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

WIRE_FORMAT = "%Y-%m-%d %H:%M:%S.%f+00:00"  # what the real API sends
STATUS_HUMANIZED = {1: "Queued", 2: "Starting", 3: "Running", 10: "Success", 20: "Error", 30: "Cancelled"}


def wire(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime(WIRE_FORMAT)


@dataclass
class Run:
    id: int
    job_id: int
    status: int
    created_at: datetime
    finished_at: datetime | None = None
    # Exact strings to send instead of the wire format (timestamp-form tests).
    created_at_raw: str | None = None
    finished_at_raw: str | None = None
    omit: tuple = ()  # fields to leave out of the rendered object
    cause: str = "scheduled"
    # When the run shows up in List Runs (None: at once).  dbt Cloud may answer a trigger
    # late or not at all (read timeout, 504, reset) while the run appears seconds later.
    visible_at: datetime | None = None
    steps_override: list | None = None  # what the trigger asked for, if anything
    started_at: datetime | None = None  # default: created_at once the run has started


@dataclass
class Fault:
    """Injected failure for matching requests.

    kind: "none" (serve normally: a placeholder that orders the faults after it),
    "status" (answer `status` with an error envelope), "hang" (never
    answer until the test ends), "drop" (close the connection without an
    answer), "reset" (abort the connection with a TCP RST after reading the
    request), "malformed" (HTTP 200 with a non-JSON body), "raw" (HTTP
    `status` with `body` exactly as given plus `headers`, not schema-checked).
    apply_first: carry out the request (e.g. create the run) before failing.
    visible_after: with apply_first, the created run shows in List Runs only
    this many seconds (of the stand-in's clock) after the request.
    """

    kind: str
    method: str | None = None
    path_contains: str | None = None
    times: int = 1
    status: int = 500
    retry_after: str | None = None
    body: str | None = None
    message: str = "Injected failure"
    apply_first: bool = False
    visible_after: float = 0.0
    headers: dict = field(default_factory=dict)
    used: int = 0

    def matches(self, method, path):
        return (
            self.used < self.times
            and (self.method is None or self.method == method)
            and (self.path_contains is None or self.path_contains in path)
        )


@dataclass
class Recorded:
    method: str
    path: str
    query: list
    headers: dict
    body: str
    status: int | None = None
    fault: str | None = None


# What dbt-core 1.11 writes into run_results.json's `args` for `dbt build` with no warn-error anywhere.
QUIET_RUN_RESULTS_ARGS = {
    "invocation_command": "dbt build",
    "warn_error": None,
    "warn_error_options": {"error": [], "warn": [], "silence": []},
}


@dataclass
class Scenario:
    account_id: int = 1
    project_id: int = 70
    environment_id: int = 80
    jobs: dict = field(default_factory=dict)  # job_id -> list[Run]
    job_steps: dict = field(default_factory=dict)  # job_id -> execute_steps of its definition
    # job_id -> the `args` of the job's latest run_results.json (Retrieve Job Artifact); None: no artifact
    # (404). Without an entry: the args dbt-core 1.11 writes for `dbt build` with no warn-error anywhere.
    run_results_args: dict = field(default_factory=dict)
    faults: list = field(default_factory=list)
    latency: float = 0.0
    omit_href: bool = False
    omit_project_id: bool = False
    next_run_id: int = 5000
    account_name: str = "Analytics"
    account_locked: bool = False
    lock_reason: str | None = None


class FakeDbtCloud:
    def __init__(self, spec, now):
        self.spec = spec
        self.now = now  # callable -> aware datetime: when a triggered run is created
        self.scenario = Scenario()
        self.requests: list[Recorded] = []
        self.violations: list[str] = []
        self.unchecked: list[str] = []  # responses deliberately outside the spec
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.01,), daemon=True)

    # -- lifecycle ---------------------------------------------------------- #

    @property
    def url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    # -- scenario helpers --------------------------------------------------- #

    def add_job(self, job_id):
        self.scenario.jobs.setdefault(job_id, [])

    def add_run(self, job_id, status, created_at, finished_at=None, **extra):
        self.add_job(job_id)
        run_id = extra.pop("run_id", None) or self._next_id()
        run = Run(run_id, job_id, status, created_at, finished_at, **extra)
        self.scenario.jobs[job_id].append(run)
        return run

    def fault(self, kind, **kwargs):
        self.scenario.faults.append(Fault(kind, **kwargs))

    def _next_id(self):
        self.scenario.next_run_id += 1
        return self.scenario.next_run_id

    def finish_all(self, status=10):
        """Mark every unfinished run as finished (a minute after it was created)."""
        for runs in self.scenario.jobs.values():
            for run in runs:
                if run.finished_at is None and run.status in (1, 2, 3):
                    run.status = status
                    run.finished_at = run.created_at + timedelta(minutes=1)

    def calls(self, method=None):
        return [r for r in self.requests if method is None or r.method == method]

    # -- rendering ---------------------------------------------------------- #

    def render_run(self, run: Run, with_trigger=True):
        s = self.scenario
        created = run.created_at_raw or wire(run.created_at)
        obj = {
            "id": run.id,
            "trigger_id": run.id + 100000,
            "account_id": s.account_id,
            "environment_id": s.environment_id,
            "project_id": s.project_id,
            "job_definition_id": run.job_id,
            "job_id": run.job_id,
            "status": run.status,
            "status_humanized": STATUS_HUMANIZED.get(run.status, "Unknown"),
            "dbt_version": "versionless",
            "git_branch": "main",
            "created_at": created,
            "updated_at": run.finished_at_raw or (wire(run.finished_at) if run.finished_at else created),
            "in_progress": run.status in (1, 2, 3),
            "is_complete": run.status in (10, 20, 30),
            "is_success": run.status == 10,
            "is_error": run.status == 20,
            "is_cancelled": run.status == 30,
            "is_running": run.status == 3,
            "trigger": {"cause": run.cause, "job_definition_id": run.job_id},
            "href": f"https://cloud.example.invalid/deploy/{s.account_id}/projects/{s.project_id}/runs/{run.id}/",
        }
        if not with_trigger:
            obj.pop("trigger")
        if run.status >= 3:
            obj["started_at"] = wire(run.started_at) if run.started_at else created
        # The spec does not mark finished_at nullable, so a spec-valid fake leaves
        # it out for unfinished runs (the real API sends null; see tests).
        if run.finished_at is not None or run.finished_at_raw is not None:
            obj["finished_at"] = run.finished_at_raw or wire(run.finished_at)
        if s.omit_href:
            obj.pop("href")
        if s.omit_project_id:
            obj.pop("project_id")
        for name in run.omit:
            obj.pop(name, None)
        return obj

    @staticmethod
    def envelope_status(code, message="Success!"):
        return {"code": code, "is_success": 200 <= code < 300, "user_message": message, "developer_message": ""}

    # -- operations --------------------------------------------------------- #

    def list_runs(self, account_id, query):
        params = {}
        for name, value in query:
            params.setdefault(name, []).append(value)
        now = self.now()
        runs = [
            run for job in self.scenario.jobs.values() for run in job if run.visible_at is None or run.visible_at <= now
        ]
        if account_id != self.scenario.account_id:
            return 404, {"status": self.envelope_status(404, "Account not found")}
        if "job_definition_id" in params:
            job = int(params["job_definition_id"][-1])
            runs = [run for run in runs if run.job_id == job]
        if "status" in params:
            runs = [run for run in runs if run.status == int(params["status"][-1])]
        if "status__in" in params:
            wanted = {int(v) for v in params["status__in"]}
            runs = [run for run in runs if run.status in wanted]
        order_by = params.get("order_by", ["id"])[-1]
        field_name = order_by.lstrip("-")
        descending = order_by.startswith("-")
        if field_name not in ("id", "created_at", "finished_at"):
            return 400, {"status": self.envelope_status(400, f"Cannot order by {field_name}")}

        def key(run):
            value = getattr(run, field_name)
            # PostgreSQL sorts NULL as larger than any value: first when descending.
            if value is None:
                return (1, 0)
            return (0, value.timestamp() if isinstance(value, datetime) else value)

        runs.sort(key=lambda run: run.id)
        runs.sort(key=key, reverse=descending)
        total = len(runs)
        offset = int(params.get("offset", ["0"])[-1])
        limit = min(100, int(params.get("limit", ["100"])[-1]))
        page = runs[offset : offset + limit]
        filters = {name: values[-1] for name, values in params.items() if name not in ("order_by", "offset")}
        filters["account_id"] = account_id
        # A list shows each run's trigger (and so its cause) only when include_related asks for it.
        related = params.get("include_related", [""])[-1]
        with_trigger = "trigger" in re.findall(r"[a-z_]+", related)
        return 200, {
            "data": [self.render_run(run, with_trigger) for run in page],
            "extra": {
                "filters": filters,
                "order_by": order_by,
                "pagination": {"count": len(page), "total_count": total},
            },
            "status": self.envelope_status(200),
        }

    def trigger(self, account_id, job_id, body, visible_after=0.0):
        if account_id != self.scenario.account_id or job_id not in self.scenario.jobs:
            return 404, {"status": self.envelope_status(404, "The requested resource was not found.")}
        request = json.loads(body)
        created = self.now()
        visible_at = created + timedelta(seconds=visible_after) if visible_after else None
        run = self.add_run(
            job_id,
            1,
            created,
            cause=request.get("cause", ""),
            steps_override=request.get("steps_override"),
            visible_at=visible_at,
        )
        return 200, {"data": self.render_run(run), "status": self.envelope_status(200)}

    def account(self, account_id):
        s = self.scenario
        if account_id != s.account_id:
            return 404, {"status": self.envelope_status(404, "The requested resource was not found.")}
        stamp = wire(datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC))
        data = {
            "id": s.account_id,
            "name": s.account_name,
            "state": 1,
            "plan": "enterprise",
            "locked": s.account_locked,
            "account_migration_events": [],
            "agent_credit_locked": False,
            "analyst_seats": 0,
            "billing_email_address": "billing@example.invalid",
            "business_critical": False,
            "copilot_locked_until": stamp,
            "created_at": stamp,
            "develop_pod_memory_request_mebibytes": 600,
            "developer_seats": 5,
            "enterprise_login_slug": "",
            "explorer_seats": 0,
            "git_auth_level": "team",
            "groups": [],
            "identifier": f"act_{s.account_id}",
            "it_seats": 0,
            "lock_cause": "other",
            "lock_reason": s.lock_reason or "",
            "pending_cancel": False,
            "pod_memory_request_mebibytes": 600,
            "queue_limit": 50,
            "read_only_seats": 0,
            "run_duration_limit_seconds": 86400,
            "run_locked_until": stamp,
            "run_slots": 1,
            "starter_repo_url": "",
            "static_subdomain": "ab123",
            "trial_end_date": stamp,
            "unlocked_at": stamp,
            "updated_at": stamp,
            "vanity_subdomain": "",
        }
        return 200, {"data": data, "status": self.envelope_status(200)}

    def retrieve_job(self, account_id, job_id):
        if account_id != self.scenario.account_id or job_id not in self.scenario.jobs:
            return 404, {"status": self.envelope_status(404, "The requested resource was not found.")}
        job = self.spec.minimal_instance("HumanReadableJobDefinitionResponse")
        job.update(id=job_id, account_id=account_id, project_id=self.scenario.project_id, name=f"job {job_id}")
        job["execute_steps"] = list(self.scenario.job_steps.get(job_id, ["dbt build"]))
        return 200, {"data": job, "status": self.envelope_status(200)}

    def job_artifact(self, account_id, job_id, path):
        args = self.scenario.run_results_args.get(job_id, QUIET_RUN_RESULTS_ARGS)
        if account_id != self.scenario.account_id or job_id not in self.scenario.jobs or args is None:
            return 404, {"status": self.envelope_status(404, "The requested resource was not found.")}
        if path != "run_results.json":
            return 404, {"status": self.envelope_status(404, f"No artifact {path}.")}
        metadata = {
            "dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json",
            "dbt_version": "1.11.16",
        }
        return 200, {"metadata": metadata, "results": [], "elapsed_time": 1.0, "args": dict(args)}

    def dispatch(self, method, path, query, body, fault=None):
        match = re.fullmatch(r"/api/v2/accounts/(\d+)/runs/", path)
        if method == "GET" and match:
            return self.list_runs(int(match.group(1)), query)
        match = re.fullmatch(r"/api/v2/accounts/(\d+)/jobs/(\d+)/run/", path)
        if method == "POST" and match:
            visible_after = fault.visible_after if fault is not None else 0.0
            return self.trigger(int(match.group(1)), int(match.group(2)), body, visible_after)
        match = re.fullmatch(r"/api/v2/accounts/(\d+)/jobs/(\d+)/", path)
        if method == "GET" and match:
            return self.retrieve_job(int(match.group(1)), int(match.group(2)))
        match = re.fullmatch(r"/api/v2/accounts/(\d+)/jobs/(\d+)/artifacts/(.+)", path)
        if method == "GET" and match:
            return self.job_artifact(int(match.group(1)), int(match.group(2)), match.group(3))
        match = re.fullmatch(r"/api/v2/accounts/(\d+)/", path)
        if method == "GET" and match:
            return self.account(int(match.group(1)))
        return 404, {"status": self.envelope_status(404, "Not found.")}

    # -- HTTP plumbing ------------------------------------------------------ #

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep pytest output clean
                pass

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

            def _send(self, code, payload, headers=None):
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _serve(self, method):
                parts = urlsplit(self.path)
                query = parse_qsl(parts.query, keep_blank_values=True)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                headers = {k.lower(): v for k, v in self.headers.items()}
                record = Recorded(method, parts.path, query, headers, body)
                with fake._lock:
                    fake.requests.append(record)
                    problems = fake.spec.validate_request(method, parts.path, query, headers, body)
                    fake.violations += [f"request: {p}" for p in problems]
                    fault = next((f for f in fake.scenario.faults if f.matches(method, parts.path)), None)
                    if fault:
                        fault.used += 1
                        record.fault = fault.kind
                if fake.scenario.latency:
                    time.sleep(fake.scenario.latency)
                if problems:
                    record.status = 400
                    payload = {"status": fake.envelope_status(400, "; ".join(problems)[:500])}
                    self._send(400, payload)
                    return
                if fault is not None and fault.kind == "none":
                    fault = None
                if fault is not None and fault.apply_first:
                    with fake._lock:
                        fake.dispatch(method, parts.path, query, body, fault)
                if fault is not None:
                    self._fault(fault, method, parts.path, record)
                    return
                with fake._lock:
                    code, payload = fake.dispatch(method, parts.path, query, body)
                    fake.violations += fake.spec.validate_response(method, parts.path, code, payload)
                record.status = code
                self._send(code, payload)

            def _fault(self, fault, method, path, record):
                if fault.kind == "hang":
                    fake._release.wait(30)
                    self.close_connection = True
                    return
                if fault.kind == "drop":
                    self.close_connection = True
                    return
                if fault.kind == "reset":
                    # SO_LINGER with a zero timeout makes close() send RST: "connection reset by peer".
                    # Close it here (rfile first: it holds a reference), before the server's own
                    # shutdown(SHUT_WR) could send a FIN, which a client reads as a clean close.
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.rfile.close()
                    self.connection.close()
                    self.close_connection = True
                    return
                if fault.kind == "malformed":
                    record.status = 200
                    fake.unchecked.append(f"{method} {path}: malformed JSON (deliberate)")
                    self._send(200, b'{"data": [ {"id": 1,')
                    return
                if fault.kind == "raw":
                    record.status = fault.status
                    fake.unchecked.append(f"{method} {path}: raw body (deliberate)")
                    headers = dict(fault.headers)
                    if fault.retry_after is not None:
                        headers["Retry-After"] = fault.retry_after
                    self._send(fault.status, fault.body.encode(), headers)
                    return
                payload = {"status": fake.envelope_status(fault.status, fault.message)}
                with fake._lock:
                    fake.violations += fake.spec.validate_response(method, path, fault.status, payload)
                headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else None
                record.status = fault.status
                self._send(fault.status, payload, headers)

        return Handler
