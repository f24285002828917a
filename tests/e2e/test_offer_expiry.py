"""Offer expiry through the real broker: an unanswered offer expires on event time and the home goes to the next person."""
from __future__ import annotations

import time

import pytest

from tests.e2e.region import one_region
from tests.support import wait_until as _wait

pytestmark = pytest.mark.e2e
STACK_ENV = {"OFFER_TTL_HOURS": str(2 / 3600)}  # offers expire two seconds (event time) after they are made


def test_unanswered_offer_expires_and_the_unit_goes_to_the_next_candidate(stack):
    verloop = one_region(stack, "Verloop", "GM0888", "R08", max_places=3)
    api = verloop.api
    verloop.vacancy("V-1")
    first = verloop.candidate("123456782", days_in_shelter=300)
    second = verloop.candidate("111222333", days_in_shelter=20)
    offer = _wait(lambda: api["shelter"].call("GET", "/v1/offers?status=open")["items"])[0]
    assert offer["candidate_id"] == first["candidate_id"]
    time.sleep(2.5)
    # Nobody answers. The region's clock moves on with its next event (another vacancy published).
    verloop.vacancy("V-2", rooms=4)
    expired = _wait(lambda: [o for o in api["shelter"].call("GET", "/v1/offers")["items"]
                             if o["offer_id"] == offer["offer_id"] and o["status"] == "expired"])
    assert expired
    nxt = _wait(lambda: [o for o in api["shelter"].call("GET", "/v1/offers?status=open")["items"]
                         if o["vacancy_id"] == "V-1"])
    assert nxt[0]["candidate_id"] == second["candidate_id"]  # the expired pair is not proposed again
    changes = api["shelter"].call("GET", "/v1/changes?cursor=0")["items"]
    assert "offer.expired" in {c["kind"] for c in changes}
