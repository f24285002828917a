"""Offers: the shelter and the corporation read them and answer (confirm, reject, accept, decline)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import select

from contracts import events as ev
from services.intake.adapters.orm import OfferRecord
from services.intake.domain.errors import Conflict, Invalid, NotFound, OfferExpired
from services.intake.service_layer.common import Result, audit, now, require
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork


def offer_view(o: OfferRecord, caller: Caller) -> dict[str, Any]:
    shelter = caller.role == "shelter"
    return {"offer_id": o.offer_id, "candidate_id": o.candidate_id if shelter else None,
            "vacancy_id": o.unit_id.split(":", 1)[-1], "corporation": o.corporation, "status": o.status,
            "priority": o.priority, "explanation": o.explanation if shelter else None,
            "passed_over": o.passed_over or {},
            "corporation_answer": o.corporation_answer, "person_answer": o.person_answer,
            "made_at": o.made_at, "expires_at": o.expires_at}


def _offer_owner(caller: Caller):
    return OfferRecord.shelter if caller.role == "shelter" else OfferRecord.corporation


def list_offers(uow: IntakeUnitOfWork, caller: Caller, status: str | None = None) -> dict[str, Any]:
    require(caller, "shelter", "corporation")
    with uow:
        q = select(OfferRecord).where(_offer_owner(caller) == caller.org_id)
        if status:
            q = q.where(OfferRecord.status == status)
        rows = uow.session.exec(q.order_by(OfferRecord.made_at, OfferRecord.offer_id)).all()
        # A corporation never sees another organisation's candidate or their needs.
        return {"items": [offer_view(o, caller) for o in rows]}


def get_offer(uow: IntakeUnitOfWork, caller: Caller, offer_id: str) -> dict[str, Any]:
    require(caller, "shelter", "corporation")
    with uow:
        rec = uow.session.get(OfferRecord, offer_id)
        owner = rec and (rec.shelter if caller.role == "shelter" else rec.corporation)
        if rec is None or owner != caller.org_id:
            raise NotFound("no such offer")
        return offer_view(rec, caller)


ANSWERS = {
    "confirmation": ("corporation", ev.OfferConfirmed, "corporation_answer", "confirmed"),
    "rejection": ("corporation", ev.OfferRejected, "corporation_answer", "rejected"),
    "acceptance": ("shelter", ev.OfferAccepted, "person_answer", "accepted"),
    "decline": ("shelter", ev.OfferDeclined, "person_answer", "declined"),
}


def past_deadline(rec: OfferRecord, at: datetime) -> bool:
    """An answer stamped ``at`` comes too late: the matcher, judging the answer's event by that same time,
    would expire the offer first (it expires offers whose deadline its event time has reached)."""
    return at >= rec.expires_at


def answer_offer(uow: IntakeUnitOfWork, caller: Caller, offer_id: str, answer: str, reason: str | None,
                 channel: str = "http") -> Result:
    role, event_cls, column, value = ANSWERS[answer]
    require(caller, role)
    if event_cls in (ev.OfferRejected, ev.OfferDeclined) and not reason:
        raise Invalid("a reason is required", [{"field": "reason", "reason": "required for a decline or rejection"}])
    with uow:
        rec = uow.session.get(OfferRecord, offer_id)
        owner = rec and (rec.shelter if role == "shelter" else rec.corporation)
        if rec is None or owner != caller.org_id:
            raise NotFound("no such offer")
        if getattr(rec, column) == value:
            return uow.finish(200, offer_view(rec, caller))  # answered the same way before
        at = now()
        if rec.status == "expired" or (rec.status == "open" and past_deadline(rec, at)):
            raise OfferExpired()
        if rec.status != "open":
            raise Conflict(f"the offer is {rec.status}")
        if getattr(rec, column) is not None:
            raise Conflict("the offer was already answered")
        setattr(rec, column, value)
        uow.session.add(rec)
        extra = {"reason": reason} if "reason" in event_cls.model_fields else {}
        uow.emit(event_cls(producer=caller.org_id, occurred_at=at, offer_id=offer_id, region=rec.region, **extra))
        audit(uow, caller, f"offer.{answer}", offer_id, channel=channel)
        return uow.finish(200, offer_view(rec, caller))
