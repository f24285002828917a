"""The regions' rules (issue 19): regional policies, affordability, support capacity, exit dates and fixed
pairs, against an exact brute-force reference that shares no code with the solver."""
from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.solver import InstanceError, parse_instance
from services.matcher.domain import solver as solver_module
from services.matcher.domain.checker import check
from services.matcher.domain.policy import DEFAULT_POLICY, Policy
from services.matcher.domain.solver import solve
from tests.unit.matcher.test_solver import EXAMPLES, instances, tight_instances


def ref_policy(d: dict, region: str, base: Policy) -> dict:
    """default/base < instance policy < region policy, nested objects key by key."""
    merged = base.model_dump()
    for layer in (d.get("policy") or {}, d.get("region_policies", {}).get(region) or {}):
        for key, value in layer.items():
            merged[key] = {**merged[key], **value} if isinstance(value, dict) else value
    return merged


def ref_weight(c: dict, u: dict, p: dict) -> int:
    days, exit_days = c["days_in_shelter"], c.get("days_until_exit")
    return (p["base"] + p["days_weight"] * days + (p["long_wait_bonus"] if days > p["long_wait_days"] else 0)
            + (p["youth_bonus"] if c["youth"] else 0) + p["child_bonus"] * c["children"]
            + (p["medical_urgency_bonus"] if c["medical_urgency"] else 0)
            + (p["preferred_neighbourhood_bonus"] if u["neighbourhood"] in c["preferred_neighbourhoods"] else 0)
            + (p["exit_bonus"] if exit_days is not None and exit_days <= p["exit_window_days"] else 0))


def ref_fits(c: dict, u: dict, d: dict, p: dict) -> bool:
    if c["region"] != u["region"] or [c["id"], u["id"]] in [list(x) for x in d["declined_pairs"]]:
        return False
    hh = c["household_size"]
    if u["places"] > 1 or u["kind"] == "shared":
        if hh > p["shared_max_household_size"]:
            return False
    elif not max(p["rooms_floor"], hh - p["rooms_below"]) <= u["rooms"] <= hh + p["rooms_above"]:
        return False
    if p["require_wheelchair_access"] and c["wheelchair"] and not u["wheelchair_accessible"]:
        return False
    if c["support"] != "none" and c["support"] not in u["support"]:
        return False
    a = p["affordability"]
    if a["enabled"] and c.get("rent_allowance_eligible") and u.get("rent") is not None:
        if u["rent"] > (a["limit_large"] if hh >= a["large_from_household_size"] else a["limit_small"]):
            return False
    return u["neighbourhood"] not in c["excluded_neighbourhoods"]


def brute_force(d: dict[str, Any], base: Policy = DEFAULT_POLICY) -> int | None:
    """The optimum, or None when the fixed pairs admit no solution."""
    rooms: dict[tuple, int] = {}
    for a in d["agreements"]:
        rooms[("a", a["corporation"], a["municipality"], a["period"])] = a["max_places"] - a["used"]
    for n in d["neighbourhood_limits"]:
        rooms[("n", n["neighbourhood"], n["period"])] = n["max_placements"] - n["used"]
    for s in d.get("support_providers", []):
        if s["period"] == d["period"]:
            rooms[("s", s["id"])] = s["max_new_clients"] - s["used"]
    fixed = {c: u for c, u in d.get("fixed_assignments", [])}
    units = d["units"]
    options = []
    for c in d["candidates"]:
        opts = []
        for j, u in enumerate(units):
            period = u.get("period") or d["period"]
            agreement = ("a", u["corporation"], u["municipality"], period)
            p = ref_policy(d, u["region"], base)
            if agreement not in rooms or fixed.get(c["id"], u["id"]) != u["id"]:
                continue
            if ref_fits(c, u, d, p) or fixed.get(c["id"]) == u["id"]:
                uses = [("u", j), agreement, ("n", u["neighbourhood"], period), ("s", c.get("support_provider"))]
                opts.append(([k for k in uses if k in rooms or k[0] == "u"], ref_weight(c, u, p)))
        options.append((opts, c["id"] in fixed))
    for j, u in enumerate(units):
        rooms[("u", j)] = u["places"]
    best: int | None = None

    def dfs(i: int, value: int) -> None:
        nonlocal best
        if i == len(options):
            best = value if best is None else max(best, value)
            return
        opts, must = options[i]
        if not must:
            dfs(i + 1, value)
        for uses, w in opts:
            if all(rooms[k] > 0 for k in uses):
                for k in uses:
                    rooms[k] -= 1
                dfs(i + 1, value + w)
                for k in uses:
                    rooms[k] += 1

    dfs(0, 0)
    return best


@st.composite
def policy_instances(draw, base=instances()) -> dict[str, Any]:
    """A random instance with every rule of issue 19 switched on at random."""
    d = copy.deepcopy(draw(base))
    limits = st.sampled_from([0, 500, 650.5, 700, 10_000])
    afford = {"enabled": draw(st.booleans()), "limit_small": draw(limits), "limit_large": draw(limits),
              "large_from_household_size": draw(st.integers(2, 4))}
    d["policy"] = {"exit_bonus": draw(st.sampled_from([0, 100, 250])),
                   "affordability": {k: v for k, v in afford.items() if draw(st.booleans()) or k == "enabled"}}
    if draw(st.booleans()):
        d["policy"]["exit_window_days"] = draw(st.integers(0, 60))
    d["region_policies"] = {}
    if draw(st.booleans()):
        d["region_policies"]["R02"] = {"youth_bonus": draw(st.integers(0, 300)),
                                       "affordability": {"enabled": draw(st.booleans())}}
    if draw(st.booleans()):
        d["region_policies"]["R01"] = {"exit_bonus": draw(st.integers(0, 200)), "rooms_above": 2}
    for c in d["candidates"]:
        c["rent_allowance_eligible"] = draw(st.booleans())
        c["support_provider"] = draw(st.sampled_from([None, "p1", "p2", "p3"]))
        c["days_until_exit"] = draw(st.sampled_from([None, None, -5, 0, 20, 30, 31, 90]))
    for u in d["units"]:
        if draw(st.booleans()):
            u["rent"] = draw(st.sampled_from([400, 650.5, 699.99, 720, 900]))
    d["support_providers"] = [{"id": pid, "period": period, "max_new_clients": draw(st.integers(0, 2)),
                               "used": draw(st.integers(0, 1))}
                              for pid in ("p1", "p2") for period in ("2026", "2025") if draw(st.booleans())]
    ids = [(c["id"], u["id"]) for c in d["candidates"] for u in d["units"]]
    # mostly pairs that fit (so the fixed path is exercised), sometimes any pair (so errors are too)
    fitting = [(c["id"], u["id"]) for c in d["candidates"] for u in d["units"]
               if ref_fits(c, u, d, ref_policy(d, u["region"], DEFAULT_POLICY))
               and brute_force({**d, "fixed_assignments": [[c["id"], u["id"]]]}) is not None]
    pool = fitting if fitting and draw(st.integers(0, 4)) > 0 else ids
    fixed = draw(st.lists(st.sampled_from(pool), min_size=draw(st.integers(0, 1)), max_size=2,
                          unique_by=lambda pair: pair[0])) if pool else []
    d["fixed_assignments"] = [list(pair) for pair in fixed]
    return d


def solve_or_none(d: dict, policy: Policy = DEFAULT_POLICY):
    inst = parse_instance(d)
    try:
        return inst, solve(inst, policy)
    except InstanceError:
        return inst, None


def assert_exact(d: dict, policy: Policy = DEFAULT_POLICY) -> None:
    inst, result = solve_or_none(d, policy)
    reference = brute_force(d, policy)
    if result is None:  # fixed pairs refused: one breaks a rule, or together they leave no solution
        assert reference is None or _fixed_break_a_rule(d, policy)
        return
    assert check(inst, result, policy) == []
    assert result.objective == reference
    assert result.status == "OPTIMAL" and result.bound == result.objective


def _fixed_break_a_rule(d: dict, policy: Policy) -> bool:
    units, cands = {u["id"]: u for u in d["units"]}, {c["id"]: c for c in d["candidates"]}
    return any(not ref_fits(cands[c], units[u], d, ref_policy(d, units[u]["region"], policy))
               for c, u in d["fixed_assignments"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policy_instances())
def test_all_rules_match_brute_force(d):
    assert_exact(d)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policy_instances(base=tight_instances()))
def test_all_rules_on_tight_instances_through_the_mip(d):
    solver_module.FORCE_MIP = True
    try:
        assert_exact(d)
    finally:
        solver_module.FORCE_MIP = False


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policy_instances(), st.integers(0, 60))
def test_policy_file_sits_under_the_instances_policy(d, youth):
    assert_exact(d, Policy(youth_bonus=youth, exit_bonus=7, exit_window_days=10))


def load(name: str) -> dict:
    return json.loads((EXAMPLES / f"instance-{name}.json").read_text())


def test_policy_example_hand_checked_optimum():
    inst = parse_instance(load("policy"))
    result = solve(inst)
    assert [(a.candidate, a.unit) for a in result.assignments] == [("A", "u2"), ("D", "u1"), ("E", "v1")]
    assert result.objective == 865 and result.status == "OPTIMAL" and check(inst, result) == []
    by = {a.candidate: a.explanation for a in result.assignments}
    assert by["E"].components.youth == 300  # R02's own youth bonus


def test_policy_fixed_example_hand_checked_optimum():
    inst = parse_instance(load("policy-fixed"))
    result = solve(inst)
    assert [(a.candidate, a.unit) for a in result.assignments] == [("B", "u1"), ("D", "u2"), ("E", "v1")]
    assert result.objective == 755 and result.status == "OPTIMAL" and check(inst, result) == []
    assert {a.candidate: a.explanation.components.exit_from_institution
            for a in result.assignments}["B"] == 100


def test_regions_sharing_a_provider_are_one_problem():
    # solved apart, R01 and R02 would each give prov-x's one place away (910); with room for all,
    # A -> u2, B -> u1 and F -> v1 (1040)
    d = load("policy")
    assert brute_force(d) == 865
    d["support_providers"] = [{"id": "prov-x", "period": "2026", "max_new_clients": 9, "used": 0}]
    assert solve(parse_instance(d)).objective == brute_force(d) == 1040


def test_instance_without_additions_gives_todays_result():
    d = load("small")
    plain = solve(parse_instance(d))
    d.update(policy={}, region_policies={}, support_providers=[], fixed_assignments=[])
    assert solve(parse_instance(d)) == plain


@pytest.mark.parametrize("fixed, message", [
    ([["A", "u1"]], "fixed_assignments[0] (A -> u1): breaks the eligibility rule rent_not_affordable"),
    ([["E", "u1"]], "fixed_assignments[0] (E -> u1): candidate and unit are in different regions"),
    ([["A", "u2"], ["B", "u1"]], "fixed_assignments[0], fixed_assignments[1]: cannot all fit together: "
                                 "support provider prov-x/2026 has room for 1, the fixed pairs need 2"),
    ([["D", "u3"]], "fixed_assignments[0] (D -> u3): breaks the eligibility rule rooms_do_not_fit"),
])
def test_fixed_pair_breaking_a_rule_names_pair_and_rule(fixed, message):
    d = load("policy")
    d["fixed_assignments"] = fixed
    with pytest.raises(InstanceError) as err:
        solve(parse_instance(d))
    assert message in err.value.errors


@pytest.mark.parametrize("change, path", [
    (lambda d: d["units"][0].update(rent="700"), "units[0].rent"),
    (lambda d: d["units"][0].update(rent=-1), "units[0].rent"),
    (lambda d: d["candidates"][0].update(days_until_exit=1.5), "candidates[0].days_until_exit"),
    (lambda d: d["candidates"][0].update(rent_allowance_eligible="yes"), "candidates[0].rent_allowance_eligible"),
    (lambda d: d["candidates"][0].update(support_provider=""), "candidates[0].support_provider"),
    (lambda d: d["policy"].update(exit_window_days=-1), "policy.exit_window_days"),
    (lambda d: d["policy"]["affordability"].update(limit_small="a"), "policy.affordability.limit_small"),
    (lambda d: d["policy"].update(exit_bonus=None), "policy.exit_bonus"),
    (lambda d: d["region_policies"].update(X1={}), "region_policies.X1.[key]"),
    (lambda d: d["region_policies"]["R02"].update(colour=1), "region_policies.R02.colour"),
    (lambda d: d["support_providers"].append(d["support_providers"][0]), "support_providers[2]"),
    (lambda d: d["support_providers"][0].update(max_new_clients=-1), "support_providers[0].max_new_clients"),
    (lambda d: d.update(fixed_assignments=[["Q", "u1"]]), "fixed_assignments[0]"),
    (lambda d: d.update(fixed_assignments=[["A", "u1"], ["A", "u2"]]), "fixed_assignments[1]"),
])
def test_malformed_additions_name_the_field(change, path):
    d = load("policy")
    change(d)
    with pytest.raises(InstanceError) as err:
        parse_instance(d)
    assert any(line.startswith(f"{path}:") for line in err.value.errors), err.value.errors

