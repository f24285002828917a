"""Reads the case worker's screens need that the partner API does not offer (issue 16): a page of the
candidates with what the list shows of each (a shelter may have thousands: a few queries per page, never
one per candidate), and the notifications newest first."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func
from sqlmodel import select

from services.intake.adapters.orm import CandidateRecord, Change, OfferRecord, PassedOverRecord
from services.intake.domain import responses as r
from services.intake.domain.answer_parts import Answer
from services.intake.service_layer.candidates import candidate_view
from services.intake.service_layer.common import ACTIVE, ERASED, require
from services.intake.service_layer.offers import offer_views
from services.intake.service_layer.operation_types import Operation
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork


def candidates_page(uow: IntakeUnitOfWork, caller: Caller, page: int, size: int) -> dict[str, Any]:
    """One page of the caller's candidates, those still waiting first and the longest waiting on top, with
    their open offers and why each was passed over last: three queries whatever the number of candidates."""
    require(caller, "shelter")
    with uow:
        rows = uow.session.exec(select(CandidateRecord).where(CandidateRecord.shelter == caller.org_id,
                                                              ~CandidateRecord.person_ref.startswith(ERASED))).all()
        rows = sorted(rows, key=lambda c: (c.status not in ACTIVE, c.profile.get("shelter_entry_date", ""),
                                           c.candidate_id))
        shown = rows[(page - 1) * size:page * size]
        ids = [c.candidate_id for c in shown]
        offers = uow.session.exec(select(OfferRecord).where(OfferRecord.shelter == caller.org_id,
                                                            OfferRecord.status == "open",
                                                            OfferRecord.candidate_id.in_(ids))).all()
        latest = (select(PassedOverRecord.candidate_id, func.count().label("times"),
                         func.max(PassedOverRecord.id).label("last_id"))
                  .where(PassedOverRecord.shelter == caller.org_id, PassedOverRecord.candidate_id.in_(ids))
                  .group_by(PassedOverRecord.candidate_id).subquery())
        reasons = uow.session.exec(select(latest.c.candidate_id, latest.c.times, PassedOverRecord.reason)
                                   .join(PassedOverRecord, PassedOverRecord.id == latest.c.last_id)).all()
        return {"items": [candidate_view(c) for c in shown], "total": len(rows),
                "open_offers": offer_views(uow, list(offers), caller),
                "waiting": [{"candidate_id": c, "times": n, "latest_reason": reason} for c, n, reason in reasons]}


class WaitingReason(Answer):
    candidate_id: str
    times: int
    latest_reason: str


class CandidatesPage(Answer):
    items: list[r.Candidate]
    total: int
    open_offers: list[r.Offer]
    waiting: list[WaitingReason]


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    page: int = Field(default=1, ge=1, le=100_000)
    size: int = Field(default=50, ge=1, le=200)


#: Not part of the partner API (no route, not in /openapi.json): the screens run them through the same
#: dispatcher as every operation, so the role checks and the audit are those of their tags.
CANDIDATES_PAGE = Operation("GET", "/screens/candidates", "listCandidatesPage",
                            "A page of the caller's candidates with open offers and why they wait", "candidates",
                            ("shelter",), lambda call, uow: candidates_page(uow, call.caller, call.query.page,
                                                                            call.query.size),
                            CandidatesPage, query=PageQuery, personal=True)


def latest_changes(uow: IntakeUnitOfWork, caller: Caller, before: int | None, limit: int) -> dict[str, Any]:
    """The organisation's notifications, newest first (the change feed read backwards, for people)."""
    with uow:
        q = select(Change).where(Change.org_id == caller.org_id)
        if before:
            q = q.where(Change.seq < before)
        rows = uow.session.exec(q.order_by(Change.seq.desc()).limit(limit)).all()
        items = [{"seq": c.seq, "kind": c.kind, "occurred_at": c.occurred_at, "data": c.data} for c in rows]
        return {"items": items, "next_cursor": rows[-1].seq if len(rows) == limit else 0}


class LatestQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    before: int | None = Field(default=None, ge=1, le=2**31 - 1)
    limit: int = Field(default=50, ge=1, le=100)


LATEST_CHANGES = Operation("GET", "/screens/latest-changes", "listLatestChanges",
                           "The caller's notifications, newest first", "changes", (),
                           lambda call, uow: latest_changes(uow, call.caller, call.query.before, call.query.limit),
                           r.ChangePage, query=LatestQuery)
