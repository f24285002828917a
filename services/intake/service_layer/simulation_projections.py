"""What the intake hears of a simulation job from the simulation worker (issue 21): progress, then the report.

A job run twice (the worker restarted before its result was committed) sends the same event ids, which the
inbox absorbs; progress only moves forward and never reopens a finished job. A job the municipality cancelled
counts as finished: what the worker still sends about it is ignored. Each handler locks the job's row, as the
cancellation does, so neither overwrites the other: whichever commits second sees the first's ending."""
from __future__ import annotations

from contracts import events as ev
from services.intake.adapters.simulation_orm import SimulationJobRecord
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork

FINISHED = ("done", "failed", "cancelled")


def simulation_progressed(event: ev.SimulationProgressed, uow: IntakeUnitOfWork) -> None:
    row = uow.session.get(SimulationJobRecord, event.job_id, with_for_update=True)
    if row is None or row.org_id != event.org_id or row.status in FINISHED or event.days_simulated < row.days_simulated:
        return
    row.status, row.days_simulated, row.days_total = "running", event.days_simulated, event.days_total
    row.updated_at = event.occurred_at
    uow.session.add(row)


def simulation_finished(event: ev.SimulationFinished, uow: IntakeUnitOfWork) -> None:
    row = uow.session.get(SimulationJobRecord, event.job_id, with_for_update=True)
    if row is None or row.org_id != event.org_id or row.status in FINISHED:
        return
    row.status, row.report, row.reason, row.updated_at = event.status, event.report, event.reason, event.occurred_at
    if event.status == "done":
        row.days_simulated = row.days_total
    uow.session.add(row)
    uow.notify(row.org_id, f"simulation.{event.status}", event.occurred_at, job_id=row.job_id)


HANDLERS = {ev.SimulationProgressed: simulation_progressed, ev.SimulationFinished: simulation_finished}
