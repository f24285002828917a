"""What partners learn, through the real broker and PostgreSQL (issue 11, items 1, 2, 4 and 5).

The shelter reads the offered home with its address, the corporation the household and no score; a
rejection's category and text reach the shelter, a decline's category (only) the corporation; the
counters show used, held and remaining after a placement; a home available next year counts against
next year's agreement, one available since last year against this year's.
"""
from __future__ import annotations

import asyncio
import json
import random
from datetime import date, timedelta

import pytest

from contracts.topics import ALL_TOPICS, INBOUND
from services.system.dlq import read_all
from services.system.scenario import make_bsn
from tests.e2e.region import one_region
from tests.support import wait_until

pytestmark = pytest.mark.e2e

TODAY = date.today()
THIS_YEAR, NEXT_YEAR = str(TODAY.year), str(TODAY.year + 1)
MUNICIPALITY, REGION, HOOD = "GM0777", "R06", "BU07770001"
ADDRESS = {"street": "Kerkstraat", "number": "12a", "postcode": "3511 AB", "town": "Inzicht"}
CONTACT = {"name": "J. de Vries", "phone": "+31 30 123 4567", "email": "verhuur@example.nl"}


def test_what_each_partner_learns_of_offers_reasons_counters_and_periods(stack):
    region = one_region(stack, "Inzicht", MUNICIPALITY, REGION, max_places=4)
    shelter, corp, muni = region.api["shelter"], region.api["corporation"], region.api["municipality"]
    corp_id = region.orgs["corporation"].org_id
    bsns = iter(make_bsn(random.Random(f"partners-{i}")) for i in range(10))
    # This year's agreement with one place used outside the product; next year's; this year's neighbourhood limit.
    muni.call("POST", "/v1/agreements", {"corporation": corp_id, "period": THIS_YEAR, "max_places": 4, "used": 1})
    muni.call("POST", "/v1/agreements", {"corporation": corp_id, "period": NEXT_YEAR, "max_places": 2})
    muni.call("POST", "/v1/neighbourhood-limits", {"neighbourhood": HOOD, "period": THIS_YEAR, "max_placements": 5})

    def vacancy(unit_id: str, available_from: date, **extra) -> None:
        corp.call("POST", "/v1/vacancies", {"unit_id": unit_id, "municipality": MUNICIPALITY, "region": REGION,
                                            "neighbourhood": HOOD, "kind": "regular", "rooms": 1,
                                            "available_from": available_from.isoformat(), **extra})

    def candidate(days: int, **extra) -> str:
        return shelter.call("POST", "/v1/candidates", {
            "bsn": next(bsns), "region": REGION, "household_size": 1,
            "shelter_entry_date": (TODAY - timedelta(days=days)).isoformat(), **extra})["candidate_id"]

    def open_offer(vacancy_id: str) -> dict:
        return wait_until(lambda: [o for o in shelter.call("GET", "/v1/offers?status=open")["items"]
                                   if o["vacancy_id"] == vacancy_id], timeout=60)[0]

    def counters(role: str = "municipality", period: str = THIS_YEAR) -> dict:
        return next(a["counters"] for a in region.api[role].call("GET", "/v1/agreements")["items"]
                    if a["period"] == period)

    def feed(api, kind: str, offer_id: str) -> dict:
        return wait_until(lambda: [c for c in api.call("GET", "/v1/changes?cursor=0")["items"]
                                   if c["kind"] == kind and c["data"].get("offer_id") == offer_id])[0]

    def vacancy_status(vacancy_id: str) -> str:
        return corp.call("GET", f"/v1/vacancies/{vacancy_id}")["status"]

    # 1. Offers carry what each side needs.
    vacancy("V-1", TODAY, address=ADDRESS, rent=512.37, service_costs=40.0, energy_label="A", floor=2, lift=False,
            viewing_contact=CONTACT)
    first = candidate(200, youth=True, medical_urgency=True, support_provider="Team Ambulant Inzicht")
    offer = open_offer("V-1")
    assert offer["candidate_id"] == first
    home = offer["home"]
    assert (home["address"], home["viewing_contact"], home["rent"], home["floor"]) == (ADDRESS, CONTACT, 512.37, 2)
    assert (home["municipality"], home["neighbourhood"], home["kind"], home["rooms"]) == (MUNICIPALITY, HOOD,
                                                                                          "regular", 1)
    assert offer["priority"] > 0 and offer["explanation"]["medical_urgency"] > 0 and offer["period"] == THIS_YEAR
    by_corp = corp.call("GET", f"/v1/offers/{offer['offer_id']}")
    assert by_corp["priority"] is None and by_corp["explanation"] is None and by_corp["candidate_id"] is None
    assert by_corp["household"] == {"household_size": 1, "children": 0, "support": "none",
                                    "support_provider": "Team Ambulant Inzicht", "youth": True}
    assert "medical" not in json.dumps(by_corp) and by_corp["home"] is None
    assert vacancy_status("V-1") == "offered"
    assert counters() == {"committed": 4, "used": 1, "held": 1, "remaining": 2}
    assert counters("corporation") == counters()  # the corporation reads its own agreement, the same numbers

    # 2. A rejection's category and text reach the shelter.
    corp.call("POST", f"/v1/offers/{offer['offer_id']}/rejection",
              {"category": "support_not_arranged", "reason": "begeleiding pas vanaf maart beschikbaar"})
    rejected = feed(shelter, "offer.rejected", offer["offer_id"])
    assert rejected["data"]["category"] == "support_not_arranged"
    assert rejected["data"]["reason"] == "begeleiding pas vanaf maart beschikbaar"
    assert shelter.call("GET", f"/v1/offers/{offer['offer_id']}")["rejection"] == {
        "category": "support_not_arranged", "reason": "begeleiding pas vanaf maart beschikbaar"}
    wait_until(lambda: vacancy_status("V-1") == "open")

    # ... and a decline's category, never its text, reaches the corporation.
    second = candidate(100)
    offer = open_offer("V-1")
    assert offer["candidate_id"] == second
    health = "trap is te zwaar na de operatie"
    shelter.call("POST", f"/v1/offers/{offer['offer_id']}/decline",
                 {"category": "home_unsuitable_for_health", "reason": health})
    declined = feed(corp, "offer.declined", offer["offer_id"])
    assert declined["data"] == {"offer_id": offer["offer_id"], "category": "home_unsuitable_for_health"}
    by_corp = corp.call("GET", f"/v1/offers/{offer['offer_id']}")
    assert by_corp["decline"] == {"category": "home_unsuitable_for_health", "reason": None}
    assert health not in json.dumps(corp.call("GET", "/v1/changes?cursor=0")) + json.dumps(by_corp)
    assert shelter.call("GET", f"/v1/offers/{offer['offer_id']}")["decline"]["reason"] == health

    # 4. Counters after a placement: used = registered + placed, held by open offers, remaining.
    vacancy("V-2", TODAY)
    offer = open_offer("V-2")
    assert offer["candidate_id"] == first  # the most urgent of the two waiting
    corp.call("POST", f"/v1/offers/{offer['offer_id']}/confirmation")
    shelter.call("POST", f"/v1/offers/{offer['offer_id']}/acceptance")
    wait_until(lambda: shelter.call("GET", f"/v1/candidates/{first}")["status"] == "placed", timeout=60)
    assert wait_until(lambda: vacancy_status("V-2") == "let")
    assert counters() == {"committed": 4, "used": 2, "held": 0, "remaining": 2}
    corp.call("POST", "/v1/vacancies/V-1/withdrawal", {"reason": "renovatie"})
    assert vacancy_status("V-1") == "withdrawn"

    # 5. Periods: a home available next year counts against next year's agreement, one available since last
    # year against this year's (and its neighbourhood limit).
    vacancy("V-NEXT", date(TODAY.year + 1, 2, 1))
    vacancy("V-LAST", date(TODAY.year - 1, 11, 1))
    candidate(60)
    candidate(50)
    next_year, last_year = open_offer("V-NEXT"), open_offer("V-LAST")
    assert (next_year["period"], last_year["period"]) == (NEXT_YEAR, THIS_YEAR)
    assert next_year["home"]["available_from"] == f"{TODAY.year + 1}-02-01"
    assert counters() == {"committed": 4, "used": 2, "held": 1, "remaining": 1}
    assert counters(period=NEXT_YEAR) == {"committed": 2, "used": 0, "held": 1, "remaining": 1}
    [limit] = muni.call("GET", "/v1/neighbourhood-limits")["items"]
    assert limit["counters"] == {"committed": 5, "used": 1, "held": 1, "remaining": 3}

    # The person's own words about the decline stay in the intake: no topic carries them (the matcher
    # needs the category only), though every later step of this test went through the broker.
    published = [m.value for name in [t.name for t in ALL_TOPICS] + [INBOUND]
                 for m in asyncio.run(read_all(stack.bootstrap, name))]
    assert published and not any(health.encode() in value for value in published)
