"""The look-ahead's forecast in the simulator: the matcher's own (services/matcher/domain/forecast.py).

For a round at simulated time ``now`` (the end of the batching window) the people and homes that
arrived in the region in the last ``HORIZON`` are expected again over the next ``HORIZON``. Only what
the matcher was told is used (History holds the events it consumed); the running matcher builds the
same forecast from the arrival times it records (service_layer/forecasting.py), at its round's
watermark. Needed here besides the matcher's own because a variant's strategy or region policies reach
the solver without the matcher knowing them.
"""
from __future__ import annotations

from typing import Any

from contracts import events as ev
from services.matcher.domain.forecast import HORIZON, forecast, home_row, person_row
from services.matcher.domain.policy import Policy
from services.system.simulation.history import History

__all__ = ["HORIZON", "candidate_row", "with_forecast"]


def candidate_row(e: ev.CandidateSubmitted) -> dict[str, Any]:
    return person_row(e.candidate_id, e.region, e.occurred_at, e.__dict__)


def with_forecast(raw: dict[str, Any], history: History, policy: Policy) -> dict[str, Any]:
    now = history.now
    regions = sorted({u["region"] for u in raw["units"]} | {c["region"] for c in raw["candidates"]})
    people, homes = [], []
    for region in regions:
        for e in history.recent(region, now - HORIZON):
            if isinstance(e, ev.CandidateSubmitted):
                people.append(candidate_row(e))
            elif isinstance(e, ev.VacancyPublished):
                homes.append(home_row(e.unit_id, e.__dict__, now))
    arrived = {u["id"]: history.units[u["id"]].occurred_at for u in raw["units"] if u["id"] in history.units}
    return {**raw, "forecast": forecast(people, homes, arrived, now)}
