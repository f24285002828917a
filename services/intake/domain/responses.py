"""What the intake answers: response models, the source of the OpenAPI document's response schemas.

Every answer is validated against its model before it is sent, so the document and
the wire never drift apart. None of them carries a BSN or a person reference.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from contracts import vocabulary
from contracts.events import Address, ViewingContact
from services.intake.domain.answer_parts import (  # noqa: F401 - parts of the answers below
    Answer, Counters, DeclineReason, Home, Household, RejectionReason,
)
from services.kernel.problem import InvalidParam, Problem  # noqa: F401 - the one problem schema
from contracts.types import (
    BagId,
    Identifier,
    MunicipalityCode,
    NeighbourhoodCode,
    NotOfferedReason,
    PassOverReason,
    Period,
    PersonRef,
    RegionCode,
    SourceKind,
    Support,
    UnitKind,
)


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


Timestamp = Annotated[datetime, AfterValidator(_utc)]


class PersonReference(Answer):
    person_ref: PersonRef


#: housed_elsewhere: a linked submission whose person was placed through another organisation's submission
#: (which organisation, home or offer is never shown).
# Literal types over the shared vocabulary: the OpenAPI document keeps inline enums.
CandidateStatus = Literal[tuple(s.value for s in vocabulary.CandidateStatus)]  # type: ignore[valid-type]
OfferStatus = Literal[tuple(s.value for s in vocabulary.OfferStatus)]  # type: ignore[valid-type]
VacancyStatus = Literal[tuple(s.value for s in vocabulary.VacancyStatus)]  # type: ignore[valid-type]


class HumanDecision(Answer):
    """The transfer point decided this offer (issue 20): a person, not the matcher alone."""

    kind: Literal["approved", "manual_match"]
    reason: str | None
    decided_by: Literal["transfer_point"]


class Offer(Answer):
    offer_id: Identifier
    candidate_id: Identifier | None = Field(description="Only for the shelter; a corporation sees no candidate")
    vacancy_id: Identifier
    corporation: Identifier
    status: OfferStatus
    priority: int | None = Field(description="Urgency score; only for the shelter (a score minus the visible "
                                             "bonuses would tell a landlord of a medical urgency)")
    explanation: dict[str, int] | None = Field(description="Priority components; only for the shelter")
    period: Period | None = Field(description="The year whose agreement and neighbourhood limit the offer counts "
                                              "against: that of the later of the home's available_from and the "
                                              "matching round's date (Europe/Amsterdam)")
    home: Home | None = Field(description="Only for the shelter; null when the vacancy came through another channel")
    household: Household | None = Field(description="Only for the corporation; null once the person was erased")
    rejection: RejectionReason | None = Field(description="The corporation's reason, when it rejected the offer")
    decline: DeclineReason | None = Field(description="The person's reason, when they declined the offer")
    passed_over: dict[str, int] = Field(
        description="More urgent candidates of the region who did not get this unit, counted per reason "
                    "(the first failing eligibility rule, declined_before, expired_before, placed_elsewhere or "
                    "higher_total_elsewhere); counts only, never who")
    corporation_answer: Literal["confirmed", "rejected"] | None
    person_answer: Literal["accepted", "declined"] | None
    made_at: Timestamp
    expires_at: Timestamp
    decision: HumanDecision | None = Field(default=None, description="Set when a transfer officer's decision "
                                           "made the offer (a proposal approved, or a home matched by hand)")


class OfferList(Answer):
    items: list[Offer]


class Candidate(Answer):
    candidate_id: Identifier
    status: CandidateStatus = Field(
        description="waiting, offered, placed, withdrawn, or housed_elsewhere: this submission was linked and the "
                    "person was placed through another organisation's submission (which organisation, home or "
                    "offer is not shown)")
    submitted_at: Timestamp
    region: RegionCode
    household_size: int
    children: int
    wheelchair: bool
    support: Support
    shelter_entry_date: date
    youth: bool
    medical_urgency: bool
    excluded_neighbourhoods: list[NeighbourhoodCode]
    preferred_neighbourhoods: list[NeighbourhoodCode]
    support_provider: str | None = Field(default=None, description="Who provides the support arranged")
    rent_allowance_eligible: bool = False
    support_provider_id: Identifier | None = Field(default=None, description="The registered support provider "
                                                   "whose room a placement uses")
    exit_date: date | None = Field(default=None, description="The day the person must leave an institution")


class CandidateDetail(Candidate):
    offers: list[Offer]


class PassedOver(Answer):
    """A unit offered to a less urgent person of the region, and why this candidate did not get it."""

    vacancy_id: Identifier
    corporation: Identifier
    neighbourhood: NeighbourhoodCode | None = Field(description="Null when the vacancy came from another channel "
                                                                "than this intake")
    kind: UnitKind | None
    rooms: int | None
    reason: PassOverReason = Field(
        description="The first eligibility rule this candidate fails for the unit (household_too_large_for_"
                    "shared_unit, rooms_do_not_fit, needs_wheelchair_access, support_not_offered, "
                    "neighbourhood_excluded), declined_before (this person declined the unit, or was rejected for "
                    "it), expired_before (an earlier offer of the unit to this person expired unanswered: not a "
                    "decline), placed_elsewhere "
                    "(the round offered this person another unit) or higher_total_elsewhere (giving this person "
                    "the unit would have housed fewer urgent people in the region as a whole)")
    decided_at: Timestamp = Field(description="Event time of the matching round that made the offer")


class PassedOverList(Answer):
    items: list[PassedOver] = Field(description="Oldest first")


class CandidateList(Answer):
    items: list[Candidate]


class Vacancy(Answer):
    vacancy_id: Identifier
    status: VacancyStatus
    municipality: MunicipalityCode
    region: RegionCode
    neighbourhood: NeighbourhoodCode
    kind: UnitKind
    rooms: int
    places: int
    wheelchair_accessible: bool
    support: list[Support]
    bag_id: BagId | None
    available_from: date
    available_until: date | None
    address: Address | None = None
    rent: float | None = None
    service_costs: float | None = None
    energy_label: str | None = None
    floor: int | None = None
    lift: bool | None = None
    viewing_contact: ViewingContact | None = None
    not_offered_reason: NotOfferedReason | None = Field(
        description="Why the last matching round left a place of this vacancy without an offer: no_agreement "
                    "(none for its corporation, municipality and this year), agreement_full, "
                    "neighbourhood_limit_reached, no_eligible_candidate (every waiting person of the region "
                    "fails an eligibility rule for it), eligible_candidates_placed_elsewhere, or "
                    "higher_total_elsewhere (a solve stopped short of the optimum). Null once it is offered")
    not_offered_since: Timestamp | None = Field(description="Event time of the round that first gave the reason")


class VacancyList(Answer):
    items: list[Vacancy]


class Agreement(Answer):
    municipality: MunicipalityCode
    region: RegionCode
    corporation: Identifier
    period: Period
    max_places: int
    used: int = Field(description="As registered: places allocated outside this product")
    counters: Counters


class AgreementList(Answer):
    items: list[Agreement]


class NeighbourhoodLimit(Answer):
    municipality: MunicipalityCode
    region: RegionCode
    neighbourhood: NeighbourhoodCode
    period: Period
    max_placements: int
    used: int = Field(description="As registered: placements outside this product")
    counters: Counters


class NeighbourhoodLimitList(Answer):
    items: list[NeighbourhoodLimit]


#: The roles an organisation look-up (GET /organisations) can list; no other role is ever listed.
ListedRole = Literal["corporation", "municipality", "shelter"]


class OrganisationEntry(Answer):
    org_id: Identifier = Field(description="The id other operations take, e.g. an agreement's corporation")
    name: str = Field(max_length=200)
    role: ListedRole
    institution_type: Literal["shelter", "youth_care", "mental_health_clinic", "protected_housing",
                              "detention"] | None = Field(description="For a shelter: what kind of institution")
    municipality: MunicipalityCode | None = Field(description="Where known (always for a municipality)")
    region: RegionCode = Field(description="Always the caller's own region")


class OrganisationList(Answer):
    items: list[OrganisationEntry] = Field(description="By role, then name")


class PlacementReport(Answer):
    report_id: Identifier
    source: Identifier
    source_kind: SourceKind
    status: Literal["reported", "retracted"]
    municipality: MunicipalityCode
    region: RegionCode
    unit_kind: UnitKind
    move_in_date: date
    reported_at: Timestamp


class PlacementReportList(Answer):
    items: list[PlacementReport]


class PlacementEnding(Answer):
    source: Identifier
    end_date: date
    accepted: bool


class PlacementTotals(Answer):
    source: Identifier
    source_kind: SourceKind
    period: Period
    region: RegionCode | None
    places: int


class ChangeEntry(Answer):
    seq: int = Field(description="Cursor: ask for entries after this one")
    kind: str = Field(description="e.g. offer.made, offer.expired, placement.confirmed, candidate.took_over, "
                                  "candidate.housed_elsewhere, command.accepted")
    occurred_at: Timestamp
    data: dict[str, str | int | bool | None]


class ChangePage(Answer):
    items: list[ChangeEntry]
    next_cursor: int


class AuditRecord(Answer):
    id: int
    at: Timestamp
    org_id: Identifier
    action: str
    record: str
    outcome: str
    channel: str
    actor: str | None = Field(default=None, description="user:<user id> (a person) or token:<key id> (an API "
                                                        "token) that acted for the organisation; none before "
                                                        "personal accounts")


class AuditPage(Answer):
    items: list[AuditRecord]
    next_cursor: int
