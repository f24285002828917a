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
   for the LP relaxation too, so bounds stay exact.  On the national bench this drops ~60% of the
   pairs.
2. **LP first.**  The LP relaxation is solved with GLOP (dual simplex, deterministic) from a
   MathOpt model built straight from numpy arrays.  On this structure the LP optimum is nearly
   always integral; then it is a proven optimum (status OPTIMAL, bound = LP value).
3. **MIP where the LP is fractional.**  Only such components go to HiGHS branch-and-cut (one
   thread, fixed seed, node limit, wall-clock time limit as a safety net); its dual bound and the
   LP value give the reported bound.  If the MIP finds nothing in time, the LP solution is rounded
   (keep the ones, then add pairs by LP value and priority while they fit).
4. **Greedy completion.**  Any pair that still fits afterwards is added (never lowers the sum).

Determinism: candidates/units are indexed in id order, all solvers run single-threaded with
fixed parameters; the result depends on wall-clock time only if the safety time limit bites.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from ortools.math_opt import callback_pb2, model_parameters_pb2, model_pb2, parameters_pb2, result_pb2
from ortools.math_opt.core.python import solver as _mathopt

from contracts.solver import Assignment, Explanation, Instance, Result
from services.matcher.domain.pairs import Pairs, build_pairs
from services.matcher.domain.policy import DEFAULT_POLICY, Policy, priority_components

__all__ = ["SolveStats", "solve", "solve_pairs", "reduce_pairs", "component_max_placements"]

_EPS = 1e-6
_GLOP = parameters_pb2.SOLVER_TYPE_GLOP
_HIGHS = parameters_pb2.SOLVER_TYPE_HIGHS
MIP_NODE_LIMIT = 20_000


@dataclass
class SolveStats:
    components: int = 0
    pairs: int = 0
    pairs_kept: int = 0
    lp_integral: int = 0
    mip_components: int = 0
    rounded_components: int = 0
    seconds: float = 0.0


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
    """Indices of the pairs that survive the exact top-M-per-unit reduction (sorted)."""
    if p.n_edges == 0:
        return np.zeros(0, dtype=np.int64)
    m = component_max_placements(p)
    order = np.lexsort((p.edge_c, -p.edge_w, p.edge_u))
    eu = p.edge_u[order]
    starts = np.r_[0, np.nonzero(np.diff(eu))[0] + 1]
    first = np.repeat(starts, np.diff(np.r_[starts, eu.size]))
    rank = np.arange(eu.size) - first
    keep = order[rank < m[p.edge_comp[order]]]
    keep.sort()
    return keep


def _groups(p: Pairs, c: np.ndarray, u: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """(group index per pair or -1, capacity per group) for each constraint family."""
    out = []
    cu, cinv = np.unique(c, return_inverse=True)
    out.append((cinv, np.ones(cu.size, dtype=np.int64)))
    uu, uinv = np.unique(u, return_inverse=True)
    out.append((uinv, p.unit_cap[uu]))
    au, ainv = np.unique(p.unit_agr[u], return_inverse=True)
    out.append((ainv, p.agr_room[au]))
    nb = p.unit_nb[u]
    has = nb >= 0
    nu, ninv = np.unique(nb[has], return_inverse=True)
    grp = np.full(c.size, -1, dtype=np.int64)
    grp[has] = ninv
    out.append((grp, p.nb_room[nu] if nu.size else np.zeros(0, dtype=np.int64)))
    return out


def _model(w: np.ndarray, groups: list[tuple[np.ndarray, np.ndarray]], integer: bool) -> model_pb2.ModelProto:
    n = w.size
    m = model_pb2.ModelProto()
    ids = np.arange(n, dtype=np.int64).tolist()
    v = m.variables
    v.ids.extend(ids)
    v.lower_bounds.extend([0.0] * n)
    v.upper_bounds.extend([1.0] * n)
    v.integers.extend([integer] * n)
    m.objective.maximize = True
    m.objective.linear_coefficients.ids.extend(ids)
    m.objective.linear_coefficients.values.extend(w.astype(np.float64).tolist())
    rows, cols, ubs = [], [], []
    offset = 0
    col = np.arange(n, dtype=np.int64)
    for grp, caps in groups:
        has = grp >= 0
        count = np.bincount(grp[has], minlength=caps.size)
        needed = count > caps  # a constraint that cannot be violated is left out
        row_of = np.full(caps.size, -1, dtype=np.int64)
        row_of[needed] = offset + np.arange(int(needed.sum()))
        offset += int(needed.sum())
        ubs.append(caps[needed].astype(np.float64))
        r = np.full(n, -1, dtype=np.int64)
        r[has] = row_of[grp[has]]
        sel = r >= 0
        rows.append(r[sel])
        cols.append(col[sel])
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    order = np.lexsort((c, r))
    lc = m.linear_constraints
    lc.ids.extend(range(offset))
    lc.lower_bounds.extend([-math.inf] * offset)
    lc.upper_bounds.extend(np.concatenate(ubs).tolist())
    mat = m.linear_constraint_matrix
    mat.row_ids.extend(r[order].tolist())
    mat.column_ids.extend(c[order].tolist())
    mat.coefficients.extend([1.0] * r.size)
    return m


def _run(model: model_pb2.ModelProto, solver: int, params: parameters_pb2.SolveParametersProto,
         hint: np.ndarray | None = None):
    mp = model_parameters_pb2.ModelSolveParametersProto()
    if hint is not None:
        h = mp.solution_hints.add()
        h.variable_values.ids.extend(np.arange(hint.size, dtype=np.int64).tolist())
        h.variable_values.values.extend(hint.astype(np.float64).tolist())
    return _mathopt.solve(model, solver, parameters_pb2.SolverInitializerProto(), params, mp, None,
                          callback_pb2.CallbackRegistrationProto(), None, None)


def _values(res, n: int) -> np.ndarray | None:
    for s in res.solutions:
        if s.HasField("primal_solution"):
            vals = s.primal_solution.variable_values
            x = np.zeros(n)
            x[np.asarray(vals.ids, dtype=np.int64)] = np.asarray(vals.values)
            return x
    return None


def _feasible(groups: list[tuple[np.ndarray, np.ndarray]], chosen: np.ndarray) -> bool:
    for grp, caps in groups:
        sel = chosen & (grp >= 0)
        if np.any(np.bincount(grp[sel], minlength=caps.size) > caps):
            return False
    return True


def _complete(groups: list[tuple[np.ndarray, np.ndarray]], chosen: np.ndarray,
              order: np.ndarray) -> np.ndarray:
    """Add pairs in ``order`` while they still fit (chosen must be feasible)."""
    chosen = chosen.copy()
    left = []
    for grp, caps in groups:
        sel = chosen & (grp >= 0)
        left.append(caps - np.bincount(grp[sel], minlength=caps.size))
    gs = [g for g, _ in groups]
    for e in order.tolist():
        if chosen[e]:
            continue
        fits = True
        for g, lft in zip(gs, left):
            k = g[e]
            if k >= 0 and lft[k] <= 0:
                fits = False
                break
        if fits:
            chosen[e] = True
            for g, lft in zip(gs, left):
                k = g[e]
                if k >= 0:
                    lft[k] -= 1
    return chosen


def _floor(value: float) -> int:
    return int(math.floor(value + 1e-4))


def _solve_component(p: Pairs, idx: np.ndarray, deadline: float, stats: SolveStats) -> tuple[np.ndarray, int]:
    """Chosen pair indices (into p) and a proven upper bound for one component."""
    c, u, w = p.edge_c[idx], p.edge_u[idx], p.edge_w[idx]
    groups = _groups(p, c, u)
    by_priority = np.lexsort((u, c, -w))
    lp_params = parameters_pb2.SolveParametersProto(threads=1, random_seed=0)
    lp_params.time_limit.FromNanoseconds(int(max(0.05, deadline - time.monotonic()) * 1e9))
    lp = _run(_model(w, groups, integer=False), _GLOP, lp_params)
    x = _values(lp, idx.size)
    reason = lp.termination.reason
    if x is None or reason != result_pb2.TERMINATION_REASON_OPTIMAL:
        # LP did not finish: fall back to the greedy order and the trivial bound.
        chosen = _complete(groups, np.zeros(idx.size, dtype=bool), by_priority)
        stats.rounded_components += 1
        return idx[chosen], _trivial_bound(p, idx)
    bound = _floor(lp.termination.objective_bounds.dual_bound)
    integral = np.all((x < _EPS) | (x > 1 - _EPS))
    ones = x > 1 - _EPS
    if integral and _feasible(groups, ones):
        stats.lp_integral += 1
        return idx[_complete(groups, ones, by_priority)], bound
    # LP rounding as a start (and fallback)
    rounded = _complete(groups, ones if _feasible(groups, ones) else np.zeros(idx.size, bool),
                        np.lexsort((u, c, -w, -np.round(x, 6))))
    best, best_val = rounded, int(w[rounded].sum())
    left = deadline - time.monotonic()
    if best_val < bound and left > 0.05:
        stats.mip_components += 1
        params = parameters_pb2.SolveParametersProto(threads=1, random_seed=0, node_limit=MIP_NODE_LIMIT)
        params.time_limit.FromNanoseconds(int(left * 1e9))
        mip = _run(_model(w, groups, integer=True), _HIGHS, params, hint=rounded.astype(float))
        xm = _values(mip, idx.size)
        if xm is not None:
            cand = _complete(groups, xm > 0.5, by_priority) if _feasible(groups, xm > 0.5) else None
            if cand is not None and int(w[cand].sum()) > best_val:
                best, best_val = cand, int(w[cand].sum())
        db = mip.termination.objective_bounds.dual_bound
        if math.isfinite(db):
            bound = min(bound, _floor(db))
    else:
        stats.rounded_components += 1
    return idx[best], max(bound, best_val)


def _trivial_bound(p: Pairs, idx: np.ndarray) -> int:
    # Each candidate at most once: the sum of each candidate's best pair is an upper bound.
    c, w = p.edge_c[idx], p.edge_w[idx]
    best = np.zeros(p.cand_score.size, dtype=np.int64)
    np.maximum.at(best, c, w)
    return int(best.sum())


def solve_pairs(p: Pairs, time_limit_s: float = 10.0, stats: SolveStats | None = None) -> tuple[np.ndarray, int]:
    """Chosen pair indices (sorted) and a proven upper bound on the objective."""
    start = time.monotonic()
    stats = stats if stats is not None else SolveStats()
    deadline = start + time_limit_s
    keep = reduce_pairs(p)
    stats.components, stats.pairs, stats.pairs_kept = p.n_components, p.n_edges, int(keep.size)
    chosen_parts, bound = [], 0
    comps = p.edge_comp[keep]
    order = np.argsort(comps, kind="stable")
    bounds = np.searchsorted(comps[order], np.arange(p.n_components + 1))
    for k in range(p.n_components):
        idx = keep[order[bounds[k]:bounds[k + 1]]]
        if idx.size == 0:
            continue
        # leave each remaining component a fair share of the time that is left
        remaining = p.n_components - k
        share = (deadline - time.monotonic()) / remaining
        chosen, b = _solve_component(p, idx, time.monotonic() + max(share, 0.0), stats)
        chosen_parts.append(chosen)
        bound += b
    chosen = np.sort(np.concatenate(chosen_parts)) if chosen_parts else np.zeros(0, dtype=np.int64)
    stats.seconds = time.monotonic() - start
    return chosen, bound


def solve(instance: Instance, policy: Policy = DEFAULT_POLICY, time_limit_s: float = 10.0,
          stats: SolveStats | None = None) -> Result:
    """Best placements for ``instance`` under ``policy`` (pure: no I/O)."""
    p = build_pairs(instance, policy)
    chosen, bound = solve_pairs(p, time_limit_s, stats)
    cands = {c.id: c for c in instance.candidates}
    units = {u.id: u for u in instance.units}
    assignments = []
    objective = 0
    for e in chosen.tolist():
        c = cands[p.cand_ids[int(p.edge_c[e])]]
        u = units[p.unit_ids[int(p.edge_u[e])]]
        comp = priority_components(c, u, policy)
        prio = sum(comp.model_dump().values())
        objective += prio
        assignments.append(Assignment(candidate=c.id, unit=u.id,
                                      explanation=Explanation(priority=prio, components=comp)))
    assignments.sort(key=lambda a: (a.candidate, a.unit))
    bound = max(bound, objective)
    return Result(assignments=tuple(assignments), objective=objective, bound=bound,
                  status="OPTIMAL" if objective == bound else "FEASIBLE")
