from __future__ import annotations

import json
from contracts.solver import parse_instance
from services.matcher.domain.checker import check
from services.matcher.domain.explain import passed_over, reason_counts, unoffered
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


def _instance(**overrides):
    base = {
        "period": "2026",
        "candidates": [{"id": "c1", "region": "R01", "household_size": 1, "wheelchair": False, "support": "none",
                        "days_in_shelter": 100, "youth": False, "children": 0, "medical_urgency": False,
                        "excluded_neighbourhoods": [], "preferred_neighbourhoods": []}],
        "units": [{"id": "u1", "corporation": "corp", "municipality": "GM0001", "region": "R01",
                   "neighbourhood": "BU00010001", "kind": "regular", "rooms": 1, "places": 1,
                   "wheelchair_accessible": False, "support": []}],
        "agreements": [{"corporation": "corp", "municipality": "GM0001", "period": "2026", "max_places": 5,
                        "used": 0}],
        "neighbourhood_limits": [], "declined_pairs": [],
    }
    base.update(overrides)
    return parse_instance(base)


def _unit(uid, rooms=1, **kw):
    return {"id": uid, "corporation": "corp", "municipality": "GM0001", "region": "R01",
            "neighbourhood": "BU00010001", "kind": "regular", "rooms": rooms, "places": 1,
            "wheelchair_accessible": False, "support": [], **kw}


def _why_not(inst):
    result = solve(inst)
    assert check(inst, result) == []
    return unoffered(inst, result)


def test_a_unit_left_free_says_why_first_reason_first():
    assert _why_not(_instance()) == {}  # offered: nothing to explain
    assert _why_not(_instance(agreements=[])) == {"u1": "no_agreement"}
    other_year = [{"corporation": "corp", "municipality": "GM0001", "period": "2025", "max_places": 5, "used": 0}]
    assert _why_not(_instance(agreements=other_year)) == {"u1": "no_agreement"}
    full = [{"corporation": "corp", "municipality": "GM0001", "period": "2026", "max_places": 5, "used": 5}]
    assert _why_not(_instance(agreements=full)) == {"u1": "agreement_full"}
    limit = [{"neighbourhood": "BU00010001", "period": "2026", "max_placements": 3, "used": 3}]
    assert _why_not(_instance(neighbourhood_limits=limit)) == {"u1": "neighbourhood_limit_reached"}
    assert _why_not(_instance(units=[_unit("u1", rooms=4)])) == {"u1": "no_eligible_candidate"}
    assert _why_not(_instance(declined_pairs=[["c1", "u1"]])) == {"u1": "no_eligible_candidate"}
    assert _why_not(_instance(candidates=[])) == {"u1": "no_eligible_candidate"}


def test_agreement_filled_by_this_rounds_own_offers_and_people_placed_elsewhere():
    one_left = [{"corporation": "corp", "municipality": "GM0001", "period": "2026", "max_places": 1, "used": 0}]
    inst = _instance(units=[_unit("u1"), _unit("u2")], agreements=one_left)
    assert list(_why_not(inst).values()) == ["agreement_full"]  # the round's one place went to the other unit
    two = _instance(units=[_unit("u1"), _unit("u2")])
    assert list(_why_not(two).values()) == ["eligible_candidates_placed_elsewhere"]  # one person, two units


def test_passed_over_reasons_are_the_contracts():
    from contracts.types import PassOverReason
    from services.matcher.domain.explain import REASONS
    assert set(REASONS) == {r.value for r in PassOverReason}
