"""Offer expiry through the real broker: an unanswered offer expires on event time and the home goes to the next person."""
from __future__ import annotations

import time
from datetime import date, timedelta

import pytest

from services.system.demo import create_organisations
from services.system.partner_client import PartnerClient
from services.system.scenario import Org, Scenario
from services.system.supervisor import client_ssl_context
from tests.support import wait_until as _wait

pytestmark = pytest.mark.e2e
STACK_ENV = {"OFFER_TTL_HOURS": str(2 / 3600)}  # offers expire two seconds (event time) after they are made


def test_unanswered_offer_expires_and_the_unit_goes_to_the_next_candidate(stack):
    today = date.today()
    sc = Scenario(period=str(today.year), today=today)
    muni = Org("Gemeente Verloop", "municipality", municipality="GM0888", region="R08")
    corp = Org("Woonstichting Verloop", "corporation")
    shelter = Org("Opvang Verloop", "shelter")
    sc.orgs = [muni, corp, shelter]
    create_organisations(stack.conf, sc)
    api = {o.role: PartnerClient(stack.url("intake"), o.token, client_ssl_context(stack.conf)) for o in sc.orgs}
    api["municipality"].call("POST", "/v1/agreements", {"corporation": corp.org_id, "period": sc.period,
                                                        "max_places": 3})
    api["corporation"].call("POST", "/v1/vacancies", {
        "unit_id": "V-1", "municipality": "GM0888", "region": "R08", "neighbourhood": "BU08880001",
        "kind": "regular", "rooms": 1, "available_from": today.isoformat()})
    first = api["shelter"].call("POST", "/v1/candidates", {
        "bsn": "123456782", "region": "R08", "household_size": 1,
        "shelter_entry_date": (today - timedelta(days=300)).isoformat()})
    second = api["shelter"].call("POST", "/v1/candidates", {
        "bsn": "111222333", "region": "R08", "household_size": 1,
        "shelter_entry_date": (today - timedelta(days=20)).isoformat()})
    offer = _wait(lambda: api["shelter"].call("GET", "/v1/offers?status=open")["items"])[0]
    assert offer["candidate_id"] == first["candidate_id"]
    time.sleep(2.5)
    # Nobody answers. The region's clock moves on with its next event (another vacancy published).
    api["corporation"].call("POST", "/v1/vacancies", {
        "unit_id": "V-2", "municipality": "GM0888", "region": "R08", "neighbourhood": "BU08880001",
        "kind": "regular", "rooms": 4, "available_from": today.isoformat()})
    expired = _wait(lambda: [o for o in api["shelter"].call("GET", "/v1/offers")["items"]
                             if o["offer_id"] == offer["offer_id"] and o["status"] == "expired"])
    assert expired
    nxt = _wait(lambda: [o for o in api["shelter"].call("GET", "/v1/offers?status=open")["items"]
                         if o["vacancy_id"] == "V-1"])
    assert nxt[0]["candidate_id"] == second["candidate_id"]  # the expired pair is not proposed again
    changes = api["shelter"].call("GET", "/v1/changes?cursor=0")["items"]
    assert "offer.expired" in {c["kind"] for c in changes}
