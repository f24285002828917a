"""Seeded synthetic national matching instance (for the benchmark; no real people).

``generate(seed=2026)`` builds an instance in the solver's format, shaped after the domain notes
(43 centrumgemeente regions, prestatieafspraken per corporation x municipality, neighbourhood
carrying capacity).  Everything is drawn from one ``random.Random(seed)``, so the same seed always
gives the same instance.

Shape (defaults):

* **Regions** R01..R43 with lognormal sizes (a few big-city regions, many small ones).  Each region
  has 2-9 municipalities (codes ``GMxxxx``, unique) with 3-16 neighbourhoods each (``BU`` + the 4
  municipality digits + 4 digits), and 2-6 housing corporations (``corp-RR-k``), each active in a
  random subset of the region's municipalities.
* **Candidates** (~20,000) spread over regions by size.  Household size 1 (62%), 2 (16%), 3-6
  (rest, with children = size-1 or size-2); 4% wheelchair users; support none/light/intensive/
  housing_first = 35/35/20/10%; days in shelter ~ exponential (mean 110, capped at 1200), so about
  a third has waited over 90 days; 25% youth (households of at most 2); 5% medical urgency; 20%
  exclude 1-3 neighbourhoods of their region; 40% prefer 1-3.
* **Units** (4,000-5,000): kinds regular 42%, flex 14%, shared 10% (2-5 places), housing_first 8%,
  transformation 10%, new_build 16%; rooms 1-5 (skewed to small); 12% wheelchair accessible (40%
  of new build); support lists by kind (housing_first units offer housing_first/intensive, regular
  stock mostly none/light).  Each unit belongs to a corporation of its region and a municipality
  where that corporation is active, and lies in one of that municipality's neighbourhoods.
* **Agreements**: one per corporation x municipality for period 2026 with ``max_places`` about
  45-95% of the places that pair offers and ``used`` 0-40% of it, so most agreements bind; about
  4% are already full (``used`` >= ``max_places``); about 3% of pairs have no 2026 agreement at all
  but a generous 2025 one (which must be ignored); some extra 2025 rows for others.
* **Neighbourhood limits**: 60% of neighbourhoods have a 2026 limit of 1-6 more placements on
  top of ``used`` (they bind where many units sit); a few 2025 rows that must be ignored.
* **Declined pairs**: 3% of candidates declined 1-3 units of their region before.
"""
from __future__ import annotations

import math
import random
from typing import Any

PERIOD = "2026"

KINDS = [("regular", 42), ("flex", 14), ("shared", 10), ("housing_first", 8),
         ("transformation", 10), ("new_build", 16)]


def _pick(rng: random.Random, weighted: list[tuple[Any, float]]) -> Any:
    total = sum(w for _, w in weighted)
    r = rng.random() * total
    for value, w in weighted:
        r -= w
        if r < 0:
            return value
    return weighted[-1][0]


def _support_list(rng: random.Random, kind: str) -> list[str]:
    if kind == "housing_first":
        return ["housing_first", "intensive"] + (["light"] if rng.random() < 0.5 else [])
    if kind == "shared":
        return ["none", "light", "intensive"] if rng.random() < 0.6 else ["none", "light"]
    if kind == "transformation":
        return ["none", "light", "intensive"] if rng.random() < 0.5 else ["none", "light"]
    opts = ["none"]
    if rng.random() < 0.8:
        opts.append("light")
    if rng.random() < 0.25:
        opts.append("intensive")
    if rng.random() < 0.05:
        opts.append("housing_first")
    return opts


def generate(seed: int = 2026, n_regions: int = 43, n_candidates: int = 20_000,
             n_units: int = 4_500) -> dict[str, Any]:
    """Return a national instance as a JSON-ready dict (see the module docstring)."""
    rng = random.Random(seed)
    sizes = [math.exp(rng.gauss(0.0, 0.6)) for _ in range(n_regions)]
    total = sum(sizes)
    # Units per region vary a bit more than candidates (tight and less tight housing markets).
    unit_sizes = [s * math.exp(rng.gauss(0.0, 0.25)) for s in sizes]
    unit_total = sum(unit_sizes)

    used_gm: set[int] = set()
    regions = []
    for r in range(n_regions):
        rid = f"R{r + 1:02d}"
        munis = []
        for _ in range(rng.randint(2, 9)):
            while True:
                code = rng.randint(1, 1999)
                if code not in used_gm:
                    used_gm.add(code)
                    break
            nbs = [f"BU{code:04d}{k:04d}" for k in sorted(rng.sample(range(1, 9999), rng.randint(3, 16)))]
            munis.append((f"GM{code:04d}", nbs))
        corps = []
        for k in range(rng.randint(2, 6)):
            active = [m for m in munis if rng.random() < 0.6] or [rng.choice(munis)]
            corps.append((f"corp-{r + 1:02d}-{k + 1}", active))
        regions.append((rid, munis, corps))

    candidates: list[dict[str, Any]] = []
    units: list[dict[str, Any]] = []
    cid = uid = 0
    for r, (rid, munis, corps) in enumerate(regions):
        all_nbs = [nb for _, nbs in munis for nb in nbs]
        # -- candidates
        n_c = max(5, round(n_candidates * sizes[r] / total))
        for _ in range(n_c):
            cid += 1
            hh = _pick(rng, [(1, 62), (2, 16), (3, 9), (4, 7), (5, 4), (6, 2)])
            children = 0 if hh == 1 else max(0, hh - (2 if rng.random() < 0.6 else 1))
            if hh == 2 and rng.random() < 0.5:
                children = 1
            days = min(1200, int(rng.expovariate(1 / 110)))
            cand = {
                "id": f"c{cid:06d}", "region": rid, "household_size": hh,
                "wheelchair": rng.random() < 0.04,
                "support": _pick(rng, [("none", 35), ("light", 35), ("intensive", 20),
                                       ("housing_first", 10)]),
                "days_in_shelter": days,
                "youth": hh <= 2 and rng.random() < 0.25,
                "children": children,
                "medical_urgency": rng.random() < 0.05,
                "excluded_neighbourhoods": (sorted(rng.sample(all_nbs, min(len(all_nbs), rng.randint(1, 3))))
                                            if rng.random() < 0.2 else []),
                "preferred_neighbourhoods": (sorted(rng.sample(all_nbs, min(len(all_nbs), rng.randint(1, 3))))
                                             if rng.random() < 0.4 else []),
            }
            candidates.append(cand)
        # -- units
        n_u = max(3, round(n_units * unit_sizes[r] / unit_total))
        for _ in range(n_u):
            uid += 1
            corp, active = rng.choice(corps)
            muni, nbs = rng.choice(active)
            kind = _pick(rng, KINDS)
            if kind == "shared":
                rooms, places = rng.randint(2, 6), rng.randint(2, 5)
            else:
                rooms = _pick(rng, [(1, 30), (2, 32), (3, 22), (4, 11), (5, 5)])
                places = 1
            wa = rng.random() < (0.4 if kind == "new_build" else 0.08)
            units.append({
                "id": f"u{uid:05d}", "corporation": corp, "municipality": muni, "region": rid,
                # neighbourhoods are unevenly popular: square makes low indexes likelier
                "neighbourhood": nbs[int(len(nbs) * rng.random() ** 2)],
                "kind": kind, "rooms": rooms, "places": places,
                "wheelchair_accessible": wa, "support": _support_list(rng, kind),
            })

    # -- agreements
    offered: dict[tuple[str, str], int] = {}
    for u in units:
        key = (u["corporation"], u["municipality"])
        offered[key] = offered.get(key, 0) + u["places"]
    agreements = []
    for (corp, muni), places in sorted(offered.items()):
        x = rng.random()
        if x < 0.03:  # no agreement for 2026, only last year's
            agreements.append({"corporation": corp, "municipality": muni, "period": "2025",
                               "max_places": places * 2, "used": 0})
            continue
        max_places = max(1, round(places * rng.uniform(0.45, 0.95)))
        if x < 0.07:  # already full
            used = max_places + rng.randint(0, 2)
        else:
            used = rng.randint(0, max(0, round(max_places * 0.4)))
        agreements.append({"corporation": corp, "municipality": muni, "period": PERIOD,
                           "max_places": max_places + used if x >= 0.07 else max_places,
                           "used": used})
        if rng.random() < 0.1:
            agreements.append({"corporation": corp, "municipality": muni, "period": "2025",
                               "max_places": rng.randint(1, 20), "used": rng.randint(0, 20)})
    # -- neighbourhood limits
    limits = []
    for _, munis, _ in regions:
        for _, nbs in munis:
            for nb in nbs:
                if rng.random() < 0.6:
                    used = rng.randint(0, 5)
                    limits.append({"neighbourhood": nb, "period": PERIOD,
                                   "max_placements": used + rng.randint(1, 6), "used": used})
                if rng.random() < 0.05:
                    limits.append({"neighbourhood": nb, "period": "2025",
                                   "max_placements": 0, "used": 3})
    # -- declined pairs
    units_by_region: dict[str, list[str]] = {}
    for u in units:
        units_by_region.setdefault(u["region"], []).append(u["id"])
    declined = []
    for c in candidates:
        if rng.random() < 0.03:
            pool = units_by_region.get(c["region"], [])
            for u_id in sorted(rng.sample(pool, min(len(pool), rng.randint(1, 3)))):
                declined.append([c["id"], u_id])
    return {"period": PERIOD, "candidates": candidates, "units": units, "agreements": agreements,
            "neighbourhood_limits": limits, "declined_pairs": declined}
