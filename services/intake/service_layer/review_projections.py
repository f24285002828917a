"""What the intake hears of the transfer point's work from the matcher (issue 20): proposals waiting for
review, overdue ones, refused manual matches, parked candidates and offers a human decision made."""
from __future__ import annotations

from sqlmodel import select

from contracts import events as ev
from contracts.vocabulary import Role
from services.intake.adapters.orm import OfferRecord, Organisation
from services.intake.adapters.regional_orm import ManualMatchRecord, ParkingRecord, ProposalRecord
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork

#: Why a parked candidate is not matched, as the shelter reads it.
PARKED_BECAUSE = "declines_without_valid_reason"


def _transfer_points(uow: IntakeUnitOfWork, region: str) -> list[str]:
    return list(uow.session.exec(select(Organisation.org_id).where(Organisation.role == Role.TRANSFER_POINT,
                                                                   Organisation.region == region)).all())


def offer_proposed(event: ev.OfferProposed, uow: IntakeUnitOfWork) -> None:
    if uow.session.get(ProposalRecord, event.offer_id) is not None:
        return
    uow.session.add(ProposalRecord(
        offer_id=event.offer_id, region=event.region, candidate_id=event.candidate_id, shelter=event.shelter,
        unit_id=event.unit_id, corporation=event.corporation, priority=event.priority,
        explanation=event.explanation, period=event.period, proposed_at=event.occurred_at,
        review_due=event.review_due))
    for tp in _transfer_points(uow, event.region):
        uow.notify(tp, "proposal.made", event.occurred_at, offer_id=event.offer_id)


def proposal_overdue(event: ev.ProposalOverdue, uow: IntakeUnitOfWork) -> None:
    p = uow.session.get(ProposalRecord, event.offer_id)
    if p is None or p.overdue:
        return
    p.overdue = True
    uow.session.add(p)
    for tp in _transfer_points(uow, event.region):
        uow.notify(tp, "proposal.overdue", event.occurred_at, offer_id=event.offer_id)


def _manual_match(uow: IntakeUnitOfWork, candidate_id: str, unit_id: str) -> ManualMatchRecord | None:
    return uow.session.exec(select(ManualMatchRecord).where(
        ManualMatchRecord.candidate_id == candidate_id, ManualMatchRecord.unit_id == unit_id,
        ManualMatchRecord.status == "requested").order_by(ManualMatchRecord.id.desc())).first()


def manual_match_refused(event: ev.ManualMatchRefused, uow: IntakeUnitOfWork) -> None:
    if (row := _manual_match(uow, event.candidate_id, event.unit_id)) is not None:
        row.status, row.errors = "refused", list(event.errors)
        uow.session.add(row)
    uow.notify(event.transfer_point, "manual-match.refused", event.occurred_at, candidate_id=event.candidate_id,
               unit_id=event.unit_id)


def candidate_parked(event: ev.CandidateParked, uow: IntakeUnitOfWork) -> None:
    row = uow.session.get(ParkingRecord, event.candidate_id) or ParkingRecord(
        candidate_id=event.candidate_id, region=event.region, until=event.until, declines=event.declines)
    row.until, row.declines, row.lifted_at = event.until, event.declines, None
    uow.session.add(row)
    uow.notify(event.shelter, "candidate.parked", event.occurred_at, candidate_id=event.candidate_id,
               until=event.until.isoformat(), declines=event.declines, reason=PARKED_BECAUSE)


def human_decision(event: ev.OfferMade, rec: OfferRecord, uow: IntakeUnitOfWork) -> dict[str, str]:
    """An offer a transfer officer's decision made: recorded on the offer; what the feeds tell of it."""
    if event.decision is None:
        return {}
    rec.decision, rec.decision_reason = event.decision, event.decision_reason
    if (p := uow.session.get(ProposalRecord, event.offer_id)) is not None:
        p.status = "approved"
        uow.session.add(p)
    if event.decision == "manual_match" and (row := _manual_match(uow, event.candidate_id, event.unit_id)):
        row.status = "offered"
        uow.session.add(row)
    return {"decision": event.decision, "decision_reason": event.decision_reason or "", "decided_by": "transfer_point"}


def proposal_withdrawn(event: ev.OfferWithdrawn, uow: IntakeUnitOfWork) -> None:
    if (p := uow.session.get(ProposalRecord, event.offer_id)) is not None and p.status == "waiting":
        p.status = "withdrawn"
        uow.session.add(p)


HANDLERS = {ev.OfferProposed: offer_proposed, ev.ProposalOverdue: proposal_overdue,
            ev.ManualMatchRefused: manual_match_refused, ev.CandidateParked: candidate_parked}
