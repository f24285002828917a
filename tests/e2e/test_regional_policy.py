"""The regions run their own policy (issue 20), through the real broker and PostgreSQL, one stack, one region
per scenario: a policy change takes effect at its date and not before; a support provider at capacity blocks its
clients and others are placed instead; with review on a proposal waits, a manual match reaches the shelter as a
human decision and a held home is not offered; the third decline without a valid reason parks the candidate and
the transfer point lifts it.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import create_engine, text

from services.system.demo import create_organisations
from services.system.partner_client import PartnerClient
from services.system.scenario import Org, Scenario, make_bsn
from services.system.supervisor import client_ssl_context
from tests.support import wait_until

pytestmark = pytest.mark.e2e

TODAY = date.today()


def matcher_has(stack, query: str, **params) -> None:
    """Wait until the matcher's own table shows a policy, a provider's room or a lifted parking.

    Events of different topics reach the matcher in no fixed order: a decision or policy must have been
    taken before the events it must precede are sent. A fixed wait (6 s) was once too short on a busy machine;
    the matcher's table says it for certain."""
    engine = create_engine(stack.conf.database_url)
    try:
        def seen() -> bool:
            with engine.connect() as db:
                return db.execute(text(query), params).scalar_one() > 0
        wait_until(seen, timeout=60)
    finally:
        engine.dispose()


@dataclass
class Region:
    code: str
    municipality: str
    api: dict[str, PartnerClient]
    orgs: dict[str, Org]
    bsns: iter

    def vacancy(self, own_id: str, **extra) -> str:
        self.api["corporation"].call("POST", "/v1/vacancies", {
            "unit_id": own_id, "municipality": self.municipality, "region": self.code,
            "neighbourhood": f"BU{self.municipality[2:]}0001", "kind": "regular", "rooms": 1,
            "available_from": TODAY.isoformat(), **extra})
        return f"{self.orgs['corporation'].org_id}:{own_id}"

    def candidate(self, days: int, **extra) -> str:
        return self.api["shelter"].call("POST", "/v1/candidates", {
            "bsn": next(self.bsns), "region": self.code, "household_size": 1,
            "shelter_entry_date": (TODAY - timedelta(days=days)).isoformat(), **extra})["candidate_id"]

    def open_offers(self) -> list[dict]:
        return self.api["shelter"].call("GET", "/v1/offers?status=open")["items"]

    def offer_for(self, candidate_id: str, vacancy_id: str | None = None, timeout: float = 60) -> dict:
        return wait_until(lambda: [o for o in self.open_offers() if o["candidate_id"] == candidate_id
                                   and vacancy_id in (None, o["vacancy_id"])], timeout=timeout)[0]

    def feed(self, role: str, kind: str) -> list[dict]:
        return [c for c in self.api[role].call("GET", "/v1/changes?cursor=0")["items"] if c["kind"] == kind]

    def policy(self, stack, effective_from: date, policy: dict) -> dict:
        answer = self.api["municipality"].call("POST", "/v1/region-policies", {
            "effective_from": effective_from.isoformat(), "policy": policy})
        matcher_has(stack, "select count(*) from matcher_region_policy where region = :r and version = :v",
                    r=self.code, v=answer["version"])
        return answer


def region(stack, name: str, code: str, municipality: str, *extra: Org) -> Region:
    sc = Scenario(period=str(TODAY.year), today=TODAY)
    sc.orgs = [Org(f"Gemeente {name}", "municipality", municipality=municipality, region=code, central=True),
               Org(f"Woonstichting {name}", "corporation"), Org(f"Opvang {name}", "shelter", region=code),
               Org(f"Transferpunt {name}", "transfer_point", region=code), *extra]
    create_organisations(stack.conf, sc)
    tls = client_ssl_context(stack.conf)
    orgs: dict[str, Org] = {}
    for o in sc.orgs:  # the first of each role; the test holds the others
        orgs.setdefault(o.role, o)
    api = {role: PartnerClient(stack.url("intake"), o.token, tls) for role, o in orgs.items()}
    api["municipality"].call("POST", "/v1/agreements", {"corporation": orgs["corporation"].org_id,
                                                        "period": sc.period, "max_places": 20})
    return Region(code, municipality, api, orgs, iter(make_bsn(random.Random(f"{code}-{i}")) for i in range(50)))


def test_a_policy_change_takes_effect_at_its_date_and_not_before(stack):
    neighbour = Org("Gemeente Buur", "municipality", municipality="GM0742", region="R41")
    r = region(stack, "Beleid", "R41", "GM0741", neighbour)
    # Refused with the field paths, never the values; only the central municipality registers.
    status, problem = r.api["municipality"].request("POST", "/v1/region-policies", {
        "effective_from": TODAY.isoformat(), "policy": {"youth_bonus": "veel", "refusals": {"max_declines": 0},
                                                        "nonsense": 1}})
    assert status == 400
    assert {p["name"] for p in problem["invalid_params"]} == {"policy.youth_bonus", "policy.refusals.max_declines",
                                                             "policy.nonsense"}
    assert "veel" not in json.dumps(problem)
    not_central = PartnerClient(stack.url("intake"), neighbour.token, client_ssl_context(stack.conf))
    assert not_central.request("POST", "/v1/region-policies", {"effective_from": TODAY.isoformat(),
                                                               "policy": {}})[0] == 403

    tomorrow = r.policy(stack, TODAY + timedelta(days=1), {"youth_bonus": 1000})
    assert tomorrow["version"] == 1
    r.vacancy("B-1")
    first = r.offer_for(r.candidate(20, youth=True))
    assert first["explanation"]["youth"] == 50  # tomorrow's policy is not in force today

    today = r.policy(stack, TODAY, {"youth_bonus": 700})
    r.vacancy("B-2")
    second = r.offer_for(r.candidate(20, youth=True))
    assert second["explanation"]["youth"] == 700
    history = r.api["transfer_point"].call("GET", "/v1/region-policies")
    assert [v["version"] for v in history["items"]] == [1, 2] and history["in_force"] == today["version"]


def test_a_provider_at_capacity_blocks_its_clients_and_others_are_placed_instead(stack):
    provider = Org("Ambulant Team", "support_provider")
    r = region(stack, "Begeleiding", "R42", "GM0743", provider)
    sp = r.orgs["support_provider"].org_id
    r.api["support_provider"].call("POST", "/v1/support-capacity", {"period": str(TODAY.year), "max_new_clients": 1})
    status, problem = r.api["shelter"].request("POST", "/v1/candidates", {
        "bsn": next(r.bsns), "region": r.code, "household_size": 1, "shelter_entry_date": TODAY.isoformat(),
        "support_provider_id": "onbekend-team"})
    assert status == 400 and problem["invalid_params"][0]["name"] == "support_provider_id"
    matcher_has(stack, "select count(*) from matcher_support_provider where provider = :p", p=sp)
    first = r.candidate(300, support_provider_id=sp)
    blocked = r.candidate(200, support_provider_id=sp)
    other = r.candidate(10)
    r.vacancy("S-1")
    r.vacancy("S-2")
    assert r.offer_for(first) and r.offer_for(other)
    assert not [o for o in r.open_offers() if o["candidate_id"] == blocked]


def test_with_review_on_proposals_wait_a_manual_match_is_a_human_decision_and_a_held_home_is_not_offered(stack):
    r = region(stack, "Tafel", "R43", "GM0744")
    tp, shelter, corp = r.api["transfer_point"], r.api["shelter"], r.api["corporation"]
    r.policy(stack, TODAY, {"review": {"enabled": True}})
    a, b, c = r.candidate(300), r.candidate(200), r.candidate(10)
    held_unit, matched_unit = r.vacancy("T-1"), r.vacancy("T-2")
    try:
        proposals = wait_until(lambda: len(w := [p for p in tp.call("GET", "/v1/transfer-point/proposals")["items"]
                                                 if p["status"] == "waiting"]) == 2 and w, timeout=60)
    except AssertionError:
        raise AssertionError(("proposals", tp.call("GET", "/v1/transfer-point/proposals")["items"],
                              "offers", shelter.call("GET", "/v1/offers")["items"]))
    assert {p["candidate_id"] for p in proposals} == {a, b} and not proposals[0]["overdue"]
    assert r.open_offers() == []  # the proposals wait for the transfer point

    tp.call("POST", "/v1/transfer-point/holds", {"unit_id": held_unit, "until": (TODAY + timedelta(days=7))
                                                 .isoformat(), "reason": "woning voor gezin uit crisisopvang"},
            ok=(202,))
    reason = "voorrang besproken aan de matchtafel: werk in de buurt"
    tp.call("POST", "/v1/transfer-point/manual-matches", {"candidate_id": c, "unit_id": matched_unit,
                                                          "reason": reason}, ok=(202,))
    offer = r.offer_for(c)
    assert offer["vacancy_id"] == "T-2"
    assert offer["decision"] == {"kind": "manual_match", "reason": reason, "decided_by": "transfer_point"}
    made = wait_until(lambda: [f for f in r.feed("shelter", "offer.made") if f["data"]["offer_id"] == offer["offer_id"]])
    assert made[0]["data"]["decided_by"] == "transfer_point" and made[0]["data"]["decision_reason"] == reason
    assert corp.call("GET", f"/v1/offers/{offer['offer_id']}")["decision"]["kind"] == "manual_match"
    assert [h["data"]["vacancy_id"] for h in r.feed("corporation", "vacancy.held")] == ["T-1"]
    assert tp.call("GET", "/v1/transfer-point/manual-matches")["items"][0]["status"] == "offered"

    # The held home is not proposed again; a new home is, and the approval sends the offer out.
    r.vacancy("T-3")
    new = wait_until(lambda: [p for p in tp.call("GET", "/v1/transfer-point/proposals")["items"]
                              if p["status"] == "waiting"], timeout=60)
    assert [p["unit_id"].split(":")[-1] for p in new] == ["T-3"] and new[0]["candidate_id"] == a
    tp.call("POST", f"/v1/transfer-point/proposals/{new[0]['offer_id']}/approval", {"reason": "akkoord"})
    approved = r.offer_for(a)
    assert approved["decision"] == {"kind": "approved", "reason": "akkoord", "decided_by": "transfer_point"}
    assert all(o["vacancy_id"] != "T-1" for o in shelter.call("GET", "/v1/offers")["items"])


def test_the_third_decline_without_a_valid_reason_parks_the_candidate_and_the_transfer_point_lifts_it(stack):
    r = region(stack, "Weigering", "R44", "GM0745")
    shelter, tp = r.api["shelter"], r.api["transfer_point"]
    person = r.candidate(300)
    for i, category in enumerate(["other", "home_unsuitable_for_health", "unsafe_neighbourhood", "other"]):
        r.vacancy(f"W-{i}")
        offer = r.offer_for(person, f"W-{i}")
        shelter.call("POST", f"/v1/offers/{offer['offer_id']}/decline", {"category": category, "reason": "nee"})
    parked = wait_until(lambda: r.feed("shelter", "candidate.parked"), timeout=60)[0]["data"]
    assert parked["candidate_id"] == person and parked["reason"] == "declines_without_valid_reason"
    assert date.fromisoformat(parked["until"][:10]) >= TODAY + timedelta(days=59)
    # Parked: the next home goes to someone else; the transfer point sees until when, and lifts it. Which home
    # `other` gets is the round's choice: the four homes the parked person declined are free again too, and
    # a round that runs before W-8 arrives (a busy machine) offers one of them.
    other = r.candidate(5)
    r.vacancy("W-8")
    taken = r.offer_for(other)["vacancy_id"]
    assert not [o for o in r.open_offers() if o["candidate_id"] == person]
    view = next(c for c in tp.call("GET", "/v1/transfer-point/candidates")["items"] if c["candidate_id"] == person)
    assert view["parked_until"] is not None and view["declined_offers"] == 4
    tp.call("POST", f"/v1/transfer-point/candidates/{person}/parking-lift", {"reason": "gesprek gevoerd"})
    assert wait_until(lambda: r.feed("shelter", "candidate.parking_lifted"))
    matcher_has(stack, "select count(*) from matcher_candidate where candidate_id = :c and parked_until is null",
                c=person)
    r.vacancy("W-9")
    # a home the person has not declined: W-9, or W-8 when `other` was offered a declined one
    assert r.offer_for(person)["vacancy_id"] in {"W-8", "W-9"} - {taken}
