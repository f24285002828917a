"""The strategies a simulation compares: each is a solve function a round calls, as the service's is.

* ``matcher``: the matcher's solver (services.matcher.domain.solver.solve) under the variant's policy;
* ``greedy``: urgency order (services.matcher.domain.baselines.greedy_urgency);
* ``fcfs``: first come, first served (baselines.first_come_first_served);
* ``look_ahead``: the matcher's solver with the look-ahead strategy switched on in the policy and
  the forecast of the coming weeks (forecast.py) in the instance: the solver prices the homes.

Every one of them uses the same eligibility and priority (pairs.build_pairs, policy.py).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from contracts.solver import parse_instance
from services.matcher.domain.baselines import first_come_first_served, greedy_urgency, to_result
from services.matcher.domain.pairs import build_pairs
from services.matcher.domain.policy import Policy
from services.matcher.domain.solver import solve
from services.system.simulation.forecast import with_forecast
from services.system.simulation.history import History

STRATEGIES = ("matcher", "greedy", "fcfs", "look_ahead")
SOLVE_SECONDS = 5.0


def make_solver(strategy: str, policy: Policy, region_policies: dict[str, Any] | None = None
                ) -> Callable[[History], Callable[[dict], dict]]:
    """A factory the engine calls with its history: instance (dict) -> result (dict)."""
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy: unknown, choose one of {', '.join(STRATEGIES)}")
    if strategy == "look_ahead":
        policy = policy.model_copy(update={"strategy": "look_ahead"})

    def factory(history: History) -> Callable[[dict], dict]:
        def solve_round(raw: dict) -> dict:
            if region_policies:
                raw = {**raw, "region_policies": region_policies}
            if strategy == "look_ahead" or any(p.get("strategy") == "look_ahead"
                                               for p in (region_policies or {}).values()):
                raw = with_forecast(raw, history, policy)
            instance = parse_instance(raw)
            if strategy in ("matcher", "look_ahead"):
                return solve(instance, policy, time_limit_s=SOLVE_SECONDS).model_dump(mode="json")
            pairs = build_pairs(instance, policy)
            if strategy == "greedy":
                chosen = greedy_urgency(pairs)
            else:
                days = {c.id: c.days_in_shelter for c in instance.candidates}
                chosen = first_come_first_served(pairs, np.asarray([days[c] for c in pairs.cand_ids],
                                                                   dtype=np.int64))
            return to_result(instance, pairs, chosen, policy).model_dump(mode="json")
        return solve_round
    return factory
