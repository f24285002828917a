"""What the case worker's list of candidates needs beside the candidates themselves (issue 16): per
candidate, how often it was passed over and the latest reason, in one query for the whole organisation
(a shelter may have thousands of candidates; one query per candidate would not do)."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func
from sqlmodel import select

from services.intake.adapters.orm import Change, PassedOverRecord
from services.intake.domain import responses as r
from services.intake.domain.answer_parts import Answer
from services.intake.service_layer.common import require
from services.intake.service_layer.operation_types import Operation
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork


def waiting_reasons(uow: IntakeUnitOfWork, caller: Caller) -> dict[str, Any]:
    """Per own candidate that was passed over: the count and the latest reason (only the own shelter's rows)."""
    require(caller, "shelter")
    with uow:
        latest = (select(PassedOverRecord.candidate_id, func.count().label("times"),
                         func.max(PassedOverRecord.id).label("last_id"))
                  .where(PassedOverRecord.shelter == caller.org_id)
                  .group_by(PassedOverRecord.candidate_id).subquery())
        rows = uow.session.exec(select(latest.c.candidate_id, latest.c.times, PassedOverRecord.reason)
                                .join(PassedOverRecord, PassedOverRecord.id == latest.c.last_id)).all()
        return {"items": [{"candidate_id": c, "times": n, "latest_reason": reason} for c, n, reason in rows]}


class WaitingReason(Answer):
    candidate_id: str
    times: int
    latest_reason: str


class WaitingReasons(Answer):
    items: list[WaitingReason]


#: Not part of the partner API (no route, not in /openapi.json): the screens run it through the same
#: dispatcher as every operation, so the role checks and the audit are those of listCandidates' tag.
WAITING_REASONS = Operation("GET", "/screens/waiting-reasons", "listWaitingReasons",
                            "Why the caller's candidates still wait", "candidates", ("shelter",),
                            lambda call, uow: waiting_reasons(uow, call.caller), WaitingReasons)


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
