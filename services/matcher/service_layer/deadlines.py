"""A region's deadlines on event time (issue 20 beside offer expiry): proposals waiting too long for the
transfer point are flagged, and the ends of holds and parkings count as deadlines too, so the region's clock
ticks a quiet region at each of them (clock.py) and its next round offers the home or the person again."""
from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import bindparam, func
from sqlmodel import select

from contracts import events as ev
from contracts.types import AMSTERDAM
from services.matcher.adapters.orm import Candidate, Offer, RegionClock, Unit
from services.matcher.service_layer.common import PRODUCER
from services.matcher.service_layer.unit_of_work import MatcherUnitOfWork


# Built once, with bound parameters: every deadline that passes runs them (region_state.py says why).
_OVERDUE_PROPOSALS = select(Offer).where(
    Offer.region == bindparam("region"), Offer.status == "proposed", Offer.review_flagged == False,  # noqa: E712
    Offer.expires_at <= bindparam("watermark"))
_FIRST_OFFER_DEADLINE = select(func.min(Offer.expires_at)).where(
    Offer.region == bindparam("region"), (Offer.status == "made") | (
        (Offer.status == "proposed") & (Offer.review_flagged == False)))  # noqa: E712
_FIRST_PARKING_END = select(func.min(Candidate.parked_until)).where(
    Candidate.region == bindparam("region"), Candidate.status == "waiting",
    Candidate.parked_until > bindparam("watermark"))
_HOLDS = select(Unit.held_until).where(
    Unit.region == bindparam("region"), Unit.status == "open", Unit.held_until != None)  # noqa: E711


def flag_overdue_proposals(uow: MatcherUnitOfWork, region: str, watermark: datetime) -> None:
    """A proposal's deadline is its review time: past it, it is flagged to the transfer point once."""
    for proposal in uow.session.exec(_OVERDUE_PROPOSALS, params={"region": region, "watermark": watermark}).all():
        proposal.review_flagged = True
        uow.session.add(proposal)
        uow.emit(ev.ProposalOverdue(producer=PRODUCER, occurred_at=watermark, offer_id=proposal.offer_id,
                                    region=region))


def hold_ends(until) -> datetime:
    """A home held until a (local) date is free again at that day's start in Amsterdam."""
    return datetime.combine(until, time(0), tzinfo=AMSTERDAM)


def next_deadline(uow: MatcherUnitOfWork, region: str, watermark: datetime) -> datetime | None:
    """The region's earliest deadline after ``watermark``: an open offer's expiry, an unflagged proposal's review
    time, the end of a hold or of a parking."""
    [(offers,)] = uow.rows(_FIRST_OFFER_DEADLINE, region=region)
    [(parked,)] = uow.rows(_FIRST_PARKING_END, region=region, watermark=watermark)
    holds = [end for (d,) in uow.rows(_HOLDS, region=region) if (end := hold_ends(d)) > watermark]
    due = [d for d in (offers, parked, *holds) if d is not None]
    return min(due) if due else None


def add_deadline(uow: MatcherUnitOfWork, region: str, at: datetime) -> None:
    clock = uow.get(RegionClock, region)
    if clock is not None:
        clock.next_expiry = at if clock.next_expiry is None else min(clock.next_expiry, at)
