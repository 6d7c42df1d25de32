"""Runs a Python procedure's handler source as stored, with what Snowflake's Python runtime gives it.

The source is executed as a fresh module whose imports go through the sandbox:
- `_snowflake`: the secret shim (secret_shim.py);
- `requests` (only if PACKAGES lists it): the real package, with every Session checked by egress.py;
- `time` and `datetime`: the real modules, but now, `time.time`, `time.monotonic` read the stand-in's
  clock and `time.sleep` advances it (clock.py) when time is simulated;
- the standard library, except modules that open connections themselves (sockets, http.client,
  urllib.request, …): refused by name, since the stand-in controls egress through requests only;
- any other module: `ModuleNotFoundError`, as when a package is not in PACKAGES
  (docs.snowflake.com/en/developer-guide/stored-procedure/python/procedure-python-writing, "packages").
The handler runs on this interpreter's Python, which must be the procedure's RUNTIME_VERSION.
"""

from __future__ import annotations

import builtins
import datetime as real_datetime_module
import hashlib
import sys
import time as real_time
import types
from collections.abc import Callable
from typing import Any

import requests

from . import clock

# Standard-library modules that would reach the network without passing egress.py.
NETWORK_MODULES = (
    "socket",
    "ssl",
    "http.client",
    "urllib.request",
    "ftplib",
    "smtplib",
    "poplib",
    "imaplib",
    "telnetlib",
    "socketserver",
    "xmlrpc",
    "asyncio",
)
# PACKAGES entries (without a version) and the modules each lets the handler import.
PACKAGE_MODULES = {"requests": "requests", "snowflake-snowpark-python": "snowflake"}

_compiled: dict[str, types.CodeType] = {}


class SandboxRefusal(ImportError):
    """An import the stand-in does not model: refused by name."""


def _clock_time() -> types.ModuleType:
    module = types.ModuleType("time")
    module.__dict__.update(real_time.__dict__)

    def now_seconds() -> float:
        return clock.current_time().timestamp() if clock.is_simulated() else real_time.time()

    def monotonic() -> float:
        return clock.current_time().timestamp() if clock.is_simulated() else real_time.monotonic()

    def sleep(seconds: float) -> None:
        if clock.is_simulated():
            clock.advance(max(0.0, float(seconds)))
        else:
            real_time.sleep(seconds)

    module.time = now_seconds
    module.monotonic = monotonic
    module.perf_counter = monotonic
    module.sleep = sleep
    return module


def _clock_datetime() -> types.ModuleType:
    module = types.ModuleType("datetime")
    module.__dict__.update(real_datetime_module.__dict__)
    base = real_datetime_module.datetime

    class _AcceptsRealDatetimes(type):
        def __instancecheck__(cls, instance: object) -> bool:
            return isinstance(instance, base)

        def __subclasscheck__(cls, subclass: type) -> bool:
            return issubclass(subclass, base)

    class datetime(base, metaclass=_AcceptsRealDatetimes):
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            if not clock.is_simulated():
                return base.now(tz)
            current = clock.current_time()
            return current.astimezone(tz) if tz is not None else current.astimezone().replace(tzinfo=None)

        @classmethod
        def utcnow(cls) -> Any:
            return clock.current_time().replace(tzinfo=None) if clock.is_simulated() else base.utcnow()

    module.datetime = datetime
    return module


def _requests_module(session_class: type) -> types.ModuleType:
    module = types.ModuleType("requests")
    module.__dict__.update(requests.__dict__)
    module.Session = session_class
    module.session = session_class

    def request(method: str, url: str, **kwargs: Any) -> Any:
        with session_class() as session:
            return session.request(method, url, **kwargs)

    module.request = request
    for verb in ("get", "post", "put", "patch", "delete", "head", "options"):
        module.__dict__[verb] = lambda url, _verb=verb, **kwargs: request(_verb.upper(), url, **kwargs)
    return module


def _importer(overrides: dict[str, types.ModuleType], packages: set[str]) -> Callable[..., Any]:
    allowed_top = {PACKAGE_MODULES[name] for name in packages if name in PACKAGE_MODULES}

    def sandboxed_import(name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0) -> Any:
        if level != 0:
            raise SandboxRefusal(f"relative import of {name!r} in a procedure handler is not modelled by the stand-in")
        top = name.split(".")[0]
        if name in overrides:
            return overrides[name]
        if any(name == blocked or name.startswith(blocked + ".") for blocked in NETWORK_MODULES):
            raise SandboxRefusal(
                f"import {name}: a handler reaching the network other than through requests is not modelled "
                "by the stand-in (egress is checked there)"
            )
        if top in overrides and fromlist:
            return __import__(name, globals, locals, fromlist, level)  # e.g. requests.adapters: the real one
        if top in overrides:
            return overrides[top]
        if top in sys.stdlib_module_names:
            return __import__(name, globals, locals, fromlist, level)
        if top == "snowflake" and top in allowed_top:
            raise SandboxRefusal(
                f"import {name}: Snowpark inside the handler is not modelled by the stand-in "
                "(the handler gets its session shim as the first argument)"
            )
        raise ModuleNotFoundError(f"No module named '{top}' (not in the procedure's PACKAGES)", name=top)

    return sandboxed_import


def run_handler(
    source: str,
    handler: str,
    arguments: list[Any],
    *,
    secret_module: types.ModuleType,
    session_class: type,
    packages: set[str],
    module_name: str,
) -> Any:
    """Executes `source` as a new module and returns `handler(*arguments)`; the handler's exceptions propagate."""
    overrides = {"_snowflake": secret_module, "time": _clock_time(), "datetime": _clock_datetime()}
    if "requests" in packages:
        overrides["requests"] = _requests_module(session_class)
    sandbox_builtins = dict(builtins.__dict__)
    sandbox_builtins["__import__"] = _importer(overrides, packages)
    module = types.ModuleType(module_name)
    module.__dict__["__builtins__"] = sandbox_builtins
    digest = hashlib.sha256(source.encode()).hexdigest()
    code = _compiled.get(digest)
    if code is None:
        code = _compiled[digest] = compile(source, f"<procedure {module_name}>", "exec", dont_inherit=True)
    exec(code, module.__dict__)
    function = module.__dict__.get(handler)
    if not callable(function):
        raise SandboxRefusal(f"the handler {handler!r} is not a function of the procedure's code")
    return function(*arguments)
