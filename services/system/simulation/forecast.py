"""The look-ahead's forecast: the coming weeks will bring what the last weeks brought.

For a round at simulated time ``now`` in a region, the people and homes that arrived there in the
last ``HORIZON`` are expected again over the next ``HORIZON`` (each with the profile it came with,
its days in shelter those at its arrival, a home free as many days later as it was then). Only what
the matcher was told is used (History holds the events it consumed), so the service could build the
same forecast from its own log. ``days_open`` tells the solver how long each home has waited.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from contracts import events as ev
from services.matcher.domain.periods import placement_period
from services.matcher.domain.policy import Policy
from services.system.simulation.history import History

HORIZON = timedelta(days=28)


def candidate_row(e: ev.CandidateSubmitted) -> dict[str, Any]:
    return {"id": f"fc-{e.candidate_id}", "region": e.region, "household_size": e.household_size,
            "wheelchair": e.wheelchair, "support": str(e.support), "youth": e.youth, "children": e.children,
            "days_in_shelter": max(0, (e.occurred_at.date() - e.shelter_entry_date).days),
            "medical_urgency": e.medical_urgency, "excluded_neighbourhoods": list(e.excluded_neighbourhoods),
            "preferred_neighbourhoods": list(e.preferred_neighbourhoods)}


def _unit(e: ev.VacancyPublished, now) -> dict[str, Any]:
    return {"id": f"fu-{e.unit_id}", "corporation": e.corporation, "municipality": e.municipality,
            "region": e.region, "neighbourhood": e.neighbourhood,
            "kind": "shared" if e.places > 1 else str(e.kind), "rooms": e.rooms, "places": e.places,
            "wheelchair_accessible": e.wheelchair_accessible, "support": [str(s) for s in e.support],
            "period": placement_period(e.available_from + HORIZON, now)}


def with_forecast(raw: dict[str, Any], history: History, policy: Policy) -> dict[str, Any]:
    now = history.now
    regions = sorted({u["region"] for u in raw["units"]} | {c["region"] for c in raw["candidates"]})
    people, homes = [], []
    for region in regions:
        for e in history.recent(region, now - HORIZON):
            if isinstance(e, ev.CandidateSubmitted):
                people.append(candidate_row(e))
            elif isinstance(e, ev.VacancyPublished):
                homes.append(_unit(e, now))
    days_open = {u["id"]: max(0, (now - history.units[u["id"]].occurred_at).days)
                 for u in raw["units"] if u["id"] in history.units}
    return {**raw, "forecast": {"candidates": people, "units": homes, "days_open": days_open}}
