"""The transfer point's view of its region (issue 15): the one exception to "an organisation never sees
another's candidates". Waiting candidates of its own region only, pseudonymously (ids, household, support,
waiting time, urgency, exit date; never a person reference, BSN, name or free text), and every candidate
shown is audited as read by the person or token that asked.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import select

from contracts.vocabulary import CandidateStatus, Role
from services.intake.adapters.orm import CandidateRecord
from services.intake.domain.rules import local_date
from services.intake.service_layer.common import ERASED, audit, now, require
from services.intake.service_layer.refusal_facts import refusal_facts
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork

#: The matcher's policy adds its long-wait bonus after this many days (services/matcher/domain/policy.py).
LONG_WAIT_DAYS = 90


def region_view(c: CandidateRecord, today: date) -> dict[str, Any]:
    p = c.profile
    days = max(0, (today - date.fromisoformat(p["shelter_entry_date"])).days)
    exit_date = p.get("exit_date")
    return {"candidate_id": c.candidate_id, "shelter": c.shelter, "region": c.region,
            "household_size": p["household_size"], "children": p.get("children", 0),
            "support": p.get("support", "none"), "days_waiting": days,
            "urgency": {"days_waiting": days, "over_90_days": days > LONG_WAIT_DAYS, "youth": p.get("youth", False),
                        "children": p.get("children", 0), "medical_urgency": p.get("medical_urgency", False)},
            "exit_date": exit_date}


def region_candidates(uow: IntakeUnitOfWork, caller: Caller) -> dict[str, Any]:
    require(caller, Role.TRANSFER_POINT)
    today = local_date(now())
    with uow:
        rows = uow.session.exec(
            select(CandidateRecord).where(CandidateRecord.region == caller.region,
                                          CandidateRecord.status == CandidateStatus.WAITING,
                                          CandidateRecord.linked_to == None,  # noqa: E711 - each person once
                                          ~CandidateRecord.person_ref.startswith(ERASED))
            .order_by(CandidateRecord.created_at, CandidateRecord.candidate_id)).all()
        items = [region_view(c, today) | extra for c, extra in zip(rows, refusal_facts(uow, rows))]
        for c in rows:
            audit(uow, caller, "transferPoint.read", c.candidate_id)
        uow.commit()
        return {"items": items}
