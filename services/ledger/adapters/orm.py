"""The ledger's tables: an append-only journal, the de-duplicated places derived from it, and tokens.

``ledger_entry`` is the source of truth and is only ever appended to (an erasure request is the
one exception: it replaces a person's reference by a tombstone in place). ``ledger_place`` is a
cache: for every person it holds exactly what the pure fold over that person's entries gives
(services/ledger/domain/journal.py), rewritten whenever an entry about the person arrives.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from services.kernel.db import infra_tables, json_column, utc_column

ProcessedEvent, Outbox = infra_tables("ledger")


class Entry(SQLModel, table=True):
    """One consumed placement event; never updated or deleted (corrections are new entries)."""

    __tablename__ = "ledger_entry"
    seq: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(unique=True, max_length=36)
    kind: str = Field(index=True, max_length=20)  # confirmed|reported|retracted|ended|erased|totals|agreement|limit
    source: str = Field(index=True, max_length=80)
    source_kind: str = Field(default="", max_length=40)
    report_id: str | None = Field(default=None, index=True, max_length=80)
    person_ref: str | None = Field(default=None, index=True, max_length=80)
    occurred_at: datetime = Field(sa_column=utc_column(), description="Event time: what asOf filters on")
    recorded_at: datetime = Field(sa_column=utc_column(), description="When the ledger consumed it")
    data: dict = Field(sa_column=json_column())


class Place(SQLModel, table=True):
    """A realised place: one person in one unit, whatever the number of sources that reported it."""

    __tablename__ = "ledger_place"
    place_id: int | None = Field(default=None, primary_key=True)
    person_ref: str = Field(index=True, max_length=80)
    unit_key: str = Field(index=True, max_length=120)
    region: str = Field(index=True, max_length=3)
    municipality: str = Field(index=True, max_length=6)
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
    sources: list = Field(sa_column=json_column())  # [[source, source kind, report id], ...]
    status: str = Field(default="realised", index=True, max_length=16)  # realised|review
    ended_on: date | None = None


class Erasure(SQLModel, table=True):
    """Erased persons: a keyed digest of the old reference -> its tombstone.

    A report about an erased person that arrives after the erasure (out of order, or from a
    slow source) is journalled under the tombstone, so it still de-duplicates and never
    counts twice. The digest is an HMAC under the deployment's secret, not the reference.
    """

    __tablename__ = "ledger_erasure"
    ref_digest: str = Field(primary_key=True, max_length=64)
    tombstone: str = Field(max_length=80)


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


class NeighbourhoodLimit(SQLModel, table=True):
    """A municipality's limit on placements per neighbourhood (draagkracht), to show its use."""

    __tablename__ = "ledger_neighbourhood_limit"
    neighbourhood: str = Field(primary_key=True, max_length=10)
    period: str = Field(primary_key=True, max_length=4)
    municipality: str = Field(index=True, max_length=6)
    region: str = Field(max_length=3)
    max_placements: int
    used: int = 0
