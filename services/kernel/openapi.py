"""One OpenAPI 3.1 generator for every service's HTTP API: operations as data, schemas from pydantic models.

Each service describes its operations as ``Endpoint`` values; ``document`` turns them into the
document, with one problem schema (RFC 9457) for every error, the ``API-Version`` header on
every answer (NL GOV API Design Rules) and whatever headers the service adds (rate limits).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from services.kernel.http import API_VERSION

API_VERSION_HEADER = {"description": "Full version of this API", "schema": {"type": "string", "example": API_VERSION}}
JSON = "application/json"


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # below the server URL
    operation_id: str
    summary: str
    tag: str
    response: type[BaseModel] | None  # the JSON body of a success; None: not JSON (see media)
    errors: dict[int, str]
    success: tuple[int, ...] = (200,)
    request: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    path_params: tuple[str, ...] = ()
    description: str = ""
    parameters: tuple[dict[str, Any], ...] = ()  # beyond path and query model (headers, say)
    media: dict[str, dict[str, Any]] = field(default_factory=dict)  # other representations of a success
    success_headers: dict[str, Any] = field(default_factory=dict)
    public: bool = False  # no token needed


def flatten_nullable(node: Any) -> Any:
    """anyOf [X, null] -> X with type [.., "null"]: simpler for clients and for the date-format rules."""
    if isinstance(node, dict):
        node = {k: flatten_nullable(v) for k, v in node.items()}
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
        return [flatten_nullable(v) for v in node]
    return node


def query_params(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = flatten_nullable(model.model_json_schema())
    out = []
    for name, prop in schema["properties"].items():
        prop.pop("title", None)
        desc = prop.pop("description", None)
        p = {"name": name, "in": "query", "required": False, "schema": prop}
        if desc:
            p["description"] = desc
        out.append(p)
    return out


def document(*, title: str, description: str, server_url: str, endpoints: list[Endpoint],
             problem: type[BaseModel], info: dict[str, Any], bearer_description: str,
             headers: Callable[[int], dict[str, Any]] = lambda code: {}, tags: list[str] | None = None,
             path_pattern: str = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,79}$") -> dict[str, Any]:
    """The OpenAPI 3.1 document of these endpoints. ``headers(code)`` adds a service's own response headers."""
    models: list[tuple[type[BaseModel], str]] = [(problem, "serialization")]
    for op in endpoints:
        if op.response is not None:
            models.append((op.response, "serialization"))
        if op.request is not None:
            models.append((op.request, "validation"))
    keyed, defs = models_json_schema(list(dict.fromkeys(models)), ref_template="#/components/schemas/{model}")
    ref = {(m, mode): keyed[(m, mode)]["$ref"] for m, mode in dict.fromkeys(models)}

    def error(desc: str, code: int) -> dict[str, Any]:
        return {"description": desc, "headers": {"API-Version": API_VERSION_HEADER, **headers(code)},
                "content": {"application/problem+json": {"schema": {"$ref": ref[(problem, "serialization")]}}}}

    paths: dict[str, dict[str, Any]] = {}
    for op in endpoints:
        params: list[dict[str, Any]] = [{"name": p, "in": "path", "required": True,
                                         "schema": {"type": "string", "pattern": path_pattern}}
                                        for p in op.path_params]
        params += query_params(op.query) if op.query is not None else []
        params += list(op.parameters)
        content = {JSON: {"schema": {"$ref": ref[(op.response, "serialization")]}}} if op.response else {}
        content.update(op.media)
        success_headers = {"API-Version": API_VERSION_HEADER, **headers(200), **op.success_headers}
        responses: dict[str, Any] = {
            str(code): {"description": "OK" if code < 300 else "Redirect", "headers": success_headers,
                        "content": content} for code in op.success}
        responses.update({str(code): error(desc, code) for code, desc in op.errors.items()})
        entry: dict[str, Any] = {"operationId": op.operation_id, "summary": op.summary, "tags": [op.tag],
                                 "responses": responses}
        if op.description:
            entry["description"] = op.description
        if op.public:
            entry["security"] = []
        if params:
            entry["parameters"] = params
        if op.request is not None:
            entry["requestBody"] = {"required": True, "content": {
                JSON: {"schema": {"$ref": ref[(op.request, "validation")]}}}}
        paths.setdefault(op.path, {})[op.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": API_VERSION, "description": description, **info},
        "servers": [{"url": server_url}],
        "tags": [{"name": t} for t in (tags or dict.fromkeys(op.tag for op in endpoints))],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {
            "schemas": flatten_nullable(defs["$defs"]),
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "description": bearer_description}},
        },
    }
