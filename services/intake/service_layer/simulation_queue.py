"""How long the oldest simulation job has waited for a worker (issue 21): the intake's gauge for the
HousingSimulationJobsWaiting alert. A job is queued until the worker's first progress event."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import select

from services.intake.adapters.simulation_orm import SimulationJobRecord
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork

_OLDEST = select(func.min(SimulationJobRecord.requested_at)).where(SimulationJobRecord.status == "queued")


def oldest_queued_seconds(uow: IntakeUnitOfWork, now: datetime) -> float:
    """Seconds since the oldest queued job was requested; 0 when none waits."""
    with uow:
        oldest = uow.session.exec(_OLDEST).one()
    if oldest is None:
        return 0.0
    if oldest.tzinfo is None:  # SQLite hands back naive UTC
        oldest = oldest.replace(tzinfo=now.tzinfo)
    return max(0.0, (now - oldest).total_seconds())
