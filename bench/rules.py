"""The regions' rules of issue 19 laid over the synthetic national instance (benchmark only).

``add_rules(data, seed, rules)`` changes a generated instance in place, drawing from its own
``random.Random(seed)`` so the base instance stays the same with or without rules.  The rules:

* ``regional``: every region its own partial policy (youth, long-wait and child bonuses drawn around
  the default; a third of the regions switch affordability off, a few raise their limits).
* ``affordability``: affordability on with capping limits of 683 (1-2 persons) and 732 euros (3+);
  rents of 450-900 euros on 90% of the units (the rest unknown); 70% of the candidates are entitled
  to rent allowance.
* ``support``: every candidate needing support names a provider: 2-4 providers per region and 12
  providers that work in two regions; each provider's room for new clients in 2026 is at most a
  tenth of the demand naming it (a share of providers full already); a 2025 row that must be ignored.
* ``exits``: 15% of the candidates leave an institution in -10..120 days; exit bonus 200 within 30.
* ``fixed``: 100 fixed pairs drawn at random among the pairs that fit together (with the other rules).
"""
from __future__ import annotations

import random
from collections import Counter
from typing import Any

RULES = ("regional", "affordability", "support", "exits", "fixed")


def add_rules(data: dict[str, Any], seed: int, rules: set[str]) -> dict[str, Any]:
    rng = random.Random(seed * 7919 + 19)
    policy: dict[str, Any] = {}
    regions = sorted({c["region"] for c in data["candidates"]} | {u["region"] for u in data["units"]})
    if "affordability" in rules:
        policy["affordability"] = {"enabled": True, "limit_small": 682.96, "limit_large": 732.07,
                                   "large_from_household_size": 3}
        for u in data["units"]:
            if rng.random() < 0.9:
                u["rent"] = round(rng.uniform(450, 900), 2)
        for c in data["candidates"]:
            c["rent_allowance_eligible"] = rng.random() < 0.7
    if "exits" in rules:
        policy.update(exit_bonus=200, exit_window_days=30)
        for c in data["candidates"]:
            if rng.random() < 0.15:
                c["days_until_exit"] = rng.randint(-10, 120)
    if "regional" in rules:
        data["region_policies"] = {r: _regional(rng) for r in regions}
    if "support" in rules:
        _support(data, rng, regions)
    data["policy"] = policy
    if "fixed" in rules:
        data["fixed_assignments"] = _fixed(data, rng, 100)
    return data


def _regional(rng: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {"youth_bonus": rng.choice([0, 50, 100, 300]),
                           "long_wait_bonus": rng.choice([100, 150, 200]),
                           "child_bonus": rng.choice([20, 40, 60])}
    if rng.random() < 1 / 3:
        out["affordability"] = {"enabled": False}
    elif rng.random() < 0.2:
        out["affordability"] = {"limit_small": 720.0}
    return out


def _support(data: dict[str, Any], rng: random.Random, regions: list[str]) -> None:
    own = {r: [f"prov-{r}-{k}" for k in range(rng.randint(2, 4))] for r in regions}
    shared = [(f"prov-shared-{k}", rng.sample(regions, 2)) for k in range(12)]
    for name, (a, b) in shared:
        own[a].append(name)
        own[b].append(name)
    demand: Counter[str] = Counter()
    for c in data["candidates"]:
        if c["support"] != "none":
            c["support_provider"] = rng.choice(own[c["region"]])
            demand[c["support_provider"]] += 1
    rows = []
    for prov in sorted(demand):
        room = int(demand[prov] * rng.uniform(0.0, 0.1))  # a tenth of the demand or less
        used = rng.randint(0, 5)
        rows.append({"id": prov, "period": "2026", "max_new_clients": used + room, "used": used})
        rows.append({"id": prov, "period": "2025", "max_new_clients": 99, "used": 0})
    data["support_providers"] = rows


def _fixed(data: dict[str, Any], rng: random.Random, n: int) -> list[list[str]]:
    from contracts.solver import parse_instance
    from services.matcher.domain.baselines import Rooms
    from services.matcher.domain.pairs import build_pairs

    p = build_pairs(parse_instance(data))
    rooms = Rooms(p)
    edges = list(range(p.n_edges))
    rng.shuffle(edges)
    chosen = [e for e in edges[:20 * n] if rooms.take(e)][:n]
    return [[p.cand_ids[int(p.edge_c[e])], p.unit_ids[int(p.edge_u[e])]] for e in chosen]
