"""The independent checker: accepts valid results, names every kind of violation."""
from __future__ import annotations

import numpy as np
import pytest

from contracts.solver import Assignment, Explanation, PriorityComponents, Result
from services.matcher.domain.baselines import first_come_first_served, greedy_urgency, to_result
from services.matcher.domain.checker import check
from services.matcher.domain.pairs import build_pairs
from services.matcher.domain.policy import DEFAULT_POLICY, Policy
from services.matcher.domain.solver import solve
from tests.unit.matcher.test_solver import load


def explain(priority_parts: dict[str, int]) -> Explanation:
    base = {"base": 100, "days_in_shelter": 0, "over_90_days": 0, "youth": 0, "children": 0,
            "medical_urgency": 0, "preferred_neighbourhood": 0}
    base.update(priority_parts)
    return Explanation(priority=sum(base.values()), components=PriorityComponents(**base))


# priorities from the README of the examples
TINY = {
    ("A", "u1"): explain({"days_in_shelter": 200, "over_90_days": 150}),
    ("A", "u3"): explain({"days_in_shelter": 200, "over_90_days": 150, "preferred_neighbourhood": 10}),
    ("B", "u3"): explain({"days_in_shelter": 100, "over_90_days": 150}),
    ("C", "u3"): explain({"days_in_shelter": 30, "youth": 50, "children": 80}),
}


def result(pairs: list[tuple[str, str]], objective: int | None = None, bound: int | None = None,
           status: str | None = None, table=TINY) -> Result:
    assignments = tuple(Assignment(candidate=c, unit=u, explanation=table[(c, u)]) for c, u in pairs)
    total = sum(a.explanation.priority for a in assignments)
    objective = total if objective is None else objective
    bound = objective if bound is None else bound
    status = status or ("OPTIMAL" if objective == bound else "FEASIBLE")
    return Result(assignments=assignments, objective=objective, bound=bound, status=status)


def test_readme_priorities():
    assert [TINY[k].priority for k in sorted(TINY)] == [450, 460, 350, 260]


def test_accepts_hand_checked_optima():
    for name in ("tiny", "small"):
        inst = load(name)
        assert check(inst, solve(inst)) == []
    assert check(load("tiny"), result([("A", "u1"), ("B", "u3")], bound=800)) == []


def test_greedy_on_tiny_gives_460_and_is_valid():
    inst = load("tiny")
    p = build_pairs(inst)
    greedy = to_result(inst, p, greedy_urgency(p))
    assert greedy.objective == 460
    assert [(a.candidate, a.unit) for a in greedy.assignments] == [("A", "u3")]
    assert check(inst, greedy) == []
    days = np.array([c.days_in_shelter for c in sorted(inst.candidates, key=lambda c: c.id)])
    fcfs = to_result(inst, p, first_come_first_served(p, days))
    assert fcfs.objective == 460 and check(inst, fcfs) == []


@pytest.mark.parametrize("pairs, needle", [
    ([("A", "u2")], "rooms"),                       # u2 has 3 rooms, A is a single person
    ([("B", "u1")], "wheelchair"),
    ([("C", "u1")], "excluded"),
    ([("C", "u4")], "declined"),
    ([("A", "u1"), ("A", "u3")], "placed 2 times"),
    ([("A", "u3"), ("B", "u3")], "places"),
])
def test_rejects_violations(pairs, needle):
    table = dict(TINY)
    table.setdefault(("A", "u2"), explain({"days_in_shelter": 200, "over_90_days": 150}))
    table.setdefault(("B", "u1"), explain({"days_in_shelter": 100, "over_90_days": 150}))
    table.setdefault(("C", "u1"), explain({"days_in_shelter": 30, "youth": 50, "children": 80}))
    table.setdefault(("C", "u4"), explain({"days_in_shelter": 30, "youth": 50, "children": 80}))
    problems = check(load("tiny"), result(pairs, table=table, bound=10_000))
    assert any(needle in p for p in problems), problems


def test_rejects_exceeded_neighbourhood_limit():
    inst = load("tiny")
    d = inst.model_dump(mode="json")
    d["units"][0]["rooms"] = 1
    d["units"][1]["rooms"] = 1  # now u1 and u2 both fit A and B... but BU03630001 has room for 1
    d["candidates"][1]["wheelchair"] = False
    from contracts.solver import parse_instance
    inst = parse_instance(d)
    table = dict(TINY)
    table[("B", "u2")] = explain({"days_in_shelter": 100, "over_90_days": 150})
    problems = check(inst, result([("A", "u1"), ("B", "u2")], table=table))
    assert any("neighbourhood BU03630001" in p for p in problems), problems


def test_rejects_exceeded_agreement_and_missing_agreement():
    inst = load("small")
    s1 = explain({"days_in_shelter": 140, "over_90_days": 150})
    table = {("P1", "S1"): s1,
             ("P2", "S1"): explain({"days_in_shelter": 95, "over_90_days": 150, "youth": 50,
                                    "preferred_neighbourhood": 10}),
             ("P3", "F1"): explain({"days_in_shelter": 60, "youth": 50}),
             ("P2", "N1"): explain({"days_in_shelter": 95, "over_90_days": 150, "youth": 50})}
    problems = check(inst, result([("P1", "S1"), ("P2", "S1"), ("P3", "F1")], table=table, bound=5000))
    assert problems == ["agreement corp-a/GM0363: 3 placements + 1 used > 3"], problems
    problems = check(inst, result([("P2", "N1")], table=table, bound=5000))
    assert any("no agreement" in p for p in problems), problems              # corp-c has none


def test_rejects_wrong_objective_bound_status_and_explanation():
    inst = load("tiny")
    assert any("objective" in p for p in check(inst, result([("A", "u1"), ("B", "u3")], objective=900, bound=900)))
    assert any("bound" in p for p in check(inst, result([("A", "u1"), ("B", "u3")], bound=700)))
    assert any("status" in p for p in check(inst, result([("A", "u1"), ("B", "u3")], bound=900, status="OPTIMAL")))
    wrong = dict(TINY)
    wrong[("A", "u1")] = explain({"days_in_shelter": 200, "over_90_days": 150, "youth": 50})
    assert any("priority" in p for p in check(inst, result([("A", "u1")], table=wrong)))


def test_rejects_unsorted_and_unknown():
    inst = load("tiny")
    assert any("sorted" in p for p in check(inst, result([("B", "u3"), ("A", "u1")])))
    table = dict(TINY)
    table[("Z", "u1")] = TINY[("A", "u1")]
    assert any("unknown candidate" in p for p in check(inst, result([("Z", "u1")], table=table)))


def test_policy_is_respected_by_checker():
    inst = load("tiny")
    policy = Policy(youth_bonus=0)
    res = solve(inst, policy)
    assert check(inst, res, policy) == []
    assert check(inst, solve(inst, Policy(base=120)), DEFAULT_POLICY) != []
