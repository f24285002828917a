"""The matcher's handlers: one per consumed event, applied in batches in one unit of work.

Every handler first advances the region's event-time watermark and expires offers whose
deadline it passed, so expiry follows the events' own time; in a quiet region the matcher's own
ClockTicked events move that time on (clock.py). The handlers themselves live by subject:
candidates (with erasure), supply (vacancies, agreements, limits) and offers (the region's
event-time clock, expiry and answers)."""
from __future__ import annotations

from contracts import events as ev
from services.kernel.uow import apply_in_batch, event_keys
from services.matcher.adapters.orm import Candidate, Offer, RegionClock, Unit
from services.matcher.service_layer.candidates import (
    candidate_submitted,
    candidate_updated,
    candidate_withdrawn,
    load_matchable,
    person_erased,
)
from services.matcher.service_layer.clock import clock_ticked
from services.matcher.service_layer.decisions import offer_declined, transfer_point_decided
from services.matcher.service_layer.offers import (
    advance_clock,
    offer_accepted,
    offer_confirmed,
    offer_rejected,
)
from services.matcher.service_layer.regional import region_policy_registered, support_capacity_set
from services.matcher.service_layer.supply import agreement_registered, limit_set, vacancy_published, vacancy_withdrawn
from services.matcher.service_layer.unit_of_work import MatcherUnitOfWork


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
    load_matchable(uow, {e.person_ref for e in events if isinstance(e, ev.CandidateSubmitted)})


def apply(event: ev.Event, uow: MatcherUnitOfWork) -> None:
    region = getattr(event, "region", None)
    if region:
        advance_clock(uow, region, event.occurred_at)
    HANDLERS[type(event)](event, uow)


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
    ev.ClockTicked: clock_ticked,
    ev.RegionPolicyRegistered: region_policy_registered,
    ev.SupportCapacitySet: support_capacity_set,
    ev.TransferPointDecided: transfer_point_decided,
}
