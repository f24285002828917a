"""The hindsight optimum: the best allocation had every arrival of the period been known in advance.

One offline assignment over the whole period: every person and every home that arrived, the same
eligibility, agreements and neighbourhood limits (services.matcher.domain.pairs.build_pairs), solved
by the matcher's solver (solve_pairs). A pair's value is the priority it has at the moment it could
first be made, the later of the two arrivals (so delaying a pair never raises its value); the same value scores
every strategy's placements (``objective_of``). No declines, no deadlines: a relaxation of what any
online strategy can do, so its optimum is at least every strategy's objective.

Its assignment is also measured as a strategy's placements are (``measures``: metrics.py's own code):
each chosen pair is placed at the moment the objective values it, the later of the two arrivals, and
moves in as the matcher's placements do (periods.move_in_date: not before the home is available), its
days in shelter counted to the move-in as PlacementConfirmed counts them. An upper bound in the sense
that it knows every arrival and every decline in advance (no one declines, nobody waits for a round or
an answer); it maximises the objective, not each measure, so a measure is what that assignment gives,
not the best any assignment could give on that measure alone. Offline, the priority rewards long
waits: pairing early people with late homes (and crossing the 90 days' bonus) sums to more, so the
optimum's people wait longer than under any online strategy (bench/RESULTS.md, bench/hindsight_probe.py).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np

from contracts import events as ev
from contracts.solver import parse_instance
from services.matcher.domain.pairs import Pairs, build_pairs
from services.matcher.domain.periods import move_in_date, placement_period
from services.matcher.domain.policy import Policy, regional
from services.matcher.domain.solver import solve_pairs
from services.system.simulation.forecast import candidate_row
from services.system.simulation.history import History
from services.system.simulation.metrics import measure_placements

SECONDS = 60.0


@dataclass(frozen=True)
class HindsightPlacement:
    candidate_id: str
    unit_id: str
    move_in_date: date
    days_in_shelter: int


def _unit(e: ev.VacancyPublished) -> dict[str, Any]:
    return {"id": e.unit_id, "corporation": e.corporation, "municipality": e.municipality, "region": e.region,
            "neighbourhood": e.neighbourhood, "kind": "shared" if e.places > 1 else str(e.kind), "rooms": e.rooms,
            "places": e.places, "wheelchair_accessible": e.wheelchair_accessible,
            "support": [str(s) for s in e.support], "period": placement_period(e.available_from, e.occurred_at)}


class Hindsight:
    def __init__(self, history: History, policy: Policy, region_policies: dict[str, Any] | None = None) -> None:
        raw: dict[str, Any] = {"period": str(history.scenario.start.year), "agreements": [], "neighbourhood_limits": [],
                               "region_policies": region_policies or {},
                               "candidates": [{**candidate_row(c), "id": c.candidate_id}
                                              for c in history.candidates.values()],
                               "units": [_unit(u) for u in history.units.values()]}
        for _, e in history.scenario.arrivals:
            if isinstance(e, ev.AgreementRegistered):
                raw["agreements"].append({"corporation": e.corporation, "municipality": e.municipality,
                                          "period": e.period, "max_places": e.max_places, "used": e.used})
            elif isinstance(e, ev.NeighbourhoodLimitSet):
                raw["neighbourhood_limits"].append({"neighbourhood": e.neighbourhood, "period": e.period,
                                                    "max_placements": e.max_placements, "used": e.used})
        self.history = history
        self._solved: tuple[np.ndarray, int] | None = None
        instance = parse_instance(raw)
        p = build_pairs(instance, policy)
        arrived = {c.candidate_id: c.occurred_at.date() for c in history.candidates.values()}
        arrived |= {u.unit_id: u.occurred_at.date() for u in history.units.values()}
        cand_at = np.asarray([arrived[i].toordinal() for i in p.cand_ids], dtype=np.int64)
        unit_at = np.asarray([arrived[i].toordinal() for i in p.unit_ids], dtype=np.int64)
        days0 = np.asarray([c.days_in_shelter for c in sorted(instance.candidates, key=lambda c: c.id)])
        later = np.maximum(0, unit_at[p.edge_u] - cand_at[p.edge_c])
        d0, d = days0[p.edge_c], days0[p.edge_c] + later
        policy_of = regional(instance, policy)
        region = np.asarray([u.region for u in sorted(instance.units, key=lambda u: u.id)])[p.edge_u]
        w = p.edge_w.copy()
        for r in np.unique(region).tolist():
            rule, at = policy_of(r), region == r
            w[at] += rule.days_weight * later[at] + rule.long_wait_bonus * (
                (d[at] > rule.long_wait_days).astype(np.int64) - (d0[at] > rule.long_wait_days))
        self.priority_at_arrival = p.edge_w  # each pair's priority when its person came (bench/hindsight_probe.py)
        self.pairs: Pairs = replace(p, edge_w=w)
        self.edge_of = {(p.cand_ids[c], p.unit_ids[u]): e
                        for e, (c, u) in enumerate(zip(p.edge_c.tolist(), p.edge_u.tolist()))}

    def objective_of(self, placements: list[ev.PlacementConfirmed]) -> int:
        """A strategy's placements scored by the pairs' values (every placement is an eligible pair)."""
        edges = [self.edge_of.get((p.candidate_id, p.unit_id)) for p in placements]
        if None in edges:  # cannot happen while both use build_pairs; a loud error, not a silent zero
            raise ValueError("a placement the hindsight model finds ineligible")
        return int(sum(self.pairs.edge_w[e] for e in edges))

    def _solve(self) -> tuple[np.ndarray, int]:
        if self._solved is None:
            self._solved = solve_pairs(self.pairs, SECONDS)
        return self._solved

    def optimum(self) -> tuple[int, int]:
        """(objective, proven upper bound) of the offline assignment."""
        chosen, bound = self._solve()
        return int(self.pairs.edge_w[chosen].sum()), int(bound)

    def placement(self, e: int) -> HindsightPlacement:
        """Pair ``e`` as a placement made at the later of the two arrivals."""
        c = self.history.candidates[self.pairs.cand_ids[self.pairs.edge_c[e]]]
        u = self.history.units[self.pairs.unit_ids[self.pairs.edge_u[e]]]
        move_in = move_in_date(u.available_from, max(c.occurred_at, u.occurred_at))
        return HindsightPlacement(c.candidate_id, u.unit_id, move_in, max(0, (move_in - c.shelter_entry_date).days))

    def placements(self, chosen: np.ndarray | None = None) -> list[HindsightPlacement]:
        """The offline assignment's pairs (or the ``chosen`` ones) as placements."""
        return [self.placement(e) for e in (self._solve()[0] if chosen is None else chosen).tolist()]

    def measures(self, chosen: np.ndarray | None = None) -> dict[str, dict[str, float]]:
        """metrics.py's measures of the assignment (one accepted offer per placement, none expired)."""
        placed = self.placements(chosen)
        return measure_placements(placed, Counter(OfferMade=len(placed)), self.history)
