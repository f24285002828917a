"""The matcher's tables: its own view of candidates, units, agreements, limits and offers."""
from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from services.kernel.db import infra_tables, json_column, utc_column

ProcessedEvent, Outbox = infra_tables("matcher")


class Candidate(SQLModel, table=True):
    __tablename__ = "matcher_candidate"
    candidate_id: str = Field(primary_key=True, max_length=80)
    region: str = Field(index=True, max_length=3)
    shelter: str = Field(max_length=80)
    person_ref: str = Field(index=True, max_length=80)
    profile: dict = Field(sa_column=json_column())
    status: str = Field(default="waiting", index=True, max_length=16)  # waiting|offered|placed|withdrawn
    # Parked after too many declines without a valid reason (issue 20): not matched before this event time.
    parked_until: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # Declines before this time no longer count towards parking (set when parked and when lifted).
    declines_counted_from: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # Event times of arrival (CandidateSubmitted) and of leaving matching (withdrawn, superseded, erased), so
    # the recorded history can be replayed (issue 21). Null for rows from before they were recorded.
    arrived_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    withdrawn_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class Unit(SQLModel, table=True):
    __tablename__ = "matcher_unit"
    unit_id: str = Field(primary_key=True, max_length=80)
    region: str = Field(index=True, max_length=3)
    corporation: str = Field(max_length=80)
    municipality: str = Field(max_length=6)
    neighbourhood: str = Field(max_length=10)
    kind: str = Field(max_length=20)
    rooms: int
    places: int
    wheelchair_accessible: bool
    support: list = Field(sa_column=json_column())
    bag_id: str | None = Field(default=None, max_length=16)
    available_from: date
    status: str = Field(default="open", index=True, max_length=16)  # open|withdrawn
    # Why the last round left a place of this unit free (contracts.types.NotOfferedReason), told once.
    not_offered_reason: str | None = Field(default=None, max_length=40)
    rent: float | None = None
    # A transfer officer holds the home (issue 20): not offered before this date (Europe/Amsterdam).
    held_until: date | None = None
    # Event times of the (last) publication and withdrawal of the vacancy, for the replay (issue 21).
    arrived_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    withdrawn_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class Agreement(SQLModel, table=True):
    __tablename__ = "matcher_agreement"
    corporation: str = Field(primary_key=True, max_length=80)
    municipality: str = Field(primary_key=True, max_length=6)
    period: str = Field(primary_key=True, max_length=4)
    region: str = Field(index=True, max_length=3)
    max_places: int
    used: int


class NeighbourhoodLimit(SQLModel, table=True):
    __tablename__ = "matcher_neighbourhood_limit"
    neighbourhood: str = Field(primary_key=True, max_length=10)
    period: str = Field(primary_key=True, max_length=4)
    region: str = Field(index=True, max_length=3)
    max_placements: int
    used: int


class Offer(SQLModel, table=True):
    __tablename__ = "matcher_offer"
    offer_id: str = Field(primary_key=True, max_length=80)
    round_id: str = Field(max_length=80)
    region: str = Field(index=True, max_length=3)
    candidate_id: str = Field(index=True, max_length=80)
    unit_id: str = Field(index=True, max_length=80)
    period: str = Field(max_length=4)
    priority: int
    explanation: dict = Field(sa_column=json_column())
    # (proposed ->) made -> (confirmed, accepted) -> placed; or declined|rejected|expired|withdrawn|set_aside.
    # A proposal (review on) holds its place like an offer; its expires_at is its review deadline.
    status: str = Field(default="made", index=True, max_length=16)
    corporation_confirmed: bool = False
    person_accepted: bool = False
    made_at: datetime = Field(sa_column=utc_column())
    expires_at: datetime = Field(sa_column=utc_column())
    closed_reason: str | None = Field(default=None, max_length=500)
    closed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))  # event time
    review_flagged: bool = False  # a proposal flagged to the transfer point as waiting too long
    # The candidate's support provider: its room is held by the offer (issue 20), in every region it serves.
    support_provider: str | None = Field(default=None, index=True, max_length=80)


class DeclinedPair(SQLModel, table=True):
    """A person and a unit never proposed again: the offer was declined, rejected or left to expire."""

    __tablename__ = "matcher_declined_pair"
    candidate_id: str = Field(primary_key=True, max_length=80)
    unit_id: str = Field(primary_key=True, max_length=80)
    # How the offer ended: an expired one is told as expired_before, never as a decline.
    closed_as: str = Field(default="declined", max_length=16)  # declined|rejected|expired


class RegionClock(SQLModel, table=True):
    """Event-time watermark and pending-round flag per region (rules run on event time)."""

    __tablename__ = "matcher_region_clock"
    region: str = Field(primary_key=True, max_length=3)
    watermark: datetime = Field(sa_column=utc_column())
    dirty: bool = Field(default=False, index=True)
    # Earliest deadline of the region's open offers: expiry is looked for only once the clock passes it.
    next_expiry: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # When the clock last published a ClockTicked for the region: one tick per overdue deadline.
    last_tick: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class RegionPolicy(SQLModel, table=True):
    """A region's policy, versioned (issue 20): the round uses the highest version in force at its event time."""

    __tablename__ = "matcher_region_policy"
    region: str = Field(primary_key=True, max_length=3)
    version: int = Field(primary_key=True)
    effective_from: date
    policy: dict = Field(sa_column=json_column())


class SupportProvider(SQLModel, table=True):
    """A support provider's room for new clients per period, shared by all its regions."""

    __tablename__ = "matcher_support_provider"
    provider: str = Field(primary_key=True, max_length=80)
    period: str = Field(primary_key=True, max_length=4)
    max_new_clients: int
    used: int


class FixedPair(SQLModel, table=True):
    """A transfer officer's manual match, waiting for the region's next round (the solver's fixed pair)."""

    __tablename__ = "matcher_fixed_pair"
    candidate_id: str = Field(primary_key=True, max_length=80)
    unit_id: str = Field(max_length=80)
    region: str = Field(index=True, max_length=3)
    transfer_point: str = Field(max_length=80)
    reason: str = Field(max_length=500)
