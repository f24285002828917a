"""The transfer point decides (issue 20): it reviews a region's proposals, matches by hand, holds a home and
lifts a parking. Each decision carries a reason, is audited, reaches the matcher as a TransferPointDecided and
the shelter and the corporation as a human decision (decided_by: transfer_point) in their change feeds.

The intake checks what it knows (the region, the candidate waiting, the unit open); the matcher checks the
rest on the region's event time (places, agreements, limits, providers' room, eligibility: the solver's fixed
pairs) and answers a manual match with an offer or a refusal naming the rule.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlmodel import select

from contracts import events as ev
from contracts.vocabulary import CandidateStatus, Role
from services.intake.adapters.orm import CandidateRecord, UnitRecord
from services.intake.adapters.regional_orm import ManualMatchRecord, ParkingRecord, ProposalRecord
from services.intake.domain import regional_models as m
from services.intake.domain.errors import Conflict, NotFound
from services.intake.service_layer.common import ERASED, Result, audit, now, require
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork

HUMAN = "transfer_point"


def proposal_view(p: ProposalRecord) -> dict[str, Any]:
    return {k: getattr(p, k) for k in m.Proposal.model_fields}


def list_proposals(uow: IntakeUnitOfWork, caller: Caller) -> dict[str, Any]:
    require(caller, Role.TRANSFER_POINT)
    with uow:
        rows = uow.session.exec(select(ProposalRecord).where(ProposalRecord.region == caller.region)
                                .order_by(ProposalRecord.proposed_at, ProposalRecord.offer_id)).all()
        return {"items": [proposal_view(p) for p in rows]}


def _decided(uow: IntakeUnitOfWork, caller: Caller, decision: str, reason: str, **fields: Any) -> dict[str, Any]:
    at = now()
    uow.emit(ev.TransferPointDecided(producer=caller.org_id, occurred_at=at, region=caller.region,
                                     transfer_point=caller.org_id, decision=decision, reason=reason, **fields))
    audit(uow, caller, f"transferPoint.{decision}", "/".join(str(v) for v in fields.values() if v))
    return {"decision": decision, "region": caller.region, "reason": reason, **fields}


def decide_proposal(uow: IntakeUnitOfWork, caller: Caller, offer_id: str, decision: str, body: m.Decision) -> Result:
    require(caller, Role.TRANSFER_POINT)
    with uow:
        p = uow.session.get(ProposalRecord, offer_id)
        if p is None or p.region != caller.region:
            raise NotFound("no such proposal")
        if p.status != "waiting":
            raise Conflict(f"the proposal is {p.status}")
        p.status, p.decision_reason = ("approved" if decision == "approve" else "set_aside"), body.reason
        uow.session.add(p)
        if decision == "set_aside":
            for org, subject in ((p.shelter, {"candidate_id": p.candidate_id}),
                                 (p.corporation, {"vacancy_id": p.unit_id.split(":", 1)[-1]})):
                uow.notify(org, "proposal.set_aside", now(), **subject, reason=body.reason, decided_by=HUMAN)
        return uow.finish(200, _decided(uow, caller, decision, body.reason, offer_id=offer_id))


def _waiting_candidate(uow: IntakeUnitOfWork, caller: Caller, candidate_id: str) -> CandidateRecord:
    c = uow.session.get(CandidateRecord, candidate_id)
    if c is None or c.region != caller.region or c.person_ref.startswith(ERASED) or c.linked_to is not None:
        raise NotFound("no such candidate in the region")
    if c.status != CandidateStatus.WAITING:
        raise Conflict(f"the candidate is {c.status}")
    return c


def _open_unit(uow: IntakeUnitOfWork, caller: Caller, unit_id: str) -> UnitRecord:
    u = uow.session.get(UnitRecord, unit_id)
    if u is None or u.region != caller.region:
        raise NotFound("no such vacancy in the region")
    if u.status not in ("open", "offered"):
        raise Conflict(f"the vacancy is {u.status}")
    return u


def _withdraw_waiting(uow: IntakeUnitOfWork, where) -> None:
    uow.session.execute(update(ProposalRecord).where(ProposalRecord.status == "waiting", where)
                        .values(status="withdrawn"))


def manual_match(uow: IntakeUnitOfWork, caller: Caller, body: m.ManualMatch) -> Result:
    require(caller, Role.TRANSFER_POINT)
    with uow:
        _waiting_candidate(uow, caller, body.candidate_id)
        _open_unit(uow, caller, body.unit_id)
        _withdraw_waiting(uow, (ProposalRecord.candidate_id == body.candidate_id)
                          | (ProposalRecord.unit_id == body.unit_id))
        uow.session.add(ManualMatchRecord(region=caller.region, transfer_point=caller.org_id,
                                          candidate_id=body.candidate_id, unit_id=body.unit_id, reason=body.reason,
                                          requested_at=now()))
        return uow.finish(202, _decided(uow, caller, "manual_match", body.reason, candidate_id=body.candidate_id,
                                        unit_id=body.unit_id))


def list_manual_matches(uow: IntakeUnitOfWork, caller: Caller) -> dict[str, Any]:
    require(caller, Role.TRANSFER_POINT)
    with uow:
        rows = uow.session.exec(select(ManualMatchRecord).where(ManualMatchRecord.region == caller.region)
                                .order_by(ManualMatchRecord.id)).all()
        return {"items": [{k: getattr(r, k) for k in m.ManualMatchAnswer.model_fields} for r in rows]}


def hold(uow: IntakeUnitOfWork, caller: Caller, body: m.Hold) -> Result:
    require(caller, Role.TRANSFER_POINT)
    with uow:
        unit = _open_unit(uow, caller, body.unit_id)
        _withdraw_waiting(uow, ProposalRecord.unit_id == body.unit_id)
        uow.notify(unit.corporation, "vacancy.held", now(), vacancy_id=unit.own_unit_id,
                   until=body.until.isoformat(), reason=body.reason, decided_by=HUMAN)
        return uow.finish(202, _decided(uow, caller, "hold", body.reason, unit_id=body.unit_id, until=body.until))


def lift_parking(uow: IntakeUnitOfWork, caller: Caller, candidate_id: str, body: m.Decision) -> Result:
    require(caller, Role.TRANSFER_POINT)
    with uow:
        c = _waiting_candidate(uow, caller, candidate_id)
        parking = uow.session.get(ParkingRecord, candidate_id)
        if parking is None or parking.lifted_at is not None or parking.until <= now():
            raise Conflict("the candidate is not parked")
        parking.lifted_at = now()
        uow.session.add(parking)
        uow.notify(c.shelter, "candidate.parking_lifted", now(), candidate_id=candidate_id, reason=body.reason,
                   decided_by=HUMAN)
        return uow.finish(200, _decided(uow, caller, "lift_parking", body.reason, candidate_id=candidate_id))
