"""Municipalities' simulation jobs (issue 21): started here, run by the simulation worker off the topic, its
progress and report heard back (simulation_projections.py). A municipality simulates its own region only and
reads only its own jobs; another organisation's job answers 404."""
from __future__ import annotations

from typing import Any

from sqlmodel import select

from contracts import events as ev
from contracts.vocabulary import Role
from services.intake.adapters.orm import Organisation
from services.intake.adapters.simulation_orm import SimulationJobRecord
from services.intake.domain import simulation_models as m
from services.intake.domain.errors import Conflict, Forbidden, NotFound
from services.intake.service_layer.common import Result, audit, new_id, now, require
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.simulation_projections import FINISHED
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork

#: What the SimulationRequested event may carry of a region's layout (contracts/events.py).
MOST_PARTNERS = 40


def summary(row: SimulationJobRecord) -> dict[str, Any]:
    return {"job_id": row.job_id, "status": row.status, "region": row.region, "days": row.days, "seeds": row.seeds,
            "source": row.source, "progress": m.progress_of(row.days_simulated, row.days_total),
            "reason": row.reason, "requested_at": row.requested_at, "updated_at": row.updated_at}


def view(row: SimulationJobRecord) -> dict[str, Any]:
    return {**summary(row), "variants": row.variants, "report": row.report}


def _region_layout(uow: IntakeUnitOfWork, caller: Caller) -> tuple[list[str], list[str]]:
    """The region as the intake knows it: its municipalities (the caller first) and its corporations' ids."""
    orgs = uow.session.exec(select(Organisation).where(Organisation.region == caller.region,
                                                       Organisation.role.in_((Role.MUNICIPALITY, Role.CORPORATION)))
                            .order_by(Organisation.org_id)).all()
    others = sorted({o.municipality for o in orgs if o.role == Role.MUNICIPALITY and o.municipality}
                    - {caller.municipality})
    corporations = [o.org_id for o in orgs if o.role == Role.CORPORATION]
    return [caller.municipality, *others][:MOST_PARTNERS], corporations[:MOST_PARTNERS]


def start(uow: IntakeUnitOfWork, caller: Caller, body: m.StartSimulation) -> Result:
    require(caller, Role.MUNICIPALITY)
    if not caller.region:
        raise Conflict("this municipality has no region on record; ask an administrator to set it")
    if body.region is not None and body.region != caller.region:
        raise Forbidden("a municipality simulates its own region only",
                        [{"field": "region", "reason": "not the caller's own region: leave it out or give the own "
                                                       "region"}])
    with uow:
        municipalities, corporations = _region_layout(uow, caller)
        at = now()
        variants = [v.model_dump(mode="json", exclude_defaults=True) for v in body.variants]
        row = SimulationJobRecord(job_id=new_id("sim"), org_id=caller.org_id, region=caller.region, days=body.days,
                                  seeds=body.seeds, source=body.source, variants=variants, status="queued",
                                  days_total=len(body.variants) * body.seeds * body.days, requested_by=caller.actor,
                                  requested_at=at, updated_at=at)
        uow.session.add(row)
        uow.emit(ev.SimulationRequested(producer=caller.org_id, occurred_at=at, job_id=row.job_id,
                                        org_id=caller.org_id, region=caller.region,
                                        municipalities=tuple(municipalities), corporations=tuple(corporations),
                                        days=body.days, seeds=body.seeds, variants=list(body.variants),
                                        source=body.source))
        audit(uow, caller, "simulation.start", row.job_id)
        return uow.finish(202, view(row))


def _own(uow: IntakeUnitOfWork, caller: Caller, job_id: str, lock: bool = False) -> SimulationJobRecord:
    row = uow.session.get(SimulationJobRecord, job_id, with_for_update=lock)
    if row is None or row.org_id != caller.org_id:  # another's job is not revealed
        raise NotFound("no such simulation job")
    return row


def get(uow: IntakeUnitOfWork, caller: Caller, job_id: str) -> dict[str, Any]:
    require(caller, Role.MUNICIPALITY)
    with uow:
        return view(_own(uow, caller, job_id))


def cancel(uow: IntakeUnitOfWork, caller: Caller, job_id: str) -> Result:
    """A queued or running job ends as cancelled; the worker is not told (it runs one job at a time off the topic),
    so a result it sends later is ignored (simulation_projections.py). The row is locked: a report being recorded
    meanwhile either commits first (then this answers 409) or waits and finds the job cancelled."""
    require(caller, Role.MUNICIPALITY)
    with uow:
        row = _own(uow, caller, job_id, lock=True)
        if row.status in FINISHED:
            raise Conflict(f"the job has already ended ({row.status})")
        row.status, row.updated_at = "cancelled", now()
        uow.session.add(row)
        audit(uow, caller, "simulation.cancel", row.job_id)
        uow.notify(row.org_id, "simulation.cancelled", row.updated_at, job_id=row.job_id)
        return uow.finish(200, view(row))


def list_jobs(uow: IntakeUnitOfWork, caller: Caller) -> dict[str, Any]:
    require(caller, Role.MUNICIPALITY)
    with uow:
        rows = uow.session.exec(select(SimulationJobRecord).where(SimulationJobRecord.org_id == caller.org_id)
                                .order_by(SimulationJobRecord.requested_at.desc())).all()
        return {"items": [summary(r) for r in rows]}
