"""What the account and transfer-point operations take and answer (issue 15): strict models, as commands.py
and responses.py are for the partner API."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from contracts import vocabulary
from contracts.types import Identifier, RegionCode, Support
from services.intake.domain.commands import Command
from services.intake.domain.responses import Answer, Timestamp

UserRole = Literal[tuple(r.value for r in vocabulary.UserRole)]  # type: ignore[valid-type]
UserStatus = Literal[tuple(s.value for s in vocabulary.UserStatus)]  # type: ignore[valid-type]
Email = Annotated[str, Field(min_length=6, max_length=254,
                             pattern=r"^[^@\s]{1,64}@[A-Za-z0-9.-]{1,189}\.[A-Za-z]{2,24}$")]
Subject = Annotated[str, Field(min_length=1, max_length=255, pattern=r"^[\x21-\x7e]+$")]


class CreateUser(Command):
    email: Email
    role: UserRole = Field(description="A role that fits the organisation (case_worker for a shelter, …)")
    oidc_subject: Subject | None = Field(default=None, description="The person's `sub` at the organisation's "
                                                                   "OpenID provider, when known")


class User(Answer):
    user_id: Identifier
    org_id: Identifier
    email: str
    role: UserRole
    status: UserStatus
    second_factor: bool = Field(description="Whether the person has enrolled a second factor")
    oidc_subject: str | None
    created_at: Timestamp


class UserWithCode(User):
    enrolment_code: str = Field(description="One-time code to enrol with at /inschrijven (shown once, valid 7 days)")


class UserList(Answer):
    items: list[User]


class UrgencyComponents(Answer):
    days_waiting: int
    over_90_days: bool
    youth: bool
    children: int
    medical_urgency: bool


class RegionCandidate(Answer):
    """A waiting candidate as the region's transfer point sees it: pseudonymous, no BSN, name or free text."""

    candidate_id: Identifier
    shelter: Identifier
    region: RegionCode
    household_size: int
    children: int
    support: Support
    days_waiting: int
    urgency: UrgencyComponents
    exit_date: date | None = Field(description="The day the person leaves their institution, when known")
    parked_until: datetime | None = Field(default=None, description="Parked after declines without a valid "
                                          "reason: not matched before this time, unless the transfer point lifts it")
    expired_offers: int = Field(default=0, description="Offers the person left to expire (never counted as declines)")
    declined_offers: int = Field(default=0, description="Offers the person declined, whatever the reason")


class RegionCandidateList(Answer):
    items: list[RegionCandidate]
