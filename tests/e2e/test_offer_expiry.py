"""Offer expiry through the real broker: an unanswered offer expires, on its region's events or, where nothing
happens, on the matcher's clock ticks; a late answer is refused; the home goes to the next person."""
from __future__ import annotations

import time
from datetime import datetime

import pytest

from tests.e2e.region import one_region
from tests.support import wait_until as _wait

pytestmark = pytest.mark.e2e
# Offers expire two seconds (event time) after they are made; the clock looks for overdue deadlines every 5 s.
STACK_ENV = {"OFFER_TTL_HOURS": str(2 / 3600), "CLOCK_TICK_S": "5"}


def test_unanswered_offer_expires_and_the_unit_goes_to_the_next_candidate(stack):
    verloop = one_region(stack, "Verloop", "GM0888", "R08", max_places=3)
    api = verloop.api
    verloop.vacancy("V-1")
    first = verloop.candidate("123456782", days_in_shelter=300)
    second = verloop.candidate("111222333", days_in_shelter=20)
    offer = _wait(lambda: api["shelter"].call("GET", "/v1/offers?status=open")["items"])[0]
    assert offer["candidate_id"] == first["candidate_id"]
    time.sleep(2.5)
    # Nobody answers. The region's clock moves on with its next event (another vacancy published), if the
    # matcher's clock tick has not moved it already.
    verloop.vacancy("V-2", rooms=4)
    expired = _wait(lambda: [o for o in api["shelter"].call("GET", "/v1/offers")["items"]
                             if o["offer_id"] == offer["offer_id"] and o["status"] == "expired"])
    assert expired
    # Any status: with a two-second deadline the next offer may itself have expired by the time it is read.
    nxt = _wait(lambda: [o for o in api["shelter"].call("GET", "/v1/offers")["items"]
                         if o["vacancy_id"] == "V-1" and o["offer_id"] != offer["offer_id"]])
    assert nxt[0]["candidate_id"] == second["candidate_id"]  # the expired pair is not proposed again
    changes = api["shelter"].call("GET", "/v1/changes?cursor=0")["items"]
    assert "offer.expired" in {c["kind"] for c in changes}


def test_in_a_quiet_region_the_offer_expires_on_the_clock_and_a_late_answer_is_refused(stack):
    stilte = one_region(stack, "Stilte", "GM0999", "R09", max_places=3)
    api = stilte.api
    stilte.vacancy("S-1")
    # Other people than Verloop's: a person already submitted elsewhere would be a linked submission.
    first = stilte.candidate("222333455", days_in_shelter=300)
    second = stilte.candidate("222333467", days_in_shelter=20)
    offer = _wait(lambda: api["shelter"].call("GET", "/v1/offers?status=open")["items"])[0]
    assert offer["candidate_id"] == first["candidate_id"]
    deadline = datetime.fromisoformat(offer["expires_at"]).timestamp()
    # From here on nothing happens in the region but the matcher's own clock.
    time.sleep(max(0.0, deadline - time.time()) + 0.2)
    status, problem = api["shelter"].request("POST", f"/v1/offers/{offer['offer_id']}/acceptance", {})
    assert status == 409 and problem["title"] == "Offer expired" and "expired" in problem["detail"]
    assert [p["name"] for p in problem["invalid_params"]] == ["offer_id"]
    _wait(lambda: [o for o in api["shelter"].call("GET", "/v1/offers")["items"]
                   if o["offer_id"] == offer["offer_id"] and o["status"] == "expired"], timeout=90, every=0.5)
    lag = time.time() - deadline
    print(f"quiet region: offer expired (as seen by the shelter) {lag:.1f} s after its deadline")
    assert lag < 60
    # The unit goes to the next person; the shelter reads why its client was passed over: expired, not declined.
    _wait(lambda: [o for o in api["shelter"].call("GET", "/v1/offers")["items"]
                   if o["vacancy_id"] == "S-1" and o["candidate_id"] == second["candidate_id"]])
    why = _wait(lambda: api["shelter"].call("GET", f"/v1/candidates/{first['candidate_id']}/passed-over")["items"])
    assert [w["reason"] for w in why] == ["expired_before"]
    kinds = [c["kind"] for c in api["shelter"].call("GET", "/v1/changes?cursor=0")["items"]
             if c["data"].get("offer_id") == offer["offer_id"]]
    assert kinds == ["offer.made", "offer.expired"]  # never declined, and no acceptance recorded
    assert api["shelter"].call("GET", f"/v1/offers/{offer['offer_id']}")["person_answer"] is None
