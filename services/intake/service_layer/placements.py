"""Monitoring sources report placements for the ledger: report, retract, end, totals."""
from __future__ import annotations

from typing import Any

from sqlmodel import select

from contracts import events as ev
from contracts.types import SourceKind
from contracts.vocabulary import Role
from services.intake.adapters.orm import Organisation, PlacementReportRecord, UnitRecord
from services.intake.domain import commands as cmd
from services.intake.domain.errors import Conflict, Forbidden, Invalid, NotFound
from services.intake.service_layer.common import Result, audit, now, person_ref_for, require
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork

REPORTERS = (Role.MUNICIPALITY, Role.CORPORATION, Role.MONITOR)


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


def _check_reported_bag_id(uow: IntakeUnitOfWork, caller: Caller, bag_id: str | None) -> None:
    """A BAG id names a home for the ledger's de-duplication, whoever owns it: a corporation may name only one
    of its own homes (a BAG id of one of its vacancies), a municipality only a home in its own municipality
    (a BAG id starts with the four digits of the municipality code). Refused naming the field, never the value."""
    if bag_id is None:
        return
    if caller.role == "municipality" and bag_id[:4] != (caller.municipality or "")[2:]:
        raise Forbidden("a municipality reports placements in its own municipality only",
                        [{"field": "bag_id", "reason": "not a home in this organisation's municipality"}])
    if caller.role == "corporation":
        own = uow.session.exec(select(UnitRecord.details).where(UnitRecord.corporation == caller.org_id)).all()
        if not any(details.get("bag_id") == bag_id for details in own):
            raise Forbidden("a corporation reports placements in its own homes only",
                            [{"field": "bag_id", "reason": "not the BAG id of one of this corporation's "
                                                           "vacancies; name other homes by unit_id"}])


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
        _check_reported_bag_id(uow, caller, body.bag_id)
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
                                    source_kind=kind.value, reported_at=now(),
                                    details={"municipality": body.municipality, "region": body.region,
                                             "unit_kind": body.unit_kind.value,
                                             "move_in_date": body.move_in_date.isoformat()})
        uow.session.add(rec)
        uow.emit(ev.PlacementReported(producer=caller.org_id, occurred_at=now(), person_ref=person_ref,
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
        uow.emit(ev.PlacementRetracted(producer=caller.org_id, occurred_at=now(), source=caller.org_id,
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
        _check_reported_bag_id(uow, caller, body.bag_id)
        corporation = body.corporation or (caller.org_id if caller.role == "corporation" and body.unit_id else None)
        uow.emit(ev.PlacementEnded(producer=caller.org_id, occurred_at=now(), person_ref=person_ref,
                                   unit_id=body.unit_id, bag_id=body.bag_id, corporation=corporation,
                                   end_date=body.end_date, reason=body.reason))
        audit(uow, caller, "placement.end", body.unit_id or body.bag_id or "-", channel=channel)
        return uow.finish(202, {"source": caller.org_id, "end_date": body.end_date, "accepted": True})


def report_totals(uow: IntakeUnitOfWork, caller: Caller, body: cmd.ReportPlacementTotals, channel: str = "http"
                  ) -> Result:
    require(caller, *REPORTERS)
    with uow:
        kind = _source_kind(uow, caller)
        uow.emit(ev.PlacementTotalsReported(producer=caller.org_id, occurred_at=now(), source=caller.org_id,
                                            source_kind=kind, **body.model_dump()))
        audit(uow, caller, "placement.totals", f"{body.period}/{body.region or '-'}", channel=channel)
        return uow.finish(202, {"source": caller.org_id, "source_kind": kind.value, **body.model_dump()})
