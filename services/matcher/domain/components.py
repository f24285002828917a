"""The solver's model (pure): independent components, the exact pair reduction, and per component the
constraint rows and the constraint matrix over a subset of its pairs (numpy arrays).

See solver.py for the method these serve.
"""
from __future__ import annotations

import numpy as np

from services.matcher.domain.pairs import Pairs


def component_max_placements(p: Pairs) -> np.ndarray:
    """Upper bound on the number of placements per component (cheap, valid)."""
    m = np.zeros(p.n_components, dtype=np.int64)
    if p.n_edges == 0:
        return m
    ccomp = np.full(p.cand_score.size, -1, dtype=np.int64)
    ccomp[p.edge_c] = p.edge_comp
    n_cand = np.bincount(ccomp[ccomp >= 0], minlength=p.n_components)
    ucomp = np.full(p.unit_cap.size, -1, dtype=np.int64)
    ucomp[p.edge_u] = p.edge_comp
    units = np.nonzero(ucomp >= 0)[0]
    # per agreement: min(room, places of its units that have pairs); agreements lie in one component
    agr = p.unit_agr[units]
    agr_places = np.bincount(agr, weights=p.unit_cap[units], minlength=p.agr_room.size)
    agr_comp = np.full(p.agr_room.size, -1, dtype=np.int64)
    agr_comp[agr] = ucomp[units]
    used = agr_comp >= 0
    per_agr = np.minimum(p.agr_room[used], agr_places[used].astype(np.int64))
    m = np.bincount(agr_comp[used], weights=per_agr, minlength=p.n_components).astype(np.int64)
    return np.minimum(m, n_cand)


def reduce_pairs(p: Pairs) -> np.ndarray:
    """Indices of the pairs that survive the exact top-M-per-unit reduction (sorted).

    With support providers the exchange (a worse candidate gives the unit to a better unplaced one)
    must not change any provider's load, so it runs within the candidates of one provider: a unit
    keeps its best min(M, room) candidates of each limited provider and its best M of the others
    (of those, at most room resp. M are placed, the worse one included, so one better one is free).
    """
    if p.n_edges == 0:
        return np.zeros(0, dtype=np.int64)
    m = component_max_placements(p)
    group = p.cand_prov[p.edge_c]
    order = np.lexsort((p.edge_c, -p.edge_w, group, p.edge_u))
    eu, eg = p.edge_u[order], group[order]
    starts = np.r_[0, np.nonzero((np.diff(eu) != 0) | (np.diff(eg) != 0))[0] + 1]
    first = np.repeat(starts, np.diff(np.r_[starts, eu.size]))
    rank = np.arange(eu.size) - first
    limit = m[p.edge_comp[order]]
    if p.prov_room.size:
        limit = np.where(eg >= 0, np.minimum(limit, p.prov_room[np.maximum(eg, 0)]), limit)
    keep = order[rank < limit]
    keep.sort()
    return keep


def _optional_family(row_of_pair: np.ndarray, room: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(group per pair, -1: none; capacity per group) of constraints not every pair has."""
    has = row_of_pair >= 0
    present, inverse = np.unique(row_of_pair[has], return_inverse=True)
    group = np.full(row_of_pair.size, -1, dtype=np.int64)
    group[has] = inverse
    return group, room[present] if present.size else np.zeros(0, dtype=np.int64)


class Component:
    """One independent component: its pairs, constraint rows and constraint matrix over column subsets."""

    def __init__(self, p: Pairs, idx: np.ndarray):
        self.idx = idx
        self.c, self.u, self.w = p.edge_c[idx], p.edge_u[idx], p.edge_w[idx]
        families = []
        cu, cinv = np.unique(self.c, return_inverse=True)
        families.append((cinv, np.ones(cu.size, dtype=np.int64)))
        uu, uinv = np.unique(self.u, return_inverse=True)
        families.append((uinv, p.unit_cap[uu]))
        au, ainv = np.unique(p.unit_agr[self.u], return_inverse=True)
        families.append((ainv, p.agr_room[au]))
        families.append(_optional_family(p.unit_nb[self.u], p.nb_room))
        families.append(_optional_family(p.cand_prov[self.c], p.prov_room))
        rows, ubs, offset = [], [], 0
        for g, caps in families:
            present = g >= 0
            count = np.bincount(g[present], minlength=caps.size)
            needed = count > caps  # a constraint that cannot be violated is left out
            row_of = np.full(caps.size + 1, -1, dtype=np.int64)
            row_of[:-1][needed] = offset + np.arange(int(needed.sum()))
            offset += int(needed.sum())
            ubs.append(caps[needed])
            rows.append(np.where(present, row_of[g], -1))
        self.n_rows = offset
        self.sentinel = offset  # rows == -1 point here (dual 0, capacity unlimited)
        self.rows = np.where(np.stack(rows) >= 0, np.stack(rows), offset)  # shape (5, n)
        self.ub = np.concatenate(ubs).astype(np.int64)

    # -- the constraint matrix ---------------------------------------------------------------
    def matrix(self, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The 0/1 constraint matrix over the pairs ``cols``, row by row: row ``i`` holds the
        positions (into ``cols``) ``positions[starts[i]:starts[i + 1]]``."""
        r = self.rows[:, cols].ravel()
        positions = np.tile(np.arange(cols.size, dtype=np.int64), self.rows.shape[0])
        present = r != self.sentinel
        r, positions = r[present], positions[present]
        order = np.lexsort((positions, r))
        starts = np.searchsorted(r[order], np.arange(self.n_rows + 1))
        return starts, positions[order]

    def reduced_costs(self, y: np.ndarray) -> np.ndarray:
        y_ext = np.append(np.maximum(y, 0.0), 0.0)
        return self.w - y_ext[self.rows].sum(axis=0)

    # -- integer helpers ----------------------------------------------------------------------
    def feasible(self, chosen: np.ndarray) -> bool:
        load = np.bincount(self.rows[:, chosen].ravel(), minlength=self.n_rows + 1)[:-1]
        return bool(np.all(load <= self.ub))

    def complete(self, chosen: np.ndarray, order: np.ndarray) -> np.ndarray:
        """Add pairs in ``order`` while they still fit (``chosen`` must be feasible)."""
        chosen = chosen.copy()
        load = np.bincount(self.rows[:, chosen].ravel(), minlength=self.n_rows + 1)
        left_now = np.append(self.ub, 1 << 40) - load
        left_now[-1] = 1 << 40  # the sentinel row never fills
        # only pairs whose rows all have room now can ever fit
        cand = order[~chosen[order] & np.all(left_now[self.rows[:, order]] > 0, axis=0)]
        left = left_now.tolist()
        for e, r in zip(cand.tolist(), self.rows[:, cand].T.tolist()):
            if all(left[i] > 0 for i in r):
                chosen[e] = True
                for i in r:
                    left[i] -= 1
        return chosen
