"""Run every variant on every seed: the simulation, its measurements and the hindsight optimum."""
from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from services.matcher.domain.policy import DEFAULT_POLICY
from services.system.simulation.acceptance import AcceptanceModel
from services.system.simulation.engine import Timing, simulate
from services.system.simulation.hindsight import Hindsight
from services.system.simulation.metrics import measure, use_of_rules
from services.system.simulation.scenario import Scenario, ScenarioParams, generate
from services.system.simulation.strategies import make_solver
from services.system.simulation.variants import Variant, apply_changes


@dataclass
class RunResult:
    variant: str
    seed: int
    metrics: dict[str, dict[str, float]]
    rules: dict[str, float]
    objective: int
    hindsight: int
    hindsight_bound: int
    #: metrics.py's measures of the hindsight optimum's assignment (hindsight.py ``measures``)
    hindsight_metrics: dict[str, dict[str, float]]
    #: run metadata, never in the report: the simulation's and the hindsight optimum's seconds
    seconds: float = field(default=0.0, compare=False)
    hindsight_seconds: float = field(default=0.0, compare=False)
    cpu_seconds: float = field(default=0.0, compare=False)  # the simulation's own CPU time (a loaded machine)


ScenarioOf = Callable[[int], Scenario]


def run_one(variant: Variant, seed: int, params: ScenarioParams, hindsight_cache: dict,
            on_day: Callable[[int], None] | None = None, scenario_of: ScenarioOf | None = None,
            acceptance: AcceptanceModel = AcceptanceModel()) -> RunResult:
    """One variant on one seed: the seed's generated scenario, or ``scenario_of(seed)`` (a replay of the
    recorded history, where the seed drives only the answers); ``acceptance`` is the model a variant's
    ``acceptance`` changes start from (the default one, or the one calibrated from the recorded answers)."""
    start, cpu = time.perf_counter(), time.process_time()
    ch = variant.changes
    scenario = scenario_of(seed) if scenario_of else generate(seed, params)
    apply_changes(scenario, ch)
    policy = DEFAULT_POLICY.overridden(ch.policy)
    region_policies = {r: p.model_dump(exclude_unset=True) for r, p in sorted(ch.region_policies.items())}
    acceptance = dataclasses.replace(acceptance, **ch.acceptance)
    outcome = simulate(scenario, make_solver(ch.strategy, policy, region_policies), acceptance,
                       Timing(ch.batching_window_hours, ch.offer_deadline_hours), on_day)
    history, simulated, cpu = outcome.history, time.perf_counter(), time.process_time() - cpu
    # The hindsight optimum depends on the scenario and the rules, not on the strategy or timing.
    key = (seed, json.dumps([ch.agreements and [a.model_dump() for a in ch.agreements],
                             ch.limits and [lim.model_dump() for lim in ch.limits],
                             policy.model_copy(update={"strategy": "optimal"}).model_dump(),
                             region_policies], sort_keys=True, default=str))
    if key not in hindsight_cache:
        model = Hindsight(history, policy.model_copy(update={"strategy": "optimal"}), region_policies)
        hindsight_cache[key] = (model, *model.optimum(), model.measures())
    model, best, bound, best_measures = hindsight_cache[key]
    return RunResult(variant.name, seed, measure(outcome, history), use_of_rules(outcome, history),
                     model.objective_of(outcome.placements), best, bound, best_measures, simulated - start,
                     time.perf_counter() - simulated, cpu)


def run_all(variants: list[Variant], seeds: list[int], params: ScenarioParams,
            progress: Callable[[str, int, int], Any] | None = None, scenario_of: ScenarioOf | None = None,
            acceptance: AcceptanceModel = AcceptanceModel()) -> list[RunResult]:
    """``progress(task, day, days)`` after every simulated day of every run."""
    cache: dict = {}
    results = []
    for seed in seeds:  # seed-major: a seed's hindsight model is built once and then dropped
        cache.clear()
        for v in variants:
            task = f"{v.name} · seed {seed}"
            day_cb = (lambda day, task=task: progress(task, day, params.days)) if progress else None
            results.append(run_one(v, seed, params, cache, day_cb, scenario_of, acceptance))
    order = {v.name: i for i, v in enumerate(variants)}
    return sorted(results, key=lambda r: (order[r.variant], r.seed))
