"""The intake's OpenAPI 3.1 document, generated from the operation table (service_layer/operations.py)
by the kernel's generator (services/kernel/openapi.py), which the ledger's document uses too."""
from __future__ import annotations

from typing import Any

from services.intake.domain import responses as r
from services.intake.service_layer.operation_types import TOO_MANY_REQUESTS, Operation
from services.intake.service_layer.operations import OPERATIONS
from services.intake.entrypoints.screens.paths import SCREEN_PAGES
from services.intake.entrypoints.web_session import SIGN_IN_PAGES
from services.kernel.openapi import Endpoint, document

#: Routes that exist but are not part of the partner API document (see API.md): the sign-in pages are HTML.
UNDOCUMENTED_ROUTES = {"/openapi.json", "/health/live", "/health/ready", "/metrics"} | SIGN_IN_PAGES | SCREEN_PAGES

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
IDEMPOTENCY_KEY = {"name": "Idempotency-Key", "in": "header", "required": False,
                   "description": "A retry with the same key returns the first answer and makes no second event",
                   "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[\\x21-\\x7e]+$"}}
REPLAYED = {"Idempotent-Replayed": {"description": "Present when this is a stored first answer",
                                    "schema": {"type": "string", "enum": ["true"]}}}
WITHHELD = {"Idempotent-Withheld": {"description": "On a replay: the answer fields shown only in the first answer "
                                                  "(never stored), answered null here",
                                   "schema": {"type": "string"}}}
LOCATION = {"Location": {"description": "Where the new resource is read (a path below the server)", "required": True,
                         "schema": {"type": "string", "format": "uri-reference"}}}


def _headers(code: int) -> dict[str, Any]:
    return {**RATE_LIMIT_HEADERS, **({"Retry-After": RETRY_AFTER_HEADER} if code == 429 else {})}


def endpoint(op: Operation) -> Endpoint:
    roles = ", ".join(op.roles) or "any organisation"
    description = (op.description + " " if op.description else "") + f"Roles: {roles}." + (
        f" Also as inbound command `{op.command}`." if op.command else "")
    return Endpoint(op.method, op.path, op.operation_id, op.summary, op.tag, op.response, op.errors(),
                    success=op.success, request=op.request, query=op.query, path_params=tuple(op.path_params),
                    description=description, parameters=(IDEMPOTENCY_KEY,) if op.idempotent else (),
                    success_headers={**(REPLAYED if op.idempotent else {}),
                                     **(WITHHELD if op.idempotent and op.shown_once else {}),
                                     **(LOCATION if op.location else {})})


OPENAPI_ENDPOINT = Endpoint("GET", "/openapi.json", "getOpenApi", "This document", "meta", None,
                            {429: TOO_MANY_REQUESTS, 500: "Internal error"},
                            media={"application/json": {"schema": {"type": "object"}}}, public=True)


def build_openapi(server_url: str = "https://localhost:8081/v1") -> dict[str, Any]:
    return document(
        title="housing-match intake API", server_url=server_url, problem=r.Problem, headers=_headers,
        description="The strict, secure boundary for shelters and other institutions, housing corporations, "
                    "municipalities and monitoring sources. See services/intake/API.md.",
        info={"contact": {"name": "housing-match maintainers", "email": "api@housing-match.nl",
                          "url": "https://housing-match.nl/contact"},
              "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"}},
        bearer_description="An API token from `housing-match org create`",
        endpoints=[*(endpoint(op) for op in OPERATIONS), OPENAPI_ENDPOINT])
