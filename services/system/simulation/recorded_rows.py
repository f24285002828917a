"""The matcher's rows as the events it took in (recorded.py): regions, people and homes with their times."""
from __future__ import annotations

from collections import Counter
from datetime import datetime

from contracts import events as ev
from services.matcher.adapters.orm import Candidate, Unit
from services.system.simulation.scenario import Region

_CANDIDATE_FIELDS = set(ev.CandidateProfile.model_fields)


def municipality_of(neighbourhood: str) -> str:
    """CBS codes: neighbourhood BU<gggg><wwnn> lies in municipality GM<gggg>."""
    return f"GM{neighbourhood[2:6]}"


def regions_of(agreements, limits, units) -> list[Region]:
    codes = sorted({r.region for r in (*agreements, *limits, *units)})
    out = []
    for code in codes:
        munis = sorted({a.municipality for a in agreements if a.region == code} |
                       {u.municipality for u in units if u.region == code})
        corps = sorted({a.corporation for a in agreements if a.region == code} |
                       {u.corporation for u in units if u.region == code})
        hoods: dict[str, list[str]] = {m: [] for m in munis}
        for u in units:
            if u.region == code and u.neighbourhood not in hoods.setdefault(u.municipality, []):
                hoods[u.municipality].append(u.neighbourhood)
        out.append(Region(code, munis, corps, {m: sorted(h) for m, h in hoods.items()},
                          {lim.neighbourhood for lim in limits if lim.region == code}, 1.0))
    return out


def person_events(c: Candidate, new_id, left_out: Counter) -> list[tuple[datetime, ev.Event]]:
    if c.arrived_at is None:
        left_out["person without a recorded arrival time"] += 1
        return []
    if not c.profile or not c.person_ref or c.person_ref.startswith(("erased:", "tombstone:")):
        left_out["person erased"] += 1
        return []
    profile = {k: v for k, v in c.profile.items() if k in _CANDIDATE_FIELDS} | {"region": c.region}
    out: list[tuple[datetime, ev.Event]] = [(c.arrived_at, ev.CandidateSubmitted(
        event_id=new_id(), occurred_at=c.arrived_at, producer=c.shelter, candidate_id=c.candidate_id,
        person_ref=c.person_ref, shelter=c.shelter, **profile))]
    if c.withdrawn_at is not None:
        out.append((c.withdrawn_at, ev.CandidateWithdrawn(
            event_id=new_id(), occurred_at=c.withdrawn_at, producer=c.shelter, candidate_id=c.candidate_id,
            region=c.region, reason="withdrawn (recorded)")))
    return out


def home_events(u: Unit, new_id, left_out: Counter) -> list[tuple[datetime, ev.Event]]:
    if u.arrived_at is None:
        left_out["home without a recorded arrival time"] += 1
        return []
    fields = {k: getattr(u, k) for k in ("region", "corporation", "municipality", "neighbourhood", "kind", "rooms",
                                         "places", "wheelchair_accessible", "support", "bag_id", "available_from",
                                         "rent")}
    out: list[tuple[datetime, ev.Event]] = [(u.arrived_at, ev.VacancyPublished(
        event_id=new_id(), occurred_at=u.arrived_at, producer=u.corporation, unit_id=u.unit_id,
        **{k: v for k, v in fields.items() if v is not None}))]
    if u.withdrawn_at is not None:
        out.append((u.withdrawn_at, ev.VacancyWithdrawn(
            event_id=new_id(), occurred_at=u.withdrawn_at, producer=u.corporation, unit_id=u.unit_id,
            corporation=u.corporation, region=u.region, reason="withdrawn (recorded)")))
    return out
