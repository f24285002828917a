"""From chosen pairs to a Result with its explanations (pure), for the solver and the baselines."""
from __future__ import annotations

import numpy as np

from contracts.solver import Assignment, Explanation, Instance, Result
from services.matcher.domain.pairs import Pairs
from services.matcher.domain.policy import DEFAULT_POLICY, Policy, priority_components, regional

__all__ = ["assemble"]


def assemble(instance: Instance, p: Pairs, chosen: np.ndarray, bound: int,
             policy: Policy = DEFAULT_POLICY) -> Result:
    """The chosen edges plus the fixed pairs; ``bound`` is over the edges (the fixed pairs are added)."""
    cands = {c.id: c for c in instance.candidates}
    units = {u.id: u for u in instance.units}
    policy_of = regional(instance, policy)
    pairs = [(int(p.edge_c[e]), int(p.edge_u[e])) for e in chosen.tolist()]
    pairs += list(zip(p.fixed_c.tolist(), p.fixed_u.tolist()))
    out = []
    for ci, ui in pairs:
        c, u = cands[p.cand_ids[ci]], units[p.unit_ids[ui]]
        comp = priority_components(c, u, policy_of(u.region))
        out.append(Assignment(candidate=c.id, unit=u.id,
                              explanation=Explanation(priority=sum(comp.model_dump().values()), components=comp)))
    out.sort(key=lambda a: (a.candidate, a.unit))
    objective = sum(a.explanation.priority for a in out)
    bound = max(objective, bound + int(p.fixed_w.sum()))
    return Result(assignments=tuple(out), objective=objective, bound=bound,
                  status="OPTIMAL" if objective == bound else "FEASIBLE")
