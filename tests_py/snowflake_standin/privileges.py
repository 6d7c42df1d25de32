"""Privileges and roles: who holds what, through the role hierarchy, and what each statement needs.

Off by default: unless a test turns the model on (`SnowflakeStandIn.model_privileges()`), every role holds
every privilege, as an account's admin would, and the statements below are allowed. On, the stand-in
follows Snowflake's access control (docs.snowflake.com/en/user-guide/security-access-control-overview):
- a role holds its own grants, those of every role granted to it (GRANT ROLE … TO ROLE, recursively) and
  those of PUBLIC, which every role inherits; OWNERSHIP includes every privilege on the object;
- SHOW GRANTS TO ROLE lists the role's own grants only: its explicit grants, USAGE on each role granted
  to it, and OWNERSHIP of the objects it created (docs.snowflake.com/en/sql-reference/sql/show-grants);
- SHOW INTEGRATIONS, SHOW SECRETS and SHOW WAREHOUSES list the objects the role has a privilege on;
- DESCRIBE NETWORK RULE needs OWNERSHIP of the rule (docs.snowflake.com/en/sql-reference/sql/desc-network-rule);
  DESCRIBE INTEGRATION needs USAGE (or OWNERSHIP) of the integration;
- CREATE STREAM / TASK / PROCEDURE need that CREATE privilege on the schema; CREATE PROCEDURE with
  EXTERNAL_ACCESS_INTEGRATIONS and SECRETS needs USAGE on each integration and READ on each secret
  (docs.snowflake.com/en/developer-guide/external-network-access/creating-using-external-network-access);
- CREATE TASK needs USAGE on its warehouse, or EXECUTE MANAGED TASK when it has none, and USAGE on its
  ERROR_INTEGRATION, which must be a notification integration of a type task errors support, not email or
  webhook (docs.snowflake.com/en/sql-reference/sql/create-task; docs.snowflake.com/en/user-guide/tasks-errors);
  ALTER TASK … RESUME needs EXECUTE TASK.
Not modelled: database roles (SHOW GRANTS TO DATABASE ROLE is refused), secondary roles, future grants,
MANAGE GRANTS, privileges on tables and views (SELECT), USAGE on databases and schemas for reading.
Refusals use Snowflake's "does not exist or not authorized" / "Insufficient privileges" forms, marked
"(stand-in wording)" where the exact text is not documented.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import catalog as cat
from .statements import refused

if TYPE_CHECKING:
    from .account import Account


@dataclass
class NotificationIntegration:
    """A notification integration a test declares (the stand-in does not create them): its SHOW INTEGRATIONS type."""

    name: str
    type: str  # e.g. "EMAIL", "WEBHOOK", "QUEUE - AWS_SNS"
    owner: str
    enabled: bool = True
    category: str = "NOTIFICATION"


# What Snowflake prints in SHOW GRANTS' granted_on for the stand-in's own objects.
_GRANTED_ON = {
    "network_rules": "NETWORK_RULE",
    "secrets": "SECRET",
    "integrations": "INTEGRATION",
    "procedures": "PROCEDURE",
    "tasks": "TASK",
    "streams": "STREAM",
}


@dataclass
class Privileges:
    """The privilege checks of one statement, for the session's role."""

    account: Account
    catalog: cat.Catalog
    role: str
    roles: set[str] = field(init=False)

    def __post_init__(self) -> None:
        self.roles = hierarchy(self.account, self.role)

    @property
    def modelled(self) -> bool:
        return self.account.privileges_modelled

    def holds(self, privilege: str, granted_on: str, name: str) -> bool:
        """The role (or a role it inherits) holds the privilege, or OWNERSHIP, on the object."""
        if not self.modelled:
            return True
        return any(
            grant.granted_on == granted_on
            and (granted_on == "ACCOUNT" or grant.name == name)
            and grant.privilege in (privilege, "OWNERSHIP")
            for role in self.roles
            for grant in grants_held(self.account, self.catalog, role)
        )

    def has_any(self, granted_on: str, name: str) -> bool:
        """Some privilege on the object: what SHOW needs to list it."""
        if not self.modelled:
            return True
        return any(
            grant.granted_on == granted_on and grant.name == name
            for role in self.roles
            for grant in grants_held(self.account, self.catalog, role)
        )

    def require(self, privilege: str, granted_on: str, name: str) -> None:
        if not self.holds(privilege, granted_on, name):
            raise refused(
                f"Insufficient privileges to operate on {granted_on.lower().replace('_', ' ')} '{name}': "
                f"{privilege} needed (stand-in wording)"
            )

    # ---- what statements need -------------------------------------------------------------------

    def describe_network_rule(self, rule: cat.NetworkRule) -> None:
        if self.modelled and rule.owner not in self.roles:
            raise refused(
                "Insufficient privileges to operate on network rule "
                f"'{cat.qualified([rule.database, rule.schema, rule.name])}'"
            )

    def create_in_schema(self, kind: str, parts: list[str]) -> None:
        self.require(f"CREATE {kind}", "SCHEMA", cat.qualified(parts[:2]))

    def create_procedure(self, integrations: list[str], secrets: list[str]) -> None:
        for integration in integrations:
            self.require("USAGE", "INTEGRATION", integration)
        for secret in secrets:
            if not (self.holds("READ", "SECRET", secret) or self.holds("USAGE", "SECRET", secret)):
                raise refused(
                    f"Insufficient privileges to operate on secret '{secret}': READ needed (stand-in wording)"
                )

    def create_task(self, warehouse: str | None, error_integration: str | None) -> None:
        if warehouse:
            self.require("USAGE", "WAREHOUSE", warehouse)
        else:
            self.require("EXECUTE MANAGED TASK", "ACCOUNT", "")
        if error_integration and self.modelled:
            found = self.account.notification_integrations.get(error_integration)
            if found is None:
                raise refused(f"Integration '{error_integration}' does not exist or not authorized.")
            if "EMAIL" in found.type.upper() or "WEBHOOK" in found.type.upper():
                raise refused(
                    f"Integration '{error_integration}' of type {found.type} cannot be used as a task's "
                    "ERROR_INTEGRATION (stand-in wording)"
                )
            self.require("USAGE", "INTEGRATION", error_integration)

    def resume_task(self) -> None:
        self.require("EXECUTE TASK", "ACCOUNT", "")


@dataclass
class HeldGrant:
    privilege: str
    granted_on: str
    name: str


def hierarchy(account: Account, role: str) -> set[str]:
    """The role, every role granted to it (recursively), and PUBLIC with what PUBLIC inherits."""
    return account.roles_of(role) | account.roles_of("PUBLIC")


def grants_held(account: Account, catalog: cat.Catalog, role: str) -> list[HeldGrant]:
    """What SHOW GRANTS TO ROLE lists for the role: explicit grants, roles granted to it, OWNERSHIP of its objects."""
    held = [
        HeldGrant(grant.privilege, grant.granted_on, grant.name) for grant in account.grants if grant.grantee == role
    ]
    held += [HeldGrant("USAGE", "ROLE", child) for child in account.inherited_roles.get(role, [])]
    for store, granted_on in _GRANTED_ON.items():
        for item in getattr(catalog, store).values():
            if item.owner != role:
                continue
            name = item.name if store == "integrations" else cat.qualified([item.database, item.schema, item.name])
            held.append(HeldGrant("OWNERSHIP", granted_on, name))
    for integration in account.notification_integrations.values():
        if integration.owner == role:
            held.append(HeldGrant("OWNERSHIP", "INTEGRATION", integration.name))
    return held
