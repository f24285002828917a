"""What the intake hears back from the matcher: offers and placements, as partners see them."""
from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlmodel import select

from contracts import events as ev
from services.intake.adapters.orm import CandidateRecord, OfferRecord, PassedOverRecord, UnitRecord
from services.intake.domain.counters import vacancy_status
from services.intake.service_layer.candidates import lock_person, lock_persons
from services.intake.service_layer import review_projections, simulation_projections
from services.intake.service_layer.common import ACTIVE, HOUSED_ELSEWHERE, PRODUCER
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
from services.kernel.db import insert_ignoring_duplicates
from services.kernel.uow import apply_in_batch, event_keys


def handle_batch(events: list[ev.Event], uow: IntakeUnitOfWork) -> None:
    """Many events in one transaction (each still applied once): the matcher sends offers in bursts."""
    apply_in_batch(uow, events, handle_one, prefetch, _write_passed_over)


def handle(event: ev.Event, uow: IntakeUnitOfWork) -> None:
    handle_batch([event], uow)


def handle_one(event: ev.Event, uow: IntakeUnitOfWork) -> None:
    HANDLERS[type(event)](event, uow)


def prefetch(events: list[ev.Event], uow: IntakeUnitOfWork) -> None:
    """The offers, candidates and units the batch touches, one query per kind."""
    placed = {e.person_ref for e in events if isinstance(e, ev.PlacementConfirmed)}
    if placed:  # locked before anything of theirs is read
        lock_persons(uow, placed)
    uow.prefetch(OfferRecord, OfferRecord.offer_id, event_keys(events, "offer_id"))
    uow.prefetch(UnitRecord, UnitRecord.unit_id, event_keys(events, "unit_id"))
    _load_submissions(uow, placed | {e.person_ref for e in events
                                     if isinstance(e, (ev.PlacementReported, ev.PlacementRetracted))})


_SUBMISSIONS = "active submissions of a person"


def _load_submissions(uow: IntakeUnitOfWork, persons: set[str]) -> None:
    """Each person's active submissions into the batch cache, one query for all of them (identity-mapped,
    so what earlier events of the batch change on them stays visible)."""
    if not persons:
        return
    rows = uow.session.exec(select(CandidateRecord).where(CandidateRecord.person_ref.in_(persons),
                                                          CandidateRecord.status.in_(ACTIVE))).all()
    for ref in persons:
        uow.cache[(_SUBMISSIONS, ref)] = [r for r in rows if r.person_ref == ref]


def _notify(uow: IntakeUnitOfWork, org_id: str, kind: str, event: ev.Event, **data) -> None:
    # The change feed (GET /v1/changes) and the outbound topic get the same entry, in this transaction.
    uow.notify(org_id, kind, event.occurred_at, **data)


def offer_made(event: ev.OfferMade, uow: IntakeUnitOfWork) -> None:
    if uow.get(OfferRecord, event.offer_id) is not None:
        return
    rec = OfferRecord(offer_id=event.offer_id, candidate_id=event.candidate_id, shelter=event.shelter,
                      unit_id=event.unit_id, corporation=event.corporation, region=event.region,
                      priority=event.priority, explanation=event.explanation, passed_over=event.passed_over,
                      made_at=event.occurred_at, expires_at=event.expires_at, period=event.period)
    human = review_projections.human_decision(event, rec, uow)  # issue 20: a transfer officer's decision
    uow.add(rec, event.offer_id)
    _set_candidate(uow, event.candidate_id, "offered")
    _set_not_offered(uow, event.unit_id, None, event)
    refresh_vacancy_status(uow, event.unit_id)
    _notify(uow, event.shelter, "offer.made", event, offer_id=event.offer_id, candidate_id=event.candidate_id,
            **human)
    _notify(uow, event.corporation, "offer.made", event, offer_id=event.offer_id,
            vacancy_id=event.unit_id.split(":", 1)[-1], **human)


def vacancy_not_offered(event: ev.VacancyNotOffered, uow: IntakeUnitOfWork) -> None:
    unit = _set_not_offered(uow, event.unit_id, event.reason, event)
    if unit is not None:
        _notify(uow, event.corporation, "vacancy.not_offered", event, vacancy_id=unit.own_unit_id,
                reason=event.reason, places_left=event.places_left)


def _set_not_offered(uow: IntakeUnitOfWork, unit_id: str, reason: str | None, event: ev.Event
                     ) -> UnitRecord | None:
    unit = uow.get(UnitRecord, unit_id)
    if unit is None:  # a vacancy that did not come through this intake
        return None
    # No ordering check needed: offers and these reasons share the region key, so one partition, in order.
    unit.not_offered_reason, unit.not_offered_since = reason, (event.occurred_at if reason else None)
    uow.session.add(unit)
    return unit


def candidates_passed_over(event: ev.CandidatesPassedOver, uow: IntakeUnitOfWork) -> None:
    # Written for the whole batch at once, at commit (an offer can carry 50 entries).
    uow.cache.setdefault(_PASSED_OVER, []).extend(
        {"offer_id": event.offer_id, "candidate_id": entry.candidate_id, "shelter": entry.shelter,
         "unit_id": event.unit_id, "corporation": event.corporation, "reason": entry.reason,
         "decided_at": event.occurred_at} for entry in event.candidates)


def _write_passed_over(uow: IntakeUnitOfWork) -> None:
    # The same offer's reasons published again (another event id) are skipped by the unique key.
    insert_ignoring_duplicates(uow.session, PassedOverRecord, uow.cache.pop(_PASSED_OVER, []))


_PASSED_OVER = "passed-over rows of this batch"


def _close(event: ev.Event, uow: IntakeUnitOfWork, status: str, to_shelter: dict | None = None,
           to_corporation: dict | None = None) -> None:
    """Close an open offer; each side hears it, with what it may read of the reason."""
    rec = uow.get(OfferRecord, event.offer_id)
    if rec is None or rec.status != "open":
        return
    rec.status = status
    uow.session.add(rec)
    _set_candidate(uow, rec.candidate_id, "waiting")
    refresh_vacancy_status(uow, rec.unit_id)
    for org, data in ((rec.shelter, to_shelter), (rec.corporation, to_corporation)):
        _notify(uow, org, f"offer.{status}", event, offer_id=rec.offer_id, **(data or {}))


def offer_expired(event: ev.OfferExpired, uow: IntakeUnitOfWork) -> None:
    _close(event, uow, "expired")


def offer_withdrawn(event: ev.OfferWithdrawn, uow: IntakeUnitOfWork) -> None:
    _close(event, uow, "withdrawn")
    review_projections.proposal_withdrawn(event, uow)


def offer_rejected(event: ev.OfferRejected, uow: IntakeUnitOfWork) -> None:
    # The matcher closes declined and rejected offers; the intake mirrors that when the answer comes back.
    # The shelter hears the corporation's category and text.
    reason = {"category": str(event.category), "reason": event.reason}
    _close(event, uow, "rejected", to_shelter=reason, to_corporation=reason)


def offer_declined(event: ev.OfferDeclined, uow: IntakeUnitOfWork) -> None:
    # The corporation hears the category only: the shelter's text may hold health details.
    _close(event, uow, "declined", to_corporation={"category": str(event.category)},
           to_shelter={"category": str(event.category)})


def placement_confirmed(event: ev.PlacementConfirmed, uow: IntakeUnitOfWork) -> None:
    lock_person(uow, event.person_ref)
    rec = uow.get(OfferRecord, event.offer_id)
    if rec is not None and rec.status == "open":
        rec.status = "placed"
        uow.session.add(rec)
        refresh_vacancy_status(uow, rec.unit_id)
        for org in (rec.shelter, rec.corporation):
            _notify(uow, org, "placement.confirmed", event, offer_id=rec.offer_id)
    _set_candidate(uow, event.candidate_id, "placed")
    _housed_elsewhere(event, uow)


def placement_reported(event: ev.PlacementReported, uow: IntakeUnitOfWork) -> None:
    """A monitoring source reports the person housed: their shelters hear of it, and decide.

    Not acted on by itself (a report can be wrong, retracted, or about an earlier home): each
    active submission whose shelter stay began on or before the move-in gets
    ``candidate.reported_housed`` with its own id (the feed carries ids only), never who reported
    or which home.
    """
    for c in _active_submissions(uow, event.person_ref):
        if date.fromisoformat(c.profile["shelter_entry_date"]) <= event.move_in_date:
            _notify(uow, c.shelter, "candidate.reported_housed", event, candidate_id=c.candidate_id)


def placement_retracted(event: ev.PlacementRetracted, uow: IntakeUnitOfWork) -> None:
    for c in _active_submissions(uow, event.person_ref):
        _notify(uow, c.shelter, "candidate.report_retracted", event, candidate_id=c.candidate_id)


def _active_submissions(uow: IntakeUnitOfWork, person_ref: str) -> list[CandidateRecord]:
    if (_SUBMISSIONS, person_ref) not in uow.cache:
        _load_submissions(uow, {person_ref})
    return [c for c in uow.cache[(_SUBMISSIONS, person_ref)] if c.status in ACTIVE]


def _housed_elsewhere(event: ev.PlacementConfirmed, uow: IntakeUnitOfWork) -> None:
    """The person's other submissions stop waiting: they were housed through another one.

    Each one's shelter hears ``candidate.housed_elsewhere`` with its own candidate's id only:
    never which organisation, which home or which offer (an organisation never sees
    another's candidates).
    """
    others = [c for c in _active_submissions(uow, event.person_ref) if c.candidate_id != event.candidate_id]
    for other in others:
        other.status = HOUSED_ELSEWHERE
        uow.session.add(other)
        if other.linked_to is None:
            # It took over (its primary was withdrawn) while this placement was under way: the
            # matcher has it as a candidate and must stop matching the person.
            uow.emit(event.caused(ev.CandidateWithdrawn, producer=PRODUCER, candidate_id=other.candidate_id,
                                  region=other.region, reason="housed through another submission"))
        _notify(uow, other.shelter, "candidate.housed_elsewhere", event, candidate_id=other.candidate_id)


def refresh_vacancy_status(uow: IntakeUnitOfWork, unit_id: str) -> None:
    """open -> offered (an offer on it is open) -> let (placements for all its places); withdrawn stays."""
    unit = uow.get(UnitRecord, unit_id)
    if unit is None or unit.status == "withdrawn":
        return
    uow.session.flush()  # the offers this batch changed, before they are counted
    statuses = uow.session.exec(select(OfferRecord.status).where(OfferRecord.unit_id == unit_id,
                                                                 OfferRecord.status.in_(("open", "placed")))).all()
    unit.status = vacancy_status(statuses.count("open"), statuses.count("placed"), unit.details.get("places", 1))
    uow.session.add(unit)


#: The statuses a candidate may move to on the matcher's word, and from which. Withdrawn, placed and
#: housed_elsewhere are final: a late offer or expiry never brings such a submission back.
_MOVES = {"offered": ("waiting",), "waiting": ("offered",), "placed": ("waiting", "offered")}


def _set_candidate(uow: IntakeUnitOfWork, candidate_id: str, status: str) -> None:
    # A conditional UPDATE, not a read-modify-write: a shelter's withdrawal (HTTP) committing meanwhile
    # is never overwritten by an offer event read before it.
    uow.session.execute(update(CandidateRecord)
                        .where(CandidateRecord.candidate_id == candidate_id,
                               CandidateRecord.status.in_(_MOVES[status]))
                        .values(status=status))


HANDLERS = {
    ev.OfferMade: offer_made,
    ev.CandidatesPassedOver: candidates_passed_over,
    ev.VacancyNotOffered: vacancy_not_offered,
    ev.OfferExpired: offer_expired,
    ev.OfferWithdrawn: offer_withdrawn,
    ev.OfferRejected: offer_rejected,
    ev.OfferDeclined: offer_declined,
    ev.PlacementConfirmed: placement_confirmed,
    ev.PlacementReported: placement_reported,
    ev.PlacementRetracted: placement_retracted,
    **review_projections.HANDLERS,
    **simulation_projections.HANDLERS,  # issue 21: the simulation worker's progress and reports
}
