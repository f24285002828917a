"""Requests and answers of municipalities' simulation jobs (issue 21). The variants are the simulator's own
schema (contracts/simulation.py); the rules the schema cannot state are located at the field, never echoing it."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from contracts.simulation import DEFAULT_VARIANTS, SimulationSource, Variant, refusals_in_policy, same_names
from contracts.types import Identifier, RegionCode
from services.intake.domain import rules
from services.intake.domain.commands import Command
from services.intake.domain.responses import Answer, Timestamp
from services.kernel.privacy import bsn_like

MAX_VARIANTS = 10
JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]


def _where(loc: tuple) -> str:
    return ".".join(["variants", *map(str, loc)])


class StartSimulation(Command):
    """A what-if run of the municipality's own region: every field optional."""

    days: Annotated[int, Field(ge=1, le=365, description="Days simulated from 1 January 2027")] = 365
    seeds: Annotated[int, Field(ge=1, le=5, description="Seeds 1 … seeds: each variant runs once per seed; the "
                                                        "report gives the mean and a 95% interval")] = 3
    variants: Annotated[list[Variant], Field(
        min_length=1, max_length=MAX_VARIANTS,
        description="As `housing-match simulate --variants` takes them (docs/simulation.md); without it this "
                    "matcher, greedy urgency order, first come first served and the look-ahead")] = DEFAULT_VARIANTS
    region: RegionCode | None = Field(default=None, description="The caller's own region (the default); any other "
                                                                "is refused")
    source: SimulationSource = Field(
        default="synthetic", description="Where people and homes come from: `synthetic`, the seeded generator for a "
                                         "region shaped as the caller's; `history`, a replay of the region's recorded "
                                         "people and homes (`days` from the first arrival), with the answers "
                                         "calibrated from the recorded ones, every count about people under "
                                         "disclosure control (under 5 hidden)")

    @model_validator(mode="before")
    @classmethod
    def _refusals_have_their_own_place(cls, data: Any) -> Any:
        if isinstance(data, dict):
            rules.refuse("StartSimulation", [(_where(loc), reason)
                                             for loc, reason in refusals_in_policy(data.get("variants"))])
        return data

    @model_validator(mode="after")
    def _names(self):
        rules.refuse("StartSimulation", [
            *((_where(loc), reason) for loc, reason in same_names(self.variants)),
            *((f"variants.{i}.name", rules.BSN_IN_TEXT) for i, v in enumerate(self.variants) if bsn_like(v.name))])
        return self


class SimulationProgress(Answer):
    days_simulated: int = Field(description="Days simulated so far, over every variant and seed")
    days_total: int = Field(description="variants × seeds × days")
    percent: float = Field(ge=0, le=100)


class SimulationJobSummary(Answer):
    job_id: Identifier
    status: JobStatus = Field(description="queued, running, done (the report is in), failed (see reason) or "
                                          "cancelled (by the municipality; a result that comes later is ignored)")
    region: RegionCode
    days: int
    seeds: int
    source: SimulationSource
    progress: SimulationProgress
    reason: str | None = Field(description="Why the job failed (a field and a rule), else null")
    requested_at: Timestamp
    updated_at: Timestamp


class SimulationJob(SimulationJobSummary):
    variants: list[dict[str, Any]] = Field(description="The variants as the job runs them")
    report: dict[str, Any] | None = Field(description="When done: the report as `housing-match simulate --out` "
                                                      "writes it (per variant the mean and 95% interval over seeds)")


class SimulationJobList(Answer):
    items: list[SimulationJobSummary] = Field(description="Newest first")


def progress_of(days_simulated: int, days_total: int) -> dict[str, Any]:
    percent = round(100.0 * days_simulated / days_total, 1) if days_total else 0.0
    return {"days_simulated": days_simulated, "days_total": days_total, "percent": min(100.0, percent)}

