"""The matcher's handlers: one per consumed event, each in one unit of work.

Every handler first advances the region's event-time watermark and expires
offers whose deadline it passed, so expiry follows the events' own time.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import select

from contracts import events as ev
from contracts.vocabulary import STILL_MATCHABLE
from services.kernel import metrics
from services.kernel.uow import apply_in_batch, event_keys
from services.matcher.adapters.orm import (
    Agreement,
    Candidate,
    DeclinedPair,
    NeighbourhoodLimit,
    Offer,
    RegionClock,
    Unit,
)
from services.matcher.service_layer.unit_of_work import MatcherUnitOfWork

PRODUCER = "matcher"


def handle(event: ev.Event, uow: MatcherUnitOfWork) -> None:
    handle_batch([event], uow)


def handle_batch(events: list[ev.Event], uow: MatcherUnitOfWork) -> None:
    apply_in_batch(uow, events, apply, prefetch)


def prefetch(events: list[ev.Event], uow: MatcherUnitOfWork) -> None:
    """Load what the batch will touch with one query per kind of record."""
    uow.prefetch(RegionClock, RegionClock.region, event_keys(events, "region"))
    uow.prefetch(Candidate, Candidate.candidate_id, event_keys(events, "candidate_id"))
    uow.prefetch(Unit, Unit.unit_id, event_keys(events, "unit_id"))
    offer_ids = event_keys(events, "offer_id")
    uow.prefetch(Offer, Offer.offer_id, offer_ids)
    offers = [uow.cache.get((Offer, i)) for i in offer_ids]
    uow.prefetch(Candidate, Candidate.candidate_id, {o.candidate_id for o in offers if o})
    uow.prefetch(Unit, Unit.unit_id, {o.unit_id for o in offers if o})
    _load_matchable(uow, {e.person_ref for e in events if isinstance(e, ev.CandidateSubmitted)})


MATCHABLE = STILL_MATCHABLE
_ACTIVE_OF_PERSON = "matchable submissions of a person"


def _load_matchable(uow: MatcherUnitOfWork, persons: set[str]) -> None:
    """Each person's matchable submissions into the batch cache, one query for all of them."""
    if not persons:
        return
    rows = uow.session.exec(select(Candidate).where(Candidate.person_ref.in_(persons),
                                                    Candidate.status.in_(MATCHABLE))).all()
    for ref in persons:
        uow.cache[(_ACTIVE_OF_PERSON, ref)] = [r for r in rows if r.person_ref == ref]
    for r in rows:
        uow.cache.setdefault((Candidate, r.candidate_id), r)


def apply(event: ev.Event, uow: MatcherUnitOfWork) -> None:
    region = getattr(event, "region", None)
    if region:
        advance_clock(uow, region, event.occurred_at)
    HANDLERS[type(event)](event, uow)


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


def expire_offers(uow: MatcherUnitOfWork, region: str, watermark: datetime) -> None:
    s = uow.session
    s.flush()  # the query below must see answers applied earlier in this batch
    for offer in s.exec(select(Offer).where(Offer.region == region, Offer.status == "made",
                                            Offer.expires_at <= watermark)).all():
        close_offer(uow, offer, "expired", "no answer before the deadline", at=watermark)
        uow.emit(ev.OfferExpired(producer=PRODUCER, occurred_at=watermark, offer_id=offer.offer_id,
                                 region=region))
    s.flush()
    uow.get(RegionClock, region).next_expiry = s.exec(
        select(func.min(Offer.expires_at)).where(Offer.region == region, Offer.status == "made")).one()


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
            uow.add(DeclinedPair(candidate_id=pair[0], unit_id=pair[1]), pair)
    cand = uow.get(Candidate, offer.candidate_id)
    if cand is not None and cand.status == "offered":
        cand.status = "waiting"
        s.add(cand)
    clock = uow.get(RegionClock, offer.region)
    if clock is not None:
        clock.dirty = True
    metrics.OFFERS.labels(outcome=status).inc()


def _withdraw_active_offers(uow: MatcherUnitOfWork, event: ev.Event, *, candidate_id: str | None = None,
                            unit_id: str | None = None, reason: str) -> None:
    q = select(Offer).where(Offer.status == "made")
    q = q.where(Offer.candidate_id == candidate_id) if candidate_id else q.where(Offer.unit_id == unit_id)
    uow.session.flush()
    for offer in uow.session.exec(q).all():
        close_offer(uow, offer, "withdrawn", reason, at=event.occurred_at, remember_pair=False)
        uow.emit(event.caused(ev.OfferWithdrawn, producer=PRODUCER, offer_id=offer.offer_id,
                              region=offer.region, reason=reason))


# --- candidates -------------------------------------------------------------------

def _profile(event: ev.CandidateProfile) -> dict:
    return ev.CandidateProfile.model_validate(event.model_dump(include=set(ev.CandidateProfile.model_fields)))\
        .model_dump(mode="json")


def candidate_submitted(event: ev.CandidateSubmitted, uow: MatcherUnitOfWork) -> None:
    if uow.get(Candidate, event.candidate_id) is not None:
        return  # a resubmission under the same id changes nothing; updates come as CandidateUpdated
    # One person is one candidate. The intake sends a new submission of a person only when it takes
    # over from the one matched so far, whose withdrawal may still be on its way on another region's
    # partition: that one is superseded now, so the person never holds two offers.
    if (_ACTIVE_OF_PERSON, event.person_ref) not in uow.cache:
        _load_matchable(uow, {event.person_ref})
    same_person = uow.cache[(_ACTIVE_OF_PERSON, event.person_ref)]
    for other in same_person:
        if other.status in MATCHABLE:
            if other.status == "offered":
                _withdraw_active_offers(uow, event, candidate_id=other.candidate_id,
                                        reason="superseded by another submission of the person")
            other.status = "withdrawn"
            uow.session.add(other)
            mark_dirty(uow, other.region)
    cand = Candidate(candidate_id=event.candidate_id, region=event.region, shelter=event.shelter,
                     person_ref=event.person_ref, profile=_profile(event))
    uow.add(cand, event.candidate_id)
    same_person.append(cand)
    mark_dirty(uow, event.region)


def candidate_updated(event: ev.CandidateUpdated, uow: MatcherUnitOfWork) -> None:
    s = uow.session
    cand = uow.get(Candidate, event.candidate_id)
    if cand is None or cand.status in ("placed", "withdrawn"):
        return
    if cand.region != event.region:
        # Moving to another region: open offers there no longer fit.
        _withdraw_active_offers(uow, event, candidate_id=cand.candidate_id, reason="candidate moved region")
        cand.region = event.region
        advance_clock(uow, event.region, event.occurred_at)
    cand.profile = _profile(event)
    s.add(cand)
    mark_dirty(uow, cand.region)


def candidate_withdrawn(event: ev.CandidateWithdrawn, uow: MatcherUnitOfWork) -> None:
    cand = uow.get(Candidate, event.candidate_id)
    if cand is None or cand.status in ("placed", "withdrawn"):
        return
    if cand.status == "offered":  # only an offered candidate has an open offer to take back
        _withdraw_active_offers(uow, event, candidate_id=cand.candidate_id, reason="candidate withdrawn")
    cand.status = "withdrawn"
    uow.session.add(cand)


def person_erased(event: ev.PersonErased, uow: MatcherUnitOfWork) -> None:
    """An erasure request: the person's submissions leave matching (if the intake's withdrawal, on
    another partition, has not arrived yet) and keep neither the reference nor the profile."""
    tombstone = f"erased:{event.event_id.hex}"
    uow.session.flush()
    for cand in uow.session.exec(select(Candidate).where(Candidate.person_ref == event.person_ref)).all():
        if cand.status in MATCHABLE:
            if cand.status == "offered":
                _withdraw_active_offers(uow, event, candidate_id=cand.candidate_id, reason="erasure request")
            cand.status = "withdrawn"
            mark_dirty(uow, cand.region)
        cand.person_ref, cand.profile = tombstone, {}
        uow.session.add(cand)
    uow.cache.pop((_ACTIVE_OF_PERSON, event.person_ref), None)


# --- vacancies --------------------------------------------------------------------

def vacancy_published(event: ev.VacancyPublished, uow: MatcherUnitOfWork) -> None:
    s = uow.session
    unit = uow.get(Unit, event.unit_id)
    fields = event.model_dump(include={"region", "corporation", "municipality", "neighbourhood", "kind", "rooms",
                                       "places", "wheelchair_accessible", "bag_id", "available_from"}, mode="json")
    fields["available_from"] = event.available_from
    fields["support"] = [str(x) for x in event.support]
    if unit is None:
        uow.add(Unit(unit_id=event.unit_id, status="open", **fields), event.unit_id)
    else:
        # Published again (e.g. a new vacancy in the same unit, or corrected data).
        for k, v in fields.items():
            setattr(unit, k, v)
        # The intake clears a re-published vacancy's reason; the next round tells it again if it holds.
        unit.status, unit.not_offered_reason = "open", None
        s.add(unit)
    mark_dirty(uow, event.region)


def vacancy_withdrawn(event: ev.VacancyWithdrawn, uow: MatcherUnitOfWork) -> None:
    unit = uow.get(Unit, event.unit_id)
    if unit is None or unit.status == "withdrawn":
        return
    _withdraw_active_offers(uow, event, unit_id=unit.unit_id, reason="vacancy withdrawn")
    unit.status = "withdrawn"
    uow.session.add(unit)


# --- agreements and limits ----------------------------------------------------------

def agreement_registered(event: ev.AgreementRegistered, uow: MatcherUnitOfWork) -> None:
    s = uow.session
    row = s.get(Agreement, (event.corporation, event.municipality, event.period))
    if row is None:
        row = Agreement(corporation=event.corporation, municipality=event.municipality, period=event.period,
                        region=event.region, max_places=event.max_places, used=event.used)
    else:
        row.max_places, row.used, row.region = event.max_places, event.used, event.region
    s.add(row)
    mark_dirty(uow, event.region)


def limit_set(event: ev.NeighbourhoodLimitSet, uow: MatcherUnitOfWork) -> None:
    s = uow.session
    row = s.get(NeighbourhoodLimit, (event.neighbourhood, event.period))
    if row is None:
        row = NeighbourhoodLimit(neighbourhood=event.neighbourhood, period=event.period, region=event.region,
                                 max_placements=event.max_placements, used=event.used)
    else:
        row.max_placements, row.used, row.region = event.max_placements, event.used, event.region
    s.add(row)
    mark_dirty(uow, event.region)


# --- offer answers ------------------------------------------------------------------

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
    move_in = max(unit.available_from, event.occurred_at.date())
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


HANDLERS = {
    ev.CandidateSubmitted: candidate_submitted,
    ev.CandidateUpdated: candidate_updated,
    ev.CandidateWithdrawn: candidate_withdrawn,
    ev.VacancyPublished: vacancy_published,
    ev.VacancyWithdrawn: vacancy_withdrawn,
    ev.AgreementRegistered: agreement_registered,
    ev.NeighbourhoodLimitSet: limit_set,
    ev.OfferConfirmed: offer_confirmed,
    ev.OfferAccepted: offer_accepted,
    ev.OfferRejected: offer_rejected,
    ev.OfferDeclined: offer_declined,
    ev.PersonErased: person_erased,
}
