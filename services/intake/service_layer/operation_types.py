"""What an intake operation is, and what one call of it carries: the types of the operation table (operations.py).

Kept apart from the table so that the functions the table runs can name ``Call`` without
importing the table that names them.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.types import Identifier
from services.intake.domain import responses as r
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import Idempotency, IntakeUnitOfWork

API_PREFIX = "/v1"


# --- query parameters (lowerCamelCase names, NL GOV API-26) --------------------------

class Query(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CandidateQuery(Query):
    status: r.CandidateStatus | None = Field(default=None, description="Only candidates with this status")


class OfferQuery(Query):
    status: r.OfferStatus | None = Field(default=None, description="Only offers with this status")


class OrganisationQuery(Query):
    role: r.ListedRole | None = Field(default=None, description="Only organisations of this role")


class CursorQuery(Query):
    cursor: int = Field(default=0, ge=0, le=2**31 - 1, description="Entries after this sequence number")
    limit: int = Field(default=100, ge=1, le=500)


class AuditQuery(CursorQuery):
    organisation: Identifier | None = Field(default=None, description="Only this organisation's actions")


class NoBody(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- operations -----------------------------------------------------------------------

@dataclass
class Call:
    """One request (HTTP) or command (Kafka), parsed and authenticated."""

    caller: Caller
    make_uow: Callable[[Idempotency | None], IntakeUnitOfWork]
    secret: str
    body: Any = None
    params: dict[str, str] = field(default_factory=dict)
    query: Any = None
    idem: Idempotency | None = None
    channel: str = "http"


@dataclass(frozen=True)
class Operation:
    method: Literal["GET", "POST", "PUT", "DELETE"]
    path: str  # below API_PREFIX
    operation_id: str
    summary: str
    tag: str
    roles: tuple[str, ...]
    run: Callable[[Call, IntakeUnitOfWork], Any]
    response: type[BaseModel]
    success: tuple[int, ...] = (200,)
    request: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    write: bool = False
    idempotent: bool = False  # accepts an Idempotency-Key header
    command: str | None = None  # name on the inbound topic
    target: str | None = None  # path parameter the inbound ``target`` stands for
    conflicts: bool = False  # can answer 409
    description: str = ""
    personal: bool = False  # a read of candidates' personal data: audited like a write
    location: str | None = None  # the new resource's path below API_PREFIX, from the answer's fields (Location)
    #: Answer fields shown in the first answer only (a secret, a token): never kept in the stored idempotent
    #: answer, so a replay of the same key answers them null (and says so: Idempotent-Withheld).
    shown_once: tuple[str, ...] = ()

    def location_of(self, answer: dict[str, Any]) -> str | None:
        return API_PREFIX + self.location.format(**answer) if self.location else None

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    @property
    def full_path(self) -> str:
        return API_PREFIX + self.path

    def errors(self) -> dict[int, str]:
        out = {400: "Invalid input: each field with its reason", 401: "No valid API token"}
        if self.roles:
            out[403] = "The caller's role may not do this"
        if self.path_params:
            out[404] = "No such record for this organisation (another's records are never revealed)"
        if self.conflicts:
            out[409] = "The record's state does not allow this"
        if self.request is not None or self.write:
            out[413] = "Body too large"
            out[415] = "Body is not application/json"
        if self.idempotent:
            out[422] = "The Idempotency-Key was used for a different request"
        out[429] = TOO_MANY_REQUESTS
        out[500] = "Internal error (never with details)"
        return out


TOO_MANY_REQUESTS = "Too many requests from this caller: wait the Retry-After seconds (nothing was done)"
