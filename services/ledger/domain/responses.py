"""The ledger's answers as models: the report every output is drawn from, and its OpenAPI schema.

A count is ``None`` where disclosure control suppressed it (fewer than 5 persons, 0 included, or to
protect one: then its path is in ``secondary_suppressed``). ``reports.realised_places`` validates every report against these models before it leaves.
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Count = Annotated[int | None, Field(ge=0, description="Persons or places; null when suppressed (fewer than 5, "
                                                      "or to protect one)")]
Share = Annotated[float | None, Field(ge=0, le=1, description="A share of the realised places; null when a "
                                                              "figure it rests on is suppressed")]
Counts = Annotated[dict[str, Count], Field(description="Counts by key; null where suppressed")]


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Scope(Answer):
    level: Literal["national", "municipality"]
    municipality: str | None = Field(default=None, pattern=r"^GM[0-9]{4}$")


class AgreementProgress(Answer):
    corporation: str
    municipality: str
    period: str
    region: str | None = None
    committed_places: int = Field(ge=0)
    realised: Count
    registered_used: Count = Field(default=None, description="Places the agreement registered as allocated outside "
                                                             "this system (exact to the agreement's municipality)")
    progress: int | None = Field(default=None, ge=0, description="realised + registered_used, exact: only to the "
                                                                 "agreement's own municipality")
    exact_for_party: bool = Field(default=False, description="True when these are the agreement's operational "
                                                             "counters, shown exactly to its own party (no publication)")


class NeighbourhoodUse(Answer):
    municipality: str
    neighbourhood: str
    period: str
    region: str | None = None
    max_placements: int = Field(ge=0)
    used_outside_ledger: Count = Field(description="Placements the limit registered as made outside this system: "
                                                  "exact to its own municipality, else null under 5")
    placed: Count


class SourceCount(Answer):
    source: str
    source_kind: str
    places: Count


class SourceOverlap(Answer):
    source_a: str
    source_b: str
    places: Count = Field(description="Places both sources reported")


class SourceKindOverlap(Answer):
    source_kind_a: str
    source_kind_b: str
    places: Count


class UnverifiedTotal(Answer):
    source: str
    source_kind: str
    period: str
    region: str | None = None
    places: Count
    note: str


class Shares(Answer):
    """Shares of the realised places."""

    housing_first_share: Share
    youth_share: Share
    families_share: Share
    currently_occupied_share: Share
    over_90_days_share: Share


class NationalShares(Shares):
    realised_places: Count
    unique_persons: Count


class RegionTotal(Answer):
    region: str | None
    realised_places: Count


class Comparison(Answer):
    """A municipality's shares beside the national ones, its region's and every municipality's total, all
    taken from the published national report (after its disclosure control)."""

    own: Shares
    national: NationalShares
    region: RegionTotal
    by_municipality: Counts


class RealisedPlaces(Answer):
    """Realised extra housing places, de-duplicated across sources: aggregates only."""

    as_of: str | None = Field(description="The figures as the ledger knew them at the end of this day (event "
                                          "time), YYYY-MM-DD; null for now")
    scope: Scope
    realised_places: Count = Field(description="De-duplicated realised places (each counted once)")
    unique_persons: Count
    national_target: int = Field(ge=0)
    progress_ratio: float | None = Field(ge=0)
    currently_occupied: Count
    housing_first: Count
    youth: Count = Field(description="Places of young people (18-27)")
    families: Count = Field(description="Places of households with children")
    shelter_stay_known: Count
    over_90_days_in_shelter: Count
    over_90_days_share: Share
    flagged_for_review: Count
    retractions: int = Field(ge=0)
    by_strategy: Counts
    by_region: Counts
    by_municipality: Counts
    by_corporation: Counts
    by_month: Counts = Field(description="Per month of moving in (YYYY-MM)")
    by_strategy_and_month: dict[str, Counts] = Field(description="Per month of moving in, per strategy (national "
                                                                 "report only; empty in a municipality's)")
    by_region_and_strategy: dict[str, Counts] | None = Field(default=None, description="Per region, per strategy "
                                                             "(national report only): what the metrics export")
    agreements: list[AgreementProgress]
    neighbourhood_limits: list[NeighbourhoodUse]
    sources: list[SourceCount]
    overlap: list[SourceOverlap]
    source_kinds: Counts
    overlap_by_source_kind: list[SourceKindOverlap]
    unverified_totals: list[UnverifiedTotal]
    suppressed_below: int | None
    comparison: Comparison | None = Field(default=None, description="Only in a municipality's report")
    secondary_suppressed: list[str] = Field(default_factory=list, description="JSON paths of the counts hidden to "
                                            "protect another (shown as 'verborgen'); every other null count is "
                                            "under 5 ('<5', 0 to 4)")
