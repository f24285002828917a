"""Matching that looks ahead (issue 21): the opportunity cost of a home, priced by linear programs.

A region whose policy chooses ``strategy = "look_ahead"`` reads the instance's ``forecast`` (the
people and homes expected in the coming weeks). Two LP relaxations of the matching over that
future give two prices:

* the home's **bid price** ``y_u``: the dual of home u's place in the LP of the waiting and the
  expected people over the current and the expected homes (with its agreement's and
  neighbourhood's duals): what the others would lose if u were gone;
* the person's **value of waiting** ``v_c``: the dual of person c in the LP of the current and
  expected people over the *expected homes* only: what c can still expect if not placed now.

A placement of c in u now gains ``w - γ·v_c`` (γ: the wait discount: later is worth less). If that
is less than ``γ·y_u`` the home is kept back: the pair's look-ahead component is ``-w`` (its priority 0, so it is
never chosen); otherwise the component is ``-y_u``, so the round prefers homes nobody is waiting
for. A home open ``look_ahead_max_hold_days`` or longer is never kept back nor priced.
Degenerate duals are steered by shaving capacities by ``_EPS``: the homes' in the first LP (the
value goes to the home), the people's in the second (the value goes to the person).
"""
from __future__ import annotations

import numpy as np

from contracts.solver import Instance
from services.matcher.domain.packing_solver import solve_lp
from services.matcher.domain.pairs import Pairs, build_pairs
from services.matcher.domain.policy import Policy, regional

__all__ = ["look_ahead_components"]

_EPS = 1e-3
_LP_SECONDS = 5.0


def _duals(p: Pairs, shave_units: bool) -> tuple[np.ndarray, np.ndarray]:
    """(value per candidate, price per unit incl. its agreement and neighbourhood) of the LP over ``p``."""
    nc, nu, na = p.cand_score.size, p.unit_cap.size, p.agr_room.size
    y_c, y_u = np.zeros(nc), np.zeros(nu)
    if p.n_edges == 0:
        return y_c, y_u
    edges = np.arange(p.n_edges)
    nb = p.unit_nb[p.edge_u]
    rows = np.concatenate([p.edge_c, nc + p.edge_u, nc + nu + p.unit_agr[p.edge_u], nc + nu + na + nb[nb >= 0]])
    cols = np.concatenate([edges, edges, edges, edges[nb >= 0]])
    order = np.lexsort((cols, rows))
    rows, cols = rows[order], cols[order]
    cap = np.concatenate([np.ones(nc), p.unit_cap.astype(float), p.agr_room.astype(float),
                          p.nb_room.astype(float)])
    cap[:nc] -= 0 if shave_units else _EPS
    cap[nc:nc + nu] -= _EPS if shave_units else 0
    starts = np.searchsorted(rows, np.arange(cap.size + 1))
    lp = solve_lp(p.edge_w.astype(float), starts, cols, cap, _LP_SECONDS)
    if lp is None:
        return y_c, y_u
    y = np.maximum(lp[1], 0.0)
    y_c = y[:nc]
    y_u = y[nc:nc + nu] + np.where(p.unit_agr >= 0, y[nc + nu + np.maximum(p.unit_agr, 0)], 0)
    y_u += np.where(p.unit_nb >= 0, y[nc + nu + na + np.maximum(p.unit_nb, 0)], 0) if p.nb_room.size else 0
    return y_c, y_u


def look_ahead_components(instance: Instance, p: Pairs, policy: Policy) -> np.ndarray | None:
    """Per pair of ``p`` its look-ahead component (<= 0), or None when no region looks ahead."""
    policy_of = regional(instance, policy)
    ahead = {u.region for u in instance.units if policy_of(u.region).strategy == "look_ahead"}
    f = instance.forecast
    if not ahead or f is None or p.n_edges == 0:
        return None
    bare = {"declined_pairs": (), "fixed_assignments": (), "forecast": None}
    future = instance.model_copy(update={**bare, "candidates": instance.candidates + f.candidates,
                                         "units": instance.units + f.units})
    g = build_pairs(future, policy)
    _, price = _duals(g, shave_units=True)
    price_of = dict(zip(g.unit_ids, price.tolist()))
    waiting = instance.model_copy(update={**bare, "candidates": instance.candidates + f.candidates,
                                          "units": f.units})
    h = build_pairs(waiting, policy)
    value, _ = _duals(h, shave_units=False)
    value_of = dict(zip(h.cand_ids, value.tolist()))
    out = np.zeros(p.n_edges, dtype=np.int64)
    units = {u.id: u for u in instance.units}
    for e in range(p.n_edges):
        unit = units[p.unit_ids[p.edge_u[e]]]
        rule = policy_of(unit.region)
        if unit.region not in ahead or f.days_open.get(unit.id, 0) >= rule.look_ahead_max_hold_days:
            continue
        w, discount = int(p.edge_w[e]), rule.look_ahead_wait_discount_percent / 100
        gain = w - discount * value_of.get(p.cand_ids[p.edge_c[e]], 0.0)
        bid = discount * price_of.get(unit.id, 0.0)
        out[e] = -w if gain < bid else -min(w, int(round(bid)))
    return out
