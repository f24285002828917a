"""Look-ups of the organisations of one's own region (the handler on an SQLite file of the test's own)."""
from __future__ import annotations

import pytest

from services.intake.domain.errors import Conflict, Forbidden
from services.intake.service_layer import directory
from services.intake.service_layer.organisations import Caller, create_organisation
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork


@pytest.fixture
def region(engine):
    """Every role in region R07, and a corporation, shelter and municipality in R08 beside it."""
    def make(name, role, municipality=None, region="R07", **kw):
        org_id, token = create_organisation(IntakeUnitOfWork(engine), name, role, municipality, region, **kw)
        tokens.append(token)
        return org_id
    tokens: list[str] = []
    ids = {
        "muni": make("Gemeente Veenhuis", "municipality", "GM0001"),
        "muni2": make("Gemeente Aadorp", "municipality", "GM0002"),
        "corp": make("Woonstichting Veenhuis", "corporation"),
        "shelter": make("Opvang Veenhuis", "shelter", institution_type="youth_care"),
        "monitor": make("Flexregister", "monitor", source_kind="flex_registry"),
        "ministry": make("Ministerie", "ministry"),
        "admin": make("Beheer", "admin"),
        "far_corp": make("Woonbron Elders", "corporation", region="R08"),
        "far_shelter": make("Opvang Elders", "shelter", region="R08"),
        "far_muni": make("Gemeente Elders", "municipality", "GM0003", region="R08"),
    }
    return ids, tokens


def look_up(engine, caller, role=None):
    return directory.list_organisations(IntakeUnitOfWork(engine), caller, role)["items"]


def test_a_municipality_sees_the_corporations_shelters_and_municipalities_of_its_own_region(engine, region):
    ids, tokens = region
    items = look_up(engine, Caller(ids["muni"], "municipality", "GM0001", "R07"))
    assert [(o["role"], o["name"]) for o in items] == [
        ("corporation", "Woonstichting Veenhuis"), ("municipality", "Gemeente Aadorp"),
        ("municipality", "Gemeente Veenhuis"), ("shelter", "Opvang Veenhuis")]
    assert items[0] == {"org_id": ids["corp"], "name": "Woonstichting Veenhuis", "role": "corporation",
                        "institution_type": None, "municipality": None, "region": "R07"}
    assert items[3]["institution_type"] == "youth_care"
    assert not any(t in repr(items) for t in tokens)
    corporations = look_up(engine, Caller(ids["muni"], "municipality", "GM0001", "R07"), "corporation")
    assert [o["org_id"] for o in corporations] == [ids["corp"]]


def test_a_corporation_sees_only_the_municipalities_of_its_region(engine, region):
    ids, _ = region
    corp = Caller(ids["far_corp"], "corporation", None, "R08")
    assert [o["org_id"] for o in look_up(engine, corp)] == [ids["far_muni"]]
    with pytest.raises(Forbidden) as refused:
        look_up(engine, corp, "shelter")
    assert refused.value.errors == [{"field": "role", "reason": "one of municipality for this caller"}]


@pytest.mark.parametrize("role", ["shelter", "monitor", "ministry", "admin"])
def test_other_roles_may_not_look_up(engine, region, role):
    with pytest.raises(Forbidden):
        look_up(engine, Caller("x", role, None, "R07"))


def test_a_caller_without_a_region_is_told_so_rather_than_answered_nothing(engine, region):
    with pytest.raises(Conflict):
        look_up(engine, Caller("gm", "municipality", "GM0004", None))


def test_the_demo_gives_corporations_and_shelters_the_region_their_municipalities_look_up():
    from services.system.scenario import build_scenario
    sc = build_scenario(seed=2026, scale=0.3)
    municipal_regions = {o.region for o in sc.orgs if o.role == "municipality"}
    partners = [o for o in sc.orgs if o.role in ("corporation", "shelter")]
    assert partners and {o.region for o in partners} == municipal_regions
