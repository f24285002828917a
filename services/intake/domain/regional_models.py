"""Requests and answers of the regions' own rules (issue 20): region policies, support providers' room and
the transfer point's decisions. Strict: unknown fields refused, errors located at the field, values never echoed."""
from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field, ValidationInfo, model_validator

from contracts.solver_policy import PolicyOverrides
from contracts.types import Identifier, NonNegative, Period, RegionCode, SaneDate
from services.intake.domain import rules
from services.intake.domain.commands import Command, FreeText
from services.intake.domain.responses import Answer, Timestamp


class RegisterRegionPolicy(Command):
    """The region's whole policy from a date on: every field of the solver's policy, none required (a field not
    given keeps the product's default)."""

    effective_from: SaneDate = Field(description="First day (Europe/Amsterdam) the policy applies; today or later")
    policy: PolicyOverrides  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _not_in_the_past(self, info: ValidationInfo):
        if self.effective_from < rules.today_of(info):
            rules.refuse("RegisterRegionPolicy", [("effective_from", "cannot lie in the past (judged in "
                                                                     "Europe/Amsterdam)")])
        return self


class SetSupportCapacity(Command):
    period: Period
    max_new_clients: NonNegative = Field(description="New clients the provider can take on in the period")
    used: NonNegative = Field(default=0, description="New clients already taken on outside this product")

    @model_validator(mode="after")
    def _used_within(self):
        rules.refuse("SetSupportCapacity", rules.used_within(self.used, self.max_new_clients, "max_new_clients"))
        return self


class Decision(Command):
    """A transfer officer's decision: the reason reaches the shelter and the corporation (no personal details)."""

    reason: FreeText


class ManualMatch(Decision):
    candidate_id: Identifier = Field(description="A waiting candidate of the transfer point's region")
    unit_id: Identifier = Field(description="Product-wide unit id (corporation id:own unit id) of an open vacancy "
                                            "of the region")


class Hold(Decision):
    unit_id: Identifier = Field(description="Product-wide unit id of an open vacancy of the region")
    until: SaneDate = Field(description="The home is not offered before this day (Europe/Amsterdam)")

    @model_validator(mode="after")
    def _ahead(self, info: ValidationInfo):
        if self.until <= rules.today_of(info):
            rules.refuse("Hold", [("until", "must lie after today (judged in Europe/Amsterdam)")])
        return self


class RegionPolicy(Answer):
    region: RegionCode
    version: int
    effective_from: date
    policy: dict[str, Any] = Field(description="The fields the region set; the others keep the product's default")
    municipality: str
    registered_at: Timestamp


class RegionPolicyList(Answer):
    items: list[RegionPolicy]
    in_force: int | None = Field(description="The version in force today (null: the product's default)")


class SupportCapacity(Answer):
    provider: Identifier
    period: Period
    max_new_clients: int
    used: int


class SupportCapacityList(Answer):
    items: list[SupportCapacity]


class Proposal(Answer):
    offer_id: Identifier
    candidate_id: Identifier
    shelter: Identifier
    unit_id: Identifier
    corporation: Identifier
    priority: int
    explanation: dict[str, int]
    period: Period
    proposed_at: Timestamp
    review_due: Timestamp
    overdue: bool = Field(description="Waiting longer than the region's review time (working days)")
    status: Literal["waiting", "approved", "set_aside", "withdrawn"]
    decision_reason: str | None


class ProposalList(Answer):
    items: list[Proposal]


class ManualMatchAnswer(Answer):
    id: int
    candidate_id: Identifier
    unit_id: Identifier
    reason: str
    status: Literal["requested", "offered", "refused"]
    errors: list[str] = Field(description="The rules a refused match broke")
    requested_at: Timestamp


class ManualMatchList(Answer):
    items: list[ManualMatchAnswer]


class DecisionTaken(Answer):
    """A decision on its way to the matcher (202): its result shows in the lists and the change feed."""

    decision: Literal["approve", "set_aside", "manual_match", "hold", "lift_parking"]
    region: RegionCode
    offer_id: Identifier | None = None
    candidate_id: Identifier | None = None
    unit_id: Identifier | None = None
    until: date | None = None
    reason: str
