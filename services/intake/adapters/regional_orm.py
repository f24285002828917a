"""The intake's tables of issue 20: region policies (versioned), support providers' room, the proposals waiting
for the transfer point, its manual matches, and parked candidates."""
from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from services.kernel.db import json_column, utc_column


class RegionPolicyRecord(SQLModel, table=True):
    __tablename__ = "intake_region_policy"
    region: str = Field(primary_key=True, max_length=3)
    version: int = Field(primary_key=True)
    effective_from: date
    policy: dict = Field(sa_column=json_column())
    municipality: str = Field(max_length=6)
    registered_by: str = Field(max_length=80)  # the actor (user or token key id), as the audit names them
    registered_at: datetime = Field(sa_column=utc_column())


class SupportCapacityRecord(SQLModel, table=True):
    __tablename__ = "intake_support_capacity"
    provider: str = Field(primary_key=True, max_length=80)
    period: str = Field(primary_key=True, max_length=4)
    max_new_clients: int
    used: int
    updated_at: datetime = Field(sa_column=utc_column())


class ProposalRecord(SQLModel, table=True):
    """A round's proposal in a region under review: waiting -> approved | set_aside | withdrawn."""

    __tablename__ = "intake_proposal"
    offer_id: str = Field(primary_key=True, max_length=80)
    region: str = Field(index=True, max_length=3)
    candidate_id: str = Field(max_length=80)
    shelter: str = Field(max_length=80)
    unit_id: str = Field(max_length=80)
    corporation: str = Field(max_length=80)
    priority: int
    explanation: dict = Field(sa_column=json_column())
    period: str = Field(max_length=4)
    proposed_at: datetime = Field(sa_column=utc_column())
    review_due: datetime = Field(sa_column=utc_column())
    overdue: bool = False
    status: str = Field(default="waiting", index=True, max_length=16)
    decision_reason: str | None = Field(default=None, max_length=500)


class ManualMatchRecord(SQLModel, table=True):
    """A transfer officer's manual match: requested -> offered | refused (with the rules it broke)."""

    __tablename__ = "intake_manual_match"
    id: int | None = Field(default=None, primary_key=True)
    region: str = Field(index=True, max_length=3)
    transfer_point: str = Field(max_length=80)
    candidate_id: str = Field(index=True, max_length=80)
    unit_id: str = Field(max_length=80)
    reason: str = Field(max_length=500)
    status: str = Field(default="requested", max_length=16)
    errors: list = Field(default_factory=list, sa_column=json_column())
    requested_at: datetime = Field(sa_column=utc_column())


class ParkingRecord(SQLModel, table=True):
    """A candidate parked after declines without a valid reason, until ``until`` or the transfer point lifts it."""

    __tablename__ = "intake_parking"
    candidate_id: str = Field(primary_key=True, max_length=80)
    region: str = Field(index=True, max_length=3)
    until: datetime = Field(sa_column=utc_column())
    declines: int
    lifted_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
