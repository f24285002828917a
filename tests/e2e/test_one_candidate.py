"""One candidate over HTTP becomes exactly one realised place, through all three services.

A module (and so a stack) of its own: the demo scenario's test counts every place in the ledger.
"""
from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from sqlalchemy import create_engine, text

from services.system.demo import create_organisations
from services.system.partner_client import PartnerClient
from services.system.scenario import Org, Scenario
from services.system.supervisor import client_ssl_context
from tests.support import wait_until

pytestmark = pytest.mark.e2e


def test_one_candidate_over_http_becomes_exactly_one_realised_place(stack):
    conf = stack.conf
    today = date.today()
    sc = Scenario(period=str(today.year), today=today)
    muni = Org("Gemeente Testdorp", "municipality", municipality="GM0999", region="R09")
    corp = Org("Woonstichting Test", "corporation")
    shelter = Org("Opvang Test", "shelter", institution_type="shelter")
    ministry = Org("VWS test", "ministry")
    sc.orgs = [muni, corp, shelter, ministry]
    create_organisations(conf, sc)
    tls = client_ssl_context(conf)
    api = {o.role: PartnerClient(stack.url("intake"), o.token, tls) for o in sc.orgs}
    api["municipality"].call("POST", "/v1/agreements", {"corporation": corp.org_id, "period": sc.period,
                                                        "max_places": 1})
    api["corporation"].call("POST", "/v1/vacancies", {
        "unit_id": "T-1", "municipality": "GM0999", "region": "R09", "neighbourhood": "BU09990001",
        "kind": "transformation", "rooms": 1, "available_from": today.isoformat()})
    cand = api["shelter"].call("POST", "/v1/candidates", {
        "bsn": "111222333", "region": "R09", "household_size": 1,
        "shelter_entry_date": (today - timedelta(days=120)).isoformat()})
    offer = wait_until(lambda: api["shelter"].call("GET", "/v1/offers")["items"])[0]
    assert offer["candidate_id"] == cand["candidate_id"]
    corp_offer = api["corporation"].call("GET", "/v1/offers")["items"][0]
    assert corp_offer["candidate_id"] is None and corp_offer.get("explanation") is None  # no candidate details leak
    api["corporation"].call("POST", f"/v1/offers/{offer['offer_id']}/confirmation")
    api["shelter"].call("POST", f"/v1/offers/{offer['offer_id']}/acceptance")
    placed = wait_until(lambda: api["shelter"].call("GET", f"/v1/candidates/{cand['candidate_id']}")["status"]
                       == "placed")
    assert placed
    engine = create_engine(conf.database_url)

    def ledger_rows():
        with engine.connect() as db:
            return db.execute(text("select strategy, sources from ledger_place where region = 'R09'")).all()
    rows = wait_until(ledger_rows)  # the ledger consumes placements on its own
    time.sleep(1.0)  # a second row would show up by now if the placement were counted twice
    rows = ledger_rows()
    engine.dispose()
    assert len(rows) == 1 and rows[0][0] == "transformation"
