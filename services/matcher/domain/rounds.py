"""Turning the matcher's state of one region into a solver instance (pure).

Open offers (and proposals waiting for the transfer point) hold capacity and placements already
confirmed count against agreements, limits and support providers' room, so a round never offers beyond
any of them. Days in shelter and days until an institution's exit date are counted up to the round's
event time, never the wall clock. The region's policy in force at that time travels in the instance
(``region_policies``), so the solver, its explanation and the check of the transfer point's fixed pairs
all apply it; a simulator builds its rounds with this same function.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from services.matcher.domain.periods import local_date, placement_period
from services.matcher.domain.regional import days_until_exit, regional_parts

ACTIVE = frozenset({"made"})
HOLDING = frozenset({"proposed", "made", "placed"})



@dataclass(frozen=True)
class CandidateState:
    candidate_id: str
    region: str
    status: str
    profile: dict[str, Any]
    shelter: str = ""
    parked_until: datetime | None = None


@dataclass(frozen=True)
class UnitState:
    unit_id: str
    region: str
    corporation: str
    municipality: str
    neighbourhood: str
    kind: str
    rooms: int
    places: int
    wheelchair_accessible: bool
    support: list[str]
    status: str
    not_offered_reason: str | None = None
    available_from: date | None = None
    rent: float | None = None
    held_until: date | None = None


@dataclass(frozen=True)
class OfferState:
    candidate_id: str
    unit_id: str
    period: str
    status: str


@dataclass
class RegionState:
    region: str
    at: datetime
    candidates: list[CandidateState]
    units: list[UnitState]
    agreements: list[dict[str, Any]]
    limits: list[dict[str, Any]]
    offers: list[OfferState]
    declined: set[tuple[str, str]] = field(default_factory=set)
    #: the declined pairs this very submission declined (not another submission of the same person)
    declined_here: set[tuple[str, str]] = field(default_factory=set)
    #: the pairs among ``declined`` whose offer was left to expire: never told as declined
    expired: set[tuple[str, str]] = field(default_factory=set)
    #: the region's policy overrides in force at ``at`` (regional.policy_in_force; {}: the default)
    policy: dict[str, Any] = field(default_factory=dict)
    #: support providers' room: {provider, period, max_new_clients, used (with what offers everywhere hold)}
    providers: list[dict[str, Any]] = field(default_factory=list)
    #: the transfer point's manual matches (candidate, unit) waiting for this round
    fixed: list[tuple[str, str]] = field(default_factory=list)


def days_in_shelter(entry: date | str, at: datetime) -> int:
    entry = date.fromisoformat(entry) if isinstance(entry, str) else entry
    return max(0, (at.date() - entry).days)


def matchable(c: CandidateState, at: datetime) -> bool:
    """Waiting and not parked after refusals (a parking ends by event time)."""
    return c.status == "waiting" and (c.parked_until is None or c.parked_until <= at)


def build_instance(state: RegionState) -> dict[str, Any]:
    """The solver instance for one region at event time ``state.at``.

    Each unit counts against the agreement and limit of its own period (periods.py); the instance's
    period is the round's year. Offers held or placed count against the period they were made for.
    """
    period = str(local_date(state.at).year)
    units = {u.unit_id: u for u in state.units}
    holding = [o for o in state.offers if o.status in HOLDING]
    per_unit = Counter(o.unit_id for o in holding)
    counted = [(units[o.unit_id], o.period) for o in holding if o.unit_id in units]
    per_agreement = Counter((u.corporation, u.municipality, p) for u, p in counted)
    per_neighbourhood = Counter((u.neighbourhood, p) for u, p in counted)

    candidates = []
    for c in sorted(state.candidates, key=lambda c: c.candidate_id):
        if not matchable(c, state.at):
            continue
        p = c.profile
        candidates.append({
            "id": c.candidate_id, "region": c.region, "household_size": p["household_size"],
            "wheelchair": p["wheelchair"], "support": p["support"],
            "days_in_shelter": days_in_shelter(p["shelter_entry_date"], state.at),
            "youth": p["youth"], "children": p["children"], "medical_urgency": p["medical_urgency"],
            "excluded_neighbourhoods": list(p["excluded_neighbourhoods"]),
            "preferred_neighbourhoods": list(p["preferred_neighbourhoods"]),
            "rent_allowance_eligible": p.get("rent_allowance_eligible", False),
            "support_provider": p.get("support_provider_id"),
            "days_until_exit": days_until_exit(p.get("exit_date"), state.at),
        })
    unit_rows = []
    periods = {period}
    for u in sorted(state.units, key=lambda u: u.unit_id):
        remaining = u.places - per_unit[u.unit_id]
        if u.status != "open" or remaining <= 0 or (u.held_until and u.held_until > local_date(state.at)):
            continue
        unit_period = placement_period(u.available_from, state.at) if u.available_from else period
        periods.add(unit_period)
        unit_rows.append({
            "id": u.unit_id, "corporation": u.corporation, "municipality": u.municipality,
            # A unit with several places stays a shared unit when only one place is left.
            "region": u.region, "neighbourhood": u.neighbourhood,
            "kind": "shared" if u.places > 1 else u.kind, "rooms": u.rooms,
            "places": remaining, "wheelchair_accessible": u.wheelchair_accessible, "support": list(u.support),
            **({"period": unit_period} if unit_period != period else {}),
            **({"rent": u.rent} if u.rent is not None else {}),
        })
    agreements = [
        {**{k: a[k] for k in ("corporation", "municipality", "period", "max_places")},
         "used": a["used"] + per_agreement[(a["corporation"], a["municipality"], a["period"])]}
        for a in state.agreements if a["period"] in periods
    ]
    limits = [
        {**{k: lim[k] for k in ("neighbourhood", "period", "max_placements")},
         "used": lim["used"] + per_neighbourhood[(lim["neighbourhood"], lim["period"])]}
        for lim in state.limits if lim["period"] in periods
    ]
    waiting = {c["id"] for c in candidates}
    open_units = {u["id"] for u in unit_rows}
    declined = sorted([c, u] for c, u in state.declined if c in waiting and u in open_units)
    instance = {"period": period, "candidates": candidates, "units": unit_rows, "agreements": agreements,
                "neighbourhood_limits": limits, "declined_pairs": declined}
    return instance | regional_parts(state.region, state.policy, state.providers, periods,
                                     [(c, u) for c, u in state.fixed if c in waiting and u in open_units])
