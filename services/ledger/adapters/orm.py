"""The ledger's tables: an append-only journal, the de-duplicated places derived from it, and tokens."""
from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from services.runtime.db import infra_tables, json_column, utc_column

ProcessedEvent, Outbox = infra_tables("ledger")


class Entry(SQLModel, table=True):
    """One consumed placement event; never updated or deleted (corrections are new entries)."""

    __tablename__ = "ledger_entry"
    seq: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(unique=True, max_length=36)
    kind: str = Field(max_length=20)  # confirmed|reported|retracted|ended|erased
    source: str = Field(index=True, max_length=80)
    report_id: str | None = Field(default=None, index=True, max_length=80)
    person_ref: str | None = Field(default=None, index=True, max_length=80)
    unit_key: str | None = Field(default=None, max_length=120)
    recorded_at: datetime = Field(sa_column=utc_column())
    data: dict = Field(sa_column=json_column())


class Place(SQLModel, table=True):
    """A realised place: one person in one unit, whatever the number of sources that reported it."""

    __tablename__ = "ledger_place"
    place_id: int | None = Field(default=None, primary_key=True)
    person_ref: str = Field(index=True, max_length=80)
    unit_key: str = Field(index=True, max_length=120)
    region: str = Field(index=True, max_length=3)
    municipality: str = Field(max_length=6)
    corporation: str | None = Field(default=None, max_length=80)
    neighbourhood: str | None = Field(default=None, max_length=10)
    strategy: str = Field(max_length=24)
    unit_kind: str = Field(max_length=20)
    housing_first: bool = False
    move_in_date: date
    days_in_shelter: int | None = None
    youth: bool | None = None
    household_size: int | None = None
    children: int | None = None
    sources: list = Field(sa_column=json_column())
    status: str = Field(default="realised", index=True, max_length=16)  # realised|retracted|review
    ended_on: date | None = None


class Token(SQLModel, table=True):
    """Hashes of the intake's API tokens, so the report API accepts the same tokens."""

    __tablename__ = "ledger_token"
    token_hash: str = Field(primary_key=True, max_length=64)
    org_id: str = Field(index=True, max_length=80)
    revoked: bool = False


class Org(SQLModel, table=True):
    __tablename__ = "ledger_org"
    org_id: str = Field(primary_key=True, max_length=80)
    role: str = Field(max_length=20)
    municipality: str | None = Field(default=None, max_length=6)
    region: str | None = Field(default=None, max_length=3)


class AgreementTarget(SQLModel, table=True):
    """Committed places per agreement, to report progress against each prestatieafspraak."""

    __tablename__ = "ledger_agreement"
    corporation: str = Field(primary_key=True, max_length=80)
    municipality: str = Field(primary_key=True, max_length=6)
    period: str = Field(primary_key=True, max_length=4)
    region: str = Field(max_length=3)
    max_places: int
