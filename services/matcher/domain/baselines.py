"""Simple allocation rules to compare the matcher with (benchmark and tests).

* ``greedy_urgency``: all eligible pairs by priority, highest first (ties: candidate id, then unit
  id); each is taken while it still fits.
* ``first_come_first_served``: candidates by days in shelter, longest first (ties: id); each takes
  its highest-priority unit that still fits (ties: unit id).

Both return chosen pair indices into a :class:`Pairs`; ``to_result`` turns them into a Result
whose bound is the simple one (every candidate gets its best pair), so the status is FEASIBLE
unless that happens to be reached.
"""
from __future__ import annotations

import numpy as np

from contracts.solver import Assignment, Explanation, Instance, Result
from services.matcher.domain.pairs import Pairs
from services.matcher.domain.policy import DEFAULT_POLICY, Policy, priority_components

__all__ = ["greedy_urgency", "first_come_first_served", "to_result"]


class _Room:
    def __init__(self, p: Pairs):
        self.p = p
        self.cand = np.ones(p.cand_score.size, dtype=np.int64)
        self.unit = p.unit_cap.copy()
        self.agr = p.agr_room.copy()
        self.nb = p.nb_room.copy()

    def take(self, e: int) -> bool:
        p = self.p
        c, u = int(p.edge_c[e]), int(p.edge_u[e])
        a, n = int(p.unit_agr[u]), int(p.unit_nb[u])
        if self.cand[c] <= 0 or self.unit[u] <= 0 or self.agr[a] <= 0 or (n >= 0 and self.nb[n] <= 0):
            return False
        self.cand[c] -= 1
        self.unit[u] -= 1
        self.agr[a] -= 1
        if n >= 0:
            self.nb[n] -= 1
        return True


def greedy_urgency(p: Pairs) -> np.ndarray:
    room = _Room(p)
    order = np.lexsort((p.edge_u, p.edge_c, -p.edge_w))  # indices are in id order
    chosen = [e for e in order.tolist() if room.take(e)]
    return np.sort(np.asarray(chosen, dtype=np.int64))


def first_come_first_served(p: Pairs, days: np.ndarray) -> np.ndarray:
    """``days``: days in shelter per candidate index."""
    room = _Room(p)
    order = np.lexsort((p.edge_u, -p.edge_w, p.edge_c, -days[p.edge_c]))
    chosen = []
    done = -1
    for e in order.tolist():
        c = int(p.edge_c[e])
        if c == done:
            continue
        if room.take(e):
            chosen.append(e)
            done = c
    return np.sort(np.asarray(chosen, dtype=np.int64))


def to_result(instance: Instance, p: Pairs, chosen: np.ndarray, policy: Policy = DEFAULT_POLICY) -> Result:
    cands = {c.id: c for c in instance.candidates}
    units = {u.id: u for u in instance.units}
    out = []
    for e in chosen.tolist():
        c, u = cands[p.cand_ids[int(p.edge_c[e])]], units[p.unit_ids[int(p.edge_u[e])]]
        comp = priority_components(c, u, policy)
        out.append(Assignment(candidate=c.id, unit=u.id,
                              explanation=Explanation(priority=sum(comp.model_dump().values()), components=comp)))
    out.sort(key=lambda a: (a.candidate, a.unit))
    objective = sum(a.explanation.priority for a in out)
    best = np.zeros(p.cand_score.size, dtype=np.int64)
    np.maximum.at(best, p.edge_c, p.edge_w)
    bound = max(objective, int(best.sum()))
    return Result(assignments=tuple(out), objective=objective, bound=bound,
                  status="OPTIMAL" if objective == bound else "FEASIBLE")
