"""What the transfer point and the policy officer read beside the partner API (issue 17), as screen-only
operations run through the same dispatcher (no route, not in /openapi.json):

- the transfer point's region: the homes still free, the offers in flight with their deadlines, which of
  them stalled (no answer after a number of days, 3 by default, set per region: STALLED_OFFER_DAYS);
  candidate ids only (pseudonymous), and the read is audited as a personal read;
- the municipality's history of its agreements and neighbourhood limits, newest first.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import select

from contracts.vocabulary import Role
from services.intake.adapters.history_orm import AgreementVersion
from services.intake.adapters.orm import OfferRecord, Organisation, UnitRecord
from services.intake.domain.answer_parts import Answer
from services.intake.service_layer.common import now, require
from services.intake.service_layer.operation_types import Operation
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
from services.kernel.config import settings


def stalled_after(region: str) -> timedelta:
    """The region's own number of days, else the default (3)."""
    raw = settings().stalled_offer_days.strip()
    days = json.loads(raw) if raw.startswith("{") else {"default": raw}
    return timedelta(days=float(days.get(region, days.get("default", 3))))


def region_homes_and_offers(uow: IntakeUnitOfWork, caller: Caller) -> dict[str, Any]:
    require(caller, Role.TRANSFER_POINT)
    at, limit = now(), stalled_after(caller.region)
    with uow:
        names = {o.org_id: o.name for o in uow.session.exec(
            select(Organisation).where(Organisation.region == caller.region)).all()}
        units = uow.session.exec(select(UnitRecord).where(UnitRecord.region == caller.region)).all()
        own_ids = {u.unit_id: u.own_unit_id for u in units}
        homes = [{"vacancy_id": u.own_unit_id, "unit_id": u.unit_id,
                  "corporation": names.get(u.corporation, u.corporation),
                  "municipality": u.details["municipality"], "neighbourhood": u.details["neighbourhood"],
                  "kind": u.kind, "rooms": u.details["rooms"], "available_from": u.details["available_from"],
                  "not_offered_reason": u.not_offered_reason} for u in units if u.status == "open"]
        offers = uow.session.exec(select(OfferRecord).where(OfferRecord.region == caller.region,
                                                            OfferRecord.status == "open")
                                  .order_by(OfferRecord.made_at)).all()
        in_flight = [{"offer_id": o.offer_id, "candidate_id": o.candidate_id,
                      "vacancy_id": own_ids.get(o.unit_id, o.unit_id),
                      "corporation": names.get(o.corporation, o.corporation),
                      "shelter": names.get(o.shelter, o.shelter), "made_at": o.made_at, "expires_at": o.expires_at,
                      "corporation_answer": o.corporation_answer, "person_answer": o.person_answer,
                      "stalled": at - o.made_at >= limit and not (o.corporation_answer and o.person_answer)}
                     for o in offers]
        return {"stalled_after_days": limit.days, "homes": homes, "offers": in_flight}


class RegionHome(Answer):
    vacancy_id: str
    unit_id: str  # product-wide: what the transfer point's manual match and hold name
    corporation: str
    municipality: str
    neighbourhood: str
    kind: str
    rooms: int
    available_from: str
    not_offered_reason: str | None


class OfferInFlight(Answer):
    offer_id: str
    candidate_id: str
    vacancy_id: str
    corporation: str
    shelter: str
    made_at: datetime
    expires_at: datetime
    corporation_answer: str | None
    person_answer: str | None
    stalled: bool


class RegionOverview(Answer):
    stalled_after_days: int
    homes: list[RegionHome]
    offers: list[OfferInFlight]


REGION_OVERVIEW = Operation("GET", "/screens/transfer-point/overview", "readRegionOverview",
                            "The region's free homes and offers in flight", "transfer-point", (Role.TRANSFER_POINT,),
                            lambda call, uow: region_homes_and_offers(uow, call.caller), RegionOverview, personal=True)


def agreement_history(uow: IntakeUnitOfWork, caller: Caller) -> dict[str, Any]:
    require(caller, Role.MUNICIPALITY)
    with uow:
        rows = uow.session.exec(select(AgreementVersion).where(AgreementVersion.municipality == caller.municipality)
                                .order_by(AgreementVersion.id.desc()).limit(500)).all()
        return {"items": [{"kind": v.kind, "subject": v.subject, "period": v.period, "details": v.details,
                           "changed_at": v.changed_at, "actor": v.actor} for v in rows]}


class Version(Answer):
    kind: str
    subject: str
    period: str
    details: dict[str, Any]
    changed_at: datetime
    actor: str


class History(Answer):
    items: list[Version]


AGREEMENT_HISTORY = Operation("GET", "/screens/agreements/history", "listAgreementHistory",
                              "Every version of the municipality's agreements and limits", "municipalities",
                              (Role.MUNICIPALITY,), lambda call, uow: agreement_history(uow, call.caller), History)
