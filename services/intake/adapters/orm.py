"""The intake's tables: organisations and tokens, who owns which record, offers as partners see them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from services.kernel.db import infra_tables, json_column, utc_column

ProcessedEvent, Outbox = infra_tables("intake")


class Organisation(SQLModel, table=True):
    __tablename__ = "intake_organisation"
    org_id: str = Field(primary_key=True, max_length=80)
    name: str = Field(max_length=200)
    role: str = Field(max_length=20)  # contracts.vocabulary.Role
    municipality: str | None = Field(default=None, max_length=6)
    region: str | None = Field(default=None, max_length=3)
    institution_type: str | None = Field(default=None, max_length=30)
    source_kind: str | None = Field(default=None, max_length=30)  # what it reports as a monitoring source
    central: bool = Field(default=False)  # a central municipality (centrumgemeente): registers its region's policy
    created_at: datetime = Field(sa_column=utc_column())


class ApiToken(SQLModel, table=True):
    """Only the SHA-256 of a token is stored; the token itself is shown once, at creation."""

    __tablename__ = "intake_api_token"
    token_hash: str = Field(primary_key=True, max_length=64)
    org_id: str = Field(index=True, max_length=80)
    key_id: str = Field(index=True, max_length=16)  # first 16 hex of the hash: names the signer of inbound messages
    signing_key: str = Field(max_length=200)  # the inbound signing key, encrypted with a key derived from the secret
    created_at: datetime = Field(sa_column=utc_column())
    revoked_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class CandidateRecord(SQLModel, table=True):
    __tablename__ = "intake_candidate"
    candidate_id: str = Field(primary_key=True, max_length=80)
    shelter: str = Field(index=True, max_length=80)
    person_ref: str = Field(index=True, max_length=80)
    region: str = Field(max_length=3)
    profile: dict = Field(sa_column=json_column())
    status: str = Field(default="waiting", max_length=16)  # waiting|offered|placed|withdrawn
    linked_to: str | None = Field(default=None, max_length=80)
    created_at: datetime = Field(sa_column=utc_column())


class UnitRecord(SQLModel, table=True):
    __tablename__ = "intake_unit"
    unit_id: str = Field(primary_key=True, max_length=80)
    corporation: str = Field(index=True, max_length=80)
    own_unit_id: str = Field(max_length=80)
    region: str = Field(max_length=3)
    kind: str = Field(max_length=20)
    status: str = Field(default="open", max_length=16)
    details: dict = Field(sa_column=json_column())
    # Why the matcher's last round left a place of this unit free; cleared by an offer on it.
    not_offered_reason: str | None = Field(default=None, max_length=40)
    not_offered_since: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class OfferRecord(SQLModel, table=True):
    __tablename__ = "intake_offer"
    offer_id: str = Field(primary_key=True, max_length=80)
    candidate_id: str = Field(index=True, max_length=80)
    shelter: str = Field(index=True, max_length=80)
    unit_id: str = Field(index=True, max_length=80)
    corporation: str = Field(index=True, max_length=80)
    region: str = Field(max_length=3)
    priority: int
    explanation: dict = Field(sa_column=json_column())
    passed_over: dict = Field(default_factory=dict, sa_column=json_column())
    status: str = Field(default="open", max_length=16)
    corporation_answer: str | None = Field(default=None, max_length=16)
    person_answer: str | None = Field(default=None, max_length=16)
    made_at: datetime = Field(sa_column=utc_column())
    expires_at: datetime = Field(sa_column=utc_column())
    # The year whose agreement and neighbourhood limit the offer counts against (null: made before it was told).
    period: str | None = Field(default=None, max_length=4)
    # Why it was rejected (for the shelter) or declined (the category for both sides, the text for the shelter).
    rejection_category: str | None = Field(default=None, max_length=40)
    rejection_reason: str | None = Field(default=None, max_length=500)
    decline_category: str | None = Field(default=None, max_length=40)
    decline_reason: str | None = Field(default=None, max_length=500)
    # A transfer officer's decision made the offer (issue 20): approved | manual_match, with the reason.
    decision: str | None = Field(default=None, max_length=16)
    decision_reason: str | None = Field(default=None, max_length=500)


class PassedOverRecord(SQLModel, table=True):
    """A candidate more urgent than the person a unit was offered to, and why they did not get it.

    Shown only to the candidate's own shelter (the corporation sees counts on the offer).
    """

    __tablename__ = "intake_passed_over"
    __table_args__ = (UniqueConstraint("offer_id", "candidate_id"),)
    id: int | None = Field(default=None, primary_key=True)
    offer_id: str = Field(max_length=80)
    candidate_id: str = Field(index=True, max_length=80)
    shelter: str = Field(max_length=80)
    unit_id: str = Field(max_length=80)
    corporation: str = Field(max_length=80)
    reason: str = Field(max_length=60)
    decided_at: datetime = Field(sa_column=utc_column())


class IdempotencyRecord(SQLModel, table=True):
    """The first answer to an Idempotency-Key (HTTP) or command id (Kafka), stored with the event it caused."""

    __tablename__ = "intake_idempotency"
    __table_args__ = (UniqueConstraint("org_id", "key", name="uq_intake_idempotency_org_key"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: str = Field(max_length=80)
    key: str = Field(max_length=240)  # "http:" or "kafka:" + the partner's key (at most 200 characters)
    request_hash: str = Field(max_length=64)
    status: int
    body: dict = Field(sa_column=json_column())


class AgreementRecord(SQLModel, table=True):
    """What a municipality registered: prestatieafspraken (kind 'agreement') and neighbourhood limits ('limit')."""

    __tablename__ = "intake_agreement"
    __table_args__ = (UniqueConstraint("municipality", "kind", "subject", "period", name="uq_intake_agreement"),)
    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(index=True, max_length=6)
    kind: str = Field(max_length=16)
    subject: str = Field(max_length=80)  # corporation id or neighbourhood code
    period: str = Field(max_length=4)
    details: dict = Field(sa_column=json_column())
    updated_at: datetime = Field(sa_column=utc_column())


class PlacementReportRecord(SQLModel, table=True):
    """A monitoring source's report, so only that source can retract it (and the retraction is keyed right)."""

    __tablename__ = "intake_placement_report"
    __table_args__ = (UniqueConstraint("org_id", "report_id", name="uq_intake_placement_report"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: str = Field(index=True, max_length=80)
    report_id: str = Field(max_length=80)
    person_ref: str = Field(max_length=80)
    source_kind: str = Field(max_length=30)
    status: str = Field(default="reported", max_length=16)  # reported|retracted
    details: dict = Field(sa_column=json_column())
    reported_at: datetime = Field(sa_column=utc_column())


class Change(SQLModel, table=True):
    """Per-organisation feed of what changed for it, read with a cursor."""

    __tablename__ = "intake_change"
    seq: int | None = Field(default=None, primary_key=True)
    org_id: str = Field(index=True, max_length=80)
    kind: str = Field(max_length=40)
    data: dict = Field(sa_column=json_column())
    occurred_at: datetime = Field(sa_column=utc_column())


class AuditEntry(SQLModel, table=True):
    """Who did what to which record, when; ids only, never personal data."""

    __tablename__ = "intake_audit"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=utc_column())
    org_id: str = Field(max_length=80)
    action: str = Field(max_length=60)
    record: str = Field(max_length=120)
    outcome: str = Field(max_length=20)  # ok | refused:<status>
    channel: str = Field(default="http", max_length=10)  # http | kafka | cli
    # user:<user id> (a person, signed in) or token:<key id> (the organisation's API token); issue 15
    actor: str | None = Field(default=None, max_length=100)


# Personal accounts and their sessions live in their own module; imported here so the migrations see them.
from services.intake.adapters import accounts_orm  # noqa: E402,F401
from services.intake.adapters import notifications_orm  # noqa: E402,F401  (issue 18: notifications)
from services.intake.adapters import regional_orm  # noqa: E402,F401  (issue 20: regional rules)
from services.intake.adapters import simulation_orm  # noqa: E402,F401  (issue 21: simulation jobs)
from services.intake.adapters import history_orm  # noqa: E402,F401  (issue 17: versions of agreements)
