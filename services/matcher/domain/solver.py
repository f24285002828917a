"""The pure matching solver: maximise the summed priority of placements under all capacities.

Model (per independent component of regions, see ``pairs.build_pairs``)::

    max  sum_e w_e x_e          x_e in {0, 1} for every eligible pair e = (c, u)
    s.t. sum_{e at c} x_e <= 1                      every candidate
         sum_{e at u} x_e <= places_u               every unit
         sum_{e at units of a} x_e <= room_a        every agreement (max_places - used)
         sum_{e at units of n} x_e <= room_n        every limited neighbourhood

Technique (chosen by measurement, see bench/RESULTS.md):

1. **Exact pair reduction.**  If a component can place at most ``M`` people, a unit only needs its
   ``M`` best candidates: were it given a worse one, one of its ``M`` better candidates would be
   unplaced and could take the place instead without touching any other constraint.  This holds
   for the LP relaxation too, so bounds stay exact.  On the national bench it drops ~60% of pairs.
2. **LP by column generation.**  GLOP (primal simplex, one thread) solves the LP over each unit's
   few best pairs plus each candidate's best pair; all remaining pairs are priced with the duals in
   one numpy expression and the best entering ones added, until no pair has a positive reduced
   cost: then the restricted LP optimum is the LP optimum over all pairs.  The programs go to
   OR-Tools through its public proto API, built from numpy arrays (packing_solver.py says how and
   why).  On this structure the LP optimum is nearly always integral: then it is a proven
   optimum (OPTIMAL).
3. **Reduced-cost filtered MIP where the LP is fractional.**  The LP solution is rounded (keep the
   ones, add pairs by LP value and priority while they fit).  If that does not reach the bound,
   HiGHS branch-and-cut runs on the pairs whose reduced cost is within the gap (any solution
   using another pair is provably worse than the rounding: w.x <= z_LP + sum_{d_e<0} d_e x_e),
   usually a few hundred pairs; run to a zero gap, its optimum is combined into the reported
   bound (if the node or time limit stops it, the LP bound stands).
4. **Fallbacks under a time limit.**  If column generation is cut short, the last restricted LP
   (feasible for the full problem) is rounded and the bound is min(Lagrangian bound from its
   duals, every candidate's best pair); if no LP finished, the greedy order is used.

Determinism: candidates/units are indexed in id order, GLOP runs single-threaded, HiGHS with a
fixed seed and a node limit; the result depends on wall-clock time only if the time limit bites
(on the national bench the whole solve takes ~2 s of the default 10 s).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

import numpy as np

from contracts.solver import Instance, InstanceError, Result
from services.matcher.domain.components import Component, component_max_placements, reduce_pairs
from services.matcher.domain.fixed import fixed_pair_errors
from services.matcher.domain.look_ahead import look_ahead_components
from services.matcher.domain.packing_solver import solve_lp, solve_mip
from services.matcher.domain.pairs import Pairs, build_pairs
from services.matcher.domain.policy import DEFAULT_POLICY, Policy
from services.matcher.domain.results import assemble

__all__ = ["SolveStats", "solve", "solve_pairs", "reduce_pairs", "component_max_placements"]

_EPS = 1e-6
MIP_NODE_LIMIT = 20_000
#: a MIP of a small component still gets this long (when a quarter of the time left allows it)
MIP_MIN_SECONDS = 2.0
#: Testing aid: skip the integral-LP and rounding shortcuts, so property tests exercise the
#: reduced-cost filtered MIP (with the tightest filter: gap 0 when rounding is already optimal).
FORCE_MIP = False


@dataclass
class SolveStats:
    components: int = 0
    pairs: int = 0
    pairs_kept: int = 0
    lp_integral: int = 0
    lp_solves: int = 0
    mip_components: int = 0
    mip_pairs: int = 0
    rounded_components: int = 0
    seconds: float = 0.0


def _floor(value: float) -> int:
    return int(math.floor(value + 1e-4))


def _seconds_left(deadline: float) -> float:
    return max(0.01, deadline - time.monotonic())


def _initial_columns(comp: Component, k: int) -> np.ndarray:
    """The ``k`` best pairs of every unit and the best pair of every candidate."""
    order = np.lexsort((comp.c, -comp.w, comp.u))
    u = comp.u[order]
    starts = np.r_[0, np.nonzero(np.diff(u))[0] + 1]
    rank = np.arange(u.size) - np.repeat(starts, np.diff(np.r_[starts, u.size]))
    mask = np.zeros(comp.w.size, dtype=bool)
    mask[order[rank < k]] = True
    order = np.lexsort((comp.u, -comp.w, comp.c))
    c = comp.c[order]
    firsts = np.r_[0, np.nonzero(np.diff(c))[0] + 1]
    mask[order[firsts]] = True
    return mask


def _solve_lp(comp: Component, deadline: float, stats: SolveStats):
    """LP optimum over *all* pairs of the component by column generation (exact pricing).

    Returns (x, d, z, exact): x is LP-feasible over all pairs, d the reduced costs of all pairs
    for duals y >= 0, and z = y.b + sum(max(d, 0)) a valid upper bound (the Lagrangian bound; equal
    to the LP optimum when ``exact``).  Returns None if not even the first LP finished in time.
    """
    n_units = np.unique(comp.u).size
    k = max(4, int(math.ceil(3.0 * comp.n_rows / max(1, n_units))))
    k = min(k, 12)
    active = _initial_columns(comp, k)
    last = None
    while True:
        cols = np.nonzero(active)[0]
        lp = solve_lp(comp.w[cols], *comp.matrix(cols), comp.ub, _seconds_left(deadline))
        stats.lp_solves += 1
        if lp is None:
            return last
        xs, y, value = lp
        d = comp.reduced_costs(y)
        x = np.zeros(comp.w.size)
        x[cols] = xs
        entering = (d > 1e-7) & ~active
        if not entering.any():
            return x, d, float(value), True
        z = float(np.maximum(y, 0.0) @ comp.ub + np.maximum(d, 0.0).sum())
        last = (x, d, z, False)
        # add the most promising entering columns: per unit the best few by reduced cost
        ent = np.nonzero(entering)[0]
        order = ent[np.lexsort((comp.c[ent], -d[ent], comp.u[ent]))]
        u = comp.u[order]
        starts = np.r_[0, np.nonzero(np.diff(u))[0] + 1]
        rank = np.arange(u.size) - np.repeat(starts, np.diff(np.r_[starts, u.size]))
        active[order[rank < k]] = True


def _solve_component(p: Pairs, idx: np.ndarray, deadline: float, mip_deadline: float,
                     stats: SolveStats) -> tuple[np.ndarray, int]:
    """Chosen pair indices (into p) and a proven upper bound for one component."""
    comp = Component(p, idx)
    w = comp.w
    by_priority = np.lexsort((comp.u, comp.c, -w))
    lp = _solve_lp(comp, deadline, stats)
    best_pair = np.zeros(p.cand_score.size, dtype=np.int64)
    np.maximum.at(best_pair, comp.c, w)
    simple_bound = int(best_pair.sum())  # every candidate gets their best pair
    if lp is None:
        # Out of time before any LP: greedy order and the simple bound.
        stats.rounded_components += 1
        chosen = comp.complete(np.zeros(w.size, dtype=bool), by_priority)
        return idx[chosen], simple_bound
    x, d, z_lp, exact = lp
    bound = min(_floor(z_lp), simple_bound)
    ones = x > 1 - _EPS
    if exact and not FORCE_MIP and np.all((x < _EPS) | ones) and comp.feasible(ones):
        stats.lp_integral += 1
        return idx[ones], bound
    # round: keep the ones, then add pairs by LP value, then priority
    start = ones if comp.feasible(ones) else np.zeros(w.size, dtype=bool)
    best = comp.complete(start, np.lexsort((comp.u, comp.c, -w, -np.round(x, 6))))
    best_val = int(w[best].sum())
    if (best_val >= bound or not exact) and not FORCE_MIP:
        # proven optimal, or out of time (column generation unfinished): keep the rounding
        stats.rounded_components += 1
        return idx[best], max(bound, best_val)
    # Exact MIP on the pairs that can still matter: a pair with reduced cost below -(gap)
    # would push any solution below the incumbent (w.x <= z_lp + sum_{d<0} d_e x_e).
    gap = z_lp - best_val
    cols = np.nonzero((d >= -gap - 1e-6) | best)[0]
    stats.mip_components += 1
    stats.mip_pairs += int(cols.size)
    seconds = _seconds_left(max(mip_deadline, time.monotonic() + 0.05))
    xm, db = solve_mip(w[cols], *comp.matrix(cols), comp.ub, seconds, MIP_NODE_LIMIT)
    if xm is not None:
        chosen = np.zeros(w.size, dtype=bool)
        chosen[cols[xm > 0.5]] = True
        if comp.feasible(chosen):
            chosen = comp.complete(chosen, by_priority)
            if int(w[chosen].sum()) > best_val:
                best, best_val = chosen, int(w[chosen].sum())
    if math.isfinite(db):
        # outside `cols` nothing beats the rounded incumbent, inside the MIP bound holds
        bound = min(bound, max(_floor(db), int(z_lp - gap)))
    return idx[best], max(bound, best_val)


def solve_pairs(p: Pairs, time_limit_s: float = 10.0, stats: SolveStats | None = None) -> tuple[np.ndarray, int]:
    """Chosen pair indices (sorted) and a proven upper bound on the objective."""
    start = time.monotonic()
    stats = stats if stats is not None else SolveStats()
    deadline = start + time_limit_s
    keep = reduce_pairs(p)
    keep = keep[p.edge_w[keep] > 0]  # a placement without positive priority never helps
    stats.components, stats.pairs, stats.pairs_kept = p.n_components, p.n_edges, int(keep.size)
    comps = p.edge_comp[keep]
    order = np.argsort(comps, kind="stable")
    bounds = np.searchsorted(comps[order], np.arange(p.n_components + 1))
    sizes = np.diff(bounds)
    chosen_parts, bound = [], 0
    for k in range(p.n_components):
        if sizes[k] == 0:
            continue
        idx = keep[order[bounds[k]:bounds[k + 1]]]
        # a MIP gets a share of the remaining time in proportion to its component's size
        share = sizes[k] / max(1, int(sizes[k:].sum()))
        left = max(0.0, deadline - time.monotonic())
        mip_deadline = time.monotonic() + max(share * left, min(MIP_MIN_SECONDS, left / 4))
        chosen, b = _solve_component(p, idx, deadline, mip_deadline, stats)
        chosen_parts.append(chosen)
        bound += b
    chosen = np.sort(np.concatenate(chosen_parts)) if chosen_parts else np.zeros(0, dtype=np.int64)
    stats.seconds = time.monotonic() - start
    return chosen, bound


def solve(instance: Instance, policy: Policy = DEFAULT_POLICY, time_limit_s: float = 10.0,
          stats: SolveStats | None = None) -> Result:
    """Best placements for ``instance`` under ``policy`` and the instance's own policies (pure: no I/O).

    Raises InstanceError when the fixed pairs break a rule or cannot all fit together."""
    if errors := fixed_pair_errors(instance, policy):
        raise InstanceError(errors)
    p = build_pairs(instance, policy)
    look_ahead = look_ahead_components(instance, p, policy)
    if look_ahead is not None:  # the opportunity cost of each home is part of the pair's priority
        p = replace(p, edge_w=p.edge_w + look_ahead)
    chosen, bound = solve_pairs(p, time_limit_s, stats)
    return assemble(instance, p, chosen, bound, policy, look_ahead)
