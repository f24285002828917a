"""What a round reads of one region: plain rows, through statements built once.

A round runs for every dirty region after every batch and reads the whole region. Building a
statement and its cache key took longer than the database's own work on it (cProfile of the
simulator, bench/RESULTS.md), so these statements are built once, with the region as a bound
parameter, and run on the session's connection (``uow.rows``): rows as tuples, no ORM objects to track.
"""
from __future__ import annotations

from sqlalchemy import bindparam
from sqlalchemy.orm import aliased
from sqlmodel import select

from services.matcher.adapters.orm import (
    Agreement, Candidate, DeclinedPair, NeighbourhoodLimit, Offer, RegionClock, Unit,
)
from services.matcher.domain.rounds import HOLDING, CandidateState, OfferState, RegionState, UnitState
from services.matcher.service_layer.unit_of_work import MatcherUnitOfWork

# Only waiting people can get an offer; people with an open offer hold it through the offer rows.
# The columns in the order of the state's fields (CandidateState, UnitState, OfferState).
_WAITING = select(Candidate.candidate_id, Candidate.region, Candidate.status, Candidate.profile,
                  Candidate.shelter, Candidate.parked_until).where(
    Candidate.region == bindparam("region"), Candidate.status == "waiting")
_OPEN_UNITS = select(Unit.unit_id, Unit.region, Unit.corporation, Unit.municipality, Unit.neighbourhood, Unit.kind,
                     Unit.rooms, Unit.places, Unit.wheelchair_accessible, Unit.support, Unit.status,
                     Unit.not_offered_reason, Unit.available_from, Unit.rent, Unit.held_until).where(
    Unit.region == bindparam("region"), Unit.status == "open")
# Every offer that holds a place: a proposal waiting for the transfer point holds it like an open offer.
_HOLDING_OFFERS = select(Offer.candidate_id, Offer.unit_id, Offer.period, Offer.status).where(
    Offer.region == bindparam("region"), Offer.status.in_(sorted(HOLDING)))
# Declines belong to the person, not to one submission: when another shelter's submission of the same
# person takes over, the units they declined stay declined. A join, not an IN list of every waiting id
# (a thousand parameters cost ~10 ms a round to render; bench/incremental).
_decliner, _waiter = aliased(Candidate), aliased(Candidate)
_DECLINED = (select(_waiter.candidate_id, DeclinedPair.unit_id, DeclinedPair.candidate_id, DeclinedPair.closed_as)
             .join(_decliner, _decliner.candidate_id == DeclinedPair.candidate_id)
             .join(_waiter, _waiter.person_ref == _decliner.person_ref)
             .where(_waiter.region == bindparam("region"), _waiter.status == "waiting"))
_AGREEMENTS = select(Agreement.corporation, Agreement.municipality, Agreement.period, Agreement.region,
                     Agreement.max_places, Agreement.used).where(Agreement.region == bindparam("region"))
_LIMITS = select(NeighbourhoodLimit.neighbourhood, NeighbourhoodLimit.period, NeighbourhoodLimit.region,
                 NeighbourhoodLimit.max_placements, NeighbourhoodLimit.used).where(
    NeighbourhoodLimit.region == bindparam("region"))


def load_region(uow: MatcherUnitOfWork, region: str) -> RegionState:
    """The region's state at its event time: waiting people, open units, holding offers, declined pairs,
    agreements and limits (the regional rules are added by regional.with_regional_rules)."""
    clock = uow.session.get(RegionClock, region)
    cands = uow.rows(_WAITING, region=region)
    units = uow.rows(_OPEN_UNITS, region=region)
    offers = uow.rows(_HOLDING_OFFERS, region=region)
    declined, declined_here, expired = set(), set(), set()
    if cands and units:
        rows = uow.rows(_DECLINED, region=region)
        declined = {(c, u) for c, u, _, _ in rows}
        declined_here = {(c, u) for c, u, by, _ in rows if by == c}
        # Expired only when no submission of the person said no to the unit.
        expired = {(c, u) for c, u, _, how in rows if how == "expired"} - {
            (c, u) for c, u, _, how in rows if how != "expired"}
    return RegionState(
        region=region, at=clock.watermark,
        # Each row is the state's fields in order (the JSON columns come back as fresh lists and dicts).
        candidates=[CandidateState(*c) for c in cands],
        units=[UnitState(*u) for u in units],
        agreements=[dict(a._mapping) for a in uow.rows(_AGREEMENTS, region=region)],
        limits=[dict(lim._mapping) for lim in uow.rows(_LIMITS, region=region)],
        offers=[OfferState(*o) for o in offers],
        declined=declined, declined_here=declined_here, expired=expired,
    )
