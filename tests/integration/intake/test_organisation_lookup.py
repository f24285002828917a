"""Look-ups over HTTPS: a municipality finds the organisations of its own region by name and id and
registers an agreement with the id it found; nothing of another region, no token, no role it may not see."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def regions(intake):
    """Two regions of their own (the package's intake is shared: other tests fill R07)."""
    near = {role: intake.org(role, region="R41") for role in ("municipality", "corporation", "shelter")}
    near["municipality_2"] = intake.org("municipality", region="R41")
    near["monitor"] = intake.org("monitor", region="R41", source_kind="flex_registry")
    far = {role: intake.org(role, region="R42") for role in ("municipality", "corporation", "shelter")}
    return near, far


def ids(items: list[dict]) -> set[str]:
    return {o["org_id"] for o in items}


def test_a_municipality_finds_the_corporation_of_its_region_and_registers_an_agreement_with_it(regions):
    near, far = regions
    muni = near["municipality"]
    found = muni.api.call("GET", "/v1/organisations?role=corporation")["items"]
    assert ids(found) == {near["corporation"].org_id}
    assert set(found[0]) == {"org_id", "name", "role", "institution_type", "municipality", "region"}
    assert found[0]["region"] == "R41" and found[0]["name"].startswith("Test corporation")
    agreement = muni.api.call("POST", "/v1/agreements",
                              {"corporation": found[0]["org_id"], "period": "2026", "max_places": 4})
    assert agreement["corporation"] == near["corporation"].org_id


def test_a_municipality_sees_only_its_own_region_and_never_a_token(intake, regions):
    near, far = regions
    status, body = near["municipality"].api.request("GET", "/v1/organisations")
    assert status == 200
    assert ids(body["items"]) == {near[k].org_id for k in ("municipality", "municipality_2", "corporation", "shelter")}
    assert {o["region"] for o in body["items"]} == {"R41"}
    assert not any(o.token in repr(body) for o in intake.orgs)
    shelters = near["municipality"].api.call("GET", "/v1/organisations?role=shelter")["items"]
    assert ids(shelters) == {near["shelter"].org_id} and shelters[0]["institution_type"] == "shelter"
    assert ids(far["municipality"].api.call("GET", "/v1/organisations")["items"]) == \
        {far[k].org_id for k in ("municipality", "corporation", "shelter")}


def test_a_corporation_looks_up_only_municipalities_and_other_roles_get_403(intake, regions):
    near, _ = regions
    corp = near["corporation"]
    assert ids(corp.api.call("GET", "/v1/organisations")["items"]) == \
        {near["municipality"].org_id, near["municipality_2"].org_id}
    status, body = corp.api.request("GET", "/v1/organisations?role=shelter")
    assert status == 403 and body["invalid_params"][0]["name"] == "role"
    for caller in (near["shelter"], near["monitor"], intake.org("ministry"), intake.org("admin")):
        status, body = caller.api.request("GET", "/v1/organisations")
        assert status == 403 and body["status"] == 403, caller.role
        assert "items" not in body


def test_an_unknown_role_is_refused_naming_the_parameter_without_echoing_it(regions):
    status, body = regions[0]["municipality"].api.request("GET", "/v1/organisations?role=ministry-x7")
    assert status == 400 and [p["name"] for p in body["invalid_params"]] == ["role"]
    assert "ministry-x7" not in repr(body)
