"""The look-ahead's forecast (issue 21): the coming weeks will bring what the last weeks brought.

For a round at time ``now`` in a region, the people and homes that arrived there in the last
``HORIZON`` are expected again over the next ``HORIZON``: each with the profile it came with, its days
in shelter those at its arrival, a home free as many days later as it was then (its period is that of
``available_from + HORIZON``). ``days_open`` tells the solver how long each home of the instance has
waited (a home open ``look_ahead_max_hold_days`` is never kept back). The solver reads the result as
the instance's ``forecast`` (look_ahead.py).

One copy for both users: the matcher's round, from the arrival times it records
(service_layer/forecasting.py), and the simulator, from the events it fed the matcher
(services/system/simulation/forecast.py). Profiles and homes come as mappings, either the stored JSON
form (dates as ISO strings) or an event's own fields.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from services.matcher.domain.periods import placement_period

HORIZON = timedelta(days=28)


def _date(value: date | str) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def person_row(candidate_id: str, region: str, arrived_at: datetime, p: Mapping[str, Any]) -> dict[str, Any]:
    """A person who arrived at ``arrived_at``, expected again (``fc-`` ids never meet real ones)."""
    return {"id": f"fc-{candidate_id}", "region": region, "household_size": p["household_size"],
            "wheelchair": p["wheelchair"], "support": str(p["support"]), "youth": p["youth"], "children": p["children"],
            "days_in_shelter": max(0, (arrived_at.date() - _date(p["shelter_entry_date"])).days),
            "medical_urgency": p["medical_urgency"], "excluded_neighbourhoods": list(p["excluded_neighbourhoods"]),
            "preferred_neighbourhoods": list(p["preferred_neighbourhoods"])}


def home_row(unit_id: str, u: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """A home that arrived in the last weeks, expected again (``fu-`` ids)."""
    return {"id": f"fu-{unit_id}", "corporation": u["corporation"], "municipality": u["municipality"],
            "region": u["region"], "neighbourhood": u["neighbourhood"],
            "kind": "shared" if u["places"] > 1 else str(u["kind"]), "rooms": u["rooms"], "places": u["places"],
            "wheelchair_accessible": u["wheelchair_accessible"], "support": [str(s) for s in u["support"]],
            "period": placement_period(_date(u["available_from"]) + HORIZON, now)}


def forecast(people: Iterable[dict[str, Any]], homes: Iterable[dict[str, Any]],
             arrived: Mapping[str, datetime], now: datetime) -> dict[str, Any]:
    """The instance's ``forecast``: the expected people and homes, and for each home of the instance that
    ``arrived`` names, the whole days it has been open at ``now``."""
    return {"candidates": list(people), "units": list(homes),
            "days_open": {uid: max(0, (now - at).days) for uid, at in arrived.items()}}
