"""The look-ahead strategy in the pure solver (issue 21): a scarce home is priced, kept back or not."""
from __future__ import annotations

from contracts.solver import parse_instance
from services.matcher.domain.checker import check
from services.matcher.domain.policy import DEFAULT_POLICY
from services.matcher.domain.solver import solve

LOOK_AHEAD = DEFAULT_POLICY.model_copy(update={"strategy": "look_ahead"})


def cand(cid, days, wheelchair=False):
    return {"id": cid, "region": "R01", "household_size": 1, "wheelchair": wheelchair, "support": "none",
            "days_in_shelter": days, "youth": False, "children": 0, "medical_urgency": False}


def unit(uid, accessible=False):
    return {"id": uid, "corporation": "corp", "municipality": "GM0001", "region": "R01",
            "neighbourhood": "BU00010001", "kind": "regular", "rooms": 1, "places": 1,
            "wheelchair_accessible": accessible, "support": ["none"]}


def instance(days_open=0, forecast=True, waiting=(("a", 120, False),)):
    raw = {"period": "2027", "candidates": [cand(*w) for w in waiting], "units": [unit("acc", True)],
           "agreements": [{"corporation": "corp", "municipality": "GM0001", "period": "2027", "max_places": 50,
                           "used": 0}]}
    if forecast:  # wheelchair users expected, ordinary homes aplenty, no accessible home
        raw["forecast"] = {"candidates": [cand("fw1", 20, True), cand("fw2", 10, True), cand("fn1", 5)],
                           "units": [unit("fr1"), unit("fr2"), unit("fr3")], "days_open": {"acc": days_open}}
    return parse_instance(raw)


def test_without_the_strategy_or_a_forecast_nothing_changes():
    for inst, policy in ((instance(), DEFAULT_POLICY), (instance(forecast=False), LOOK_AHEAD)):
        result = solve(inst, policy)
        assert [(a.candidate, a.unit) for a in result.assignments] == [("a", "acc")]
        assert "look_ahead" not in result.assignments[0].explanation.components.model_dump()


def test_the_accessible_home_is_kept_while_ordinary_homes_are_coming():
    assert solve(instance(), LOOK_AHEAD).assignments == ()


def test_but_never_past_the_set_time():
    inst = instance(days_open=LOOK_AHEAD.look_ahead_max_hold_days)
    result = solve(inst, LOOK_AHEAD)
    assert [(a.candidate, a.unit) for a in result.assignments] == [("a", "acc")]
    assert check(inst, result, LOOK_AHEAD) == []


def test_a_waiting_wheelchair_user_gets_it_with_its_price_explained():
    inst = instance(waiting=(("a", 120, False), ("w", 30, True)))
    result = solve(inst, LOOK_AHEAD)
    [a] = result.assignments
    assert (a.candidate, a.unit) == ("w", "acc")
    parts = a.explanation.components.model_dump()
    assert parts["look_ahead"] < 0 and a.explanation.priority == sum(parts.values())
    assert check(inst, result, LOOK_AHEAD) == []
