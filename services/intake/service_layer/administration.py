"""The administrators' reads and writes the partner API lacks (issue 17): every organisation, an
organisation's API tokens (listed by key id, issued, revoked), and the audit searched by organisation,
person, record and time. Screen-only operations (no route, not in /openapi.json), run through the same
dispatcher as the API, so the role checks and the audit are the same. A token is shown once, when issued;
only its hash and key id are kept (organisations.py)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import select

from contracts.inbound import key_id
from contracts.types import Identifier
from contracts.vocabulary import Role
from services.intake.adapters.orm import ApiToken, AuditEntry, Organisation
from services.intake.domain import responses as r
from services.intake.domain.admin_answers import IssuedToken, Organisations, RevokedToken, Tokens
from services.intake.domain.errors import NotFound
from services.intake.service_layer import organisations
from services.intake.service_layer import common
from services.intake.service_layer.common import Result, audit, require
from services.intake.service_layer.operation_types import Operation
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork


class AuditSearch(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    organisation: Identifier | None = None
    actor: str | None = Field(default=None, max_length=100, pattern=r"^(user|token):[A-Za-z0-9_-]{1,80}$")
    record: str | None = Field(default=None, max_length=120, pattern=r"^[A-Za-z0-9._:/-]+$")
    since: datetime | None = None
    until: datetime | None = None
    before: int | None = Field(default=None, ge=1, le=2**63 - 1)
    limit: int = Field(default=50, ge=1, le=200)


def all_organisations(uow: IntakeUnitOfWork, caller: Caller) -> dict[str, Any]:
    require(caller, Role.ADMIN)
    return {"items": [{"org_id": o.org_id, "name": o.name, "role": o.role, "municipality": o.municipality,
                       "region": o.region, "central": o.central} for o in organisations.list_organisations(uow)]}


class NewOrganisation(BaseModel):
    """An organisation as an administrator registers it on the screen (the CLI's `org create`)."""
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=2, max_length=200)
    role: str = Field(max_length=20)
    municipality: str | None = Field(default=None, max_length=6)
    region: str | None = Field(default=None, max_length=3)
    institution_type: str | None = Field(default=None, max_length=30)
    central: bool = False


def register_organisation(uow: IntakeUnitOfWork, caller: Caller, body: NewOrganisation) -> Result:
    """The same rules as the CLI (organisations.create_organisation); its first token is answered once."""
    require(caller, Role.ADMIN)
    with uow:
        org_id, token = organisations.create_organisation_in(uow, body.name, body.role, body.municipality,
                                                             body.region, body.institution_type, central=body.central)
        answer = uow.finish(201, {"org_id": org_id, "key_id": key_id(token), "token": token})
    common.audit_apart(uow, caller, "organisation.create", org_id, "ok", channel="web")
    return answer


def _organisation(uow: IntakeUnitOfWork, org_id: str) -> Organisation:
    org = uow.session.get(Organisation, org_id)
    if org is None:
        raise NotFound("no such organisation")
    return org


def tokens_of(uow: IntakeUnitOfWork, caller: Caller, org_id: str) -> dict[str, Any]:
    require(caller, Role.ADMIN)
    with uow:
        _organisation(uow, org_id)
        rows = uow.session.exec(select(ApiToken).where(ApiToken.org_id == org_id)
                                .order_by(ApiToken.created_at)).all()
        return {"org_id": org_id, "items": [{"key_id": t.key_id, "created_at": t.created_at,
                                             "revoked_at": t.revoked_at} for t in rows]}


def issue_token(uow: IntakeUnitOfWork, caller: Caller, org_id: str) -> Result:
    require(caller, Role.ADMIN)
    with uow:
        org = _organisation(uow, org_id)
        token = organisations.issue_token_in(uow, org_id, announce=org.role in organisations.CONTRACT_ROLES)
        kid = key_id(token)
        audit(uow, caller, "token.issue", f"{org_id}/{kid}", channel="web")
        return uow.finish(201, {"org_id": org_id, "key_id": kid, "token": token})


def revoke_token(uow: IntakeUnitOfWork, caller: Caller, org_id: str, kid: str) -> Result:
    require(caller, Role.ADMIN)
    with uow:
        rows = uow.session.exec(select(ApiToken).where(ApiToken.org_id == org_id, ApiToken.key_id == kid,
                                                       ApiToken.revoked_at == None)).all()  # noqa: E711
        if not rows:
            raise NotFound("no such active token")
        for row in rows:
            organisations.revoke_in(uow, row)
        audit(uow, caller, "token.revoke", f"{org_id}/{kid}", channel="web")
        return uow.finish(200, {"org_id": org_id, "key_id": kid})


def search_audit(uow: IntakeUnitOfWork, caller: Caller, q: AuditSearch) -> dict[str, Any]:
    """Newest first; every filter narrows (a record matches on its beginning: an id, or an id and what follows)."""
    require(caller, Role.ADMIN)
    with uow:
        query = select(AuditEntry)
        for wanted, column in ((q.organisation, AuditEntry.org_id), (q.actor, AuditEntry.actor)):
            if wanted:
                query = query.where(column == wanted)
        if q.record:
            query = query.where(AuditEntry.record.startswith(q.record, autoescape=True))
        if q.since:
            query = query.where(AuditEntry.at >= q.since)
        if q.until:
            query = query.where(AuditEntry.at <= q.until)
        if q.before:
            query = query.where(AuditEntry.id < q.before)
        rows = uow.session.exec(query.order_by(AuditEntry.id.desc()).limit(q.limit)).all()
        items = [{"id": e.id, "at": e.at, "org_id": e.org_id, "action": e.action, "record": e.record,
                  "outcome": e.outcome, "channel": e.channel, "actor": e.actor} for e in rows]
        return {"items": items, "next_cursor": rows[-1].id if len(rows) == q.limit else 0}


ALL_ORGANISATIONS = Operation("GET", "/screens/organisations", "listAllOrganisations", "Every organisation",
                              "users", (Role.ADMIN,), lambda call, uow: all_organisations(uow, call.caller),
                              Organisations)
LIST_TOKENS = Operation("GET", "/screens/organisations/{organisation}/tokens", "listTokens",
                        "An organisation's API tokens", "users", (Role.ADMIN,),
                        lambda call, uow: tokens_of(uow, call.caller, call.params["organisation"]), Tokens)
ISSUE_TOKEN = Operation("POST", "/screens/organisations/{organisation}/tokens", "issueToken",
                        "Issue an API token for an organisation", "users", (Role.ADMIN,),
                        lambda call, uow: issue_token(uow, call.caller, call.params["organisation"]), IssuedToken,
                        success=(201,), write=True, shown_once=("token",))
REVOKE_TOKEN = Operation("POST", "/screens/organisations/{organisation}/tokens/{key_id}/revocation", "revokeToken",
                         "Revoke an API token", "users", (Role.ADMIN,),
                         lambda call, uow: revoke_token(uow, call.caller, call.params["organisation"],
                                                        call.params["key_id"]), RevokedToken, write=True)
SEARCH_AUDIT = Operation("GET", "/screens/audit", "searchAudit", "The audit, searched", "audit", (Role.ADMIN,),
                         lambda call, uow: search_audit(uow, call.caller, call.query), r.AuditPage,
                         query=AuditSearch)
CREATE_ORGANISATION = Operation("POST", "/screens/organisations", "registerOrganisation", "Register an organisation",
                                "users", (Role.ADMIN,), lambda call, uow: register_organisation(uow, call.caller,
                                                                                             call.body),
                                IssuedToken, success=(201,), request=NewOrganisation, write=True,
                                shown_once=("token",))
