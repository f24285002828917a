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

from contracts.solver import Instance, Result
from services.matcher.domain.pairs import Pairs
from services.matcher.domain.policy import DEFAULT_POLICY, Policy
from services.matcher.domain.results import assemble

__all__ = ["Rooms", "greedy_urgency", "first_come_first_served", "to_result"]


class Rooms:
    """What is left of every capacity while pairs are taken one by one."""

    def __init__(self, p: Pairs):
        self.p = p
        self.cand = np.ones(p.cand_score.size, dtype=np.int64)
        self.unit = p.unit_cap.copy()
        self.agr = p.agr_room.copy()
        self.nb = p.nb_room.copy()
        self.prov = p.prov_room.copy()

    def take(self, e: int) -> bool:
        p = self.p
        c, u = int(p.edge_c[e]), int(p.edge_u[e])
        a, n, s = int(p.unit_agr[u]), int(p.unit_nb[u]), int(p.cand_prov[c])
        if self.cand[c] <= 0 or self.unit[u] <= 0 or self.agr[a] <= 0 or (n >= 0 and self.nb[n] <= 0):
            return False
        if s >= 0 and self.prov[s] <= 0:
            return False
        if s >= 0:
            self.prov[s] -= 1
        self.cand[c] -= 1
        self.unit[u] -= 1
        self.agr[a] -= 1
        if n >= 0:
            self.nb[n] -= 1
        return True


def greedy_urgency(p: Pairs) -> np.ndarray:
    room = Rooms(p)
    order = np.lexsort((p.edge_u, p.edge_c, -p.edge_w))  # indices are in id order
    chosen = [e for e in order.tolist() if room.take(e)]
    return np.sort(np.asarray(chosen, dtype=np.int64))


def first_come_first_served(p: Pairs, days: np.ndarray) -> np.ndarray:
    """``days``: days in shelter per candidate index."""
    room = Rooms(p)
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
    best = np.zeros(p.cand_score.size, dtype=np.int64)
    np.maximum.at(best, p.edge_c, p.edge_w)
    return assemble(instance, p, chosen, int(best.sum()), policy)
