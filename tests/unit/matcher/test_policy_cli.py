"""The regions' rules (issue 19) on generated regions and through ``housing-match solve``."""
from __future__ import annotations

import json

from contracts.solver import parse_instance
from services.matcher.domain.checker import check
from services.matcher.domain.solver import solve
from tests.unit.matcher.test_policy_rules import load


def test_generated_regions_with_every_rule_check_and_are_optimal():
    from bench.generator import generate
    from bench.rules import RULES, add_rules
    from collections import Counter

    d = add_rules(generate(seed=3, n_regions=6, n_candidates=1500, n_units=330), 3, set(RULES))
    demand = Counter(c["support_provider"] for c in d["candidates"] if c.get("support_provider"))
    for row in d["support_providers"]:
        if row["period"] == "2026":
            assert row["max_new_clients"] - row["used"] <= demand[row["id"]] / 10
    inst = parse_instance(d)
    assert len(inst.fixed_assignments) == 100
    result = solve(inst)
    assert check(inst, result) == []
    assert result.status == "OPTIMAL"
    placed = {(a.candidate, a.unit) for a in result.assignments}
    assert all(tuple(pair) in placed for pair in inst.fixed_assignments)


def test_solve_command_layers_policy_file_under_the_instance(tmp_path):
    from services.matcher.entrypoints.solve_cli import main

    d = load("policy")
    del d["region_policies"]["R02"]["youth_bonus"]  # R02's youth bonus now comes from the file
    (tmp_path / "i.json").write_text(json.dumps(d))
    (tmp_path / "p.json").write_text(json.dumps({"youth_bonus": 120, "exit_bonus": 1}))
    args = [str(tmp_path / "i.json"), "--out", str(tmp_path / "r.json"), "--policy", str(tmp_path / "p.json")]
    assert main(args) == 0
    result = json.loads((tmp_path / "r.json").read_text())
    by = {a["candidate"]: a["explanation"]["components"] for a in result["assignments"]}
    assert by["E"]["youth"] == 120  # the file's, under no instance override
    assert by["D"]["exit_from_institution"] == 0 and all(c["exit_from_institution"] in (0, 100) for c in by.values())


def test_solve_command_refuses_a_fixed_pair_naming_it(tmp_path, capsys):
    from services.matcher.entrypoints.solve_cli import main

    d = load("policy")
    d["fixed_assignments"] = [["C", "u3"]]
    (tmp_path / "i.json").write_text(json.dumps(d))
    assert main([str(tmp_path / "i.json"), "--out", str(tmp_path / "r.json")]) == 2
    assert "fixed_assignments[0] (C -> u3): breaks the eligibility rule rent_not_affordable" in capsys.readouterr().err
    assert not (tmp_path / "r.json").exists()
