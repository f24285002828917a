"""Vacancies: a corporation publishes, reads and withdraws its units."""
from __future__ import annotations

from typing import Any

from sqlmodel import select

from contracts import events as ev
from services.intake.adapters.orm import UnitRecord
from services.intake.domain import commands as cmd
from services.intake.domain.errors import Conflict, NotFound
from services.intake.service_layer.common import Result, audit, now, require
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork


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
        # Published again: a withdrawn vacancy opens again; one offered or let keeps its status.
        rec.status = "open" if rec.status == "withdrawn" else rec.status
        rec.details, rec.region, rec.kind = details, body.region, body.kind
        # Changed data: the matcher's next round says again why it stays free, if it does.
        rec.not_offered_reason = rec.not_offered_since = None
        uow.session.add(rec)
        fields = body.model_dump(exclude={"unit_id"})
        uow.emit(ev.VacancyPublished(producer=caller.org_id, occurred_at=now(), unit_id=unit_id,
                                     corporation=caller.org_id, **fields))
        audit(uow, caller, "vacancy.publish", unit_id, channel=channel)
        return uow.finish(201 if created else 200, unit_view(rec))


def unit_view(u: UnitRecord) -> dict[str, Any]:
    return {"vacancy_id": u.own_unit_id, "status": u.status,
            **{k: v for k, v in u.details.items() if k != "unit_id"},
            "not_offered_reason": u.not_offered_reason if u.status in ("open", "offered") else None,
            "not_offered_since": u.not_offered_since if u.status in ("open", "offered") else None}


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
        if rec.status not in ("open", "offered"):
            raise Conflict(f"the vacancy is {rec.status}")
        rec.status = "withdrawn"
        uow.session.add(rec)
        uow.emit(ev.VacancyWithdrawn(producer=caller.org_id, occurred_at=now(), unit_id=rec.unit_id,
                                     corporation=caller.org_id, region=rec.region, reason=body.reason))
        audit(uow, caller, "vacancy.withdraw", rec.unit_id, channel=channel)
        return uow.finish(200, unit_view(rec))


def list_vacancies(uow: IntakeUnitOfWork, caller: Caller) -> dict[str, Any]:
    require(caller, "corporation")
    with uow:
        rows = uow.session.exec(select(UnitRecord).where(UnitRecord.corporation == caller.org_id)
                                .order_by(UnitRecord.unit_id)).all()
        return {"items": [unit_view(u) for u in rows]}
