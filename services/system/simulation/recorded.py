"""The recorded history as a scenario: who and what arrived in the matcher, when, under which rules (issue 21).

Read from the matcher's own tables (never written): people (``matcher_candidate``: the pseudonymous
profile the matcher matched on, no BSN exists there, and the event times of arrival and of leaving
matching), homes (``matcher_unit``: the vacancy and the times it was published and withdrawn),
agreements, neighbourhood limits, every version of the regions' policies and the support providers'
room. They become the events the matcher took in, at their own times: agreements, limits, policies and
providers' room at the start (the first arrival), people and homes when they arrived, withdrawals
when they left. Offers, answers and placements are *not* replayed: the variant's strategy makes the
offers and the acceptance model (calibrated from the recorded answers, calibration.py) answers them.

Left out, and counted in ``Recorded.left_out``: rows without an arrival time (recorded before the
matcher kept it) and people whose data were erased. A profile changed later (CandidateUpdated) is
replayed as it is now, from arrival on; a transfer officer's holds and manual matches are not replayed.
"""
from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import create_engine
from sqlmodel import Session, select

from contracts import events as ev
from services.matcher.adapters.orm import (
    Agreement, Candidate, NeighbourhoodLimit, Offer, RegionClock, RegionPolicy, SupportProvider, Unit,
)
from services.system.simulation.acceptance import AcceptanceModel
from services.system.simulation.calibration import ENDED, RecordedOffer, calibrate
from services.system.simulation.history import groups_of
from services.system.simulation.recorded_rows import home_events, municipality_of, person_events, regions_of
from services.system.simulation.scenario import Scenario, ScenarioParams, event_ids

@dataclass
class Recorded:
    scenario: Scenario
    #: rows not replayed, per reason (counts only, never ids)
    left_out: Counter = field(default_factory=Counter)
    #: the acceptance model calibrated from the recorded answers of the chosen regions (calibration.py)
    acceptance: AcceptanceModel = field(default_factory=AcceptanceModel)


def load_history(database_url: str, regions: list[str] | None = None, days: int | None = None) -> Recorded:
    """The matcher's recorded history of ``regions`` (default: every region it knows) as a scenario of
    ``days`` from the first arrival (default: up to the latest event time the matcher consumed)."""
    engine = create_engine(database_url)
    try:
        with Session(engine) as s:
            return _build(s, set(regions) if regions else None, days)
    finally:
        engine.dispose()


def _build(s: Session, only: set[str] | None, days: int | None) -> Recorded:
    def mine(model):
        query = select(model) if only is None else select(model).where(model.region.in_(only))
        return sorted(s.exec(query).all(), key=_key)

    cands, units = mine(Candidate), mine(Unit)
    out = Recorded(Scenario(ScenarioParams(), seed=0, regions=[]))
    times = [r.arrived_at for r in (*cands, *units) if r.arrived_at is not None]
    if not times:
        raise ValueError("no person or home with a recorded arrival time in the chosen regions")
    start = min(times)
    clocks = [c.watermark for c in mine(RegionClock)]
    end = max([*clocks, *times])
    days = days or max(1, math.ceil((end - start) / timedelta(days=1)))
    sc = out.scenario
    sc.start = start
    new_id = event_ids(random.Random("recorded history"))
    arrivals: list[tuple[datetime, ev.Event]] = []
    agreements, limits = mine(Agreement), mine(NeighbourhoodLimit)
    sc.regions = regions_of(agreements, limits, units)
    sc.params = ScenarioParams(regions=len(sc.regions), days=days)
    central = {r.code: r.municipalities[0] for r in sc.regions if r.municipalities}
    common = {"occurred_at": start}
    for a in agreements:
        arrivals.append((start, ev.AgreementRegistered(
            event_id=new_id(), producer=a.municipality.lower(), municipality=a.municipality, region=a.region,
            corporation=a.corporation, period=a.period, max_places=a.max_places, used=a.used, **common)))
    for lim in limits:
        muni = municipality_of(lim.neighbourhood)
        arrivals.append((start, ev.NeighbourhoodLimitSet(
            event_id=new_id(), producer=muni.lower(), municipality=muni, region=lim.region,
            neighbourhood=lim.neighbourhood, period=lim.period, max_placements=lim.max_placements, used=lim.used,
            **common)))
    for p in mine(RegionPolicy):
        muni = central.get(p.region)
        if muni is None:
            out.left_out["region policy of a region without municipalities"] += 1
            continue
        arrivals.append((start, ev.RegionPolicyRegistered(
            event_id=new_id(), producer=muni.lower(), region=p.region, municipality=muni, version=p.version,
            effective_from=p.effective_from, policy=p.policy, **common)))
    for p in sorted(s.exec(select(SupportProvider)).all(), key=lambda r: (r.provider, r.period)):
        arrivals.append((start, ev.SupportCapacitySet(
            event_id=new_id(), producer=p.provider, provider=p.provider, period=p.period,
            max_new_clients=p.max_new_clients, used=p.used, **common)))
    for c in cands:
        arrivals.extend(person_events(c, new_id, out.left_out))
    for u in units:
        arrivals.extend(home_events(u, new_id, out.left_out))
    arrivals.sort(key=lambda pair: pair[0])  # stable: the rules at the start come first
    sc.arrivals = [(t, e) for t, e in arrivals if t < sc.end]
    out.acceptance = calibrate(_recorded_offers(s, cands, units, only))
    # (a support provider may serve any region: every provider's room is replayed)
    sc.described = {"source": "recorded history (the matcher's database)", "regions": [r.code for r in sc.regions],
                    "first_arrival": start.date().isoformat(), "days": days,
                    "seeds_drive": "the acceptance model only (calibrated from the recorded answers)"}
    return out


def _key(row) -> tuple:
    return tuple(str(getattr(row, k)) for k in ("region", "candidate_id", "unit_id", "corporation", "municipality",
                                                "neighbourhood", "period", "version") if hasattr(row, k))


def _recorded_offers(s: Session, cands: list[Candidate], units: list[Unit], only: set[str] | None
                     ) -> list[RecordedOffer]:
    """The ended offers of the chosen regions, as the calibration reads them (kind of home, groups, outcome).
    People recorded before arrival times were kept still count here: their profile is known."""
    kind = {u.unit_id: u.kind for u in units}
    groups = {c.candidate_id: frozenset(groups_of(ev.CandidateProfile.model_validate(c.profile), "shelter"))
              for c in cands if c.profile}
    query = select(Offer).where(Offer.status.in_(ENDED))
    if only is not None:
        query = query.where(Offer.region.in_(only))
    return [RecordedOffer(kind[o.unit_id], groups[o.candidate_id], o.status, o.corporation_confirmed,
                          o.person_accepted, o.closed_reason if o.status == "declined" else None)
            for o in s.exec(query.order_by(Offer.offer_id)).all() if o.unit_id in kind and o.candidate_id in groups]
