"""Municipalities' performance agreements (prestatieafspraken) and neighbourhood-load limits."""
from __future__ import annotations

from typing import Any

from sqlmodel import select

from contracts import events as ev
from services.intake.adapters.history_orm import AgreementVersion
from services.intake.adapters.orm import AgreementRecord, OfferRecord, Organisation, UnitRecord
from services.intake.domain import commands as cmd
from services.intake.domain import counters
from services.intake.domain.errors import Conflict, Invalid
from services.intake.service_layer.common import Result, audit, now, require
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork


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
                                 details={}, updated_at=now())
    row.details, row.updated_at = details, now()
    uow.session.add(row)
    # Every version is kept: the policy officer's screen shows what changed, when and by whom (issue 17).
    uow.session.add(AgreementVersion(municipality=caller.municipality, kind=kind, subject=subject, period=period,
                                     details=details, changed_at=row.updated_at, actor=caller.actor))


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
        answer = with_counters(uow, region, "agreement", [answer])[0]
        uow.emit(ev.AgreementRegistered(producer=caller.org_id, occurred_at=now(), municipality=caller.municipality,
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
        answer = with_counters(uow, region, "limit", [answer])[0]
        uow.emit(ev.NeighbourhoodLimitSet(producer=caller.org_id, occurred_at=now(),
                                          municipality=caller.municipality, region=region, **body.model_dump()))
        audit(uow, caller, "limit.set", f"{body.neighbourhood}/{body.period}", channel=channel)
        return uow.finish(201, answer)


def list_agreements(uow: IntakeUnitOfWork, caller: Caller, kind: str) -> dict[str, Any]:
    """A municipality's agreements or limits; a corporation's own agreements (with any municipality)."""
    require(caller, "municipality", *(("corporation",) if kind == "agreement" else ()))
    with uow:
        q = select(AgreementRecord).where(AgreementRecord.kind == kind)
        if caller.role == "corporation":
            q = q.where(AgreementRecord.subject == caller.org_id)
        else:
            q = q.where(AgreementRecord.municipality == caller.municipality)
        rows = uow.session.exec(q.order_by(AgreementRecord.period, AgreementRecord.municipality,
                                           AgreementRecord.subject)).all()
        items = [r.details for r in rows]
        regions = {item["region"] for item in items}
        return {"items": [row for region in sorted(regions) for row in
                          with_counters(uow, region, kind, [i for i in items if i["region"] == region])]}


def with_counters(uow: IntakeUnitOfWork, region: str, kind: str, items: list[dict[str, Any]]
                  ) -> list[dict[str, Any]]:
    """Each agreement or limit with its exact counters (counters.py), from the offers of its region."""
    if kind == "agreement":
        tally = counters.by_agreement(_counted_offers(uow, region))
        return [{**i, "counters": tally.counters((i["municipality"], i["corporation"], i["period"]),
                                                 i["max_places"], i["used"])} for i in items]
    tally = counters.by_neighbourhood(_counted_offers(uow, region))
    return [{**i, "counters": tally.counters((i["neighbourhood"], i["period"]), i["max_placements"], i["used"])}
            for i in items]


def _counted_offers(uow: IntakeUnitOfWork, region: str) -> list[counters.CountedOffer]:
    rows = uow.session.exec(select(OfferRecord, UnitRecord).join(UnitRecord, UnitRecord.unit_id == OfferRecord.unit_id)
                            .where(OfferRecord.region == region,
                                   OfferRecord.status.in_((counters.HELD, counters.PLACED)))).all()
    return [counters.CountedOffer(o.corporation, u.details["municipality"], u.details["neighbourhood"],
                                  counters.offer_period(o.period, o.made_at), o.status) for o, u in rows]
