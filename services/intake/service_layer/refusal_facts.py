"""What the transfer point reads of refusals beside each waiting candidate (issue 20): until when the person is
parked after declines without a valid reason, and how many offers they left to expire (which never count as
declines, so the people at the table see them apart)."""
from __future__ import annotations

from collections import Counter
from typing import Any

from sqlmodel import select

from services.intake.adapters.orm import CandidateRecord, OfferRecord
from services.intake.adapters.regional_orm import ParkingRecord
from services.intake.service_layer.common import now
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork


def refusal_facts(uow: IntakeUnitOfWork, rows: list[CandidateRecord]) -> list[dict[str, Any]]:
    ids = [c.candidate_id for c in rows]
    if not ids:
        return []
    at = now()
    parked = {p.candidate_id: p.until for p in uow.session.exec(
        select(ParkingRecord).where(ParkingRecord.candidate_id.in_(ids), ParkingRecord.lifted_at == None,  # noqa: E711
                                    ParkingRecord.until > at)).all()}
    expired = Counter(uow.session.exec(select(OfferRecord.candidate_id).where(
        OfferRecord.candidate_id.in_(ids), OfferRecord.status == "expired")).all())
    declined = Counter(uow.session.exec(select(OfferRecord.candidate_id).where(
        OfferRecord.candidate_id.in_(ids), OfferRecord.status == "declined")).all())
    return [{"parked_until": parked.get(i), "expired_offers": expired[i], "declined_offers": declined[i]}
            for i in ids]
