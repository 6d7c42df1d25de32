"""Where a procedure's HTTP may go: only to the hosts its external access integrations' network rules allow.

A procedure reaches the outside only through the EXTERNAL_ACCESS_INTEGRATIONS it names; an integration
allows the hosts of its ALLOWED_NETWORK_RULES, each a rule of TYPE = HOST_PORT and MODE = EGRESS whose
VALUE_LIST holds 'host' or 'host:port', a host without a port meaning port 443
(docs.snowflake.com/en/developer-guide/external-network-access/creating-using-external-network-access,
docs.snowflake.com/en/sql-reference/sql/create-network-rule); a disabled integration (ENABLED = FALSE)
allows nothing (sql-reference/sql/create-external-access-integration). Wildcard hosts are refused by name.

A request to any other host and port is refused before anything is sent, as a connection error naming
the host (Snowflake's own error text is not documented: stand-in wording). An allowed request goes to
the local server a test routed the host to (`SnowflakeStandIn.route_egress`), for example the dbt Cloud
stand-in for the account's access URL host; an allowed host with no route is refused by name too.
Every attempt is kept in `SnowflakeStandIn.egress_log`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

from . import catalog as cat

DEFAULT_PORT = 443
_SCHEME_PORTS = {"https": 443, "http": 80}


class EgressNotModelled(ValueError):
    """A network rule value the stand-in does not model (wildcards): refused by name."""


@dataclass
class EgressAttempt:
    procedure: str
    method: str
    host: str
    port: int
    path: str
    allowed: bool
    routed_to: str | None


@dataclass(frozen=True)
class EgressPolicy:
    procedure: str
    integrations: tuple[str, ...]
    allowed: frozenset[tuple[str, int]]

    @classmethod
    def for_procedure(cls, catalog: cat.Catalog, procedure: cat.Procedure) -> EgressPolicy:
        allowed: set[tuple[str, int]] = set()
        for name in procedure.external_access_integrations:
            integration = catalog.integrations.get(name)
            if integration is None or not integration.enabled:
                continue
            for rule_key in integration.allowed_network_rules:
                rule = catalog.network_rules.get(rule_key)
                if rule is None or rule.type != "HOST_PORT" or rule.mode != "EGRESS":
                    continue
                allowed.update(host_port(value) for value in rule.value_list)
        qualified = f"{procedure.database}.{procedure.schema}.{procedure.name}"
        return cls(qualified, tuple(procedure.external_access_integrations), frozenset(allowed))

    def allows(self, host: str, port: int) -> bool:
        return (host.lower(), port) in self.allowed


def host_port(value: str) -> tuple[str, int]:
    """A HOST_PORT value-list entry: 'host' (port 443) or 'host:port'."""
    if "*" in value:
        raise EgressNotModelled(f"network rule value {value!r}: wildcard hosts are not modelled by the stand-in")
    host, _, port = value.strip().rpartition(":") if ":" in value else (value.strip(), "", "")
    return host.lower(), int(port) if port else DEFAULT_PORT


def session_class(policy: EgressPolicy, routes: dict[tuple[str, int], str], log: list[EgressAttempt]) -> type:
    """A requests.Session whose every request passes the policy first, then goes to its route."""

    class EgressSession(requests.Session):
        def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
            parts = urlsplit(request.url or "")
            host = (parts.hostname or "").lower()
            port = parts.port or _SCHEME_PORTS.get(parts.scheme, DEFAULT_PORT)
            allowed = policy.allows(host, port)
            route = routes.get((host, port)) if allowed else None
            log.append(EgressAttempt(policy.procedure, request.method or "", host, port, parts.path, allowed, route))
            if not allowed:
                raise requests.exceptions.ConnectionError(
                    f"egress to {host}:{port} refused: no network rule of the procedure's external access "
                    f"integrations ({', '.join(policy.integrations) or 'none'}) allows it (stand-in wording)",
                    request=request,
                )
            if route is None:
                raise requests.exceptions.ConnectionError(
                    f"egress to {host}:{port} is allowed but the stand-in routes it nowhere (stand-in wording)",
                    request=request,
                )
            target = urlsplit(route)
            request.url = urlunsplit((target.scheme, target.netloc, parts.path, parts.query, parts.fragment))
            return super().send(request, **kwargs)

    return EgressSession
