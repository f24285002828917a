"""What partners send to the intake: strict request models (unknown fields rejected)."""
from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from contracts.events import CandidateProfile, VacancyDetails
from contracts.types import (
    BagId, DeclineCategory, Identifier, RejectionCategory, ShortText, MunicipalityCode, NeighbourhoodCode, NonNegative, Period, PersonRef, Reason,
    RegionCode, SaneDate, SourceKind, UnitKind,
)
from services.intake.domain import rules
from services.kernel.privacy import bsn_like


def _no_bsn(value: str) -> str:
    # Refused, never masked: the partner must know its text or id was not taken (the value is not echoed).
    if bsn_like(value):
        raise ValueError(rules.BSN_IN_TEXT)
    return value


#: Free text and ids a partner chooses travel on topics and into tables: no personal number may ride along.
FreeText = Annotated[Reason, AfterValidator(_no_bsn)]
PartnerId = Annotated[Identifier, AfterValidator(_no_bsn)]
#: Who provides the support arranged for a person: shown to the corporation with an offer.
SupportProvider = Annotated[ShortText, AfterValidator(_no_bsn)]
# Not dumped with the profile: kept by the intake beside it, never sent to the matcher.
_SUPPORT_PROVIDER = Field(default=None, exclude=True, description=(
    "Who provides the support arranged (ambulante begeleiding), shown to the corporation with an offer "
    "beside the support level. Leave it empty when the name would reveal health details"))


def _one_person_one_unit(model, *more: rules.Refusal):
    """A placement report or ending names the person once and the unit by BAG id or corporation + unit id."""
    rules.refuse(type(model).__name__,
                 [*rules.exactly_one(model, "bsn", "person_ref"), *rules.unit_identified(model), *more])
    return model


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _candidate_rules(model, info: ValidationInfo, *more: rules.Refusal):
    rules.refuse(type(model).__name__, [
        *rules.children_fit(model.household_size, model.children),
        *rules.not_after_today("shelter_entry_date", model.shelter_entry_date, rules.today_of(info)), *more])
    return model


class SubmitCandidate(CandidateProfile):
    """A shelter's outflow candidate: a BSN (pseudonymised at once) or a person reference."""

    bsn: Annotated[str, Field(min_length=9, max_length=9, pattern=r"^[0-9]{9}$")] | None = None
    person_ref: PersonRef | None = None
    support_provider: SupportProvider | None = _SUPPORT_PROVIDER

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo):
        return _candidate_rules(self, info, *rules.exactly_one(self, "bsn", "person_ref"))


class UpdateCandidate(CandidateProfile):
    support_provider: SupportProvider | None = _SUPPORT_PROVIDER

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo):
        return _candidate_rules(self, info)


class WithReason(Command):
    reason: FreeText


class Rejection(WithReason):
    """The corporation's rejection: the person's shelter reads the category and the text."""

    category: RejectionCategory = RejectionCategory.OTHER


class Decline(WithReason):
    """The person's decline: the corporation reads only the category, never the text (it may hold health
    details)."""

    category: DeclineCategory = DeclineCategory.OTHER


class PublishVacancy(VacancyDetails):
    unit_id: PartnerId = Field(description="The corporation's own id of the unit")

    @model_validator(mode="after")
    def _consistent(self):
        refusals = []
        if self.kind == UnitKind.FLEX and self.available_until is None:
            refusals.append(("available_until", "a flex unit needs available_until (the end date of its location)"))
        if self.available_until is not None and self.available_until <= self.available_from:
            refusals.append(("available_until", "must lie after available_from"))
        if self.kind == UnitKind.SHARED and self.places < 2:
            refusals.append(("places", "a shared unit has at least 2 places"))
        refusals += rules.no_bsn_in_text(_texts_of_home(self))
        rules.refuse("PublishVacancy", refusals)
        return self


def _texts_of_home(vacancy: VacancyDetails) -> dict[str, str]:
    """The free-text fields of a home, by field name: they reach the person's shelter."""
    texts = {}
    if vacancy.address is not None:
        texts |= {f"address.{k}": getattr(vacancy.address, k) for k in ("street", "number", "town")}
    if vacancy.viewing_contact is not None:
        texts["viewing_contact.name"] = vacancy.viewing_contact.name
    return texts


class RegisterAgreement(Command):
    corporation: Identifier = Field(description="Organisation id of the housing corporation")
    period: Period
    max_places: NonNegative
    used: NonNegative = 0

    @model_validator(mode="after")
    def _used_within(self):
        rules.refuse("RegisterAgreement", rules.used_within(self.used, self.max_places, "max_places"))
        return self


class SetNeighbourhoodLimit(Command):
    neighbourhood: NeighbourhoodCode
    period: Period
    max_placements: NonNegative
    used: NonNegative = 0

    @model_validator(mode="after")
    def _used_within(self):
        rules.refuse("SetNeighbourhoodLimit", rules.used_within(self.used, self.max_placements, "max_placements"))
        return self


class ReportPlacement(Command):
    """A monitoring source reports that a person moved into a home (the ledger de-duplicates by person)."""

    report_id: PartnerId = Field(description="The source's own id of this report")
    source_kind: SourceKind | None = Field(default=None, description="Defaults to the organisation's kind of source")
    bsn: Annotated[str, Field(min_length=9, max_length=9, pattern=r"^[0-9]{9}$")] | None = None
    person_ref: PersonRef | None = None
    unit_id: PartnerId | None = None
    bag_id: BagId | None = None
    corporation: Identifier | None = None
    municipality: MunicipalityCode
    region: RegionCode
    neighbourhood: NeighbourhoodCode | None = None
    unit_kind: UnitKind
    move_in_date: SaneDate = Field(description="At most 31 days ahead (a planned move-in), judged in "
                                               "Europe/Amsterdam")
    housing_first: bool = False

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo):
        return _one_person_one_unit(self, *rules.planned_move_in(self.move_in_date, rules.today_of(info)))


class RetractPlacement(Command):
    reason: FreeText


class EndPlacement(Command):
    """A person left the home (the place stays realised; occupancy ends)."""

    bsn: Annotated[str, Field(min_length=9, max_length=9, pattern=r"^[0-9]{9}$")] | None = None
    person_ref: PersonRef | None = None
    unit_id: PartnerId | None = None
    bag_id: BagId | None = None
    corporation: Identifier | None = None
    end_date: SaneDate = Field(description="Not in the future (Europe/Amsterdam)")
    reason: FreeText

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo):
        return _one_person_one_unit(self, *rules.not_after_today("end_date", self.end_date, rules.today_of(info)))


class ReportPlacementTotals(Command):
    """A source that only knows totals: kept beside the de-duplicated count, never added to it."""

    period: Period
    region: RegionCode | None = None
    places: NonNegative


class PersonReferenceRequest(Command):
    bsn: Annotated[str, Field(min_length=9, max_length=9, pattern=r"^[0-9]{9}$")]
