from __future__ import annotations

import json
from contracts.solver import parse_instance
from services.matcher.domain.checker import check
from services.matcher.domain.explain import passed_over, reason_counts
from services.matcher.domain.solver import solve

from tests.unit.matcher.test_solver import EXAMPLES


def load(name: str):
    return parse_instance(json.loads((EXAMPLES / name).read_text()))


def test_tiny_example_explains_who_was_passed_over():
    inst = load("instance-tiny.json")
    result = solve(inst)
    assert check(inst, result) == []
    why = passed_over(inst, result)
    # A (score 450) got u1; nobody is more urgent than A.
    assert why[("A", "u1")] == []
    # B (score 350) got u3 although A is more urgent: A was placed elsewhere (u1), the optimum.
    assert [(p.candidate, p.reason) for p in why[("B", "u3")]] == [("A", "placed_elsewhere")]


def test_small_example_names_the_failing_rule():
    inst = load("instance-small.json")
    result = solve(inst)
    why = passed_over(inst, result)
    # H1 (Housing First, rooms 2) went to P5, the most urgent person: nobody was passed over.
    assert why[("P5", "H1")] == []
    # S1 (shared) went to P1 and P2; P5 (household of 2) is more urgent but cannot take a shared unit.
    # P2 (more urgent) shares S1 with P1; P6 lives in another region; the failing rule comes first.
    assert [(p.candidate, p.reason) for p in why[("P1", "S1")]] == [("P5", "household_too_large_for_shared_unit")]
    assert reason_counts(why[("P1", "S1")]) == {"household_too_large_for_shared_unit": 1}
