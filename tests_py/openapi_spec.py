"""Validate requests and responses against the official dbt Cloud API v2 OpenAPI spec.

The spec (OpenAPI 3.0.3) is loaded once; its component schemas are turned into
JSON Schema (Draft 4 semantics, with OpenAPI's `nullable` mapped to a null type)
and every `$ref` resolves against the spec document itself, so the stand-in
server cannot drift from the real API's documented shapes.
"""

from __future__ import annotations

import json
import os
import re
from functools import cached_property
from pathlib import Path

import yaml
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

REPO_ROOT = Path(__file__).resolve().parents[1]
SPEC_URI = "urn:dbt-cloud-openapi-v2"


def spec_path() -> Path:
    """The copy kept in the repository, tests_py/reference/ (its source there); DBT_CLOUD_OPENAPI_SPEC overrides it."""
    override = os.environ.get("DBT_CLOUD_OPENAPI_SPEC")
    if override:
        return Path(override)
    return REPO_ROOT / "tests_py" / "reference" / "dbt-cloud-openapi-v2.yaml"


def _to_jsonschema(node):
    """OpenAPI 3.0 schema objects -> JSON Schema: `nullable: true` admits null."""
    if isinstance(node, list):
        return [_to_jsonschema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _to_jsonschema(value) for key, value in node.items()}
    if out.pop("nullable", False) is True:
        if "type" in out:
            types = out["type"] if isinstance(out["type"], list) else [out["type"]]
            out["type"] = [*types, "null"]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


# The spec documents only the 200 response of the operations the handler uses.
# Error bodies the stand-in sends (401/403/404/429/5xx) are checked against the
# envelope the API uses for them, built from the spec's own ResponseStatus.
ERROR_ENVELOPE = {
    "type": "object",
    "required": ["status"],
    "properties": {"status": {"$ref": f"{SPEC_URI}#/components/schemas/ResponseStatus"}},
}


class OpenApiSpec:
    def __init__(self, path: Path):
        if not path.is_file():
            raise FileNotFoundError(f"dbt Cloud OpenAPI spec not found at {path}")
        self.path = path
        self.raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.doc = _to_jsonschema(self.raw)
        resource = Resource.from_contents(self.doc, default_specification=DRAFT4)
        self.registry = Registry().with_resource(SPEC_URI, resource)
        self._routes = []
        for template, item in self.raw["paths"].items():
            pattern = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$"
            self._routes.append((re.compile(pattern), template, item))

    # -- lookup ------------------------------------------------------------- #

    def schema(self, name):
        return self.raw["components"]["schemas"][name]

    def validator(self, schema):
        return Draft4Validator(schema, registry=self.registry)

    def ref(self, name):
        return {"$ref": f"{SPEC_URI}#/components/schemas/{name}"}

    def operation(self, method, path):
        """(template, operation, path_params) for a concrete request path, or None."""
        for pattern, template, item in self._routes:
            match = pattern.match(path)
            if match and method.lower() in item:
                return template, item[method.lower()], match.groupdict()
        return None

    def _resolve(self, node):
        if isinstance(node, dict) and "$ref" in node and node["$ref"].startswith("#/"):
            target = self.doc
            for part in node["$ref"][2:].split("/"):
                target = target[part]
            return target
        return node

    @cached_property
    def security_schemes(self):
        return self.raw.get("components", {}).get("securitySchemes", {})

    # -- requests ----------------------------------------------------------- #

    def validate_request(self, method, path, query, headers, body):
        """Violations (list of str) of one request: path, query, auth, body."""
        found = self.operation(method, path)
        if found is None:
            return [f"{method} {path}: no such operation in the spec"]
        template, op, path_params = found
        where = f"{method} {template}"
        problems = []
        params = [self._resolve(p) for p in op.get("parameters", [])]
        declared = {(p["in"], p["name"]): p for p in params}
        for param in params:
            if param["in"] == "path":
                problems += self._check_param(where, param, [path_params.get(param["name"])])
        seen = {}
        for name, value in query:
            seen.setdefault(name, []).append(value)
        for name, values in seen.items():
            param = declared.get(("query", name))
            if param is None:
                problems.append(f"{where}: query parameter {name!r} is not in the spec")
                continue
            problems += self._check_param(where, param, values)
        for param in params:
            if param.get("required") and param["in"] == "query" and param["name"] not in seen:
                problems.append(f"{where}: required query parameter {param['name']!r} missing")
        problems += self._check_security(where, op, headers)
        problems += self._check_body(where, op, headers, body)
        accept = headers.get("accept", "")
        if "application/json" not in accept and "*/*" not in accept:
            problems.append(f"{where}: Accept header {accept!r} does not admit application/json")
        return problems

    def _coerce(self, schema, text):
        kind = schema.get("type")
        if kind == "integer":
            return int(text) if re.fullmatch(r"-?\d+", text or "") else text
        if kind == "number":
            try:
                return float(text)
            except (TypeError, ValueError):
                return text
        if kind == "boolean":
            return {"true": True, "false": False}.get(text, text)
        if "oneOf" in schema or "anyOf" in schema:
            return int(text) if re.fullmatch(r"-?\d+", text or "") else text
        return text

    def _check_param(self, where, param, values):
        schema = self._resolve(param.get("schema", {}))
        name = f"{param['in']} parameter {param['name']!r}"
        if values == [None]:
            return [f"{where}: {name} missing"] if param.get("required") else []
        if schema.get("type") == "array":
            # style=form, explode=true (the OpenAPI default): one key per item.
            items = self._resolve(schema.get("items", {}))
            value = [self._coerce(items, text) for text in values]
        else:
            if len(values) != 1:
                return [f"{where}: {name} given {len(values)} times"]
            value = self._coerce(schema, values[0])
        errors = list(self.validator(schema).iter_errors(value))
        return [f"{where}: {name}={values!r}: {error.message}" for error in errors]

    def _check_security(self, where, op, headers):
        requirements = op.get("security", self.raw.get("security", []))
        if not requirements:
            return []
        auth = headers.get("authorization", "")
        for requirement in requirements:
            for scheme_name in requirement:
                scheme = self.security_schemes.get(scheme_name, {})
                bearer = scheme.get("type") == "http" and scheme.get("scheme", "").lower() == "bearer"
                api_key = scheme.get("type") == "apiKey" and scheme.get("in") == "header"
                if bearer and re.fullmatch(r"Bearer \S+", auth):
                    return []
                if api_key and headers.get(scheme["name"].lower()):
                    return []
        return [f"{where}: Authorization header does not satisfy the spec's security scheme"]

    def _check_body(self, where, op, headers, body):
        spec_body = op.get("requestBody")
        if spec_body is None:
            return [f"{where}: sends a body the spec does not declare"] if body else []
        if not body:
            return [f"{where}: required request body missing"] if spec_body.get("required") else []
        content_type = headers.get("content-type", "").split(";")[0].strip()
        media = spec_body.get("content", {}).get(content_type)
        if media is None:
            return [f"{where}: Content-Type {content_type!r} not declared for the body"]
        if content_type != "application/json":
            return []
        try:
            document = json.loads(body)
        except ValueError:
            return [f"{where}: request body is not valid JSON"]
        errors = self.validator(self._ref_schema(media["schema"])).iter_errors(document)
        return [f"{where}: request body: {error.message}" for error in errors]

    def _ref_schema(self, schema):
        if isinstance(schema, dict) and "$ref" in schema and schema["$ref"].startswith("#/"):
            return {"$ref": SPEC_URI + schema["$ref"]}
        return schema

    # -- responses ---------------------------------------------------------- #

    def response_schema(self, method, path, status_code):
        """(schema, documented) for a response of the operation."""
        found = self.operation(method, path)
        if found is None:
            return ERROR_ENVELOPE, False
        responses = found[1].get("responses", {})
        entry = responses.get(str(status_code)) or responses.get("default")
        if entry is None:
            return ERROR_ENVELOPE, False
        media = entry.get("content", {}).get("application/json")
        if media is None:
            return {}, True
        return self._ref_schema(media["schema"]), True

    def validate_response(self, method, path, status_code, document):
        schema, documented = self.response_schema(method, path, status_code)
        errors = sorted(self.validator(schema).iter_errors(document), key=lambda e: list(e.path))
        label = "documented" if documented else "undocumented (error envelope)"
        return [
            f"{method} {path} -> {status_code} {label} response: /{'/'.join(map(str, error.path))}: {error.message}"
            for error in errors
        ]

    # -- examples ----------------------------------------------------------- #

    def minimal_instance(self, schema_name):
        """The smallest object the spec's schema accepts: its required fields only, each with a plain value.

        The stand-in answers operations whose documented response has many required nested objects
        (Retrieve Job) with this, plus the fields a test sets; `validate_response` still checks it.
        """
        return self._minimal(self.raw["components"]["schemas"][schema_name], ())

    def _minimal(self, schema, seen):
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name in seen:
                return None
            return self._minimal(self.raw["components"]["schemas"][name], (*seen, name))
        for combiner in ("allOf", "oneOf", "anyOf"):
            if combiner in schema:
                return self._minimal(schema[combiner][0], seen)
        if "enum" in schema:
            return next((value for value in schema["enum"] if value is not None), schema["enum"][0])
        kind = schema.get("type", "object")
        if kind == "object":
            properties = schema.get("properties", {})
            return {name: self._minimal(properties.get(name, {}), seen) for name in schema.get("required", [])}
        if kind == "array":
            return []
        if kind == "string":
            minimum = max(1, int(schema.get("minLength", 1)))
            formats = {"date-time": "2026-01-01T00:00:00Z", "date": "2026-01-01", "uri": "https://example.invalid/"}
            return formats.get(schema.get("format"), "x" * minimum)
        if kind in ("integer", "number"):
            return int(schema.get("minimum", 1))
        if kind == "boolean":
            return False
        return None
