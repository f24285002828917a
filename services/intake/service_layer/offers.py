"""Offers: the shelter and the corporation read them and answer (confirm, reject, accept, decline)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import select

from contracts import events as ev
from contracts.types import DeclineCategory
from services.intake.adapters.orm import CandidateRecord, OfferRecord, UnitRecord
from services.intake.domain.errors import Conflict, Invalid, NotFound, OfferExpired
from services.intake.domain.who_sees_what import offer_for
from services.intake.service_layer.common import Result, audit, now, require
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork


def offer_views(uow: IntakeUnitOfWork, offers: list[OfferRecord], caller: Caller) -> list[dict[str, Any]]:
    """The offers as the caller's side sees them (who_sees_what.py): the shelter with the home, the
    corporation with the household. One query for the homes or the households of all of them."""
    shelter = caller.role == "shelter"
    homes: dict[str, dict] = {}
    households: dict[str, dict] = {}
    if shelter and offers:
        homes = {u.unit_id: u.details for u in uow.session.exec(
            select(UnitRecord).where(UnitRecord.unit_id.in_({o.unit_id for o in offers}))).all()}
    elif offers:
        households = {c.candidate_id: c.profile for c in uow.session.exec(
            select(CandidateRecord).where(CandidateRecord.candidate_id.in_({o.candidate_id for o in offers}))).all()}
    return [offer_for(o, shelter, homes.get(o.unit_id), households.get(o.candidate_id)) for o in offers]


def offer_view(uow: IntakeUnitOfWork, o: OfferRecord, caller: Caller) -> dict[str, Any]:
    return offer_views(uow, [o], caller)[0]


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
        return {"items": offer_views(uow, list(rows), caller)}


def get_offer(uow: IntakeUnitOfWork, caller: Caller, offer_id: str) -> dict[str, Any]:
    require(caller, "shelter", "corporation")
    with uow:
        rec = uow.session.get(OfferRecord, offer_id)
        owner = rec and (rec.shelter if caller.role == "shelter" else rec.corporation)
        if rec is None or owner != caller.org_id:
            raise NotFound("no such offer")
        return offer_view(uow, rec, caller)


ANSWERS = {
    "confirmation": ("corporation", ev.OfferConfirmed, "corporation_answer", "confirmed"),
    "rejection": ("corporation", ev.OfferRejected, "corporation_answer", "rejected"),
    "acceptance": ("shelter", ev.OfferAccepted, "person_answer", "accepted"),
    "decline": ("shelter", ev.OfferDeclined, "person_answer", "declined"),
}
#: Where an answer's category and text are kept on the offer.
REASON_COLUMNS = {"rejection": ("rejection_category", "rejection_reason"),
                  "decline": ("decline_category", "decline_reason")}


def past_deadline(rec: OfferRecord, at: datetime) -> bool:
    """An answer stamped ``at`` comes too late: the matcher, judging the answer's event by that same time,
    would expire the offer first (it expires offers whose deadline its event time has reached)."""
    return at >= rec.expires_at


def answer_offer(uow: IntakeUnitOfWork, caller: Caller, offer_id: str, answer: str, reason: str | None,
                 channel: str = "http", category: str | None = None) -> Result:
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
            return uow.finish(200, offer_view(uow, rec, caller))  # answered the same way before
        at = now()
        if rec.status == "expired" or (rec.status == "open" and past_deadline(rec, at)):
            raise OfferExpired()
        if rec.status != "open":
            raise Conflict(f"the offer is {rec.status}")
        if getattr(rec, column) is not None:
            raise Conflict("the offer was already answered")
        setattr(rec, column, value)
        extra = {}
        if answer in REASON_COLUMNS:
            # A person's own words may hold health details: they stay here, with the shelter; the topic
            # (and the matcher, which needs no more) carries a decline's category only.
            told = str(category or DeclineCategory.OTHER) if event_cls is ev.OfferDeclined else reason
            extra = {"reason": told, **({"category": category} if category else {})}
        event = event_cls(producer=caller.org_id, occurred_at=at, offer_id=offer_id, region=rec.region, **extra)
        if answer in REASON_COLUMNS:
            category_column, reason_column = REASON_COLUMNS[answer]
            setattr(rec, category_column, event.category)
            setattr(rec, reason_column, reason)
        uow.session.add(rec)
        uow.emit(event)
        audit(uow, caller, f"offer.{answer}", offer_id, channel=channel)
        return uow.finish(200, offer_view(uow, rec, caller))
