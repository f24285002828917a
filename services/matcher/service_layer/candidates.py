"""Candidates: submitted, updated, withdrawn, erased; one person is one candidate."""
from __future__ import annotations

from sqlalchemy import bindparam, update
from sqlmodel import select

from contracts import events as ev
from services.matcher.adapters.orm import Candidate, Offer
from services.matcher.service_layer.common import MATCHABLE
from services.matcher.service_layer.offers import advance_clock, mark_dirty, withdraw_active_offers
from services.matcher.service_layer.unit_of_work import MatcherUnitOfWork

_ACTIVE_OF_PERSON = "matchable submissions of a person"
# Built once (every batch with a submission runs it; region_state.py says why).
_MATCHABLE_OF_PERSONS = select(Candidate).where(Candidate.person_ref.in_(bindparam("persons", expanding=True)),
                                                Candidate.status.in_(MATCHABLE))


def load_matchable(uow: MatcherUnitOfWork, persons: set[str]) -> None:
    """Each person's matchable submissions into the batch cache, one query for all of them."""
    if not persons:
        return
    rows = uow.session.exec(_MATCHABLE_OF_PERSONS, params={"persons": sorted(persons)}).all()
    for ref in persons:
        uow.cache[(_ACTIVE_OF_PERSON, ref)] = [r for r in rows if r.person_ref == ref]
    for r in rows:
        uow.cache.setdefault((Candidate, r.candidate_id), r)


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
        load_matchable(uow, {event.person_ref})
    same_person = uow.cache[(_ACTIVE_OF_PERSON, event.person_ref)]
    for other in same_person:
        if other.status in MATCHABLE:
            _take_out(uow, other, event, "superseded by another submission of the person")
            mark_dirty(uow, other.region)
    cand = Candidate(candidate_id=event.candidate_id, region=event.region, shelter=event.shelter,
                     person_ref=event.person_ref, profile=_profile(event), arrived_at=event.occurred_at)
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
        withdraw_active_offers(uow, event, candidate_id=cand.candidate_id, reason="candidate moved region")
        cand.region = event.region
        advance_clock(uow, event.region, event.occurred_at)
    cand.profile = _profile(event)
    s.add(cand)
    mark_dirty(uow, cand.region)


def candidate_withdrawn(event: ev.CandidateWithdrawn, uow: MatcherUnitOfWork) -> None:
    cand = uow.get(Candidate, event.candidate_id)
    if cand is None:
        return
    if cand.status in MATCHABLE:
        _take_out(uow, cand, event, "candidate withdrawn")
    if event.erased:  # after its own submission on this partition, whatever PersonErased found before
        _forget(uow, cand, f"erased:{event.event_id.hex}")


def person_erased(event: ev.PersonErased, uow: MatcherUnitOfWork) -> None:
    """An erasure request: the person's submissions leave matching (if the intake's withdrawal, on
    another partition, has not arrived yet) and keep neither the reference nor the profile. A
    submission still on its way is wiped by the intake's withdrawal (``erased``), which follows it."""
    tombstone = f"erased:{event.event_id.hex}"
    uow.session.flush()
    for cand in uow.session.exec(select(Candidate).where(Candidate.person_ref == event.person_ref)).all():
        if cand.status in MATCHABLE:
            _take_out(uow, cand, event, "erasure request")
            mark_dirty(uow, cand.region)
        _forget(uow, cand, tombstone)
    uow.cache.pop((_ACTIVE_OF_PERSON, event.person_ref), None)


def _take_out(uow: MatcherUnitOfWork, cand: Candidate, cause: ev.Event, reason: str) -> None:
    """A submission leaves matching; only an offered one has an open offer to take back."""
    if cand.status == "offered":
        withdraw_active_offers(uow, cause, candidate_id=cand.candidate_id, reason=reason)
    cand.status, cand.withdrawn_at = "withdrawn", cause.occurred_at
    uow.session.add(cand)


def _forget(uow: MatcherUnitOfWork, cand: Candidate, tombstone: str) -> None:
    """Nothing of the person stays: the reference, the profile, and what its offers said about them."""
    if not cand.person_ref.startswith("erased:"):
        cand.person_ref = tombstone
    cand.profile = {}
    cand.arrived_at = cand.withdrawn_at = None  # when the person came and went is theirs too
    uow.session.add(cand)
    uow.session.execute(update(Offer).where(Offer.candidate_id == cand.candidate_id).values(explanation={}))
