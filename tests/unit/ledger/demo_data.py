"""The demo's data as the ledger would hold it: services/system/scenario.py's homes, each place let to a
candidate of its region (the matcher confirms, a municipal monitor reports some again), plus its agreements and
neighbourhood limits. ``small_municipalities`` is a variant where most municipalities have a handful of places."""
from __future__ import annotations

import random
from datetime import date, timedelta

from services.ledger.domain import journal as jr
from services.system.scenario import build_scenario


def _corp(org) -> str:
    return org.name.lower().replace(" ", "-")


def demo(seed: int = 2026, scale: float = 1.0, keep: float = 1.0) -> tuple[list[jr.PlaceView], list, list, dict]:
    """(places, agreements (corporation, municipality, period, used), limits (neighbourhood, municipality, period),
    regions {municipality: region}); ``keep`` is the share of homes let (lower: smaller municipalities)."""
    sc = build_scenario(seed=seed, scale=scale, today=date(2026, 6, 15))
    rng = random.Random(seed)
    cands = {}
    for _, c in sc.candidates:
        cands.setdefault(c["region"], []).append(c)
    places, n = [], 0
    for corp, v in sc.vacancies:
        if rng.random() > keep:
            continue
        for _ in range(v["places"]):
            pool = cands.get(v["region"]) or [{}]
            c = pool[n % len(pool)]
            n += 1
            move_in = date.fromisoformat(v["available_from"]) - timedelta(days=rng.randint(0, 120))
            entry = date.fromisoformat(c.get("shelter_entry_date", "2026-01-01"))
            sources = [("matcher", "matcher", f"p{n}")]
            if rng.random() < 0.4:
                sources.append(("gemeentemonitor", "municipal_monitor", f"g{n}"))
            if v["kind"] == "flex" and rng.random() < 0.7:
                sources.append(("flexregister", "flex_registry", f"f{n}"))
            places.append(jr.PlaceView(
                person_ref=f"{n:064x}", unit_key=f"corp:{_corp(corp)}:{v['unit_id']}", status=jr.COUNTED,
                strategy=jr.strategy_of(v["kind"]), unit_kind=v["kind"], region=v["region"],
                municipality=v["municipality"], corporation=_corp(corp), neighbourhood=v["neighbourhood"],
                housing_first=v["kind"] == "housing_first", move_in_date=move_in,
                days_in_shelter=(move_in - entry).days if rng.random() < 0.9 else None, youth=c.get("youth"),
                household_size=c.get("household_size"), children=c.get("children"),
                sources=tuple(sorted(sources)),
                ended_on=move_in + timedelta(days=40) if rng.random() < 0.1 else None))
    agreements = [(_corp(a["corporation"]), m.municipality, a["period"], a["used"]) for m, a in sc.agreements]
    limits = [(lim["neighbourhood"], m.municipality, lim["period"]) for m, lim in sc.limits]
    regions = {o.municipality: o.region for o in sc.orgs if o.role == "municipality"}
    return places, agreements, limits, regions
