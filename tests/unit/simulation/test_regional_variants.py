"""A variant's support providers' room and refusal rules reach the matcher as its own events and bite."""
from __future__ import annotations

import json

import pytest

from services.matcher.domain.policy import DEFAULT_POLICY
from services.system.simulation.acceptance import AcceptanceModel
from services.system.simulation.engine import simulate
from services.system.simulation.scenario import ScenarioParams, generate
from services.system.simulation.strategies import make_solver
from services.system.simulation.variants import Changes, apply_changes, load_variants

PARAMS = ScenarioParams(regions=1, days=40)
PROVIDER = "support-r01"


def run(changes: Changes):
    scenario = generate(7, PARAMS)
    apply_changes(scenario, changes)
    outcome = simulate(scenario, make_solver("matcher", DEFAULT_POLICY), AcceptanceModel())
    return outcome, outcome.history


def providers_clients_placed(outcome, history) -> int:
    return sum(history.candidates[p.candidate_id].support_provider_id == PROVIDER for p in outcome.placements)


def test_a_tiny_provider_room_places_fewer_of_its_clients():
    free = providers_clients_placed(*run(Changes()))
    tiny = providers_clients_placed(*run(Changes(support_capacity=[{"provider": PROVIDER, "max_new_clients": 1}])))
    assert free > 1 and tiny <= 1


def test_one_decline_is_enough_to_park_under_strict_rules_and_not_by_default():
    default, _ = run(Changes())
    strict, _ = run(Changes(refusal_rules={"max_declines": 1, "valid_categories": []}))
    assert strict.counts["CandidateParked"] > default.counts["CandidateParked"]


def test_the_new_changes_are_checked_and_refusals_in_the_policy_are_pointed_to_refusal_rules(tmp_path):
    path = tmp_path / "v.json"
    path.write_text(json.dumps([{"name": "x", "changes": {"refusal_rules": {"max_declines": 0}}}]))
    with pytest.raises(ValueError, match=r"refusal_rules.max_declines"):
        load_variants(path)
    path.write_text(json.dumps([{"name": "x", "changes": {"policy": {"refusals": {"max_declines": 1}}}}]))
    with pytest.raises(ValueError, match=r"policy.refusals: the solver does not apply it"):
        load_variants(path)
    path.write_text(json.dumps([{"name": "x", "changes": {"support_capacity": [{"max_new_clients": 2}],
                                                          "refusal_rules": {"park_days": 10}}}]))
    [variant] = load_variants(path)
    assert variant.changes.support_capacity[0].max_new_clients == 2
