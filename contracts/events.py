"""The versioned events every service exchanges: the only coupling between services.

Every event is immutable and carries one envelope (id, type, schema version,
occurred-at, producing organisation, correlation and causation ids). Services
apply time-dependent rules on ``occurred_at`` -- never on the wall clock -- so a
replay of the same events gives the same result.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal, TypeVar, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from contracts.simulation import SimulationSource, Variant
from contracts.solver_policy import PolicyOverrides
from contracts.types import (
    AwareDatetime,
    BagId,
    DeclineCategory,
    EnergyLabel,
    EurosPerMonth,
    Identifier,
    MunicipalityCode,
    NeighbourhoodCode,
    NonNegative,
    NotOfferedReason,
    PassOverReason,
    Period,
    PersonRef,
    Postcode,
    Reason,
    RegionCode,
    RejectionCategory,
    SaneDate,
    ShortText,
    SourceKind,
    Support,
    UnitKind,
)


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Event(Frozen):
    """Envelope shared by all events; subclasses add the payload fields."""

    SCHEMA_VERSION: ClassVar[int] = 1

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    event_type: str
    schema_version: int = 1
    occurred_at: AwareDatetime
    producer: Identifier = Field(description="Organisation (or service) that produced the event")
    correlation_id: uuid.UUID | None = Field(default=None, description="Id of the first event of this chain")
    causation_id: uuid.UUID | None = Field(default=None, description="Id of the event that caused this one")

    def caused(self, cls: type[E], *, producer: str, occurred_at: datetime | None = None, **fields: Any) -> E:
        """A follow-up event: same correlation, caused by this one, at this event's time by default."""
        return cls(
            producer=producer,
            occurred_at=occurred_at or self.occurred_at,
            correlation_id=self.correlation_id or self.event_id,
            causation_id=self.event_id,
            **fields,
        )


E = TypeVar("E", bound=Event)


# --- candidates (shelters and other institutions) ---------------------------------

class CandidateProfile(Frozen):
    """What matching needs of a person, and nothing more (data minimisation)."""

    region: RegionCode
    household_size: Annotated[int, Field(ge=1, le=12)]
    children: Annotated[int, Field(ge=0, le=11)] = 0
    wheelchair: bool = False
    support: Support = Support.NONE
    shelter_entry_date: SaneDate = Field(description="Start of the current stay; days in shelter follow from event time")
    youth: bool = Field(default=False, description="Aged 18-27")
    medical_urgency: bool = False
    excluded_neighbourhoods: tuple[NeighbourhoodCode, ...] = ()
    preferred_neighbourhoods: tuple[NeighbourhoodCode, ...] = ()
    rent_allowance_eligible: bool = Field(default=False, description="Entitled to rent allowance: the region's "
                                                                      "affordability rule (passend toewijzen) applies")
    support_provider_id: Identifier | None = Field(
        default=None, description="Organisation id of the registered support provider whose room for new clients "
                                  "a placement uses (issue 20)")
    exit_date: SaneDate | None = Field(default=None, description="The day the person must leave an institution; "
                                                                 "the matcher counts the days until it per round")


class CandidateSubmitted(CandidateProfile, Event):
    event_type: Literal["CandidateSubmitted"] = "CandidateSubmitted"
    candidate_id: Identifier
    person_ref: PersonRef
    shelter: Identifier = Field(description="Organisation id of the submitting shelter or institution")


class CandidateUpdated(CandidateProfile, Event):
    event_type: Literal["CandidateUpdated"] = "CandidateUpdated"
    candidate_id: Identifier


class CandidateWithdrawn(Event):
    event_type: Literal["CandidateWithdrawn"] = "CandidateWithdrawn"
    candidate_id: Identifier
    region: RegionCode
    reason: Reason
    erased: bool = Field(default=False, description="Withdrawn by an erasure request: keep nothing of the person. "
                                                     "On the candidates topic it follows the submission itself")


# --- vacancies (housing corporations) ---------------------------------------------

class Address(Frozen):
    street: ShortText
    number: Annotated[str, Field(pattern=r"^[1-9][0-9]{0,4}( ?[A-Za-z0-9-]{1,6})?$",
                                 description="House number with an optional letter or addition, e.g. 12, 12a, 12-2")]
    postcode: Postcode
    town: ShortText


class ViewingContact(Frozen):
    """Who at the corporation shows the home (business contact details, never the person's)."""

    name: ShortText
    phone: Annotated[str, Field(pattern=r"^\+?[0-9][0-9 ()-]{5,19}$")] | None = None
    email: Annotated[str, Field(pattern=r"^[^@\s]{1,64}@[^@\s]{1,190}\.[A-Za-z]{2,24}$")] | None = None


class VacancyDetails(Frozen):
    """What a corporation tells about a unit on offer (shared by the intake's request and the event).

    The fields after ``available_until`` are what the person's shelter needs to discuss the offer
    (they are shown only to the shelter of the person it is offered to); the matcher does not use them.
    """

    municipality: MunicipalityCode
    region: RegionCode
    neighbourhood: NeighbourhoodCode
    kind: UnitKind
    rooms: Annotated[int, Field(ge=1, le=20)]
    places: Annotated[int, Field(ge=1, le=50)] = 1
    wheelchair_accessible: bool = False
    support: tuple[Support, ...] = (Support.NONE,)
    bag_id: BagId | None = None
    available_from: SaneDate
    available_until: SaneDate | None = Field(default=None, description="End date of a flex location")
    address: Address | None = None
    rent: EurosPerMonth | None = Field(default=None, description="Bare rent (kale huur), euros per month")
    service_costs: EurosPerMonth | None = Field(default=None, description="Service costs, euros per month")
    energy_label: EnergyLabel | None = None
    floor: Annotated[int, Field(ge=-1, le=100, description="0 = ground floor")] | None = None
    lift: bool | None = Field(default=None, description="Whether a lift reaches the home's floor")
    viewing_contact: ViewingContact | None = None


class VacancyPublished(VacancyDetails, Event):
    event_type: Literal["VacancyPublished"] = "VacancyPublished"
    unit_id: Identifier = Field(description="Product-wide unit id (corporation id + own unit id)")
    corporation: Identifier


class VacancyWithdrawn(Event):
    event_type: Literal["VacancyWithdrawn"] = "VacancyWithdrawn"
    unit_id: Identifier
    corporation: Identifier
    region: RegionCode
    reason: Reason


# --- municipalities: prestatieafspraken and draagkracht -------------------------

class AgreementRegistered(Event):
    """A prestatieafspraak: corporation x municipality x year -> places for the target group."""

    event_type: Literal["AgreementRegistered"] = "AgreementRegistered"
    municipality: MunicipalityCode
    region: RegionCode
    corporation: Identifier
    period: Period
    max_places: NonNegative
    used: NonNegative = Field(default=0, description="Places already allocated outside this system")


class NeighbourhoodLimitSet(Event):
    event_type: Literal["NeighbourhoodLimitSet"] = "NeighbourhoodLimitSet"
    municipality: MunicipalityCode
    region: RegionCode
    neighbourhood: NeighbourhoodCode
    period: Period
    max_placements: NonNegative
    used: NonNegative = 0


# --- offers: matcher proposes, corporation confirms, person accepts --------------

class OfferMade(Event):
    event_type: Literal["OfferMade"] = "OfferMade"
    offer_id: Identifier
    round_id: Identifier
    candidate_id: Identifier
    shelter: Identifier
    unit_id: Identifier
    corporation: Identifier
    region: RegionCode
    priority: int
    explanation: dict[str, int] = Field(description="Priority components (for the candidate's shelter only)")
    period: Period | None = Field(
        default=None, description="The year whose agreement and neighbourhood limit the offer counts against: "
                                  "that of the later of the unit's available_from and the round's date "
                                  "(Europe/Amsterdam). Absent on offers made before it was carried")
    passed_over: dict[str, int] = Field(
        default_factory=dict,
        description="More urgent candidates of the region who did not get this unit, counted per reason")
    expires_at: AwareDatetime
    decision: Literal["approved", "manual_match"] | None = Field(
        default=None, description="A transfer officer's decision made this offer (issue 20): a proposal approved, "
                                  "or a home matched by hand; absent: the matcher's own offer")
    decision_reason: Reason | None = Field(default=None, description="The transfer officer's reason, for the "
                                                                      "shelter and the corporation")


class OfferProposed(Event):
    """A round's proposal in a region under transfer-point review (issue 20): it waits for a transfer officer,
    who approves it (then an OfferMade follows), sets it aside, or matches the home by hand instead."""

    event_type: Literal["OfferProposed"] = "OfferProposed"
    offer_id: Identifier
    round_id: Identifier
    candidate_id: Identifier
    shelter: Identifier
    unit_id: Identifier
    corporation: Identifier
    region: RegionCode
    priority: int
    explanation: dict[str, int]
    period: Period
    review_due: AwareDatetime = Field(description="After this (event time) the proposal is flagged as overdue")


class ProposalOverdue(Event):
    """A proposal waited longer than the region's review time: flagged to the transfer point."""

    event_type: Literal["ProposalOverdue"] = "ProposalOverdue"
    offer_id: Identifier
    region: RegionCode


class ManualMatchRefused(Event):
    """A transfer officer's manual match broke a rule (a unit's places, an agreement, a limit, a provider's
    room, eligibility): no offer; each line names the rule, never a person's data."""

    event_type: Literal["ManualMatchRefused"] = "ManualMatchRefused"
    region: RegionCode
    candidate_id: Identifier
    unit_id: Identifier
    transfer_point: Identifier
    errors: tuple[Reason, ...] = Field(max_length=20)


class CandidateParked(Event):
    """Too many declines without a valid reason within the region's window: not matched until ``until``."""

    event_type: Literal["CandidateParked"] = "CandidateParked"
    candidate_id: Identifier
    shelter: Identifier
    region: RegionCode
    until: AwareDatetime
    declines: Annotated[int, Field(ge=1)]


class PassedOverCandidate(Frozen):
    candidate_id: Identifier
    shelter: Identifier = Field(description="The candidate's shelter: the only organisation shown this entry")
    reason: PassOverReason


class CandidatesPassedOver(Event):
    """Which more urgent candidates of the region did not get an offered unit, and why.

    Published with each OfferMade that passed anyone over, for the candidates' own shelters (the
    corporation sees only the counts on the offer). At most the 50 most urgent are listed; the
    counts on the OfferMade cover all of them.
    """

    event_type: Literal["CandidatesPassedOver"] = "CandidatesPassedOver"
    offer_id: Identifier
    unit_id: Identifier
    corporation: Identifier
    region: RegionCode
    candidates: tuple[PassedOverCandidate, ...] = Field(max_length=50, description="Most urgent first")


class VacancyNotOffered(Event):
    """A matching round left a unit's free place without an offer, and why (for the unit's corporation).

    Published when the reason first appears or changes, not on every round; an OfferMade for the unit
    ends it.
    """

    event_type: Literal["VacancyNotOffered"] = "VacancyNotOffered"
    unit_id: Identifier
    corporation: Identifier
    region: RegionCode
    reason: NotOfferedReason
    places_left: Annotated[int, Field(ge=1)]


class _OfferStep(Event):
    offer_id: Identifier
    region: RegionCode


class OfferConfirmed(_OfferStep):
    event_type: Literal["OfferConfirmed"] = "OfferConfirmed"


class OfferRejected(_OfferStep):
    event_type: Literal["OfferRejected"] = "OfferRejected"
    reason: Reason = Field(description="The corporation's text: the person's shelter reads it")
    category: RejectionCategory = RejectionCategory.OTHER


class OfferAccepted(_OfferStep):
    event_type: Literal["OfferAccepted"] = "OfferAccepted"


class OfferDeclined(_OfferStep):
    event_type: Literal["OfferDeclined"] = "OfferDeclined"
    reason: Reason = Field(description="The category again, not the shelter's text: a person's own words may "
                                       "hold health details, so they stay in the intake with the shelter")
    category: DeclineCategory = DeclineCategory.OTHER


class OfferExpired(_OfferStep):
    event_type: Literal["OfferExpired"] = "OfferExpired"


class OfferWithdrawn(_OfferStep):
    event_type: Literal["OfferWithdrawn"] = "OfferWithdrawn"
    reason: Reason


# --- the regions' own policy and the transfer point's decisions (issue 20) -------------

class RegionPolicyRegistered(Event):
    """A central municipality's policy for its region from ``effective_from`` (Europe/Amsterdam date) on.

    Each version is the region's whole policy over the product's default (fields not given keep the default).
    A round applies, of the versions whose date its event time has reached, the one with the latest date (of
    several with that date, the highest version)."""

    event_type: Literal["RegionPolicyRegistered"] = "RegionPolicyRegistered"
    region: RegionCode
    municipality: MunicipalityCode
    version: Annotated[int, Field(ge=1)]
    effective_from: SaneDate
    policy: PolicyOverrides  # type: ignore[valid-type]


class SupportCapacitySet(Event):
    """A support provider's room for new clients in a period, shared by every region it works in."""

    event_type: Literal["SupportCapacitySet"] = "SupportCapacitySet"
    provider: Identifier
    period: Period
    max_new_clients: NonNegative
    used: NonNegative = Field(default=0, description="New clients taken on outside this product")


class TransferPointDecided(Event):
    """A transfer officer's decision in the region (issue 20), with the reason the partners read.

    ``approve``/``set_aside`` a waiting proposal (``offer_id``); ``manual_match`` a unit to a waiting candidate;
    ``hold`` a unit until ``until``; ``lift_parking`` of a parked candidate."""

    event_type: Literal["TransferPointDecided"] = "TransferPointDecided"
    region: RegionCode
    transfer_point: Identifier
    decision: Literal["approve", "set_aside", "manual_match", "hold", "lift_parking"]
    offer_id: Identifier | None = None
    candidate_id: Identifier | None = None
    unit_id: Identifier | None = None
    until: SaneDate | None = None
    reason: Reason


# --- placements: what the ledger counts -----------------------------------------

class PlacementFacts(Frozen):
    """Who moved where; aggregates only ever leave the ledger."""

    person_ref: PersonRef
    unit_id: Identifier | None = Field(default=None, description="Corporation's own unit id")
    bag_id: BagId | None = None
    corporation: Identifier | None = None
    municipality: MunicipalityCode
    region: RegionCode
    neighbourhood: NeighbourhoodCode | None = None
    unit_kind: UnitKind
    move_in_date: SaneDate
    days_in_shelter: NonNegative | None = None
    youth: bool | None = None
    household_size: Annotated[int, Field(ge=1, le=12)] | None = None
    children: Annotated[int, Field(ge=0, le=11)] | None = None
    housing_first: bool = False


class PlacementConfirmed(PlacementFacts, Event):
    event_type: Literal["PlacementConfirmed"] = "PlacementConfirmed"
    placement_id: Identifier
    offer_id: Identifier
    candidate_id: Identifier


class PlacementReported(PlacementFacts, Event):
    event_type: Literal["PlacementReported"] = "PlacementReported"
    report_id: Identifier = Field(description="The source's own id of this report")
    source: Identifier = Field(description="Named source, e.g. 'gemeentemonitor-gm0363'")
    source_kind: SourceKind


class PlacementRetracted(Event):
    event_type: Literal["PlacementRetracted"] = "PlacementRetracted"
    person_ref: PersonRef = Field(description="Same person as the report: keeps both on one partition, in order")
    source: Identifier
    report_id: Identifier
    reason: Reason


class PlacementEnded(Event):
    event_type: Literal["PlacementEnded"] = "PlacementEnded"
    person_ref: PersonRef
    unit_id: Identifier | None = None
    bag_id: BagId | None = None
    corporation: Identifier | None = None
    end_date: SaneDate
    reason: Reason


class PlacementTotalsReported(Event):
    """A source that reports only totals, without persons: kept beside the count, never added."""

    event_type: Literal["PlacementTotalsReported"] = "PlacementTotalsReported"
    source: Identifier
    source_kind: SourceKind
    period: Period
    region: RegionCode | None = None
    places: NonNegative


class PersonErased(Event):
    """An erasure request (GDPR art. 17): every service replaces the reference by a tombstone; counts stay."""

    event_type: Literal["PersonErased"] = "PersonErased"
    person_ref: PersonRef


# --- organisations: so every service can check the same API tokens ------------------

class OrganisationRegistered(Event):
    event_type: Literal["OrganisationRegistered"] = "OrganisationRegistered"
    org_id: Identifier
    role: Literal["shelter", "corporation", "municipality", "ministry", "admin"]
    municipality: MunicipalityCode | None = None
    region: RegionCode | None = None


class ApiTokenIssued(Event):
    """Only the SHA-256 of a 256-bit random token travels; the token itself never does."""

    event_type: Literal["ApiTokenIssued"] = "ApiTokenIssued"
    org_id: Identifier
    token_hash: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class ApiTokenRevoked(Event):
    event_type: Literal["ApiTokenRevoked"] = "ApiTokenRevoked"
    org_id: Identifier
    token_hash: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


# --- time: the matcher's clock, so deadlines pass in a quiet region too ----------------

class ClockTicked(Event):
    """Real time reached ``occurred_at`` in a region where a deadline was due and nothing else happened.

    The matcher publishes it and hears it back like any event of the region, so event time (and with
    it offer expiry) moves on without waiting for the region's next event, and a replay of the log
    passes each deadline at the same point as the first run did.
    """

    event_type: Literal["ClockTicked"] = "ClockTicked"
    region: RegionCode


# --- partners hear back: one outbound feed per organisation ---------------------------

class PartnerNotified(Event):
    """Something changed for one organisation (an offer made or expired, a placement, a command's result).

    The same entry as in that organisation's GET /v1/changes feed (``seq`` is its cursor). Ids, and the
    reasons of an offer's answers as its side may read them (a rejection's category and the corporation's
    text; a decline's category, never its text); never data about a person. Keyed by ``org_id`` on
    housing.outbound.v1, so a partner reads its own key in order.
    """

    event_type: Literal["PartnerNotified"] = "PartnerNotified"
    org_id: Identifier
    seq: Annotated[int, Field(ge=1)]
    kind: Annotated[str, Field(pattern=r"^[a-z-]+(\.[a-z_-]+)+$", max_length=60)]
    data: dict[str, str | int | bool | None] = Field(default_factory=dict, description="Ids of the records "
                                                     "concerned; the category (and a rejection's reason) of an answer")


# --- what if? a municipality's simulation job (issue 21) --------------------------------

class SimulationRequested(Event):
    """A municipality asked for a simulation of its own region: the simulation worker runs it off the topic.

    The region's shape is what the intake knows of it (its registered municipalities, the requester first,
    and corporations): no person and no record of the region's history travels here."""

    event_type: Literal["SimulationRequested"] = "SimulationRequested"
    job_id: Identifier
    org_id: Identifier = Field(description="The municipality that started the job: the only one that reads it")
    region: RegionCode
    municipalities: Annotated[tuple[MunicipalityCode, ...], Field(min_length=1, max_length=40)]
    corporations: Annotated[tuple[Identifier, ...], Field(max_length=40)] = ()
    days: Annotated[int, Field(ge=1, le=365)]
    seeds: Annotated[int, Field(ge=1, le=5)]
    variants: Annotated[list[Variant], Field(min_length=1, max_length=10)]
    source: SimulationSource = "synthetic"


class SimulationProgressed(Event):
    """How far a running job got: days simulated over all its variants and seeds."""

    event_type: Literal["SimulationProgressed"] = "SimulationProgressed"
    job_id: Identifier
    org_id: Identifier
    days_simulated: NonNegative
    days_total: Annotated[int, Field(ge=1, le=1_000_000)]


class SimulationFinished(Event):
    """A job's end: the report (as ``housing-match simulate --out`` writes it) or why it failed. Its event id
    follows from the job id, so a job run again after a restart is absorbed by the consumer's inbox."""

    event_type: Literal["SimulationFinished"] = "SimulationFinished"
    job_id: Identifier
    org_id: Identifier
    status: Literal["done", "failed"]
    report: dict[str, Any] | None = None
    reason: Reason | None = Field(default=None, description="Why a job failed: a field and a reason, never a value")


ALL_EVENTS: tuple[type[Event], ...] = (
    CandidateSubmitted, CandidateUpdated, CandidateWithdrawn,
    VacancyPublished, VacancyWithdrawn,
    AgreementRegistered, NeighbourhoodLimitSet,
    OfferMade, CandidatesPassedOver, VacancyNotOffered,
    OfferProposed, ProposalOverdue, ManualMatchRefused, CandidateParked,
    RegionPolicyRegistered, SupportCapacitySet, TransferPointDecided,
    OfferConfirmed, OfferRejected, OfferAccepted, OfferDeclined, OfferExpired, OfferWithdrawn,
    PlacementConfirmed, PlacementReported, PlacementRetracted, PlacementEnded,
    PlacementTotalsReported, PersonErased,
    OrganisationRegistered, ApiTokenIssued, ApiTokenRevoked,
    PartnerNotified, ClockTicked,
    SimulationRequested, SimulationProgressed, SimulationFinished,
)

AnyEvent = Annotated[Union[tuple(ALL_EVENTS)], Field(discriminator="event_type")]  # type: ignore[valid-type]
_any_event = TypeAdapter(AnyEvent)


def parse_event(raw: bytes | str) -> Event:
    """Decode one event; raises pydantic.ValidationError (with field paths) on bad input."""
    return _any_event.validate_json(raw)


def encode_event(event: Event) -> bytes:
    return event.model_dump_json().encode()
