"""The intake's gauge of the oldest simulation job no worker has begun (HousingSimulationJobsWaiting): only queued
jobs count; a job the worker began, finished or that was cancelled does not."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.intake.adapters.simulation_orm import SimulationJobRecord
from services.intake.service_layer.simulation_queue import oldest_queued_seconds
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def job(job_id: str, status: str, minutes_ago: int) -> SimulationJobRecord:
    at = NOW - timedelta(minutes=minutes_ago)
    return SimulationJobRecord(job_id=job_id, org_id="gm-1", region="R07", days=30, seeds=1, source="synthetic",
                               variants=[], status=status, days_total=30, requested_by="u-1", requested_at=at,
                               updated_at=at)


def test_none_waiting_reads_zero(engine):
    assert oldest_queued_seconds(IntakeUnitOfWork(engine), NOW) == 0.0


def test_the_oldest_queued_job_counts_and_begun_or_ended_ones_do_not(engine):
    with IntakeUnitOfWork(engine) as uow:
        for j in (job("a", "running", 300), job("b", "done", 200), job("c", "cancelled", 150),
                  job("d", "queued", 90), job("e", "queued", 10)):
            uow.session.add(j)
        uow.commit()
    assert oldest_queued_seconds(IntakeUnitOfWork(engine), NOW) == 90 * 60
