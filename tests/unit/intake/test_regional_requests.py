"""Issue 20: the requests of the regions' own rules refuse bad input with the field's path, never its value."""
from __future__ import annotations

import json
from datetime import date

import pytest

from services.intake.domain import regional_models as m
from services.intake.domain import rules
from services.kernel.http import HttpProblem, validate_json

TODAY = date(2026, 12, 3)


def check(model, body):
    return validate_json(json.dumps(body).encode(), model, context={rules.TODAY: TODAY})


def refusal(model, body) -> HttpProblem:
    with pytest.raises(HttpProblem) as exc:
        check(model, body)
    assert exc.value.status == 400
    return exc.value


def test_a_region_policy_is_any_field_of_the_solver_policy_from_today_on():
    body = check(m.RegisterRegionPolicy, {"effective_from": "2026-12-03", "policy": {
        "youth_bonus": 80, "review": {"enabled": True}, "refusals": {"valid_categories": ["household_changed"]},
        "affordability": {"enabled": True, "limit_small": 650.43}}})
    assert body.policy.model_dump(mode="json") == {  # only what was given travels on
        "youth_bonus": 80, "review": {"enabled": True}, "refusals": {"valid_categories": ["household_changed"]},
        "affordability": {"enabled": True, "limit_small": 650.43}}
    problem = refusal(m.RegisterRegionPolicy, {"effective_from": "2026-12-02", "policy": {}})
    assert [e["name"] for e in problem.errors] == ["effective_from"]


def test_an_invalid_policy_is_refused_with_each_fields_path_and_no_value():
    problem = refusal(m.RegisterRegionPolicy, {"effective_from": "2026-12-03", "policy": {
        "days_weight": -4, "refusals": {"park_days": "zestig", "valid_categories": ["geheim-1234"]},
        "review": {"enabled": None}, "unknown": 1}})
    assert sorted(e["name"] for e in problem.errors) == [
        "policy.days_weight", "policy.refusals.park_days", "policy.refusals.valid_categories.0",
        "policy.review.enabled", "policy.unknown"]
    assert "zestig" not in json.dumps(problem.errors) and "geheim-1234" not in json.dumps(problem.errors)


def test_a_hold_lies_ahead_and_a_provider_uses_no_more_than_its_room():
    assert refusal(m.Hold, {"unit_id": "corp:A-1", "until": "2026-12-03", "reason": "x"}).errors[0]["name"] == "until"
    assert refusal(m.SetSupportCapacity, {"period": "2026", "max_new_clients": 2, "used": 3}).errors[0]["name"] \
        == "used"
