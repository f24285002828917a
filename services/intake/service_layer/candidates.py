"""Candidates: submit (one person, one candidate), read, update, withdraw; the per-person locks."""
from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlmodel import select

from contracts import events as ev
from services.intake.adapters.orm import CandidateRecord, OfferRecord, PassedOverRecord, UnitRecord
from services.intake.domain import commands as cmd
from services.intake.domain.errors import ChangedResubmission, Conflict, NotFound
from services.intake.service_layer.common import (
    ACTIVE,
    ERASED,
    PRODUCER,
    Result,
    audit,
    new_id,
    now,
    person_ref_for,
    require,
)
from services.intake.service_layer.offers import offer_views
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.region_policies import known_provider
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
from services.kernel.db import advisory_key


def is_erased(c: CandidateRecord) -> bool:
    """Erased on request (erasure.py): the submission keeps its ids and status, nothing of the person."""
    return c.person_ref.startswith(ERASED)


def candidate_view(c: CandidateRecord) -> dict[str, Any]:
    # Whether the submission is linked to another organisation's stays internal: it would tell a shelter that
    # the person is registered elsewhere.
    return {"candidate_id": c.candidate_id, "status": c.status, "submitted_at": c.created_at, **c.profile}


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
        known_provider(uow, profile.support_provider_id)
        lock_person(uow, person_ref)
        active = s.exec(select(CandidateRecord).where(CandidateRecord.person_ref == person_ref,
                                                      CandidateRecord.status.in_(ACTIVE))
                        .order_by(CandidateRecord.created_at, CandidateRecord.candidate_id)).all()
        own = next((c for c in active if c.shelter == caller.org_id), None)
        if own is not None:
            # The same person again from the same shelter: the same candidate (matched or linked). With other
            # data it is refused rather than answered with the old data: the shelter must not believe it changed.
            changed = changed_fields(own.profile, profile, body.support_provider)
            if changed:
                raise ChangedResubmission(own.candidate_id, changed)
            audit(uow, caller, "candidate.submit.same", own.candidate_id, channel=channel)
            return uow.finish(200, candidate_view(own))
        existing = next((c for c in active if c.linked_to is None), None)
        cid = new_id("cand")
        rec = CandidateRecord(candidate_id=cid, shelter=caller.org_id, person_ref=person_ref, region=profile.region,
                              profile=stored_profile(profile, body.support_provider), created_at=now())
        if existing is not None:
            # One person is one candidate: linked to the submission being matched, never matched twice. The
            # answer is that of a new submission (201, a new id): the shelter must not learn of the other one.
            rec.linked_to = existing.candidate_id
            s.add(rec)
            audit(uow, caller, "candidate.submit.linked", cid, channel=channel)
            return uow.finish(201, candidate_view(rec))
        s.add(rec)
        uow.emit(ev.CandidateSubmitted(producer=caller.org_id, occurred_at=now(), candidate_id=cid,
                                       person_ref=person_ref, shelter=caller.org_id,
                                       **profile.model_dump()))
        audit(uow, caller, "candidate.submit", cid, channel=channel)
        return uow.finish(201, candidate_view(rec))


def stored_profile(profile: ev.CandidateProfile, support_provider: str | None) -> dict[str, Any]:
    """The profile as the intake keeps it: what matching needs, and who provides the support (shown to the
    corporation with an offer; it never travels to the matcher)."""
    return {**profile.model_dump(mode="json"), INTAKE_ONLY: support_provider}


#: The profile field the intake keeps beside what matching needs.
INTAKE_ONLY = "support_provider"


def matching_profile(stored: dict[str, Any]) -> ev.CandidateProfile:
    """What of a stored profile the matcher hears."""
    return ev.CandidateProfile.model_validate({k: v for k, v in stored.items() if k != INTAKE_ONLY})


def changed_fields(stored: dict[str, Any], submitted: ev.CandidateProfile, support_provider: str | None = None
                   ) -> list[str]:
    """The profile fields a resubmission would change. The stored profile is read through the model, so a field
    added since it was stored compares by its default."""
    old = matching_profile(stored).model_dump(mode="json")
    changed = [k for k, v in submitted.model_dump(mode="json").items() if old.get(k) != v]
    return sorted(changed + ([INTAKE_ONLY] if stored.get(INTAKE_ONLY) != support_provider else []))


def _own_candidate(uow: IntakeUnitOfWork, caller: Caller, candidate_id: str, lock: bool = False
                   ) -> CandidateRecord:
    rec = uow.session.get(CandidateRecord, candidate_id)
    if rec is None or rec.shelter != caller.org_id or is_erased(rec):
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
        return {**candidate_view(rec), "offers": offer_views(uow, list(offers), caller)}


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
        q = select(CandidateRecord).where(CandidateRecord.shelter == caller.org_id,
                                          ~CandidateRecord.person_ref.startswith(ERASED))
        if status:
            q = q.where(CandidateRecord.status == status)
        rows = uow.session.exec(q.order_by(CandidateRecord.created_at, CandidateRecord.candidate_id)).all()
        return {"items": [candidate_view(c) for c in rows]}


def _still_active(uow: IntakeUnitOfWork, caller: Caller, candidate_id: str, refusal: str) -> CandidateRecord:
    """The caller's own submission, locked with its person, while the matcher still works with it."""
    rec = _own_candidate(uow, caller, candidate_id, lock=True)
    if rec.status not in ACTIVE:
        raise Conflict(f"a {rec.status} candidate {refusal}")
    return rec


def update_candidate(uow: IntakeUnitOfWork, caller: Caller, candidate_id: str, body: cmd.UpdateCandidate,
                     channel: str = "http") -> Result:
    require(caller, "shelter")
    with uow:
        rec = _still_active(uow, caller, candidate_id, "can no longer be changed")
        profile = ev.CandidateProfile.model_validate(body.model_dump())
        known_provider(uow, profile.support_provider_id)
        rec.profile, rec.region = stored_profile(profile, body.support_provider), profile.region
        uow.session.add(rec)
        if rec.linked_to is None:  # a linked submission is not matched: nothing for the matcher
            uow.emit(ev.CandidateUpdated(producer=caller.org_id, occurred_at=now(), candidate_id=candidate_id,
                                         **profile.model_dump()))
        audit(uow, caller, "candidate.update", candidate_id, channel=channel)
        return uow.finish(200, candidate_view(rec))


def withdraw_candidate(uow: IntakeUnitOfWork, caller: Caller, candidate_id: str, body: cmd.WithReason,
                       channel: str = "http") -> Result:
    require(caller, "shelter")
    with uow:
        rec = _still_active(uow, caller, candidate_id, "cannot be withdrawn")
        rec.status = "withdrawn"
        uow.session.add(rec)
        audit(uow, caller, "candidate.withdraw", candidate_id, channel=channel)
        if rec.linked_to is None:  # a linked submission was never matched: nothing for the matcher
            withdrawn = ev.CandidateWithdrawn(producer=caller.org_id, occurred_at=now(), candidate_id=candidate_id,
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
    profile = matching_profile(heir.profile)
    uow.emit(cause.caused(ev.CandidateSubmitted, producer=PRODUCER, candidate_id=heir.candidate_id,
                          person_ref=heir.person_ref, shelter=heir.shelter, **profile.model_dump()))
    uow.notify(heir.shelter, "candidate.took_over", cause.occurred_at, candidate_id=heir.candidate_id)
    return heir
