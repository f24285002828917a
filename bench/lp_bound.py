"""The benchmark's LP bound, built independently of the matcher's model code (see bench/national.py)."""
from __future__ import annotations


def lp_bound(p) -> float:
    """LP relaxation over all eligible pairs, one GLOP model per component (pywraplp), plus the
    fixed pairs (their rooms are already taken off)."""
    import numpy as np
    from ortools.linear_solver import pywraplp

    total = 0.0
    order = np.argsort(p.edge_comp, kind="stable")
    bounds = np.searchsorted(p.edge_comp[order], np.arange(p.n_components + 1))
    for k in range(p.n_components):
        idx = order[bounds[k]:bounds[k + 1]]
        if idx.size == 0:
            continue
        s = pywraplp.Solver.CreateSolver("GLOP")
        xs = [s.NumVar(0.0, 1.0, "") for _ in range(idx.size)]
        rows: dict[tuple[str, int], list[int]] = {}
        caps: dict[tuple[str, int], int] = {}
        for j, e in enumerate(idx.tolist()):
            c, u = int(p.edge_c[e]), int(p.edge_u[e])
            a, n, v = int(p.unit_agr[u]), int(p.unit_nb[u]), int(p.cand_prov[c])
            keys = [("c", c), ("u", u), ("a", a)] + ([("n", n)] if n >= 0 else []) + ([("s", v)] if v >= 0 else [])
            for key in keys:
                rows.setdefault(key, []).append(j)
            caps[("c", c)] = 1
            caps[("u", u)] = int(p.unit_cap[u])
            caps[("a", a)] = int(p.agr_room[a])
            if n >= 0:
                caps[("n", n)] = int(p.nb_room[n])
            if v >= 0:
                caps[("s", v)] = int(p.prov_room[v])
        for key, members in rows.items():
            ct = s.Constraint(-s.infinity(), float(caps[key]))
            for j in members:
                ct.SetCoefficient(xs[j], 1.0)
        obj = s.Objective()
        for j, e in enumerate(idx.tolist()):
            obj.SetCoefficient(xs[j], float(p.edge_w[e]))
        obj.SetMaximization()
        status = s.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            raise RuntimeError(f"LP of component {k} not solved to optimality (status {status})")
        total += obj.Value()
    return total + float(p.fixed_w.sum())  # fixed pairs are in every solution
