"""Parts of the intake's answers: the base of every answer model, and what the two sides of an offer
and the parties of an agreement read (who_sees_what.py, counters.py). Kept apart from responses.py,
which assembles them into the answers of the operations."""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from contracts.events import Address, ViewingContact
from contracts.types import DeclineCategory, MunicipalityCode, NeighbourhoodCode, RejectionCategory, Support, UnitKind


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Home(Answer):
    """The offered home, for the person's shelter: what it is, where, what it costs, who shows it."""

    kind: UnitKind
    rooms: int
    places: int
    municipality: MunicipalityCode
    neighbourhood: NeighbourhoodCode
    wheelchair_accessible: bool
    support: list[Support] = Field(description="Support offered with the home")
    available_from: date
    available_until: date | None = Field(description="End date of a flex unit's location")
    address: Address | None
    rent: float | None = Field(description="Bare rent, euros per month")
    service_costs: float | None = Field(description="Euros per month")
    energy_label: str | None
    floor: int | None = Field(description="0 = ground floor")
    lift: bool | None
    viewing_contact: ViewingContact | None


class Household(Answer):
    """The household, for the corporation: what a landlord may see, no more (no urgency, no score)."""

    household_size: int
    children: int
    support: Support = Field(description="Support level arranged")
    support_provider: str | None = Field(description="Who provides it, when the shelter named them")
    youth: bool = Field(description="Aged 18-27")


class RejectionReason(Answer):
    category: RejectionCategory
    reason: str = Field(description="The corporation's text")


class DeclineReason(Answer):
    category: DeclineCategory
    reason: str | None = Field(description="The shelter's text: only for the shelter (it may hold health details)")


class Counters(Answer):
    """Exact progress, for the agreement's own parties."""

    committed: int = Field(description="Places agreed for the year (max_places or max_placements)")
    used: int = Field(description="The registered used plus the placements confirmed through this product")
    held: int = Field(description="Places held by open offers")
    remaining: int = Field(description="committed - used - held, at least 0: what matching may still offer")
