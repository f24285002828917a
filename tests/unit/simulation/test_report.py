"""The simulator's report: the same inputs give the same bytes, and no strategy beats hindsight."""
from __future__ import annotations

import json

import pytest

from services.system.simulation.cli import main
from contracts import events as ev
from services.system.simulation.scenario import ScenarioParams, generate
from services.system.simulation.variants import apply_changes, load_variants

ARGS = ["--regions", "2", "--days", "40", "--seeds", "2", "--seed", "7", "--quiet"]


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    out = []
    for k in range(2):
        d = tmp_path_factory.mktemp(f"run{k}")
        assert main([*ARGS, "--out", str(d / "report.json"), "--html", str(d / "report.html")]) == 0
        out.append(d)
    return out


def test_the_same_inputs_give_a_byte_identical_report(two_runs):
    first, second = two_runs
    for name in ("report.json", "report.csv", "report.html"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    # run metadata lives beside it, not in it
    assert "seconds_total" in json.loads((first / "report.meta.json").read_text())
    assert str(first) not in (first / "report.json").read_text()


def test_the_hindsight_optimum_is_at_least_every_strategys_objective(two_runs):
    report = json.loads((two_runs[0] / "report.json").read_text())
    names = [v["name"] for v in report["variants"]]
    assert names == ["matcher", "greedy", "fcfs", "look_ahead"]
    for v in report["variants"]:
        for run in v["per_seed"]:
            assert run["placed"] > 0
            assert run["hindsight_optimum"] >= run["objective"], (v["name"], run["seed"])
        assert v["hindsight_metrics"]["all"]["placed"]["mean"] > 0  # its assignment, measured alike
    assert report["hindsight_at_least_every_objective"] is True


def test_variants_are_checked_and_unsupported_changes_say_why(tmp_path):
    path = tmp_path / "v.json"
    path.write_text(json.dumps([{"name": "x", "changes": {"strategy": "lottery"}}]))
    with pytest.raises(ValueError, match=r"changes.strategy"):
        load_variants(path)
    path.write_text(json.dumps([{"name": "x", "changes": {"support_capacity": {"p": 3}}}]))
    with pytest.raises(ValueError, match="changes.support_capacity"):
        load_variants(path)
    path.write_text(json.dumps([{"name": "more places", "changes": {"agreements": [{"extra_places": 30}],
                                                                  "policy": {"youth_bonus": 90},
                                                                  "batching_window_hours": 6}}]))
    [variant] = load_variants(path)
    assert variant.changes.agreements[0].extra_places == 30 and variant.changes.policy.youth_bonus == 90


def test_a_variant_changes_the_agreements_and_limits_it_names_and_no_other(tmp_path):
    base, changed = generate(3, ScenarioParams(regions=2, days=30)), generate(3, ScenarioParams(regions=2, days=30))
    path = tmp_path / "v.json"
    path.write_text(json.dumps([{"name": "v", "changes": {
        "agreements": [{"corporation": "corp-r01-0", "extra_places": 30}], "limits": [{"max_placements": 0}]}}]))
    [variant] = load_variants(path)
    apply_changes(changed, variant.changes)
    for (_, before), (_, after) in zip(base.arrivals, changed.arrivals):
        if isinstance(before, ev.AgreementRegistered):
            extra = 30 if before.corporation == "corp-r01-0" else 0
            assert after.max_places == before.max_places + extra
        elif isinstance(before, ev.NeighbourhoodLimitSet):
            assert after.max_placements == 0
        else:
            assert after == before

