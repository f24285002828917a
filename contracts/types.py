"""Shared value types of the contracts: codes checked at every boundary.

Patterns follow the CBS/BAG code formats, so a typo is rejected where it enters
instead of producing a unit that silently matches nobody.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, Field, StringConstraints

MunicipalityCode = Annotated[str, StringConstraints(pattern=r"^GM[0-9]{4}$")]
NeighbourhoodCode = Annotated[str, StringConstraints(pattern=r"^BU[0-9]{8}$")]
#: The 16-digit BAG verblijfsobject id: the national id of an address object.
BagId = Annotated[str, StringConstraints(pattern=r"^[0-9]{16}$")]
#: Region of a centrumgemeente (one of 43), e.g. "R01".
RegionCode = Annotated[str, StringConstraints(pattern=r"^R[0-9]{2}$")]
#: Keyed pseudonym (HMAC-SHA256, hex) that stands for a person everywhere after intake.
PersonRef = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$|^tombstone:[0-9a-f]{32}$")]
Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,79}$")]
Period = Annotated[str, StringConstraints(pattern=r"^20[0-9]{2}$")]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=500)]


#: Where the partners and their agreements live: "today", a placement's year and a report's date are
#: taken here, by every service (a round at 23:30 UTC on 31 December is already in the new year).
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local_date(at: datetime) -> date:
    """The date in Amsterdam at the (aware) instant ``at``."""
    return at.astimezone(AMSTERDAM).date()


def _sane_date(value: date) -> date:
    # Placements and shelter stays of this programme lie between these years;
    # anything outside is a typo (e.g. 0226 for 2026), not a real date.
    if not (date(1990, 1, 1) <= value <= date(2100, 12, 31)):
        raise ValueError("date outside 1990-01-01..2100-12-31")
    return value


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("timestamp needs a time zone offset")
    return value


SaneDate = Annotated[date, AfterValidator(_sane_date)]
#: Euros per month (rent, service costs).
EurosPerMonth = Annotated[float, Field(ge=0, le=10_000)]
#: The Dutch energy label of a home (A++++ .. G).
EnergyLabel = Annotated[str, StringConstraints(pattern=r"^(A\+{0,4}|[B-G])$")]
#: A Dutch postcode: four digits (not starting with 0) and two capitals, an optional space between.
Postcode = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{3} ?[A-Z]{2}$")]
#: A short line of text of an address or a contact (no line breaks or control characters).
ShortText = Annotated[str, StringConstraints(pattern=r"^[^\x00-\x1f\x7f]{1,100}$", strip_whitespace=True)]
AwareDatetime = Annotated[datetime, AfterValidator(_aware)]
NonNegative = Annotated[int, Field(ge=0, le=1_000_000)]


class Support(StrEnum):
    NONE = "none"
    LIGHT = "light"
    INTENSIVE = "intensive"
    HOUSING_FIRST = "housing_first"


class UnitKind(StrEnum):
    REGULAR = "regular"  # existing stock allocated with priority
    FLEX = "flex"
    SHARED = "shared"
    HOUSING_FIRST = "housing_first"
    TRANSFORMATION = "transformation"
    NEW_BUILD = "new_build"


class Strategy(StrEnum):
    """The programme's housing strategies, used to classify every realised place."""

    NEW_BUILD = "new_build"
    TRANSFORMATION = "transformation"
    PRIORITY_ALLOCATION = "priority_allocation"
    HOUSE_SHARING = "house_sharing"
    FLEX = "flex"


STRATEGY_OF_KIND: dict[UnitKind, Strategy] = {
    UnitKind.REGULAR: Strategy.PRIORITY_ALLOCATION,
    # A Housing First unit is an existing home let with priority and intensive support.
    UnitKind.HOUSING_FIRST: Strategy.PRIORITY_ALLOCATION,
    UnitKind.FLEX: Strategy.FLEX,
    UnitKind.SHARED: Strategy.HOUSE_SHARING,
    UnitKind.TRANSFORMATION: Strategy.TRANSFORMATION,
    UnitKind.NEW_BUILD: Strategy.NEW_BUILD,
}


class SourceKind(StrEnum):
    """Who reported a placement to the ledger."""

    MATCHER = "matcher"
    MUNICIPAL_MONITOR = "municipal_monitor"
    CORPORATION_MONITOR = "corporation_monitor"
    FLEX_REGISTRY = "flex_registry"
    SUBSIDY_SCHEME = "subsidy_scheme"
    OTHER = "other"


class PassOverReason(StrEnum):
    """Why a more urgent candidate of the region did not get an offered unit (the matcher's explanations)."""

    DECLINED_BEFORE = "declined_before"
    #: an earlier offer of the unit to this person expired unanswered (not a decline: nobody said no)
    EXPIRED_BEFORE = "expired_before"
    HOUSEHOLD_TOO_LARGE_FOR_SHARED_UNIT = "household_too_large_for_shared_unit"
    ROOMS_DO_NOT_FIT = "rooms_do_not_fit"
    NEEDS_WHEELCHAIR_ACCESS = "needs_wheelchair_access"
    SUPPORT_NOT_OFFERED = "support_not_offered"
    NEIGHBOURHOOD_EXCLUDED = "neighbourhood_excluded"
    #: the person is entitled to rent allowance and the rent is over their limit (passend toewijzen)
    RENT_NOT_AFFORDABLE = "rent_not_affordable"
    #: the optimum housed this person in another unit
    PLACED_ELSEWHERE = "placed_elsewhere"
    #: giving this person the unit would have lowered the region's total priority
    HIGHER_TOTAL_ELSEWHERE = "higher_total_elsewhere"


class DeclineCategory(StrEnum):
    """Why a person declined an offer, as the corporation hears it: a category, never the free text
    (which may hold health details). A fixed list, so regional policy can build on it."""

    UNSAFE_NEIGHBOURHOOD = "unsafe_neighbourhood"
    TOO_FAR_FROM_CARE_WORK_OR_SCHOOL = "too_far_from_care_work_or_school"
    HOME_UNSUITABLE_FOR_HEALTH = "home_unsuitable_for_health"
    HOUSEHOLD_CHANGED = "household_changed"
    FOUND_OTHER_HOME = "found_other_home"
    OTHER = "other"


class RejectionCategory(StrEnum):
    """Why a corporation rejected an offer, as the shelter hears it (beside the corporation's own text)."""

    HOME_NO_LONGER_AVAILABLE = "home_no_longer_available"
    HOUSEHOLD_DOES_NOT_FIT_HOME = "household_does_not_fit_home"
    SUPPORT_NOT_ARRANGED = "support_not_arranged"
    RENT_NOT_AFFORDABLE = "rent_not_affordable"
    OTHER = "other"


class NotOfferedReason(StrEnum):
    """Why a matching round left a unit's free place without an offer (for the unit's corporation)."""

    NO_AGREEMENT = "no_agreement"
    AGREEMENT_FULL = "agreement_full"
    NEIGHBOURHOOD_LIMIT_REACHED = "neighbourhood_limit_reached"
    NO_ELIGIBLE_CANDIDATE = "no_eligible_candidate"
    ELIGIBLE_CANDIDATES_PLACED_ELSEWHERE = "eligible_candidates_placed_elsewhere"
    #: only when a solve stopped at its time limit short of the optimum
    HIGHER_TOTAL_ELSEWHERE = "higher_total_elsewhere"
