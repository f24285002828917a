"""The intake's table of issue 21: municipalities' simulation jobs, their progress and their reports."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from services.kernel.db import json_column, utc_column


class SimulationJobRecord(SQLModel, table=True):
    """queued -> running -> done | failed; written by the request, then by the simulation worker's events."""

    __tablename__ = "intake_simulation_job"
    job_id: str = Field(primary_key=True, max_length=80)
    org_id: str = Field(index=True, max_length=80)  # the municipality that started it: the only one that reads it
    region: str = Field(max_length=3)
    days: int
    seeds: int
    source: str = Field(max_length=16)
    variants: list = Field(sa_column=json_column())
    status: str = Field(default="queued", max_length=16)
    days_simulated: int = 0
    days_total: int
    report: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    reason: str | None = Field(default=None, max_length=500)
    requested_by: str = Field(max_length=100)  # the actor, as the audit names them
    requested_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())
