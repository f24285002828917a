"""The intake's handlers: partner commands in, authorised and pseudonymised events out.

Every read and write checks that the record belongs to the caller's organisation;
another organisation's record answers 404, so its existence is not revealed.
"""
from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlmodel import select

from contracts import events as ev
from services.intake.adapters.orm import AuditEntry, CandidateRecord, Change, OfferRecord, UnitRecord
from services.intake.domain import commands as cmd
from services.intake.domain.errors import Conflict, Forbidden, Invalid, NotFound
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
from services.runtime.privacy import is_valid_bsn, pseudonymise

PRODUCER = "intake"
ACTIVE = ("waiting", "offered")


def _now() -> datetime:
    return datetime.now(UTC)


def require(caller: Caller, *roles: str) -> None:
    if caller.role not in roles:
        raise Forbidden(f"this action is for the role(s): {', '.join(roles)}")


def audit(uow: IntakeUnitOfWork, caller: Caller, action: str, record: str, outcome: str = "ok") -> None:
    uow.session.add(AuditEntry(at=_now(), org_id=caller.org_id, action=action, record=record, outcome=outcome))


def person_ref_for(bsn: str, secret: str, field: str = "bsn") -> str:
    if not is_valid_bsn(bsn):
        raise Invalid("invalid BSN", [{"field": field, "reason": "not a valid BSN (9 digits, 11-proef)"}])
    return pseudonymise(bsn, secret)


# --- candidates -------------------------------------------------------------------

def candidate_view(c: CandidateRecord) -> dict[str, Any]:
    return {"candidate_id": c.candidate_id, "status": c.status, "region": c.region,
            "linked_to_existing": c.linked_to is not None, "submitted_at": c.created_at, **c.profile}


def submit_candidate(uow: IntakeUnitOfWork, caller: Caller, body: cmd.SubmitCandidate, secret: str
                     ) -> tuple[int, dict[str, Any]]:
    require(caller, "shelter")
    person_ref = body.person_ref or person_ref_for(body.bsn, secret)
    profile = ev.CandidateProfile.model_validate(body.model_dump(include=set(ev.CandidateProfile.model_fields)))
    with uow:
        s = uow.session
        existing = s.exec(select(CandidateRecord).where(CandidateRecord.person_ref == person_ref,
                                                        CandidateRecord.status.in_(ACTIVE),
                                                        CandidateRecord.linked_to == None)).first()  # noqa: E711
        if existing is not None and existing.shelter == caller.org_id:
            return 200, candidate_view(existing)  # the same person again: the same candidate
        cid = f"cand-{uuid.uuid4().hex[:16]}"
        rec = CandidateRecord(candidate_id=cid, shelter=caller.org_id, person_ref=person_ref, region=profile.region,
                              profile=profile.model_dump(mode="json"), created_at=_now())
        if existing is not None:
            # One person is one candidate: linked to the first submission, never matched twice.
            rec.linked_to = existing.candidate_id
            s.add(rec)
            audit(uow, caller, "candidate.submit.linked", cid)
            uow.commit()
            return 200, candidate_view(rec)
        s.add(rec)
        uow.emit(ev.CandidateSubmitted(producer=caller.org_id, occurred_at=_now(), candidate_id=cid,
                                       person_ref=person_ref, shelter=caller.org_id,
                                       **profile.model_dump()))
        audit(uow, caller, "candidate.submit", cid)
        uow.commit()
        return 201, candidate_view(rec)


def _own_candidate(uow: IntakeUnitOfWork, caller: Caller, candidate_id: str) -> CandidateRecord:
    rec = uow.session.get(CandidateRecord, candidate_id)
    if rec is None or rec.shelter != caller.org_id:
        raise NotFound("no such candidate")
    return rec


def get_candidate(uow: IntakeUnitOfWork, caller: Caller, candidate_id: str) -> dict[str, Any]:
    require(caller, "shelter")
    with uow:
        rec = _own_candidate(uow, caller, candidate_id)
        offers = uow.session.exec(select(OfferRecord).where(OfferRecord.candidate_id == candidate_id)
                                  .order_by(OfferRecord.made_at)).all()
        return {**candidate_view(rec), "offers": [offer_view(o) for o in offers]}


def list_candidates(uow: IntakeUnitOfWork, caller: Caller, status: str | None = None) -> list[dict[str, Any]]:
    require(caller, "shelter")
    with uow:
        q = select(CandidateRecord).where(CandidateRecord.shelter == caller.org_id)
        if status:
            q = q.where(CandidateRecord.status == status)
        return [candidate_view(c) for c in uow.session.exec(q.order_by(CandidateRecord.created_at)).all()]


def update_candidate(uow: IntakeUnitOfWork, caller: Caller, candidate_id: str, body: cmd.UpdateCandidate
                     ) -> dict[str, Any]:
    require(caller, "shelter")
    with uow:
        rec = _own_candidate(uow, caller, candidate_id)
        if rec.status not in ACTIVE:
            raise Conflict(f"a {rec.status} candidate can no longer be changed")
        profile = ev.CandidateProfile.model_validate(body.model_dump())
        rec.profile, rec.region = profile.model_dump(mode="json"), profile.region
        uow.session.add(rec)
        if rec.linked_to is None:
            uow.emit(ev.CandidateUpdated(producer=caller.org_id, occurred_at=_now(), candidate_id=candidate_id,
                                         **profile.model_dump()))
        audit(uow, caller, "candidate.update", candidate_id)
        uow.commit()
        return candidate_view(rec)


def withdraw_candidate(uow: IntakeUnitOfWork, caller: Caller, candidate_id: str, body: cmd.WithReason
                       ) -> dict[str, Any]:
    require(caller, "shelter")
    with uow:
        rec = _own_candidate(uow, caller, candidate_id)
        if rec.status not in ACTIVE:
            raise Conflict(f"a {rec.status} candidate cannot be withdrawn")
        rec.status = "withdrawn"
        uow.session.add(rec)
        if rec.linked_to is None:
            uow.emit(ev.CandidateWithdrawn(producer=caller.org_id, occurred_at=_now(), candidate_id=candidate_id,
                                           region=rec.region, reason=body.reason))
        audit(uow, caller, "candidate.withdraw", candidate_id)
        uow.commit()
        return candidate_view(rec)


# --- vacancies --------------------------------------------------------------------

def publish_vacancy(uow: IntakeUnitOfWork, caller: Caller, body: cmd.PublishVacancy) -> tuple[int, dict[str, Any]]:
    require(caller, "corporation")
    unit_id = f"{caller.org_id}:{body.unit_id}"
    with uow:
        rec = uow.session.get(UnitRecord, unit_id)
        created = rec is None
        details = body.model_dump(mode="json")
        if created:
            rec = UnitRecord(unit_id=unit_id, corporation=caller.org_id, own_unit_id=body.unit_id,
                             region=body.region, kind=body.kind, details=details)
        rec.status, rec.details, rec.region, rec.kind = "open", details, body.region, body.kind
        uow.session.add(rec)
        fields = body.model_dump(exclude={"unit_id"})
        uow.emit(ev.VacancyPublished(producer=caller.org_id, occurred_at=_now(), unit_id=unit_id,
                                     corporation=caller.org_id, **fields))
        audit(uow, caller, "vacancy.publish", unit_id)
        uow.commit()
        return (201 if created else 200), unit_view(rec)


def unit_view(u: UnitRecord) -> dict[str, Any]:
    return {"vacancy_id": u.own_unit_id, "status": u.status, **{k: v for k, v in u.details.items() if k != "unit_id"}}


def _own_unit(uow: IntakeUnitOfWork, caller: Caller, own_id: str) -> UnitRecord:
    rec = uow.session.get(UnitRecord, f"{caller.org_id}:{own_id}")
    if rec is None:
        raise NotFound("no such vacancy")
    return rec


def withdraw_vacancy(uow: IntakeUnitOfWork, caller: Caller, own_id: str, body: cmd.WithReason) -> dict[str, Any]:
    require(caller, "corporation")
    with uow:
        rec = _own_unit(uow, caller, own_id)
        if rec.status != "open":
            raise Conflict("the vacancy is not open")
        rec.status = "withdrawn"
        uow.session.add(rec)
        uow.emit(ev.VacancyWithdrawn(producer=caller.org_id, occurred_at=_now(), unit_id=rec.unit_id,
                                     corporation=caller.org_id, region=rec.region, reason=body.reason))
        audit(uow, caller, "vacancy.withdraw", rec.unit_id)
        uow.commit()
        return unit_view(rec)


def list_vacancies(uow: IntakeUnitOfWork, caller: Caller) -> list[dict[str, Any]]:
    require(caller, "corporation")
    with uow:
        rows = uow.session.exec(select(UnitRecord).where(UnitRecord.corporation == caller.org_id)
                                .order_by(UnitRecord.unit_id)).all()
        return [unit_view(u) for u in rows]


# --- municipalities ---------------------------------------------------------------

def _municipality_region(caller: Caller) -> str:
    if not caller.region:
        raise Conflict("this municipality has no region on record; ask an administrator to set it")
    return caller.region


def register_agreement(uow: IntakeUnitOfWork, caller: Caller, body: cmd.RegisterAgreement) -> dict[str, Any]:
    require(caller, "municipality")
    region = _municipality_region(caller)
    with uow:
        uow.emit(ev.AgreementRegistered(producer=caller.org_id, occurred_at=_now(), municipality=caller.municipality,
                                        region=region, **body.model_dump()))
        audit(uow, caller, "agreement.register", f"{body.corporation}/{caller.municipality}/{body.period}")
        uow.commit()
    return {"municipality": caller.municipality, "region": region, **body.model_dump()}


def set_neighbourhood_limit(uow: IntakeUnitOfWork, caller: Caller, body: cmd.SetNeighbourhoodLimit
                            ) -> dict[str, Any]:
    require(caller, "municipality")
    region = _municipality_region(caller)
    if not body.neighbourhood.startswith("BU" + caller.municipality[2:]):
        # CBS neighbourhood codes start with the municipality's number.
        raise Invalid("neighbourhood outside the municipality",
                      [{"field": "neighbourhood", "reason": "must lie in the caller's municipality"}])
    with uow:
        uow.emit(ev.NeighbourhoodLimitSet(producer=caller.org_id, occurred_at=_now(),
                                          municipality=caller.municipality, region=region, **body.model_dump()))
        audit(uow, caller, "limit.set", f"{body.neighbourhood}/{body.period}")
        uow.commit()
    return {"municipality": caller.municipality, "region": region, **body.model_dump()}


# --- offers -----------------------------------------------------------------------

def offer_view(o: OfferRecord) -> dict[str, Any]:
    return {"offer_id": o.offer_id, "candidate_id": o.candidate_id, "vacancy_id": o.unit_id.split(":", 1)[-1],
            "corporation": o.corporation, "status": o.status, "priority": o.priority,
            "explanation": o.explanation, "corporation_answer": o.corporation_answer,
            "person_answer": o.person_answer, "made_at": o.made_at, "expires_at": o.expires_at}


def list_offers(uow: IntakeUnitOfWork, caller: Caller, status: str | None = None) -> list[dict[str, Any]]:
    require(caller, "shelter", "corporation")
    with uow:
        owner = OfferRecord.shelter if caller.role == "shelter" else OfferRecord.corporation
        q = select(OfferRecord).where(owner == caller.org_id)
        if status:
            q = q.where(OfferRecord.status == status)
        rows = uow.session.exec(q.order_by(OfferRecord.made_at, OfferRecord.offer_id)).all()
        views = [offer_view(o) for o in rows]
        if caller.role == "corporation":
            for v in views:  # a corporation never sees another organisation's candidates' needs
                v.pop("explanation")
                v["candidate_id"] = None
        return views


ANSWERS = {
    "confirmation": ("corporation", ev.OfferConfirmed, "corporation_answer", "confirmed"),
    "rejection": ("corporation", ev.OfferRejected, "corporation_answer", "rejected"),
    "acceptance": ("shelter", ev.OfferAccepted, "person_answer", "accepted"),
    "decline": ("shelter", ev.OfferDeclined, "person_answer", "declined"),
}


def answer_offer(uow: IntakeUnitOfWork, caller: Caller, offer_id: str, answer: str, reason: str | None
                 ) -> dict[str, Any]:
    role, event_cls, column, value = ANSWERS[answer]
    require(caller, role)
    if event_cls in (ev.OfferRejected, ev.OfferDeclined) and not reason:
        raise Invalid("a reason is required", [{"field": "reason", "reason": "required for a decline or rejection"}])
    with uow:
        rec = uow.session.get(OfferRecord, offer_id)
        owner = rec and (rec.shelter if role == "shelter" else rec.corporation)
        if rec is None or owner != caller.org_id:
            raise NotFound("no such offer")
        if rec.status != "open":
            raise Conflict(f"the offer is {rec.status}")
        if getattr(rec, column) is not None:
            if getattr(rec, column) == value:
                return offer_view(rec)  # answered the same way before
            raise Conflict("the offer was already answered")
        setattr(rec, column, value)
        uow.session.add(rec)
        extra = {"reason": reason} if "reason" in event_cls.model_fields else {}
        uow.emit(event_cls(producer=caller.org_id, occurred_at=_now(), offer_id=offer_id, region=rec.region, **extra))
        audit(uow, caller, f"offer.{answer}", offer_id)
        uow.commit()
        return offer_view(rec)


# --- changes feed -------------------------------------------------------------------

def changes(uow: IntakeUnitOfWork, caller: Caller, after: int, limit: int) -> dict[str, Any]:
    with uow:
        rows = uow.session.exec(select(Change).where(Change.org_id == caller.org_id, Change.seq > after)
                                .order_by(Change.seq).limit(limit)).all()
        items = [{"seq": r.seq, "kind": r.kind, "occurred_at": r.occurred_at, **r.data} for r in rows]
        return {"items": items, "next_cursor": rows[-1].seq if rows else after}
