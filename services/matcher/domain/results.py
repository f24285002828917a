"""From chosen pairs to a Result with its explanations (pure), for the solver and the baselines."""
from __future__ import annotations

import numpy as np

from contracts.solver import Assignment, Explanation, Instance, Result
from services.matcher.domain.pairs import Pairs
from services.matcher.domain.policy import DEFAULT_POLICY, Policy, priority_components, regional

__all__ = ["assemble"]


def assemble(instance: Instance, p: Pairs, chosen: np.ndarray, bound: int,
             policy: Policy = DEFAULT_POLICY, look_ahead: np.ndarray | None = None) -> Result:
    """The chosen edges plus the fixed pairs; ``bound`` is over the edges (the fixed pairs are added).
    ``look_ahead``: per edge, the look-ahead component already in ``p``'s weights (look_ahead.py)."""
    cands = {c.id: c for c in instance.candidates}
    units = {u.id: u for u in instance.units}
    policy_of = regional(instance, policy)
    extra = [0 if look_ahead is None else int(look_ahead[e]) for e in chosen.tolist()]
    pairs = [(int(p.edge_c[e]), int(p.edge_u[e])) for e in chosen.tolist()]
    pairs += list(zip(p.fixed_c.tolist(), p.fixed_u.tolist()))
    extra += [0] * p.fixed_c.size
    out = []
    for (ci, ui), cost in zip(pairs, extra):
        c, u = cands[p.cand_ids[ci]], units[p.unit_ids[ui]]
        comp = priority_components(c, u, policy_of(u.region))
        if cost:
            comp = comp.model_copy(update={"look_ahead": cost})
        out.append(Assignment(candidate=c.id, unit=u.id,
                              explanation=Explanation(priority=sum(comp.model_dump().values()), components=comp)))
    out.sort(key=lambda a: (a.candidate, a.unit))
    objective = sum(a.explanation.priority for a in out)
    bound = max(objective, bound + int(p.fixed_w.sum()))
    return Result(assignments=tuple(out), objective=objective, bound=bound,
                  status="OPTIMAL" if objective == bound else "FEASIBLE")
