"""The intake's OpenAPI 3.1 document, generated from the operation table (service_layer/operations.py)."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from services.intake.domain import responses as r
from services.intake.service_layer.operations import API_PREFIX, OPERATIONS, TOO_MANY_REQUESTS
from services.kernel.http import API_VERSION

#: Routes that exist but are not part of the partner API document (see API.md).
UNDOCUMENTED_ROUTES = {"/openapi.json", "/health/live", "/health/ready", "/metrics"}


# --- the OpenAPI 3.1 document --------------------------------------------------------------

def _flatten_nullable(node: Any) -> Any:
    """anyOf [X, null] -> X with type [.., "null"]: simpler for clients and for the date-format rules."""
    if isinstance(node, dict):
        node = {k: _flatten_nullable(v) for k, v in node.items()}
        any_of = node.get("anyOf")
        if isinstance(any_of, list) and len(any_of) == 2 and {"type": "null"} in any_of:
            other = next(s for s in any_of if s != {"type": "null"})
            if "type" in other and "$ref" not in other and isinstance(other["type"], str):
                node.pop("anyOf")
                node = {**other, **node, "type": [other["type"], "null"]}
                if "enum" in node:
                    node["enum"] = [*node["enum"], None]
        return node
    if isinstance(node, list):
        return [_flatten_nullable(v) for v in node]
    return node


def _params_of(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = _flatten_nullable(model.model_json_schema())
    out = []
    for name, prop in schema["properties"].items():
        prop.pop("title", None)
        desc = prop.pop("description", None)
        p = {"name": name, "in": "query", "required": False, "schema": prop}
        if desc:
            p["description"] = desc
        out.append(p)
    return out


API_VERSION_HEADER = {"description": "Full version of this API", "schema": {"type": "string", "example": API_VERSION}}
#: On every answer (NL GOV API Design Rules extension API-45); the limit is per organisation and intake worker.
RATE_LIMIT_HEADERS = {
    "X-Rate-Limit-Limit": {"description": "The caller's burst: the most requests it can make at once (the "
                                          "bucket refills at the sustained rate)", "required": True,
                           "schema": {"type": "integer", "minimum": 1}},
    "X-Rate-Limit-Remaining": {"description": "Requests the caller can make right now", "required": True,
                               "schema": {"type": "integer", "minimum": 0}},
    "X-Rate-Limit-Reset": {"description": "Seconds until the caller's full burst is available again",
                           "required": True, "schema": {"type": "integer", "minimum": 0}},
}
RETRY_AFTER_HEADER = {"description": "Seconds to wait before the next request is allowed", "required": True,
                      "schema": {"type": "integer", "minimum": 1}}


def build_openapi(server_url: str = "https://localhost:8081/v1") -> dict[str, Any]:
    models: list[tuple[type[BaseModel], str]] = [(r.Problem, "serialization")]
    for op in OPERATIONS:
        models.append((op.response, "serialization"))
        if op.request is not None:
            models.append((op.request, "validation"))
    keyed, defs = models_json_schema(list(dict.fromkeys(models)), ref_template="#/components/schemas/{model}")
    schemas = _flatten_nullable(defs["$defs"])
    ref = {(m, mode): keyed[(m, mode)]["$ref"] for m, mode in dict.fromkeys(models)}
    problem_ref = ref[(r.Problem, "serialization")]

    def error(desc: str, code: int = 400) -> dict[str, Any]:
        headers = {"API-Version": API_VERSION_HEADER, **RATE_LIMIT_HEADERS}
        if code == 429:
            headers["Retry-After"] = RETRY_AFTER_HEADER
        return {"description": desc, "headers": headers,
                "content": {"application/problem+json": {"schema": {"$ref": problem_ref}}}}

    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        params: list[dict[str, Any]] = [
            {"name": p, "in": "path", "required": True,
             "schema": {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,79}$"}}
            for p in op.path_params]
        if op.query is not None:
            params += _params_of(op.query)
        if op.idempotent:
            params.append({"name": "Idempotency-Key", "in": "header", "required": False,
                           "description": "A retry with the same key returns the first answer and makes no "
                                          "second event",
                           "schema": {"type": "string", "minLength": 1, "maxLength": 200,
                                      "pattern": "^[\\x21-\\x7e]+$"}})
        success_headers = {"API-Version": API_VERSION_HEADER, **RATE_LIMIT_HEADERS}
        if op.idempotent:
            success_headers["Idempotent-Replayed"] = {"description": "Present when this is a stored first answer",
                                                      "schema": {"type": "string", "enum": ["true"]}}
        responses: dict[str, Any] = {
            str(code): {"description": "OK" if code < 300 else "Redirect", "headers": success_headers,
                        "content": {"application/json": {"schema": {"$ref": ref[(op.response, "serialization")]}}}}
            for code in op.success}
        responses.update({str(code): error(desc, code) for code, desc in op.errors().items()})
        entry: dict[str, Any] = {"operationId": op.operation_id, "summary": op.summary, "tags": [op.tag],
                                 "responses": responses}
        roles = ", ".join(op.roles) or "any organisation"
        entry["description"] = (op.description + " " if op.description else "") + f"Roles: {roles}." + (
            f" Also as inbound command `{op.command}`." if op.command else "")
        if params:
            entry["parameters"] = params
        if op.request is not None:
            entry["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": {"$ref": ref[(op.request, "validation")]}}}}
        paths.setdefault(op.path, {})[op.method.lower()] = entry
    paths["/openapi.json"] = {"get": {
        "operationId": "getOpenApi", "summary": "This document", "tags": ["meta"], "security": [],
        "responses": {"200": {"description": "OK", "headers": {"API-Version": API_VERSION_HEADER,
                                                               **RATE_LIMIT_HEADERS},
                              "content": {"application/json": {"schema": {"type": "object"}}}},
                      "429": error(TOO_MANY_REQUESTS, 429),
                      "500": error("Internal error", 500)}}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "housing-match intake API",
            "version": API_VERSION,
            "description": "The strict, secure boundary for shelters and other institutions, housing corporations, "
                           "municipalities and monitoring sources. See services/intake/API.md.",
            "contact": {"name": "housing-match maintainers", "email": "api@housing-match.nl",
                        "url": "https://housing-match.nl/contact"},
            "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
        },
        "servers": [{"url": server_url}],
        "tags": [{"name": t} for t in dict.fromkeys([op.tag for op in OPERATIONS] + ["meta"])],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "An API token from `housing-match org create`"}},
        },
    }
