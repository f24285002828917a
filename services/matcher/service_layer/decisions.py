"""People decide (issue 20): the transfer officer's decisions on proposals, manual matches, holds and parking,
and the parking of a candidate after too many declines without a valid reason."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import bindparam, func
from sqlmodel import select

from contracts import events as ev
from services.kernel.config import settings
from services.matcher.adapters.orm import Candidate, FixedPair, Offer, Unit
from services.matcher.domain.regional import parked_until
from services.matcher.service_layer.common import PRODUCER
from services.matcher.service_layer.deadlines import add_deadline, hold_ends
from services.matcher.service_layer import offers
from services.matcher.service_layer.offers import close_offer, mark_dirty
from services.matcher.service_layer.regional import policy_at
from services.matcher.service_layer.unit_of_work import MatcherUnitOfWork


def transfer_point_decided(event: ev.TransferPointDecided, uow: MatcherUnitOfWork) -> None:
    DECISIONS[event.decision](event, uow)
    mark_dirty(uow, event.region)


def _proposal(uow: MatcherUnitOfWork, event: ev.TransferPointDecided) -> Offer | None:
    offer = uow.get(Offer, event.offer_id) if event.offer_id else None
    # A proposal already decided, withdrawn or of another region changes nothing.
    return offer if offer is not None and offer.status == "proposed" and offer.region == event.region else None


def approve(event: ev.TransferPointDecided, uow: MatcherUnitOfWork) -> None:
    if (offer := _proposal(uow, event)) is None:
        return
    at = event.occurred_at
    offer.status, offer.made_at = "made", at
    offer.expires_at = at + timedelta(hours=settings().offer_ttl_hours)
    uow.session.add(offer)
    unit, cand = uow.get(Unit, offer.unit_id), uow.get(Candidate, offer.candidate_id)
    uow.emit(event.caused(ev.OfferMade, producer=PRODUCER, offer_id=offer.offer_id, round_id=offer.round_id,
                          candidate_id=offer.candidate_id, shelter=cand.shelter, unit_id=offer.unit_id,
                          corporation=unit.corporation, region=offer.region, priority=offer.priority,
                          explanation=offer.explanation, period=offer.period, expires_at=offer.expires_at,
                          decision="approved", decision_reason=event.reason))
    add_deadline(uow, offer.region, offer.expires_at)


def set_aside(event: ev.TransferPointDecided, uow: MatcherUnitOfWork) -> None:
    if (offer := _proposal(uow, event)) is not None:
        # Remembered like a declined pair: the round does not propose the same pair again.
        close_offer(uow, offer, "set_aside", event.reason, at=event.occurred_at)


def _withdraw_proposals(uow: MatcherUnitOfWork, event: ev.TransferPointDecided, where) -> None:
    uow.session.flush()
    for offer in uow.session.exec(select(Offer).where(Offer.status == "proposed", where)).all():
        close_offer(uow, offer, "withdrawn", event.reason, at=event.occurred_at, remember_pair=False)
        uow.emit(event.caused(ev.OfferWithdrawn, producer=PRODUCER, offer_id=offer.offer_id, region=offer.region,
                              reason="the transfer point decided otherwise"))


def manual_match(event: ev.TransferPointDecided, uow: MatcherUnitOfWork) -> None:
    """The pair waits for the region's next round as a fixed pair: the round refuses it when it breaks a rule."""
    cand = uow.get(Candidate, event.candidate_id)
    if cand is None or cand.region != event.region or cand.status not in ("waiting", "offered") or \
            uow.session.exec(select(func.count()).where(Offer.candidate_id == cand.candidate_id,
                                                         Offer.status == "made")).one():
        uow.emit(event.caused(ev.ManualMatchRefused, producer=PRODUCER, region=event.region,
                              candidate_id=event.candidate_id, unit_id=event.unit_id,
                              transfer_point=event.transfer_point,
                              errors=("the candidate is not waiting in the region (placed, withdrawn or with an "
                                      "open offer)",)))
        return
    _withdraw_proposals(uow, event, Offer.candidate_id == cand.candidate_id)
    _withdraw_proposals(uow, event, Offer.unit_id == event.unit_id)
    row = uow.session.get(FixedPair, cand.candidate_id) or FixedPair(candidate_id=cand.candidate_id, unit_id="",
                                                                     region="", transfer_point="", reason="")
    row.unit_id, row.region, row.transfer_point, row.reason = (event.unit_id, event.region, event.transfer_point,
                                                               event.reason)
    uow.session.add(row)


def hold(event: ev.TransferPointDecided, uow: MatcherUnitOfWork) -> None:
    unit = uow.get(Unit, event.unit_id)
    if unit is None or unit.region != event.region:
        return
    unit.held_until = event.until
    uow.session.add(unit)
    add_deadline(uow, unit.region, hold_ends(event.until))
    _withdraw_proposals(uow, event, Offer.unit_id == unit.unit_id)


def lift_parking(event: ev.TransferPointDecided, uow: MatcherUnitOfWork) -> None:
    cand = uow.get(Candidate, event.candidate_id)
    if cand is None or cand.region != event.region:
        return
    # Declines before the lifting no longer count: the next parking needs max_declines new ones.
    cand.parked_until, cand.declines_counted_from = None, event.occurred_at
    uow.session.add(cand)


DECISIONS = {"approve": approve, "set_aside": set_aside, "manual_match": manual_match, "hold": hold,
             "lift_parking": lift_parking}


_DECLINES = select(Offer.closed_at, Offer.closed_reason).where(  # built once: every decline runs it
    Offer.candidate_id == bindparam("candidate"), Offer.status == "declined")


def park_after_declines(event: ev.OfferDeclined, offer: Offer, uow: MatcherUnitOfWork) -> None:
    """After a decline: park the candidate when the region's refusal rules say so (event time)."""
    cand = uow.get(Candidate, offer.candidate_id)
    if cand is None or cand.status != "waiting":
        return
    rules = policy_at(uow, offer.region, event.occurred_at).refusals
    uow.session.flush()
    declines = uow.rows(_DECLINES, candidate=cand.candidate_id)
    until = parked_until(declines, event.occurred_at, rules, cand.declines_counted_from)
    if until is None:
        return
    cand.parked_until, cand.declines_counted_from = until, event.occurred_at
    uow.session.add(cand)
    add_deadline(uow, cand.region, until)
    uow.emit(event.caused(ev.CandidateParked, producer=PRODUCER, candidate_id=cand.candidate_id,
                          shelter=cand.shelter, region=cand.region, until=until, declines=rules.max_declines))


def offer_declined(event: ev.OfferDeclined, uow: MatcherUnitOfWork) -> None:
    """A decline closes the offer (offers.py), then may park the candidate."""
    offer = uow.get(Offer, event.offer_id)
    was_open = offer is not None and offer.status == "made"
    offers.offer_declined(event, uow)
    if was_open:
        park_after_declines(event, offer, uow)
