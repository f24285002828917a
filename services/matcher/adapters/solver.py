"""The solver port as the service uses it: a JSON-shaped instance in, a JSON-shaped result out.

OR-Tools and the solver are imported here, at the worker's start, so that they are part of the
start-up heap that services.kernel.heap freezes rather than of the first round.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from contracts.solver import Result, parse_instance
from services.matcher.domain.fixed import admissible_fixed_pairs
from services.kernel.config import settings
from services.matcher.domain.explain import RoundExplanation
from services.matcher.domain.explain import explain_round as explain
from services.matcher.domain.policy import DEFAULT_POLICY, Policy
from services.matcher.domain.solver import solve


@lru_cache
def base_policy() -> Policy:
    """The product's policy under every region's own (MATCH_POLICY_FILE, else the default)."""
    path = settings().match_policy_file
    return Policy.load(path) if path else DEFAULT_POLICY


_policy = base_policy


def admit_fixed_pairs(instance: dict[str, Any]) -> tuple[dict[str, Any], dict[tuple[str, str], list[str]]]:
    """The instance with only the manual matches that break no rule, and the refused ones with their rules."""
    if not instance.get("fixed_assignments"):
        return instance, {}
    admitted, refused = admissible_fixed_pairs(parse_instance(instance), base_policy())
    return {**instance, "fixed_assignments": [list(p) for p in admitted.fixed_assignments]}, refused


def solve_instance(instance: dict[str, Any], time_limit_s: float) -> dict[str, Any]:
    return solve(parse_instance(instance), _policy(), time_limit_s=time_limit_s).model_dump(mode="json")


def explain_round(instance: dict[str, Any], result: dict[str, Any]) -> RoundExplanation:
    """Who was passed over for each offer and why units were left free (services.matcher.domain.explain)."""
    return explain(parse_instance(instance), Result.model_validate(result), _policy())
