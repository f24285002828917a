"""The pure solver: hand-checked optima, exactness against brute force, speed on small regions."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.solver import Instance, parse_instance
from services.matcher.domain.checker import check
from services.matcher.domain.policy import DEFAULT_POLICY, Policy
from services.matcher.domain import solver as solver_module
from services.matcher.domain.solver import SolveStats, solve

EXAMPLES = Path("/work/shared/examples")
HERE = Path(__file__).resolve()
for parent in HERE.parents:  # the examples also live in the shared folder of the checkout, if any
    if (parent / "shared" / "examples").is_dir():
        EXAMPLES = parent / "shared" / "examples"
        break


def load(name: str) -> Instance:
    return parse_instance((EXAMPLES / f"instance-{name}.json").read_text())


# --------------------------------------------------------------------------------------------
# An exact reference that shares nothing with the solver: brute force over all assignments.
# --------------------------------------------------------------------------------------------

def ref_priority(c: dict, u: dict, p: Policy) -> int:
    days = c["days_in_shelter"]
    return (p.base + p.days_weight * days + (p.long_wait_bonus if days > p.long_wait_days else 0)
            + (p.youth_bonus if c["youth"] else 0) + p.child_bonus * c["children"]
            + (p.medical_urgency_bonus if c["medical_urgency"] else 0)
            + (p.preferred_neighbourhood_bonus if u["neighbourhood"] in c.get("preferred_neighbourhoods", []) else 0))


def ref_fits(c: dict, u: dict, d: dict, p: Policy) -> bool:
    if c["region"] != u["region"] or [c["id"], u["id"]] in [list(x) for x in d["declined_pairs"]]:
        return False
    if u["places"] > 1 or u["kind"] == "shared":
        if c["household_size"] > p.shared_max_household_size:
            return False
    elif not (max(p.rooms_floor, c["household_size"] - p.rooms_below) <= u["rooms"]
              <= c["household_size"] + p.rooms_above):
        return False
    if c["wheelchair"] and not u["wheelchair_accessible"]:
        return False
    if c["support"] != "none" and c["support"] not in u["support"]:
        return False
    return u["neighbourhood"] not in c.get("excluded_neighbourhoods", [])


def brute_force(d: dict[str, Any], p: Policy = DEFAULT_POLICY) -> int:
    agr = {(a["corporation"], a["municipality"]): a["max_places"] - a["used"]
           for a in d["agreements"] if a["period"] == d["period"]}
    lim = {n["neighbourhood"]: n["max_placements"] - n["used"]
           for n in d["neighbourhood_limits"] if n["period"] == d["period"]}
    units = d["units"]
    options = []
    for c in d["candidates"]:
        opts = [(j, ref_priority(c, u, p)) for j, u in enumerate(units)
                if ref_fits(c, u, d, p) and (u["corporation"], u["municipality"]) in agr]
        options.append(opts)
    best = 0
    left_unit = [u["places"] for u in units]

    def dfs(i: int, value: int) -> None:
        nonlocal best
        if i == len(options):
            best = max(best, value)
            return
        dfs(i + 1, value)
        for j, w in options[i]:
            u = units[j]
            ka, kn = (u["corporation"], u["municipality"]), u["neighbourhood"]
            if left_unit[j] <= 0 or agr[ka] <= 0 or lim.get(kn, 1) <= 0:
                continue
            left_unit[j] -= 1
            agr[ka] -= 1
            if kn in lim:
                lim[kn] -= 1
            dfs(i + 1, value + w)
            left_unit[j] += 1
            agr[ka] += 1
            if kn in lim:
                lim[kn] += 1

    dfs(0, 0)
    return best


# --------------------------------------------------------------------------------------------
# Random small instances
# --------------------------------------------------------------------------------------------

NBS = ["BU00010001", "BU00010002", "BU00020001"]
NB_MUNI = {"BU00010001": "GM0001", "BU00010002": "GM0001", "BU00020001": "GM0002"}
SUPPORTS = ["none", "light", "intensive", "housing_first"]


@st.composite
def instances(draw, max_candidates: int = 6, max_units: int = 4) -> dict[str, Any]:
    n_c = draw(st.integers(1, max_candidates))
    n_u = draw(st.integers(1, max_units))
    regions = ["R01", "R02"] if draw(st.booleans()) else ["R01"]
    cands = []
    for i in range(n_c):
        hh = draw(st.sampled_from([1, 1, 2, 3]))
        cands.append({
            "id": f"c{i}", "region": draw(st.sampled_from(regions)), "household_size": hh,
            "wheelchair": draw(st.booleans()) and draw(st.booleans()),
            "support": draw(st.sampled_from(["none", "none", "light", "intensive", "housing_first"])),
            "days_in_shelter": draw(st.sampled_from([0, 30, 89, 90, 91, 200, 400])),
            "youth": draw(st.booleans()), "children": draw(st.integers(0, max(0, hh - 1))),
            "medical_urgency": draw(st.booleans()) and draw(st.booleans()),
            "excluded_neighbourhoods": draw(st.lists(st.sampled_from(NBS), max_size=1, unique=True)),
            "preferred_neighbourhoods": draw(st.lists(st.sampled_from(NBS), max_size=2, unique=True)),
        })
    units = []
    for j in range(n_u):
        nb = draw(st.sampled_from(NBS))
        kind = draw(st.sampled_from(["regular", "flex", "shared", "housing_first", "new_build"]))
        units.append({
            "id": f"u{j}", "corporation": draw(st.sampled_from(["ca", "cb"])),
            "municipality": NB_MUNI[nb], "region": draw(st.sampled_from(regions)),
            "neighbourhood": nb, "kind": kind, "rooms": draw(st.integers(1, 4)),
            "places": draw(st.integers(1, 3)) if kind == "shared" else draw(st.sampled_from([1, 1, 1, 2])),
            "wheelchair_accessible": draw(st.booleans()),
            "support": draw(st.lists(st.sampled_from(SUPPORTS), min_size=2, max_size=4, unique=True)),
        })
    agreements = []
    for corp in ["ca", "cb"]:
        for muni in ["GM0001", "GM0002"]:
            if draw(st.integers(0, 4)) > 0:
                agreements.append({"corporation": corp, "municipality": muni,
                                   "period": draw(st.sampled_from(["2026", "2026", "2026", "2025"])),
                                   "max_places": draw(st.integers(1, 4)), "used": draw(st.integers(0, 1))})
    limits = [{"neighbourhood": nb, "period": draw(st.sampled_from(["2026", "2025"])),
               "max_placements": draw(st.integers(0, 3)), "used": draw(st.integers(0, 2))}
              for nb in NBS if draw(st.booleans())]
    pairs = [[c["id"], u["id"]] for c in cands for u in units]
    declined = draw(st.lists(st.sampled_from(pairs), max_size=2, unique_by=tuple)) if pairs else []
    return {"period": "2026", "candidates": cands, "units": units, "agreements": agreements,
            "neighbourhood_limits": limits, "declined_pairs": sorted(declined)}


@st.composite
def tight_instances(draw) -> dict[str, Any]:
    """Everyone fits every unit; only the agreements and limits decide (fractional LPs)."""
    n_c, n_u = draw(st.integers(2, 6)), draw(st.integers(2, 5))
    cands = [{"id": f"c{i}", "region": "R01", "household_size": 1, "wheelchair": False, "support": "none",
              "days_in_shelter": draw(st.sampled_from([0, 10, 95, 120])), "youth": draw(st.booleans()),
              "children": 0, "medical_urgency": False, "excluded_neighbourhoods": [],
              "preferred_neighbourhoods": draw(st.lists(st.sampled_from(NBS), max_size=1))}
             for i in range(n_c)]
    units = []
    for j in range(n_u):
        nb = draw(st.sampled_from(NBS))
        units.append({"id": f"u{j}", "corporation": draw(st.sampled_from(["ca", "cb", "cc"])),
                      "municipality": NB_MUNI[nb], "region": "R01", "neighbourhood": nb, "kind": "regular",
                      "rooms": 1, "places": draw(st.sampled_from([1, 1, 2])),
                      "wheelchair_accessible": False, "support": ["none"]})
    agreements = [{"corporation": corp, "municipality": muni, "period": "2026",
                   "max_places": draw(st.integers(1, 2)), "used": 0}
                  for corp in ["ca", "cb", "cc"] for muni in ["GM0001", "GM0002"]]
    limits = [{"neighbourhood": nb, "period": "2026", "max_placements": draw(st.integers(1, 2)), "used": 0}
              for nb in NBS]
    pairs = [[c["id"], u["id"]] for c in cands for u in units]
    declined = draw(st.lists(st.sampled_from(pairs), max_size=len(pairs) // 2, unique_by=tuple))
    return {"period": "2026", "candidates": cands, "units": units, "agreements": agreements,
            "neighbourhood_limits": limits, "declined_pairs": sorted(declined)}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tight_instances())
def test_tight_instances_match_brute_force(d):
    inst = parse_instance(d)
    result = solve(inst)
    assert check(inst, result) == []
    assert result.objective == brute_force(d)
    assert result.status == "OPTIMAL"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(tight_instances(), instances(max_candidates=7, max_units=5)))
def test_forced_mip_path_is_exact(d):
    # The MIP only sees pairs whose LP reduced cost is within the gap between the LP value and the
    # rounded incumbent (often 0 here, the tightest filter); it must still find the optimum.
    inst = parse_instance(d)
    solver_module.FORCE_MIP = True
    try:
        stats = SolveStats()
        result = solve(inst, stats=stats)
    finally:
        solver_module.FORCE_MIP = False
    assert check(inst, result) == []
    assert result.objective == brute_force(d)
    assert result.status == "OPTIMAL"


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_solver_matches_brute_force_and_passes_checker(d):
    inst = parse_instance(d)
    result = solve(inst)
    assert check(inst, result) == []
    assert result.objective == brute_force(d)
    assert result.status == "OPTIMAL"
    assert result.bound == result.objective


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_candidates=12, max_units=6))
def test_larger_random_instances_are_valid_and_bound_is_honest(d):
    inst = parse_instance(d)
    result = solve(inst)
    assert check(inst, result) == []
    assert result.bound >= result.objective
    if len(d["candidates"]) <= 8:
        assert result.objective == brute_force(d)


@settings(max_examples=40, deadline=None)
@given(instances(), st.integers(0, 60), st.integers(0, 300), st.integers(0, 30))
def test_custom_policy_matches_brute_force(d, youth, medical, pref):
    policy = Policy(youth_bonus=youth, medical_urgency_bonus=medical, preferred_neighbourhood_bonus=pref,
                    long_wait_days=100, rooms_above=2)
    inst = parse_instance(d)
    result = solve(inst, policy)
    assert check(inst, result, policy) == []
    assert result.objective == brute_force(d, policy)


# --------------------------------------------------------------------------------------------
# Hand-checked examples
# --------------------------------------------------------------------------------------------

def test_tiny_example_optimum():
    inst = load("tiny")
    result = solve(inst)
    assert result.objective == 800 and result.bound == 800 and result.status == "OPTIMAL"
    assert [(a.candidate, a.unit) for a in result.assignments] == [("A", "u1"), ("B", "u3")]
    assert check(inst, result) == []


def test_small_example_optimum():
    inst = load("small")
    result = solve(inst)
    assert result.objective == 1545 and result.bound == 1545 and result.status == "OPTIMAL"
    assert [(a.candidate, a.unit) for a in result.assignments] == [("P1", "S1"), ("P2", "S1"), ("P5", "H1")]
    p2 = next(a for a in result.assignments if a.candidate == "P2")
    assert p2.explanation.priority == 405
    assert p2.explanation.components.preferred_neighbourhood == 10
    assert p2.explanation.components.youth == 50
    assert check(inst, result) == []


def test_explanation_components_sum_to_priority():
    result = solve(load("tiny"))
    for a in result.assignments:
        assert sum(a.explanation.components.model_dump().values()) == a.explanation.priority


def test_deterministic():
    inst = load("small")
    assert solve(inst).model_dump_json() == solve(inst).model_dump_json()


def test_fractional_lp_goes_to_mip_and_is_proven():
    # Three pairs that conflict pairwise through three different constraints (candidate A,
    # agreement cb/GM0001 with room 1, neighbourhood BU00010001 with room 1): the LP takes
    # each at 1/2 (value 1.5 x), the integer optimum only one of them.
    cand = {"wheelchair": False, "support": "none", "days_in_shelter": 0, "youth": False,
            "children": 0, "medical_urgency": False, "household_size": 1, "region": "R01"}
    unit = {"region": "R01", "kind": "regular", "rooms": 1, "places": 1,
            "wheelchair_accessible": False, "support": ["none"]}
    d = {"period": "2026",
         "candidates": [{**cand, "id": "A"}, {**cand, "id": "B"}],
         "units": [{**unit, "id": "u1", "corporation": "ca", "municipality": "GM0001", "neighbourhood": "BU00010001"},
                   {**unit, "id": "u2", "corporation": "cb", "municipality": "GM0001", "neighbourhood": "BU00010002"},
                   {**unit, "id": "u3", "corporation": "cb", "municipality": "GM0001", "neighbourhood": "BU00010001"}],
         "agreements": [{"corporation": "ca", "municipality": "GM0001", "period": "2026", "max_places": 5, "used": 0},
                        {"corporation": "cb", "municipality": "GM0001", "period": "2026", "max_places": 1, "used": 0}],
         "neighbourhood_limits": [{"neighbourhood": "BU00010001", "period": "2026", "max_placements": 1, "used": 0}],
         "declined_pairs": [["B", "u1"], ["B", "u2"], ["A", "u3"]]}
    inst = parse_instance(d)
    stats = SolveStats()
    result = solve(inst, stats=stats)
    assert result.objective == brute_force(d) == 100
    assert result.status == "OPTIMAL" and result.bound == 100
    assert stats.mip_components == 1 and stats.lp_integral == 0
    assert check(inst, result) == []


def test_nothing_to_place():
    d = json.loads((EXAMPLES / "instance-tiny.json").read_text())
    d["agreements"] = []
    result = solve(parse_instance(d))
    assert result.assignments == () and result.objective == 0 and result.status == "OPTIMAL"


def test_small_region_is_fast():
    from bench.generator import generate

    d = generate(seed=7, n_regions=1, n_candidates=60, n_units=15)
    inst = parse_instance(d)
    solve(inst)  # warm-up (imports, solver libraries)
    start = time.perf_counter()
    for _ in range(5):
        result = solve(inst)
    per_call = (time.perf_counter() - start) / 5
    assert check(inst, result) == []
    assert per_call < 0.1, per_call


def test_generated_region_checks_and_is_optimal():
    from bench.generator import generate

    inst = parse_instance(generate(seed=3, n_regions=3, n_candidates=900, n_units=200))
    result = solve(inst)
    assert check(inst, result) == []
    assert result.status == "OPTIMAL"


@pytest.mark.parametrize("field,value", [("youth_bonus", "x"), ("unknown", 1)])
def test_bad_policy_is_rejected(field, value):
    with pytest.raises(ValueError):
        Policy.model_validate({field: value})


def test_policy_file_roundtrip(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"youth_bonus": 70}))
    policy = Policy.load(path)
    assert policy.youth_bonus == 70 and policy.base == DEFAULT_POLICY.base
