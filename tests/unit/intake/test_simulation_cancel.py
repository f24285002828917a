"""Issue 21 on the screens: a municipality cancels its own simulation job before it ends; what the worker still
sends about it (progress, the report) is ignored; the change feed says simulation.cancelled; an ended job cannot be
cancelled, another's is not found. tests/integration/intake/test_simulation_cancel_races.py: the same at once."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from contracts import events as ev
from services.intake.adapters.orm import AuditEntry, Change
from services.intake.domain import simulation_models as m
from services.intake.domain.errors import Conflict, Forbidden, NotFound
from services.intake.service_layer import simulation_projections, simulations
from services.intake.service_layer.organisations import Caller, create_organisation
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork

AT = datetime(2026, 12, 4, 12, tzinfo=UTC)


@pytest.fixture
def orgs(engine):
    def org(name, role, municipality=None):
        org_id, _ = create_organisation(IntakeUnitOfWork(engine), name, role, municipality, "R07")
        return Caller(org_id, role, municipality, "R07")
    return {"noord": org("Gemeente Noord", "municipality", "GM0701"),
            "buur": org("Gemeente Buur", "municipality", "GM0702"), "corp": org("Woonstichting", "corporation")}


def started(engine, caller) -> str:
    body = m.StartSimulation(days=10, seeds=1, variants=[{"name": "a"}])
    return simulations.start(IntakeUnitOfWork(engine), caller, body)[1]["job_id"]


def hear(engine, event) -> None:
    uow = IntakeUnitOfWork(engine)
    with uow:
        simulation_projections.HANDLERS[type(event)](event, uow)
        uow.commit()


def test_a_cancelled_job_stays_cancelled_whatever_the_worker_sends(engine, orgs):
    noord = orgs["noord"]
    job_id = started(engine, noord)
    hear(engine, ev.SimulationProgressed(producer="simulation", occurred_at=AT, job_id=job_id, org_id=noord.org_id,
                                         days_simulated=4, days_total=10))
    status, job = simulations.cancel(IntakeUnitOfWork(engine), noord, job_id)
    assert status == 200 and job["status"] == "cancelled" and job["progress"]["days_simulated"] == 4
    hear(engine, ev.SimulationProgressed(producer="simulation", occurred_at=AT, job_id=job_id, org_id=noord.org_id,
                                         days_simulated=8, days_total=10))
    hear(engine, ev.SimulationFinished(producer="simulation", occurred_at=AT, job_id=job_id, org_id=noord.org_id,
                                       status="done", report={"variants": []}))
    after = simulations.get(IntakeUnitOfWork(engine), noord, job_id)
    assert (after["status"], after["report"], after["progress"]["days_simulated"]) == ("cancelled", None, 4)
    with pytest.raises(Conflict):  # once is enough: an ended job is not cancelled again
        simulations.cancel(IntakeUnitOfWork(engine), noord, job_id)
    with Session(engine) as s:
        assert ("simulation.cancel", job_id) in s.exec(select(AuditEntry.action, AuditEntry.record)).all()
        # The feed says it was stopped, once, and never that the ignored report arrived.
        feed = s.exec(select(Change.org_id, Change.kind, Change.data).order_by(Change.seq)).all()
        assert feed == [(noord.org_id, "simulation.cancelled", {"job_id": job_id})]


def test_a_finished_job_cannot_be_cancelled_and_nobody_else_cancels_one(engine, orgs):
    noord = orgs["noord"]
    done, queued = started(engine, noord), started(engine, noord)
    hear(engine, ev.SimulationFinished(producer="simulation", occurred_at=AT, job_id=done, org_id=noord.org_id,
                                       status="done", report={"variants": []}))
    with pytest.raises(Conflict):
        simulations.cancel(IntakeUnitOfWork(engine), noord, done)
    with pytest.raises(NotFound):  # not even a municipality of the same region
        simulations.cancel(IntakeUnitOfWork(engine), orgs["buur"], queued)
    with pytest.raises(Forbidden):
        simulations.cancel(IntakeUnitOfWork(engine), orgs["corp"], queued)
    assert simulations.get(IntakeUnitOfWork(engine), noord, queued)["status"] == "queued"
