"""The look-ahead's forecast for a round of the running matcher (issue 21), from the arrival times it records.

A region whose policy in force chooses ``strategy = "look_ahead"`` gets the instance's ``forecast``: the
people and homes that arrived in the region in the ``HORIZON`` up to the round's watermark, expected
again (services/matcher/domain/forecast.py, the simulator's copy too). Rows recorded before arrival
times were kept, and erased people, are not in it.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import select

from services.matcher.adapters.orm import Candidate, Unit
from services.matcher.domain.forecast import HORIZON, forecast, home_row, person_row
from services.matcher.service_layer.unit_of_work import MatcherUnitOfWork

_HOME = ("corporation", "municipality", "region", "neighbourhood", "kind", "rooms", "places",
         "wheelchair_accessible", "support", "available_from")


def with_forecast(uow: MatcherUnitOfWork, region: str, at: datetime, instance: dict[str, Any]) -> dict[str, Any]:
    s, since = uow.session, at - HORIZON
    people = s.exec(select(Candidate.candidate_id, Candidate.region, Candidate.arrived_at, Candidate.profile)
                    .where(Candidate.region == region, Candidate.arrived_at >= since, Candidate.arrived_at <= at)
                    .order_by(Candidate.arrived_at, Candidate.candidate_id)).all()
    homes = s.exec(select(Unit.unit_id, *(getattr(Unit, k) for k in _HOME))
                   .where(Unit.region == region, Unit.arrived_at >= since, Unit.arrived_at <= at)
                   .order_by(Unit.arrived_at, Unit.unit_id)).all()
    ids = [u["id"] for u in instance["units"]]
    arrived = dict(s.exec(select(Unit.unit_id, Unit.arrived_at)
                          .where(Unit.unit_id.in_(ids), Unit.arrived_at.is_not(None))).all()) if ids else {}
    return {**instance, "forecast": forecast(
        [person_row(p.candidate_id, p.region, p.arrived_at, p.profile) for p in people if p.profile],
        [home_row(h.unit_id, h._mapping, at) for h in homes], {u: arrived[u] for u in ids if u in arrived}, at)}
