"""Municipalities' performance agreements (prestatieafspraken) and neighbourhood-load limits."""
from __future__ import annotations

from typing import Any

from sqlmodel import select

from contracts import events as ev
from services.intake.adapters.orm import AgreementRecord, Organisation
from services.intake.domain import commands as cmd
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
        uow.emit(ev.NeighbourhoodLimitSet(producer=caller.org_id, occurred_at=now(),
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
