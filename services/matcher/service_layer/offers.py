"""The region's event-time clock, offer expiry, closing and the answers to offers (confirm … decline)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import bindparam
from sqlmodel import select

from contracts import events as ev
from services.kernel import metrics
from services.matcher.adapters.orm import Candidate, DeclinedPair, Offer, RegionClock, Unit
from services.matcher.domain.periods import move_in_date
from services.matcher.service_layer.common import PRODUCER
from services.matcher.service_layer.deadlines import flag_overdue_proposals, next_deadline
from services.matcher.service_layer.unit_of_work import MatcherUnitOfWork


def advance_clock(uow: MatcherUnitOfWork, region: str, at: datetime, *, dirty: bool = False) -> RegionClock:
    clock = uow.get(RegionClock, region)
    if clock is None:
        clock = RegionClock(region=region, watermark=at, dirty=dirty)
        uow.add(clock, region)
    else:
        if at > clock.watermark:
            clock.watermark = at
        clock.dirty = clock.dirty or dirty
    if clock.next_expiry is not None and clock.watermark >= clock.next_expiry:
        expire_offers(uow, region, clock.watermark)
    return clock


def mark_dirty(uow: MatcherUnitOfWork, region: str) -> None:
    uow.get(RegionClock, region).dirty = True


# Built once, with bound parameters: every deadline that passes runs it (region_state.py says why).
_DUE_OFFERS = select(Offer).where(Offer.region == bindparam("region"), Offer.status == "made",
                                  Offer.expires_at <= bindparam("watermark"))


def expire_offers(uow: MatcherUnitOfWork, region: str, watermark: datetime) -> None:
    s = uow.session
    s.flush()  # the query below must see answers applied earlier in this batch
    for offer in s.exec(_DUE_OFFERS, params={"region": region, "watermark": watermark}).all():
        close_offer(uow, offer, "expired", "no answer before the deadline", at=watermark)
        uow.emit(ev.OfferExpired(producer=PRODUCER, occurred_at=watermark, offer_id=offer.offer_id,
                                 region=region))
    flag_overdue_proposals(uow, region, watermark)
    s.flush()
    clock = uow.get(RegionClock, region)
    clock.next_expiry = next_deadline(uow, region, watermark)
    # A deadline passed: a hold or a parking may have ended, so the region looks again.
    clock.dirty = True


def close_offer(uow: MatcherUnitOfWork, offer: Offer, status: str, reason: str, *, at: datetime,
                remember_pair: bool = True) -> None:
    """Release the offer's capacity and put the candidate back in the queue."""
    s = uow.session
    offer.status, offer.closed_reason, offer.closed_at = status, reason, at
    s.add(offer)
    pair = (offer.candidate_id, offer.unit_id)
    # Without autoflush: flushing the whole batch's pending rows for this one look-up cost more
    # than the rest of a decline (py-spy, bench.pipeline).
    with s.no_autoflush:
        if remember_pair and uow.get(DeclinedPair, pair) is None:
            # How it closed, so a round tells an expired offer as expired_before, not as a decline.
            uow.add(DeclinedPair(candidate_id=pair[0], unit_id=pair[1], closed_as=status), pair)
    cand = uow.get(Candidate, offer.candidate_id)
    if cand is not None and cand.status == "offered":
        cand.status = "waiting"
        s.add(cand)
    clock = uow.get(RegionClock, offer.region)
    if clock is not None:
        clock.dirty = True
    metrics.OFFERS.labels(outcome=status).inc()


def withdraw_active_offers(uow: MatcherUnitOfWork, event: ev.Event, *, candidate_id: str | None = None,
                            unit_id: str | None = None, reason: str) -> None:
    q = select(Offer).where(Offer.status.in_(("made", "proposed")))
    q = q.where(Offer.candidate_id == candidate_id) if candidate_id else q.where(Offer.unit_id == unit_id)
    uow.session.flush()
    for offer in uow.session.exec(q).all():
        close_offer(uow, offer, "withdrawn", reason, at=event.occurred_at, remember_pair=False)
        uow.emit(event.caused(ev.OfferWithdrawn, producer=PRODUCER, offer_id=offer.offer_id,
                              region=offer.region, reason=reason))


def _open_offer(uow: MatcherUnitOfWork, offer_id: str) -> Offer | None:
    offer = uow.get(Offer, offer_id)
    # An answer to an offer that already expired or was withdrawn changes nothing.
    return offer if offer is not None and offer.status == "made" else None


def offer_confirmed(event: ev.OfferConfirmed, uow: MatcherUnitOfWork) -> None:
    if offer := _open_offer(uow, event.offer_id):
        offer.corporation_confirmed = True
        _place_if_complete(event, uow, offer)


def offer_accepted(event: ev.OfferAccepted, uow: MatcherUnitOfWork) -> None:
    if offer := _open_offer(uow, event.offer_id):
        offer.person_accepted = True
        _place_if_complete(event, uow, offer)


def offer_rejected(event: ev.OfferRejected, uow: MatcherUnitOfWork) -> None:
    if offer := _open_offer(uow, event.offer_id):
        close_offer(uow, offer, "rejected", event.reason, at=event.occurred_at)


def offer_declined(event: ev.OfferDeclined, uow: MatcherUnitOfWork) -> None:
    if offer := _open_offer(uow, event.offer_id):
        close_offer(uow, offer, "declined", event.reason, at=event.occurred_at)


def _place_if_complete(event: ev.Event, uow: MatcherUnitOfWork, offer: Offer) -> None:
    s = uow.session
    s.add(offer)
    if not (offer.corporation_confirmed and offer.person_accepted):
        return
    offer.status, offer.closed_at = "placed", event.occurred_at
    cand = uow.get(Candidate, offer.candidate_id)
    unit = uow.get(Unit, offer.unit_id)
    cand.status = "placed"
    s.add(cand)
    p = cand.profile
    move_in = move_in_date(unit.available_from, event.occurred_at)
    metrics.OFFERS.labels(outcome="placed").inc()
    uow.emit(event.caused(
        ev.PlacementConfirmed, producer=PRODUCER,
        placement_id=f"pl-{offer.offer_id}", offer_id=offer.offer_id, candidate_id=cand.candidate_id,
        person_ref=cand.person_ref, unit_id=unit.unit_id, bag_id=unit.bag_id, corporation=unit.corporation,
        municipality=unit.municipality, region=unit.region, neighbourhood=unit.neighbourhood,
        unit_kind=unit.kind, move_in_date=move_in,
        days_in_shelter=max(0, (move_in - _date(p["shelter_entry_date"])).days),
        youth=p["youth"], household_size=p["household_size"], children=p["children"],
        housing_first=unit.kind == "housing_first" or p["support"] == "housing_first",
    ))


def _date(value):
    return date.fromisoformat(value) if isinstance(value, str) else value
