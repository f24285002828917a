"""Partner flows over HTTPS and the inbound topic: idempotency, one person one candidate, hearing back,
monitoring sources, signed commands, the dead-letter topic and its replay."""
from __future__ import annotations

import asyncio
import base64
import json
import random
import threading
import uuid
from datetime import date

import pytest

from contracts import topics
from contracts.deadletter import DeadLetter
from services.system.dlq import read_all, replay
from services.system.scenario import make_bsn
from tests.integration.intake.conftest import candidate_body, inbound_message, vacancy_body, wait_for

pytestmark = pytest.mark.integration
_rng = random.Random()


def new_bsn() -> str:
    """A fresh valid BSN per use: the package shares one intake database."""
    return make_bsn(_rng)


def outbox_count(intake, *orgs) -> int:
    """Published events that name these organisations: the package's worker may still be busy with what
    earlier tests sent it, so a count over everything published could move under the test."""
    ids = [o.org_id.encode() for o in orgs]
    return sum(any(i in value for i in ids) for value in intake.published())


def test_idempotency_key_replays_the_first_answer_and_makes_no_second_event(intake):
    shelter = intake.org("shelter")
    key = {"Idempotency-Key": str(uuid.uuid4())}
    body = candidate_body(bsn=new_bsn())
    s1, first = shelter.api.request("POST", "/v1/candidates", body, headers=key)
    events = outbox_count(intake, shelter)
    s2, again = shelter.api.request("POST", "/v1/candidates", body, headers=key)
    assert (s1, s2) == (201, 201) and again == first
    assert outbox_count(intake, shelter) == events
    s3, problem = shelter.api.request("POST", "/v1/candidates", {**body, "household_size": 2}, headers=key)
    assert s3 == 422 and problem["title"] == "Idempotency-Key reused"
    # Racing retries: exactly one event, every caller the same answer.
    key2 = {"Idempotency-Key": str(uuid.uuid4())}
    body2 = candidate_body(bsn=new_bsn())
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(
        shelter.api.request("POST", "/v1/candidates", body2, headers=key2))) for _ in range(6)]
    before = outbox_count(intake, shelter)
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert {a[1]["candidate_id"] for a in answers} and len({a[1]["candidate_id"] for a in answers}) == 1
    assert outbox_count(intake, shelter) == before + 1


def test_one_person_is_one_candidate_across_organisations(intake):
    a, b = intake.org("shelter"), intake.org("shelter")
    bsn = new_bsn()
    first = a.api.call("POST", "/v1/candidates", candidate_body(bsn=bsn))
    events = outbox_count(intake, a, b)
    same = a.api.call("POST", "/v1/candidates", candidate_body(bsn=bsn))
    assert same["candidate_id"] == first["candidate_id"]
    ref = b.api.call("POST", "/v1/person-references", {"bsn": bsn})["person_ref"]
    status, linked = b.api.request("POST", "/v1/candidates", candidate_body(person_ref=ref))
    # Answered exactly like a new submission: a shelter must not learn that the person is registered elsewhere.
    status_new, new = b.api.request("POST", "/v1/candidates", candidate_body(bsn=new_bsn()))
    assert status == status_new == 201 and set(linked) == set(new) and linked["status"] == new["status"]
    assert linked["candidate_id"] != first["candidate_id"]
    assert intake.query("select linked_to from intake_candidate where candidate_id = :c",
                        c=linked["candidate_id"]) == [(first["candidate_id"],)]  # linked, internally
    events += 1  # the new person's CandidateSubmitted
    assert outbox_count(intake, a, b) == events  # no second CandidateSubmitted: never matched twice
    assert "person_ref" not in linked and first["candidate_id"] not in json.dumps(linked)


def test_partners_hear_back_through_the_change_feed_and_their_outbound_key(intake):
    shelter, corp = intake.org("shelter"), intake.org("corporation")
    cand = shelter.api.call("POST", "/v1/candidates", candidate_body(bsn=new_bsn()))
    corp.api.call("POST", "/v1/vacancies", vacancy_body("HB-1", kind="flex", available_until="2036-01-01"))
    offer_id = intake.offer(shelter, cand["candidate_id"], corp, "HB-1")
    assert shelter.api.call("GET", f"/v1/candidates/{cand['candidate_id']}")["status"] == "offered"
    feed = shelter.api.call("GET", "/v1/changes")
    assert [(c["kind"], c["data"]["offer_id"]) for c in feed["items"]] == [("offer.made", offer_id)]
    assert shelter.api.call("GET", f"/v1/changes?cursor={feed['next_cursor']}")["items"] == []
    corp_offer = corp.api.call("GET", f"/v1/offers/{offer_id}")
    assert corp_offer["candidate_id"] is None and corp_offer["explanation"] is None
    corp.api.call("POST", f"/v1/offers/{offer_id}/confirmation")
    shelter.api.call("POST", f"/v1/offers/{offer_id}/decline", {"reason": "too far from school"})
    assert shelter.api.call("GET", f"/v1/offers/{offer_id}")["person_answer"] == "declined"
    # The same entries on housing.outbound.v1, keyed by each organisation's id.

    def outbound_for(org):
        msgs = asyncio.run(read_all(intake.bootstrap, topics.OUTBOUND.name))
        return [json.loads(m.value) for m in msgs if m.key == org.org_id.encode()]
    wait_for(lambda: [c for c in shelter.api.call("GET", "/v1/changes")["items"] if c["kind"] == "offer.declined"])
    feed = shelter.api.call("GET", "/v1/changes")["items"]
    assert [c["kind"] for c in feed] == ["offer.made", "offer.declined"]
    got = wait_for(lambda: (g := outbound_for(shelter)) and len(g) == len(feed) and g)
    assert [(g["kind"], g["seq"], g["data"]) for g in got] == [(c["kind"], c["seq"], c["data"]) for c in feed]
    assert wait_for(lambda: outbound_for(corp))[0]["data"] == {"offer_id": offer_id, "vacancy_id": "HB-1"}


def test_monitoring_sources_report_retract_end_and_total(intake):
    muni, corp = intake.org("municipality"), intake.org("corporation")
    flex = intake.org("monitor", source_kind="flex_registry")
    report = {"report_id": "r-1", "bsn": "111222333", "municipality": muni.municipality, "region": "R07",
              "bag_id": f"{muni.municipality[2:]}010000000009", "unit_kind": "flex",
              "move_in_date": date.today().isoformat()}
    assert muni.api.call("POST", "/v1/placement-reports", report)["source_kind"] == "municipal_monitor"
    assert muni.api.request("POST", "/v1/placement-reports", {**report, "municipality": "GM0001",
                                                              "report_id": "r-2"})[0] == 403
    assert flex.api.call("POST", "/v1/placement-reports", report)["source_kind"] == "flex_registry"
    assert corp.api.request("POST", "/v1/placement-reports", {**report, "source_kind": "flex_registry"})[0] == 400
    assert muni.api.call("POST", "/v1/placement-reports/r-1/retraction", {"reason": "typo"})["status"] == "retracted"
    assert flex.api.call("POST", "/v1/placement-endings", {"bsn": "111222333", "bag_id": "0363010000000009",
                                                           "end_date": date.today().isoformat(),
                                                           "reason": "moved on"}, ok=(202,))["accepted"]
    assert flex.api.call("POST", "/v1/placement-totals", {"period": "2026", "places": 5000}, ok=(202,))
    msgs = asyncio.run(read_all(intake.bootstrap, topics.PLACEMENTS.name))
    mine = [json.loads(m.value) for m in msgs if json.loads(m.value)["producer"] in (muni.org_id, flex.org_id)]
    wait_for(lambda: len(mine) >= 4 or mine.extend(
        json.loads(m.value) for m in asyncio.run(read_all(intake.bootstrap, topics.PLACEMENTS.name))
        if json.loads(m.value)["producer"] in (muni.org_id, flex.org_id)))
    types = {m["event_type"] for m in mine}
    assert {"PlacementReported", "PlacementRetracted", "PlacementEnded"} <= types
    retraction = next(m for m in mine if m["event_type"] == "PlacementRetracted")
    assert retraction["person_ref"] and "111222333" not in json.dumps(mine)


def _dead_letters(intake, *orgs) -> list[DeadLetter]:
    """Every dead letter, or those of these organisations' messages (an inbound message's key is its
    organisation): other tests of the package leave letters of their own on the shared broker."""
    keys = {o.org_id.encode() for o in orgs}
    found = [DeadLetter.model_validate_json(m.value) for m in asyncio.run(read_all(intake.bootstrap,
                                                                                    topics.DEAD_LETTER))]
    return [d for d in found if not keys or (d.key_b64 and base64.b64decode(d.key_b64) in keys)]


def _rejections(org) -> list[dict]:
    return [c["data"] for c in org.api.call("GET", "/v1/changes")["items"] if c["kind"] == "command.rejected"]


def test_signed_inbound_commands_same_rules_as_http_and_idempotent(intake):
    shelter, other = intake.org("shelter"), intake.org("shelter")
    ref = shelter.api.call("POST", "/v1/person-references", {"bsn": new_bsn()})["person_ref"]
    cid = str(uuid.uuid4())
    ok = inbound_message(shelter, "candidate.submit", candidate_body(person_ref=ref), command_id=cid)
    intake.produce(topics.INBOUND, [ok, ok])  # a resend with the same command id
    accepted = wait_for(lambda: [c for c in shelter.api.call("GET", "/v1/changes")["items"]
                                 if c["kind"] == "command.accepted"])
    cand_id = accepted[0]["data"]["candidate_id"]
    assert accepted[0]["data"]["command_id"] == cid and accepted[0]["data"]["http_status"] == 201
    assert [c["candidate_id"] for c in shelter.api.call("GET", "/v1/candidates")["items"]] == [cand_id]
    bad = [
        inbound_message(shelter, "candidate.submit", candidate_body(bsn="111222333")),  # a BSN on a topic
        inbound_message(shelter, "candidate.submit", candidate_body(person_ref=ref), token=other.token),  # forged
        inbound_message(other, "candidate.withdraw", {"reason": "x"}, target=cand_id),  # another's candidate
        inbound_message(shelter, "vacancy.publish", vacancy_body("X-1")),  # wrong role
        inbound_message(shelter, "candidate.submit", {**candidate_body(person_ref=ref), "extra": 1}),
        (shelter.org_id.encode(), b'{"not": "signed"}', []),
    ]
    intake.produce(topics.INBOUND, bad)
    letters = wait_for(lambda: (found := _dead_letters(intake, shelter, other)) and len(found) >= len(bad) and found)
    assert len(letters) == len(bad)
    assert {(d.topic, d.service) for d in letters} == {(topics.INBOUND, "intake")}
    joined = "\n".join(d.reason for d in letters)
    for expected in ("body.bsn", "hm-signature", "404 Not found", "for the role(s) corporation",
                     "Extra inputs are not permitted", "unsigned"):
        assert expected in joined
    assert "111222333" not in joined
    assert all(b"111222333" not in base64.b64decode(d.value_b64) for d in _dead_letters(intake))
    rejected = wait_for(lambda: [c for c in other.api.call("GET", "/v1/changes")["items"]
                                 if c["kind"] == "command.rejected" and "404" in c["data"]["reason"]])
    assert rejected[0]["data"]["command"] == "candidate.withdraw"
    assert [c["status"] for c in shelter.api.call("GET", "/v1/candidates")["items"]] == ["waiting"]


def test_dead_letter_replay_republishes_once(intake):
    corp = intake.org("corporation")
    # Commands for vacancies that do not exist are refused; one vacancy is published, and both letters
    # are replayed by the coordinates the partner's command.rejected notices name.
    late_id, never_id = str(uuid.uuid4()), str(uuid.uuid4())
    intake.produce(topics.INBOUND, [
        inbound_message(corp, "vacancy.withdraw", {"reason": "sold"}, target="LATE-1", command_id=late_id),
        inbound_message(corp, "vacancy.withdraw", {"reason": "sold"}, target="NEVER-1", command_id=never_id)])
    refused = {r["command_id"]: r["dead_letter"] for r in wait_for(lambda: len(_rejections(corp)) == 2
                                                                    and _rejections(corp))}
    late, never = refused[late_id], refused[never_id]
    corp.api.call("POST", "/v1/vacancies", vacancy_body("LATE-1"))

    first = asyncio.run(replay(intake.bootstrap, at=[late, never]))
    assert (first["replayed"], sorted(first["letters"])) == (2, sorted([late, never]))
    wait_for(lambda: corp.api.call("GET", "/v1/vacancies/LATE-1")["status"] == "withdrawn")
    # NEVER-1 is refused again: that refusal's letter is a failed replay, not replayed in a loop.
    again_refused = wait_for(lambda: len(_rejections(corp)) == 3 and _rejections(corp))
    never_again = next(r["dead_letter"] for r in again_refused if r["dead_letter"] not in (late, never))
    assert next(r["command_id"] for r in again_refused if r["dead_letter"] == never_again) == never_id

    again = asyncio.run(replay(intake.bootstrap, at=[late, never, never_again]))
    assert again == {"selected": 3, "already_replayed": 2, "failed_replays": 1, "replayed": 0, "letters": []}
    accepted = [c for c in corp.api.call("GET", "/v1/changes")["items"] if c["kind"] == "command.accepted"]
    assert [c["data"]["command_id"] for c in accepted if c["data"]["command"] == "vacancy.withdraw"] == [late_id]
    with pytest.raises(LookupError):  # a letter asked for that is not on the topic is an error, never skipped
        asyncio.run(replay(intake.bootstrap, at=["0:99999999"]))


def test_a_placement_by_bag_id_only_in_the_reporters_own_homes_or_municipality(intake):
    """A BAG id makes the ledger count a place in that home, whoever owns it (issue 14, item 4)."""
    muni, corp, other = intake.org("municipality"), intake.org("corporation"), intake.org("corporation")
    own_home, elsewhere = f"{muni.municipality[2:]}010000000042", "0999010000000042"
    corp.api.call("POST", "/v1/vacancies", vacancy_body("BAG-1", municipality=muni.municipality, bag_id=own_home))
    report = {"bsn": new_bsn(), "municipality": muni.municipality, "region": "R07", "unit_kind": "regular",
              "move_in_date": date.today().isoformat()}
    ending = {"person_ref": "d" * 64, "end_date": date.today().isoformat(), "reason": "moved on"}

    def refused(org, path, body):
        status, problem = org.api.request("POST", path, body)
        assert status == 403 and [p["name"] for p in problem["invalid_params"]] == ["bag_id"], problem
        assert body["bag_id"] not in json.dumps(problem)

    for n, (org, home) in enumerate(((muni, elsewhere), (corp, elsewhere), (other, own_home))):
        refused(org, "/v1/placement-reports", {**report, "report_id": f"bag-no-{n}", "bag_id": home})
        refused(org, "/v1/placement-endings", {**ending, "bag_id": home})
    # Not even beside the corporation's own unit id: the BAG id would still join another's home in the ledger.
    refused(other, "/v1/placement-reports", {**report, "report_id": "bag-no-x", "bag_id": own_home,
                                             "corporation": other.org_id, "unit_id": "X-1"})
    for n, org in enumerate((muni, corp)):
        assert org.api.call("POST", "/v1/placement-reports", {**report, "report_id": f"bag-ok-{n}",
                                                              "bag_id": own_home})["status"] == "reported"
        assert org.api.call("POST", "/v1/placement-endings", {**ending, "bag_id": own_home}, ok=(202,))
    assert intake.query("select count(*) from intake_placement_report where report_id like 'bag-no-%'") == [(0,)]
