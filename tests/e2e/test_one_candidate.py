"""One candidate over HTTP becomes exactly one realised place, through all three services.

A module (and so a stack) of its own: the demo scenario's test counts every place in the ledger.
"""
from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text

from services.system.supervisor import client_ssl_context
from tests.e2e.region import one_region
from tests.support import wait_until

pytestmark = pytest.mark.e2e


def test_one_candidate_over_http_becomes_exactly_one_realised_place(stack):
    conf = stack.conf
    test = one_region(stack, "Testdorp", "GM0999", "R09", max_places=1, ministry=True)
    api = test.api
    test.vacancy("T-1", kind="transformation")
    cand = test.candidate("111222333", days_in_shelter=120)
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


def test_every_service_answers_with_the_api_version_and_security_headers(stack):
    """Health and metrics included: the matcher's answers lacked them (issue 14)."""
    import urllib.request

    tls = client_ssl_context(stack.conf)
    for service in ("intake", "matcher", "ledger"):
        with urllib.request.urlopen(stack.url(service) + "/health/live", timeout=10,
                                    context=tls if service == "intake" else None) as answer:
            headers = answer.headers
        assert headers["API-Version"] and headers["X-Content-Type-Options"] == "nosniff", service
        assert headers["Cache-Control"] == "no-store" and headers["X-Frame-Options"] == "DENY", service


def test_no_service_quotes_the_bytes_of_a_request_it_cannot_read(stack):
    """aiohttp's own 400 quoted the raw request line or header in text/plain, before any middleware (issue 14)."""
    import json

    from tests.support import BSN_FORMS, MALFORMED_WITH_BSN, raw_exchange

    tls = client_ssl_context(stack.conf)
    for service in ("intake", "matcher", "ledger"):
        for request in MALFORMED_WITH_BSN:
            answer = raw_exchange(stack.url(service), request, tls)
            head, _, body = answer.partition(b"\r\n\r\n")
            assert b" 400 " in head.split(b"\r\n")[0] and b"application/problem+json" in head, (service, answer)
            assert json.loads(body)["status"] == 400 and b"API-Version: " in head, service
            assert not any(form in answer for form in BSN_FORMS), (service, answer)
    for log in stack.log_dir.glob("*.log"):
        assert not any(form in log.read_bytes() for form in BSN_FORMS), log.name
