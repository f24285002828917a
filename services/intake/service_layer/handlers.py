"""The intake's handlers: partner commands in, authorised and pseudonymised events out.

Every read and write checks that the record belongs to the caller's organisation;
another organisation's record answers 404, so its existence is not revealed. Every
write is audited (ids only) and commits its state, its events, its audit entry and
its idempotency record in one transaction. HTTP views and the inbound Kafka agent
call the same functions.
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from contracts import events as ev
from contracts.types import SourceKind
from services.intake.adapters.orm import (
    AgreementRecord, AuditEntry, CandidateRecord, Change, IdempotencyRecord, OfferRecord, Organisation,
    PassedOverRecord, PlacementReportRecord, UnitRecord,
)
from services.intake.domain import commands as cmd
from services.intake.domain.errors import Conflict, Forbidden, IntakeError, Invalid, NotFound
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import Idempotency, IntakeUnitOfWork
from services.kernel.db import advisory_key
from services.kernel.privacy import is_valid_bsn, mask_bsn_like_text, pseudonymise

PRODUCER = "intake"
ACTIVE = ("waiting", "offered")
#: A linked submission whose person was placed through another submission (of another organisation).
HOUSED_ELSEWHERE = "housed_elsewhere"
Result = tuple[int, dict[str, Any]]


class IdempotencyMismatch(IntakeError):
    status = 422
    title = "Idempotency-Key reused"


def _now() -> datetime:
    return datetime.now(UTC)


def require(caller: Caller, *roles: str) -> None:
    if caller.role not in roles:
        raise Forbidden(f"this action is for the role(s): {', '.join(roles)}")


def audit(uow: IntakeUnitOfWork, caller: Caller, action: str, record: str, outcome: str = "ok",
          channel: str = "http") -> None:
    uow.session.add(AuditEntry(at=_now(), org_id=caller.org_id, action=action,
                               record=mask_bsn_like_text(record)[:120], outcome=outcome, channel=channel))


def audit_apart(uow: IntakeUnitOfWork, caller: Caller, action: str, record: str, outcome: str,
                channel: str = "http") -> None:
    """An audit entry in its own transaction: a refusal (``refused:<status>``), whose request changed
    nothing, or a read of candidates' personal data (``ok``), which changes nothing itself."""
    with uow:
        audit(uow, caller, action, record, outcome, channel)
        uow.commit()


def person_ref_for(bsn: str, secret: str, field: str = "bsn") -> str:
    if not is_valid_bsn(bsn):
        raise Invalid("invalid BSN", [{"field": field, "reason": "not a valid BSN (9 digits, 11-proef)"}])
    return pseudonymise(bsn, secret)


def new_id(prefix: str) -> str:
    """A random id without nine-digit runs, so no generated id ever looks like a BSN."""
    while True:
        value = f"{prefix}-{secrets.token_hex(8)}"
        if not re.search(r"\d{9}", value):
            return value


# --- idempotency --------------------------------------------------------------------

def _stored(uow: IntakeUnitOfWork, idem: Idempotency) -> Result | None:
    with uow:
        row = uow.session.exec(select(IdempotencyRecord).where(IdempotencyRecord.org_id == idem.org_id,
                                                               IdempotencyRecord.key == idem.key)).first()
        if row is None:
            return None
        if row.request_hash != idem.request_hash:
            raise IdempotencyMismatch("this key was used for a different request")
        return row.status, row.body


def run_idempotent(make_uow: Callable[[Idempotency | None], IntakeUnitOfWork], idem: Idempotency | None,
                   fn: Callable[..., Result], *args: Any) -> tuple[Result, bool]:
    """Run a write once per key: a retry gets the first answer (and True) and causes no second event.

    The answer is stored in the write's own transaction, so a crash can never leave an event
    without its stored answer or the other way round; two racing retries meet at the unique key.
    """
    if idem is not None and (found := _stored(make_uow(None), idem)) is not None:
        return found, True
    try:
        return fn(make_uow(idem), *args), False
    except IntegrityError:
        # A racing retry committed the same key first: its stored answer is there now (recognised
        # by the record, not by the database's message text).
        if idem is not None and (found := _stored(make_uow(None), idem)) is not None:
            return found, True
        raise


# --- candidates -------------------------------------------------------------------

def candidate_view(c: CandidateRecord) -> dict[str, Any]:
    return {"candidate_id": c.candidate_id, "status": c.status, "linked_to_existing": c.linked_to is not None,
            "submitted_at": c.created_at, **c.profile}


def lock_person(uow: IntakeUnitOfWork, person_ref: str) -> None:
    """Serialise every change to one person's submissions until this transaction ends.

    Submitting, withdrawing, updating and placing read the person's other submissions and
    act on them (link to the one matched, hand over to the oldest linked one, tell the linked
    ones the person was housed). Two of these at once could otherwise leave a submission
    linked to a withdrawn one, dormant forever, or send the person to the matcher twice.
    PostgreSQL: a transaction-level advisory lock per person. SQLite: the database's write
    lock, taken now (pysqlite starts the transaction at the first write, so what is read
    after this is current).
    """
    lock_persons(uow, [person_ref])


def lock_persons(uow: IntakeUnitOfWork, person_refs) -> None:
    """lock_person for many persons in one statement (a batch of placements), in a fixed order."""
    held = uow.cache.setdefault(_LOCKED, set())
    refs = sorted(set(person_refs) - held)
    if not refs:
        return
    if uow.engine.dialect.name == "postgresql":
        keys = [advisory_key("intake", "person", r) for r in refs]
        # Ordered keys: two transactions locking overlapping sets cannot deadlock.
        uow.session.execute(text("select pg_advisory_xact_lock(k) from unnest(cast(:keys as bigint[])) as k "
                                 "order by k"), {"keys": sorted(keys)})
    elif not held:
        uow.session.execute(text("update intake_candidate set status = status where 0 = 1"))
    held.update(refs)


_LOCKED = ("intake", "persons locked in this transaction")


def submit_candidate(uow: IntakeUnitOfWork, caller: Caller, body: cmd.SubmitCandidate, secret: str,
                     channel: str = "http") -> Result:
    require(caller, "shelter")
    person_ref = body.person_ref or person_ref_for(body.bsn, secret)
    profile = ev.CandidateProfile.model_validate(body.model_dump(include=set(ev.CandidateProfile.model_fields)))
    with uow:
        s = uow.session
        lock_person(uow, person_ref)
        active = s.exec(select(CandidateRecord).where(CandidateRecord.person_ref == person_ref,
                                                      CandidateRecord.status.in_(ACTIVE))
                        .order_by(CandidateRecord.created_at, CandidateRecord.candidate_id)).all()
        own = next((c for c in active if c.shelter == caller.org_id), None)
        if own is not None:
            # The same person again from the same shelter: the same candidate (matched or linked).
            audit(uow, caller, "candidate.submit.same", own.candidate_id, channel=channel)
            return uow.finish(200, candidate_view(own))
        existing = next((c for c in active if c.linked_to is None), None)
        cid = new_id("cand")
        rec = CandidateRecord(candidate_id=cid, shelter=caller.org_id, person_ref=person_ref, region=profile.region,
                              profile=profile.model_dump(mode="json"), created_at=_now())
        if existing is not None:
            # One person is one candidate: linked to the submission being matched, never matched twice.
            rec.linked_to = existing.candidate_id
            s.add(rec)
            audit(uow, caller, "candidate.submit.linked", cid, channel=channel)
            return uow.finish(200, candidate_view(rec))
        s.add(rec)
        uow.emit(ev.CandidateSubmitted(producer=caller.org_id, occurred_at=_now(), candidate_id=cid,
                                       person_ref=person_ref, shelter=caller.org_id,
                                       **profile.model_dump()))
        audit(uow, caller, "candidate.submit", cid, channel=channel)
        return uow.finish(201, candidate_view(rec))


def _own_candidate(uow: IntakeUnitOfWork, caller: Caller, candidate_id: str, lock: bool = False
                   ) -> CandidateRecord:
    rec = uow.session.get(CandidateRecord, candidate_id)
    if rec is None or rec.shelter != caller.org_id:
        raise NotFound("no such candidate")
    if lock:
        lock_person(uow, rec.person_ref)
        uow.session.refresh(rec)  # another submission's takeover or placement may have changed it meanwhile
    return rec


def get_candidate(uow: IntakeUnitOfWork, caller: Caller, candidate_id: str) -> dict[str, Any]:
    require(caller, "shelter")
    with uow:
        rec = _own_candidate(uow, caller, candidate_id)
        offers = uow.session.exec(select(OfferRecord).where(OfferRecord.candidate_id == candidate_id,
                                                            OfferRecord.shelter == caller.org_id)
                                  .order_by(OfferRecord.made_at)).all()
        return {**candidate_view(rec), "offers": [offer_view(o, caller) for o in offers]}


def list_passed_over(uow: IntakeUnitOfWork, caller: Caller, candidate_id: str) -> dict[str, Any]:
    """Units offered to someone less urgent, and why the caller's candidate did not get them."""
    require(caller, "shelter")
    with uow:
        _own_candidate(uow, caller, candidate_id)
        rows = uow.session.exec(
            select(PassedOverRecord, UnitRecord)
            .join(UnitRecord, UnitRecord.unit_id == PassedOverRecord.unit_id, isouter=True)
            .where(PassedOverRecord.candidate_id == candidate_id, PassedOverRecord.shelter == caller.org_id)
            .order_by(PassedOverRecord.decided_at, PassedOverRecord.id)).all()
        return {"items": [passed_over_view(p, u) for p, u in rows]}


def passed_over_view(p: PassedOverRecord, unit: UnitRecord | None) -> dict[str, Any]:
    details = unit.details if unit is not None else {}
    return {"vacancy_id": p.unit_id.split(":", 1)[-1], "corporation": p.corporation,
            "neighbourhood": details.get("neighbourhood"), "kind": details.get("kind"), "rooms": details.get("rooms"),
            "reason": p.reason, "decided_at": p.decided_at}


def list_candidates(uow: IntakeUnitOfWork, caller: Caller, status: str | None = None) -> dict[str, Any]:
    require(caller, "shelter")
    with uow:
        q = select(CandidateRecord).where(CandidateRecord.shelter == caller.org_id)
        if status:
            q = q.where(CandidateRecord.status == status)
        rows = uow.session.exec(q.order_by(CandidateRecord.created_at, CandidateRecord.candidate_id)).all()
        return {"items": [candidate_view(c) for c in rows]}


def update_candidate(uow: IntakeUnitOfWork, caller: Caller, candidate_id: str, body: cmd.UpdateCandidate,
                     channel: str = "http") -> Result:
    require(caller, "shelter")
    with uow:
        rec = _own_candidate(uow, caller, candidate_id, lock=True)
        if rec.status not in ACTIVE:
            raise Conflict(f"a {rec.status} candidate can no longer be changed")
        profile = ev.CandidateProfile.model_validate(body.model_dump())
        rec.profile, rec.region = profile.model_dump(mode="json"), profile.region
        uow.session.add(rec)
        if rec.linked_to is None:  # a linked submission is not matched: nothing for the matcher
            uow.emit(ev.CandidateUpdated(producer=caller.org_id, occurred_at=_now(), candidate_id=candidate_id,
                                         **profile.model_dump()))
        audit(uow, caller, "candidate.update", candidate_id, channel=channel)
        return uow.finish(200, candidate_view(rec))


def withdraw_candidate(uow: IntakeUnitOfWork, caller: Caller, candidate_id: str, body: cmd.WithReason,
                       channel: str = "http") -> Result:
    require(caller, "shelter")
    with uow:
        rec = _own_candidate(uow, caller, candidate_id, lock=True)
        if rec.status not in ACTIVE:
            raise Conflict(f"a {rec.status} candidate cannot be withdrawn")
        rec.status = "withdrawn"
        uow.session.add(rec)
        audit(uow, caller, "candidate.withdraw", candidate_id, channel=channel)
        if rec.linked_to is None:  # a linked submission was never matched: nothing for the matcher
            withdrawn = ev.CandidateWithdrawn(producer=caller.org_id, occurred_at=_now(), candidate_id=candidate_id,
                                              region=rec.region, reason=body.reason)
            uow.emit(withdrawn)
            heir = _hand_over(uow, rec, withdrawn)
            if heir is not None:
                audit(uow, caller, "candidate.hand_over", heir.candidate_id, channel=channel)
        return uow.finish(200, candidate_view(rec))


def _hand_over(uow: IntakeUnitOfWork, withdrawn: CandidateRecord, cause: ev.CandidateWithdrawn
               ) -> CandidateRecord | None:
    """The oldest still-active submission linked to a withdrawn one takes over, in the same transaction.

    It is matched from now on (its own profile, its own shelter, the same person), the other
    linked submissions are linked to it, and its shelter hears ``candidate.took_over`` — with
    its own candidate's id only, never who withdrew or why.
    """
    s = uow.session
    linked = s.exec(select(CandidateRecord).where(CandidateRecord.linked_to == withdrawn.candidate_id,
                                                  CandidateRecord.status.in_(ACTIVE))
                    .order_by(CandidateRecord.created_at, CandidateRecord.candidate_id)).all()
    if not linked:
        return None
    heir, rest = linked[0], linked[1:]
    heir.linked_to = None
    s.add(heir)
    for other in rest:
        other.linked_to = heir.candidate_id
        s.add(other)
    profile = ev.CandidateProfile.model_validate(heir.profile)
    uow.emit(cause.caused(ev.CandidateSubmitted, producer=PRODUCER, candidate_id=heir.candidate_id,
                          person_ref=heir.person_ref, shelter=heir.shelter, **profile.model_dump()))
    uow.notify(heir.shelter, "candidate.took_over", cause.occurred_at, candidate_id=heir.candidate_id)
    return heir


# --- vacancies --------------------------------------------------------------------

def publish_vacancy(uow: IntakeUnitOfWork, caller: Caller, body: cmd.PublishVacancy, channel: str = "http"
                    ) -> Result:
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
        # Changed data: the matcher's next round says again why it stays free, if it does.
        rec.not_offered_reason = rec.not_offered_since = None
        uow.session.add(rec)
        fields = body.model_dump(exclude={"unit_id"})
        uow.emit(ev.VacancyPublished(producer=caller.org_id, occurred_at=_now(), unit_id=unit_id,
                                     corporation=caller.org_id, **fields))
        audit(uow, caller, "vacancy.publish", unit_id, channel=channel)
        return uow.finish(201 if created else 200, unit_view(rec))


def unit_view(u: UnitRecord) -> dict[str, Any]:
    return {"vacancy_id": u.own_unit_id, "status": u.status,
            **{k: v for k, v in u.details.items() if k != "unit_id"},
            "not_offered_reason": u.not_offered_reason if u.status == "open" else None,
            "not_offered_since": u.not_offered_since if u.status == "open" else None}


def _own_unit(uow: IntakeUnitOfWork, caller: Caller, own_id: str) -> UnitRecord:
    rec = uow.session.get(UnitRecord, f"{caller.org_id}:{own_id}")
    if rec is None or rec.corporation != caller.org_id:
        raise NotFound("no such vacancy")
    return rec


def get_vacancy(uow: IntakeUnitOfWork, caller: Caller, own_id: str) -> dict[str, Any]:
    require(caller, "corporation")
    with uow:
        return unit_view(_own_unit(uow, caller, own_id))


def withdraw_vacancy(uow: IntakeUnitOfWork, caller: Caller, own_id: str, body: cmd.WithReason,
                     channel: str = "http") -> Result:
    require(caller, "corporation")
    with uow:
        rec = _own_unit(uow, caller, own_id)
        if rec.status != "open":
            raise Conflict("the vacancy is not open")
        rec.status = "withdrawn"
        uow.session.add(rec)
        uow.emit(ev.VacancyWithdrawn(producer=caller.org_id, occurred_at=_now(), unit_id=rec.unit_id,
                                     corporation=caller.org_id, region=rec.region, reason=body.reason))
        audit(uow, caller, "vacancy.withdraw", rec.unit_id, channel=channel)
        return uow.finish(200, unit_view(rec))


def list_vacancies(uow: IntakeUnitOfWork, caller: Caller) -> dict[str, Any]:
    require(caller, "corporation")
    with uow:
        rows = uow.session.exec(select(UnitRecord).where(UnitRecord.corporation == caller.org_id)
                                .order_by(UnitRecord.unit_id)).all()
        return {"items": [unit_view(u) for u in rows]}


# --- municipalities ---------------------------------------------------------------

def _municipality_region(caller: Caller) -> str:
    if not caller.region:
        raise Conflict("this municipality has no region on record; ask an administrator to set it")
    return caller.region


def _save_agreement(uow: IntakeUnitOfWork, caller: Caller, kind: str, subject: str, period: str,
                    details: dict[str, Any]) -> None:
    row = uow.session.exec(select(AgreementRecord).where(
        AgreementRecord.municipality == caller.municipality, AgreementRecord.kind == kind,
        AgreementRecord.subject == subject, AgreementRecord.period == period)).first()
    row = row or AgreementRecord(municipality=caller.municipality, kind=kind, subject=subject, period=period,
                                 details={}, updated_at=_now())
    row.details, row.updated_at = details, _now()
    uow.session.add(row)


def register_agreement(uow: IntakeUnitOfWork, caller: Caller, body: cmd.RegisterAgreement, channel: str = "http"
                       ) -> Result:
    require(caller, "municipality")
    region = _municipality_region(caller)
    with uow:
        corp = uow.session.get(Organisation, body.corporation)
        if corp is None or corp.role != "corporation":
            raise Invalid("unknown corporation", [{"field": "corporation",
                                                   "reason": "not the id of a registered housing corporation"}])
        answer = {"municipality": caller.municipality, "region": region, **body.model_dump()}
        _save_agreement(uow, caller, "agreement", body.corporation, body.period, answer)
        uow.emit(ev.AgreementRegistered(producer=caller.org_id, occurred_at=_now(), municipality=caller.municipality,
                                        region=region, **body.model_dump()))
        audit(uow, caller, "agreement.register", f"{body.corporation}/{caller.municipality}/{body.period}",
              channel=channel)
        return uow.finish(201, answer)


def set_neighbourhood_limit(uow: IntakeUnitOfWork, caller: Caller, body: cmd.SetNeighbourhoodLimit,
                            channel: str = "http") -> Result:
    require(caller, "municipality")
    region = _municipality_region(caller)
    if not body.neighbourhood.startswith("BU" + caller.municipality[2:]):
        # CBS neighbourhood codes start with the municipality's number.
        raise Invalid("neighbourhood outside the municipality",
                      [{"field": "neighbourhood", "reason": "must lie in the caller's municipality"}])
    with uow:
        answer = {"municipality": caller.municipality, "region": region, **body.model_dump()}
        _save_agreement(uow, caller, "limit", body.neighbourhood, body.period, answer)
        uow.emit(ev.NeighbourhoodLimitSet(producer=caller.org_id, occurred_at=_now(),
                                          municipality=caller.municipality, region=region, **body.model_dump()))
        audit(uow, caller, "limit.set", f"{body.neighbourhood}/{body.period}", channel=channel)
        return uow.finish(201, answer)


def list_agreements(uow: IntakeUnitOfWork, caller: Caller, kind: str) -> dict[str, Any]:
    require(caller, "municipality")
    with uow:
        rows = uow.session.exec(select(AgreementRecord).where(AgreementRecord.municipality == caller.municipality,
                                                              AgreementRecord.kind == kind)
                                .order_by(AgreementRecord.period, AgreementRecord.subject)).all()
        return {"items": [r.details for r in rows]}


# --- offers -----------------------------------------------------------------------

def offer_view(o: OfferRecord, caller: Caller) -> dict[str, Any]:
    shelter = caller.role == "shelter"
    return {"offer_id": o.offer_id, "candidate_id": o.candidate_id if shelter else None,
            "vacancy_id": o.unit_id.split(":", 1)[-1], "corporation": o.corporation, "status": o.status,
            "priority": o.priority, "explanation": o.explanation if shelter else None,
            "passed_over": o.passed_over or {},
            "corporation_answer": o.corporation_answer, "person_answer": o.person_answer,
            "made_at": o.made_at, "expires_at": o.expires_at}


def _offer_owner(caller: Caller):
    return OfferRecord.shelter if caller.role == "shelter" else OfferRecord.corporation


def list_offers(uow: IntakeUnitOfWork, caller: Caller, status: str | None = None) -> dict[str, Any]:
    require(caller, "shelter", "corporation")
    with uow:
        q = select(OfferRecord).where(_offer_owner(caller) == caller.org_id)
        if status:
            q = q.where(OfferRecord.status == status)
        rows = uow.session.exec(q.order_by(OfferRecord.made_at, OfferRecord.offer_id)).all()
        # A corporation never sees another organisation's candidate or their needs.
        return {"items": [offer_view(o, caller) for o in rows]}


def get_offer(uow: IntakeUnitOfWork, caller: Caller, offer_id: str) -> dict[str, Any]:
    require(caller, "shelter", "corporation")
    with uow:
        rec = uow.session.get(OfferRecord, offer_id)
        owner = rec and (rec.shelter if caller.role == "shelter" else rec.corporation)
        if rec is None or owner != caller.org_id:
            raise NotFound("no such offer")
        return offer_view(rec, caller)


ANSWERS = {
    "confirmation": ("corporation", ev.OfferConfirmed, "corporation_answer", "confirmed"),
    "rejection": ("corporation", ev.OfferRejected, "corporation_answer", "rejected"),
    "acceptance": ("shelter", ev.OfferAccepted, "person_answer", "accepted"),
    "decline": ("shelter", ev.OfferDeclined, "person_answer", "declined"),
}


def answer_offer(uow: IntakeUnitOfWork, caller: Caller, offer_id: str, answer: str, reason: str | None,
                 channel: str = "http") -> Result:
    role, event_cls, column, value = ANSWERS[answer]
    require(caller, role)
    if event_cls in (ev.OfferRejected, ev.OfferDeclined) and not reason:
        raise Invalid("a reason is required", [{"field": "reason", "reason": "required for a decline or rejection"}])
    with uow:
        rec = uow.session.get(OfferRecord, offer_id)
        owner = rec and (rec.shelter if role == "shelter" else rec.corporation)
        if rec is None or owner != caller.org_id:
            raise NotFound("no such offer")
        if getattr(rec, column) == value:
            return uow.finish(200, offer_view(rec, caller))  # answered the same way before
        if rec.status != "open":
            raise Conflict(f"the offer is {rec.status}")
        if getattr(rec, column) is not None:
            raise Conflict("the offer was already answered")
        setattr(rec, column, value)
        uow.session.add(rec)
        extra = {"reason": reason} if "reason" in event_cls.model_fields else {}
        uow.emit(event_cls(producer=caller.org_id, occurred_at=_now(), offer_id=offer_id, region=rec.region, **extra))
        audit(uow, caller, f"offer.{answer}", offer_id, channel=channel)
        return uow.finish(200, offer_view(rec, caller))


# --- monitoring sources: placements for the ledger -------------------------------------

REPORTERS = ("municipality", "corporation", "monitor")
DEFAULT_SOURCE_KIND = {"municipality": SourceKind.MUNICIPAL_MONITOR, "corporation": SourceKind.CORPORATION_MONITOR}


def _source_kind(uow: IntakeUnitOfWork, caller: Caller) -> SourceKind:
    org = uow.session.get(Organisation, caller.org_id)
    kind = (org.source_kind if org else None) or DEFAULT_SOURCE_KIND.get(caller.role)
    if kind is None:
        raise Forbidden("this organisation has no kind of monitoring source on record")
    return SourceKind(kind)


def _check_reported_unit(caller: Caller, municipality: str | None, corporation: str | None) -> None:
    """A municipality reports for its own municipality, a corporation for its own homes."""
    if caller.role == "municipality" and municipality is not None and municipality != caller.municipality:
        raise Forbidden("a municipality reports placements in its own municipality only")
    if caller.role == "corporation" and corporation not in (None, caller.org_id):
        raise Forbidden("a corporation reports placements in its own homes only")


def report_placement(uow: IntakeUnitOfWork, caller: Caller, body: cmd.ReportPlacement, secret: str,
                     channel: str = "http") -> Result:
    require(caller, *REPORTERS)
    _check_reported_unit(caller, body.municipality, body.corporation)
    person_ref = body.person_ref or person_ref_for(body.bsn, secret)
    with uow:
        kind = _source_kind(uow, caller)
        if body.source_kind is not None and body.source_kind != kind:
            raise Invalid("wrong source kind", [{"field": "source_kind",
                                                 "reason": f"this organisation reports as {kind.value}"}])
        existing = uow.session.exec(select(PlacementReportRecord).where(
            PlacementReportRecord.org_id == caller.org_id, PlacementReportRecord.report_id == body.report_id)).first()
        if existing is not None:
            if existing.person_ref != person_ref or existing.status != "reported":
                raise Conflict("a report with this report_id exists; retract it or use a new report_id")
            return uow.finish(200, report_view(existing, caller))
        facts = body.model_dump(exclude={"bsn", "person_ref", "report_id", "source_kind"})
        corporation = body.corporation or (caller.org_id if caller.role == "corporation" and body.unit_id else None)
        facts["corporation"] = corporation
        rec = PlacementReportRecord(org_id=caller.org_id, report_id=body.report_id, person_ref=person_ref,
                                    source_kind=kind.value, reported_at=_now(),
                                    details={"municipality": body.municipality, "region": body.region,
                                             "unit_kind": body.unit_kind.value,
                                             "move_in_date": body.move_in_date.isoformat()})
        uow.session.add(rec)
        uow.emit(ev.PlacementReported(producer=caller.org_id, occurred_at=_now(), person_ref=person_ref,
                                      report_id=body.report_id, source=caller.org_id, source_kind=kind, **facts))
        audit(uow, caller, "placement.report", body.report_id, channel=channel)
        return uow.finish(201, report_view(rec, caller))


def report_view(r: PlacementReportRecord, caller: Caller) -> dict[str, Any]:
    return {"report_id": r.report_id, "source": r.org_id, "source_kind": r.source_kind, "status": r.status,
            **r.details, "reported_at": r.reported_at}


def _own_report(uow: IntakeUnitOfWork, caller: Caller, report_id: str) -> PlacementReportRecord:
    rec = uow.session.exec(select(PlacementReportRecord).where(PlacementReportRecord.org_id == caller.org_id,
                                                               PlacementReportRecord.report_id == report_id)).first()
    if rec is None:
        raise NotFound("no such placement report")
    return rec


def retract_placement(uow: IntakeUnitOfWork, caller: Caller, report_id: str, body: cmd.RetractPlacement,
                      channel: str = "http") -> Result:
    require(caller, *REPORTERS)
    with uow:
        rec = _own_report(uow, caller, report_id)
        if rec.status == "retracted":
            return uow.finish(200, report_view(rec, caller))
        rec.status = "retracted"
        uow.session.add(rec)
        uow.emit(ev.PlacementRetracted(producer=caller.org_id, occurred_at=_now(), source=caller.org_id,
                                       report_id=report_id, reason=body.reason, person_ref=rec.person_ref))
        audit(uow, caller, "placement.retract", report_id, channel=channel)
        return uow.finish(200, report_view(rec, caller))


def list_placement_reports(uow: IntakeUnitOfWork, caller: Caller) -> dict[str, Any]:
    require(caller, *REPORTERS)
    with uow:
        rows = uow.session.exec(select(PlacementReportRecord).where(PlacementReportRecord.org_id == caller.org_id)
                                .order_by(PlacementReportRecord.id)).all()
        return {"items": [report_view(r, caller) for r in rows]}


def end_placement(uow: IntakeUnitOfWork, caller: Caller, body: cmd.EndPlacement, secret: str,
                  channel: str = "http") -> Result:
    require(caller, *REPORTERS)
    _check_reported_unit(caller, None, body.corporation)
    person_ref = body.person_ref or person_ref_for(body.bsn, secret)
    with uow:
        _source_kind(uow, caller)
        corporation = body.corporation or (caller.org_id if caller.role == "corporation" and body.unit_id else None)
        uow.emit(ev.PlacementEnded(producer=caller.org_id, occurred_at=_now(), person_ref=person_ref,
                                   unit_id=body.unit_id, bag_id=body.bag_id, corporation=corporation,
                                   end_date=body.end_date, reason=body.reason))
        audit(uow, caller, "placement.end", body.unit_id or body.bag_id or "-", channel=channel)
        return uow.finish(202, {"source": caller.org_id, "end_date": body.end_date, "accepted": True})


def report_totals(uow: IntakeUnitOfWork, caller: Caller, body: cmd.ReportPlacementTotals, channel: str = "http"
                  ) -> Result:
    require(caller, *REPORTERS)
    with uow:
        kind = _source_kind(uow, caller)
        uow.emit(ev.PlacementTotalsReported(producer=caller.org_id, occurred_at=_now(), source=caller.org_id,
                                            source_kind=kind, **body.model_dump()))
        audit(uow, caller, "placement.totals", f"{body.period}/{body.region or '-'}", channel=channel)
        return uow.finish(202, {"source": caller.org_id, "source_kind": kind.value, **body.model_dump()})


# --- changes feed and audit ---------------------------------------------------------

def changes(uow: IntakeUnitOfWork, caller: Caller, after: int, limit: int) -> dict[str, Any]:
    with uow:
        rows = uow.session.exec(select(Change).where(Change.org_id == caller.org_id, Change.seq > after)
                                .order_by(Change.seq).limit(limit)).all()
        items = [{"seq": r.seq, "kind": r.kind, "occurred_at": r.occurred_at, "data": r.data} for r in rows]
        return {"items": items, "next_cursor": rows[-1].seq if rows else after}


def audit_entries(uow: IntakeUnitOfWork, caller: Caller, after: int, limit: int, org_id: str | None = None
                  ) -> dict[str, Any]:
    require(caller, "admin")
    with uow:
        q = select(AuditEntry).where(AuditEntry.id > after)
        if org_id:
            q = q.where(AuditEntry.org_id == org_id)
        rows = uow.session.exec(q.order_by(AuditEntry.id).limit(limit)).all()
        items = [{"id": r.id, "at": r.at, "org_id": r.org_id, "action": r.action, "record": r.record,
                  "outcome": r.outcome, "channel": r.channel} for r in rows]
        return {"items": items, "next_cursor": rows[-1].id if rows else after}
