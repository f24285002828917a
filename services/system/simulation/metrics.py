"""What one run measured (one variant, one seed): the numbers of the report, per group too.

Days in shelter at placement are the placement's own (PlacementConfirmed: move-in date minus the
start of the stay). A home's empty days run from the later of its publication and ``available_from``
to the move-in, or to the end of the period for a place never filled (per place).

The same measures describe the hindsight optimum's assignment (hindsight.py ``placements``): anything
with a candidate, a unit, a move-in date and days in shelter is measured alike (``measure_placements``).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Protocol

from services.system.simulation.engine import Outcome
from services.system.simulation.history import GROUPS, History

LONG_STAY = 90
SUPPORT_GROUPS = tuple(f"support:{s}" for s in ("none", "light", "intensive", "housing_first"))
ALL_GROUPS = ("all", *GROUPS, *SUPPORT_GROUPS)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (0 for no values): a value somebody actually had."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return float(ordered[int(rank) - 1])


def _stays(days: list[int], waiting: list[int]) -> dict[str, float]:
    return {"placed": len(days), "days_in_shelter_median": percentile(days, 50),
            "days_in_shelter_p90": percentile(days, 90),
            "share_placed_over_90_days": (sum(d > LONG_STAY for d in days) / len(days)) if days else 0.0,
            "waiting_at_end": len(waiting), "waiting_at_end_over_90_days": sum(d > LONG_STAY for d in waiting)}


class Placement(Protocol):
    @property
    def candidate_id(self) -> str: ...
    @property
    def unit_id(self) -> str | None: ...
    @property
    def move_in_date(self) -> date: ...
    @property
    def days_in_shelter(self) -> int | None: ...


def measure(outcome: Outcome, history: History) -> dict[str, dict[str, float]]:
    return measure_placements(outcome.placements, outcome.counts, history)


def measure_placements(placements: Sequence[Placement], counts: Counter,
                       history: History) -> dict[str, dict[str, float]]:
    """``counts``: the events by type (offers made and expired)."""
    end = history.scenario.end.date()
    placed = {p.candidate_id: p for p in placements}
    days: dict[str, list[int]] = {g: [] for g in ALL_GROUPS}
    waiting: dict[str, list[int]] = {g: [] for g in ALL_GROUPS}
    for cid, c in history.candidates.items():
        groups = {"all", *history.groups(c)}
        if cid in placed:
            for g in groups:
                days[g].append(placed[cid].days_in_shelter or 0)
        else:
            for g in groups:
                waiting[g].append((end - c.shelter_entry_date).days)
    out = {g: _stays(days[g], waiting[g]) for g in ALL_GROUPS}
    out["all"].update(_homes(placements, counts, history, end))
    return out


def _homes(placements: Sequence[Placement], counts: Counter, history: History, end: date) -> dict[str, float]:
    moves: dict[str | None, list[date]] = {}
    for p in placements:
        moves.setdefault(p.unit_id, []).append(p.move_in_date)
    empty, places = 0, 0
    for uid, u in history.units.items():
        free = max(u.available_from, u.occurred_at.date())
        if free >= end:
            continue
        filled = moves.get(uid, [])
        empty += sum(max(0, (m - free).days) for m in filled) + (u.places - len(filled)) * (end - free).days
        places += u.places
    return {"homes_published": places, "home_empty_days_mean": empty / places if places else 0.0,
            "offers_made": counts["OfferMade"], "offers_expired": counts["OfferExpired"]}


def use_of_rules(outcome: Outcome, history: History) -> dict[str, float]:
    """Placements per agreement (corporation × municipality), per limited neighbourhood and per support
    provider with a stated room; with refusal rules in the variant, the people parked after declines.
    (Keys depend on the scenario's rules only, so every seed of a variant has the same ones.)"""
    agreements, limits, providers, refusals = {}, {}, {}, False
    for _, e in history.scenario.arrivals:
        if e.event_type == "AgreementRegistered":
            agreements[(e.corporation, e.municipality)] = f"agreement {e.corporation} × {e.municipality} " \
                                                          f"(of {e.max_places})"
        elif e.event_type == "NeighbourhoodLimitSet":
            limits[e.neighbourhood] = f"limit {e.neighbourhood} (of {e.max_placements})"
        elif e.event_type == "SupportCapacitySet":
            providers[e.provider] = f"support provider {e.provider} (of {e.max_new_clients - e.used})"
        elif e.event_type == "RegionPolicyRegistered":
            refusals = refusals or "refusals" in e.policy.model_fields_set
    use = dict.fromkeys([*agreements.values(), *limits.values(), *providers.values()], 0.0)
    for p in outcome.placements:
        provider = history.candidates[p.candidate_id].support_provider_id
        for key in (agreements.get((p.corporation, p.municipality)), limits.get(p.neighbourhood),
                    providers.get(provider) if provider else None):
            if key:
                use[key] += 1
    if refusals:
        use["parkings after declines (refusal rules)"] = float(outcome.counts["CandidateParked"])
    return use
