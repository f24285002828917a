"""Malformed instances give clear errors naming the field path; the schemas and the CLI."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from contracts import solver as contract
from contracts.solver import InstanceError, parse_instance
from services.matcher.entrypoints.solve_cli import main
from tests.unit.matcher.test_solver import EXAMPLES

SCHEMAS = Path(contract.__file__).parent / "schemas"


def tiny() -> dict:
    return json.loads((EXAMPLES / "instance-tiny.json").read_text())


def errors_of(d) -> list[str]:
    with pytest.raises(InstanceError) as info:
        parse_instance(d if isinstance(d, (str, bytes)) else json.dumps(d))
    return info.value.errors


def test_examples_are_valid():
    for name in ("tiny", "small"):
        parse_instance((EXAMPLES / f"instance-{name}.json").read_bytes())


def test_unknown_field_is_named():
    d = tiny()
    d["candidates"][1]["bsn"] = "123456782"
    assert errors_of(d) == ["candidates[1].bsn: Extra inputs are not permitted"]
    d = tiny()
    d["extra"] = 1
    assert errors_of(d) == ["extra: Extra inputs are not permitted"]


def test_duplicate_ids():
    d = tiny()
    d["candidates"][2]["id"] = "A"
    d["units"][3]["id"] = "u1"
    assert errors_of(d) == ["candidates[2].id: duplicate candidate id, first given at index 0",
                            "units[3].id: duplicate unit id, first given at index 0"]


def test_duplicate_agreement_and_limit():
    d = tiny()
    d["agreements"].append(dict(d["agreements"][0]))
    d["neighbourhood_limits"].append(dict(d["neighbourhood_limits"][0]))
    errs = errors_of(d)
    assert errs[0].startswith("agreements[2]: duplicate agreement")
    assert errs[1].startswith("neighbourhood_limits[1]: duplicate limit")


@pytest.mark.parametrize("path, value, expected", [
    (("candidates", 2, "household_size"), "3", "candidates[2].household_size: Input should be a valid integer"),
    (("candidates", 0, "wheelchair"), 1, "candidates[0].wheelchair: Input should be a valid boolean"),
    (("candidates", 0, "days_in_shelter"), -1, "candidates[0].days_in_shelter: Input should be greater than or equal to 0"),
    (("units", 1, "places"), 0, "units[1].places: Input should be greater than or equal to 1"),
    (("agreements", 0, "max_places"), 2.5, "agreements[0].max_places: Input should be a valid integer"),
])
def test_wrong_type_names_field(path, value, expected):
    d = tiny()
    target = d
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert errors_of(d) == [expected]


def test_bad_enum_names_field_and_not_value():
    d = tiny()
    d["candidates"][1]["support"] = "SECRET-VALUE"
    d["units"][0]["kind"] = "castle"
    errs = errors_of(d)
    assert errs[0].startswith("candidates[1].support: Input should be 'none', 'light'")
    assert errs[1].startswith("units[0].kind: Input should be 'regular'")
    assert not any("SECRET" in e or "castle" in e for e in errs)


def test_bad_codes_and_missing_fields():
    d = tiny()
    d["units"][0]["municipality"] = "0363"
    del d["candidates"][0]["region"]
    d["declined_pairs"] = [["C"]]
    errs = errors_of(d)
    assert "candidates[0].region: Field required" in errs
    assert any(e.startswith("units[0].municipality: String should match pattern") for e in errs)
    assert "declined_pairs[0][1]: Field required" in errs


def test_not_json_and_not_an_object():
    assert errors_of("{oops")[0].startswith("(document): Invalid JSON")
    assert errors_of("[]") == ["(document): Input should be an object"]


def test_committed_schemas_equal_generated(tmp_path):
    written = contract.write_solver_schemas(tmp_path)
    assert {p.name for p in written} == {"solver-instance.schema.json", "solver-result.schema.json"}
    for p in written:
        assert (SCHEMAS / p.name).read_text() == p.read_text(), f"regenerate {p.name}: python -m contracts.solver"
    schema = contract.instance_json_schema()
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) >= {"period", "candidates", "units"}
    assert "objective" in contract.result_json_schema()["properties"]


# -- CLI ---------------------------------------------------------------------------------------

def test_cli_writes_result(tmp_path, capsys):
    out = tmp_path / "out" / "result.json"
    assert main([str(EXAMPLES / "instance-small.json"), "--out", str(out), "--time-limit", "5"]) == 0
    res = json.loads(out.read_text())
    assert res["objective"] == 1545 and res["status"] == "OPTIMAL"
    assert [a["candidate"] for a in res["assignments"]] == ["P1", "P2", "P5"]


def test_cli_policy_file(tmp_path):
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"youth_bonus": 0}))
    out = tmp_path / "r.json"
    assert main([str(EXAMPLES / "instance-small.json"), "--out", str(out), "--policy", str(policy)]) == 0
    assert json.loads(out.read_text())["objective"] == 1495


def test_cli_bad_file_exit_2_no_result(tmp_path, capsys):
    d = tiny()
    d["candidates"][2]["household_size"] = "three"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(d))
    out = tmp_path / "r.json"
    assert main([str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "candidates[2].household_size" in err and "three" not in err
    assert not out.exists()


def test_cli_missing_file_and_bad_policy(tmp_path, capsys):
    out = tmp_path / "r.json"
    assert main([str(tmp_path / "nope.json"), "--out", str(out)]) == 2
    assert "cannot read instance" in capsys.readouterr().err
    policy = tmp_path / "p.json"
    policy.write_text(json.dumps({"youth_bonus": "lots"}))
    assert main([str(EXAMPLES / "instance-tiny.json"), "--out", str(out), "--policy", str(policy)]) == 2
    assert "youth_bonus" in capsys.readouterr().err
    assert not out.exists()


def test_cli_usage_error_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["only-instance.json"])
    assert info.value.code == 2
