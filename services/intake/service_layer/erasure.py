"""Erasure on request (GDPR art. 17): a person's reference and personal fields leave every service.

Run by an administrator (`housing-match person erase`, the BSN from standard input or a prompt,
never from the command line). In one transaction the intake withdraws the person's active
submissions (the matcher takes back open offers), empties their profiles, replaces the person
reference of every submission and placement report by a tombstone, tells each shelter
(``candidate.erased``, ids only), audits it, and emits PersonErased: the matcher and the
ledger replace the reference too. Counts stay: a realised place is still a realised place. The
shelter no longer lists or reads the erased submissions (404), as if they had never been made.
"""
from __future__ import annotations

import uuid

from sqlalchemy import update
from sqlmodel import select

from contracts import events as ev
from contracts.vocabulary import CandidateStatus, Role
from services.intake.adapters.orm import CandidateRecord, IdempotencyRecord, OfferRecord, PlacementReportRecord
from services.intake.service_layer.candidates import lock_person
from services.intake.service_layer.common import ACTIVE, ERASED, PRODUCER, audit, now
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork

#: Who acts when an administrator runs the command on the server (the audit names it).
OPERATOR = Caller("housing-match-operator", Role.ADMIN.value, None, None)
ERASURE_REASON = "erasure request"


def erase_person(uow: IntakeUnitOfWork, person_ref: str) -> dict[str, int | str]:
    """Erase one person (by reference); returns what was erased and the tombstone that replaced it."""
    with uow:
        lock_person(uow, person_ref)
        # A tombstone is a valid person reference (a retraction of an erased person's report still travels).
        at, tombstone = now(), f"{ERASED}{uuid.uuid4().hex}"
        submissions = uow.session.exec(select(CandidateRecord).where(CandidateRecord.person_ref == person_ref)).all()
        for rec in submissions:
            if rec.status in ACTIVE:
                rec.status = CandidateStatus.WITHDRAWN.value
                if rec.linked_to is None:  # a linked submission was never matched: nothing for the matcher
                    # On the candidates topic, after the submission itself: the matcher wipes it even if
                    # PersonErased (another topic) overtook a submission still on its way.
                    uow.emit(ev.CandidateWithdrawn(producer=PRODUCER, occurred_at=at, candidate_id=rec.candidate_id,
                                                   region=rec.region, reason=ERASURE_REASON, erased=True))
            rec.profile, rec.person_ref = {}, tombstone
            uow.session.add(rec)
            uow.notify(rec.shelter, "candidate.erased", at, candidate_id=rec.candidate_id)
        ids = [rec.candidate_id for rec in submissions]
        if ids:  # what offers say about the person (priority components) and stored first answers go too
            uow.session.execute(update(OfferRecord).where(OfferRecord.candidate_id.in_(ids)).values(explanation={}))
            shelters = {rec.shelter for rec in submissions}
            for stored in uow.session.exec(select(IdempotencyRecord).where(IdempotencyRecord.org_id.in_(shelters))):
                if (stored.body or {}).get("candidate_id") in ids:
                    uow.session.delete(stored)
        reports = uow.session.exec(select(PlacementReportRecord)
                                   .where(PlacementReportRecord.person_ref == person_ref)).all()
        for report in reports:
            report.person_ref = tombstone
            uow.session.add(report)
        uow.emit(ev.PersonErased(producer=PRODUCER, occurred_at=at, person_ref=person_ref))
        audit(uow, OPERATOR, "person.erase", tombstone, channel="cli")
        uow.commit()
    return {"submissions": len(submissions), "placement_reports": len(reports), "tombstone": tombstone}
