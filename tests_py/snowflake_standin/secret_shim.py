"""`_snowflake` inside a procedure: a secret's value only when the procedure and its integrations allow it.

A handler reads a secret by the alias its procedure's SECRETS clause gives it
(`_snowflake.get_generic_secret_string('alias')`); the secret must be one the procedure's external access
integrations list in ALLOWED_AUTHENTICATION_SECRETS
(docs.snowflake.com/en/developer-guide/external-network-access/secret-api-reference,
…/external-network-access/creating-using-external-network-access). A secret that is not there, not
allowed, or of another type raises ValueError, as Snowpark documents for a secret that "does not exist or
is not authorized" (snowpark/reference/python/latest/snowpark/api/snowflake.snowpark.secrets.get_generic_secret_string);
the messages are stand-in wording and never hold a value. Values live only in the stand-in's memory (a
secret set in another process has none here: refused by name). Other secret types: refused by name.
"""

from __future__ import annotations

import types
from typing import Any

from . import catalog as cat


def secret_module(standin: Any, procedure: cat.Procedure) -> types.ModuleType:
    module = types.ModuleType("_snowflake")
    qualified = f"{procedure.database}.{procedure.schema}.{procedure.name}"

    def secret_of(alias: str) -> tuple[str, cat.Secret]:
        target = procedure.secrets.get(alias)
        if target is None:
            raise ValueError(
                f"secret alias {alias!r} is not in the SECRETS of procedure {qualified} (stand-in wording)"
            )
        key = cat.Catalog.key(target.split("."))
        secret = standin.catalog.secrets.get(key)
        if secret is None:
            raise ValueError(f"secret {key} of alias {alias!r} does not exist (stand-in wording)")
        allowed = any(
            integration is not None and integration.enabled and key in integration.allowed_authentication_secrets
            for integration in (
                standin.catalog.integrations.get(name) for name in procedure.external_access_integrations
            )
        )
        if not allowed:
            raise ValueError(
                f"secret {key} is not allowed by the enabled external access integrations of procedure "
                f"{qualified} (stand-in wording)"
            )
        return key, secret

    def get_generic_secret_string(alias: str) -> str:
        key, secret = secret_of(alias)
        if secret.secret_type != "GENERIC_STRING":
            raise ValueError(f"secret {key} is of type {secret.secret_type}, not GENERIC_STRING (stand-in wording)")
        value = standin.secret_values.get(key)
        if value is None:
            raise ValueError(
                f"the stand-in holds no value for secret {key}: it was set in another process (stand-in wording)"
            )
        return value

    def get_secret_type(alias: str) -> str:
        return secret_of(alias)[1].secret_type

    def not_modelled(name: str) -> Any:
        def refuse(*_: Any, **__: Any) -> Any:
            raise NotImplementedError(f"_snowflake.{name} is not modelled by the stand-in")

        return refuse

    module.get_generic_secret_string = get_generic_secret_string
    module.get_secret_type = get_secret_type
    for name in ("get_username_password", "get_oauth_access_token", "get_cloud_provider_token"):
        setattr(module, name, not_modelled(name))
    return module
