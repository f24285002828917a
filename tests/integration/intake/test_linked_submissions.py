"""One person at several shelters, over HTTPS and the inbound topic: when the submission being matched is
withdrawn the oldest linked one takes over, and when the person is placed the linked ones hear that they were
housed elsewhere, without learning where or through whom."""
from __future__ import annotations

import json
import random
import threading
import uuid
from datetime import UTC, date, datetime

import pytest

from contracts import events as ev
from contracts import topics
from services.system.scenario import make_bsn
from tests.integration.intake.conftest import candidate_body, inbound_message, vacancy_body, wait_for

pytestmark = pytest.mark.integration
_rng = random.Random()


def last_seq(intake) -> set[str]:
    """The ids of the events the intake has published so far."""
    return {json.loads(v)["event_id"] for v in intake.published()}


def events_after(intake, seen: set[str]) -> list[dict]:
    """The events published since ``seen``, in partition order (one region's candidates share a partition)."""
    return [e for e in map(json.loads, intake.published()) if e["event_id"] not in seen]


def about(events: list[dict], *candidate_ids: str) -> list[tuple[str, str]]:
    """The candidate events (for the matcher) concerning these candidates, in the order they were sent."""
    return [(e["event_type"], e["candidate_id"]) for e in events
            if e["event_type"].startswith("Candidate") and e["candidate_id"] in candidate_ids]


def linked_to(intake, candidate_id: str) -> str | None:
    return intake.query("select linked_to from intake_candidate where candidate_id = :c", c=candidate_id)[0][0]


def feed(org, kind_prefix: str = "candidate.") -> list[tuple[str, dict]]:
    return [(c["kind"], c["data"]) for c in org.api.call("GET", "/v1/changes?limit=500")["items"]
            if c["kind"].startswith(kind_prefix)]


def person(intake, *shelters, **profiles):
    """The same person submitted by each shelter in turn; returns the candidate ids and the person reference."""
    ref = shelters[0].api.call("POST", "/v1/person-references", {"bsn": make_bsn(_rng)})["person_ref"]
    ids, shapes = [], set()
    for n, shelter in enumerate(shelters):
        status, answer = shelter.api.request("POST", "/v1/candidates",
                                             candidate_body(person_ref=ref, **profiles.get(str(n), {})))
        # Every submission is answered like a new one (issue 14); the link to the first is internal.
        assert status == 201 and answer["status"] == "waiting", answer
        shapes.add(tuple(sorted(answer)))
        ids.append(answer["candidate_id"])
        assert linked_to(intake, ids[-1]) == (ids[0] if n else None)
    assert len(shapes) == 1 and not any("linked" in key for key in shapes.pop())
    return ids, ref


def test_withdrawing_the_matched_submission_hands_the_person_over_to_the_second_shelter(intake):
    a, b, corp = intake.org("shelter"), intake.org("shelter"), intake.org("corporation")
    (first, second), ref = person(intake, a, b, **{"1": {"region": "R08", "household_size": 2, "children": 1}})
    mark = last_seq(intake)
    withdrawn = a.api.call("POST", f"/v1/candidates/{first}/withdrawal", {"reason": "moved to family"})
    assert withdrawn["status"] == "withdrawn" and second not in json.dumps(withdrawn)
    events = events_after(intake, mark)
    # Both, once each. The two lie on different partitions (regions R07 and R08): no consumer sees an
    # order between them, so none is asserted (within one region the order is, below).
    assert sorted(about(events, first, second)) == [("CandidateSubmitted", second), ("CandidateWithdrawn", first)]
    cause = next(e for e in events if e["event_type"] == "CandidateWithdrawn")
    taken = next(e for e in events if e["event_type"] == "CandidateSubmitted")
    assert (taken["shelter"], taken["person_ref"], taken["region"], taken["household_size"], taken["children"]) == \
        (b.org_id, ref, "R08", 2, 1)  # its own profile and shelter, the same person
    assert taken["causation_id"] == cause["event_id"] and "moved to family" not in json.dumps(taken)
    # The second shelter sees its candidate matched now, and hears it; nothing about the first shelter.
    mine = b.api.call("GET", f"/v1/candidates/{second}")
    assert linked_to(intake, second) is None and mine["status"] == "waiting"
    assert feed(b) == [("candidate.took_over", {"candidate_id": second})]
    assert feed(a) == []
    for leak in (first, a.org_id, "moved to family"):
        assert leak not in json.dumps(b.api.call("GET", "/v1/changes?limit=500"))
    taken_notice = next(e for e in events if e["event_type"] == "PartnerNotified")
    assert (taken_notice["org_id"], taken_notice["kind"]) == (b.org_id, "candidate.took_over")
    # From now on the second shelter's updates reach the matcher, and it answers its own offers.
    mark = last_seq(intake)
    b.api.call("PUT", f"/v1/candidates/{second}", candidate_body(region="R08", household_size=3))
    assert about(events_after(intake, mark), first, second) == [("CandidateUpdated", second)]
    corp.api.call("POST", "/v1/vacancies", vacancy_body("TK-1", region="R08"))
    offer_id = intake.offer(b, second, corp, "TK-1", region="R08")
    assert b.api.call("GET", f"/v1/candidates/{second}")["status"] == "offered"
    mark = last_seq(intake)
    accepted = b.api.call("POST", f"/v1/offers/{offer_id}/acceptance")
    assert accepted["person_answer"] == "accepted" and accepted["candidate_id"] == second
    assert [e["offer_id"] for e in events_after(intake, mark) if e["event_type"] == "OfferAccepted"] == [offer_id]
    assert a.api.request("GET", f"/v1/offers/{offer_id}")[0] == 404


def test_a_chain_of_three_shelters_hands_over_twice_then_stops(intake):
    a, b, c, d = (intake.org("shelter") for _ in range(4))
    (first, second, third), _ = person(intake, a, b, c)
    assert linked_to(intake, second) == linked_to(intake, third) == first
    mark = last_seq(intake)
    a.api.call("POST", f"/v1/candidates/{first}/withdrawal", {"reason": "moved away"})
    assert about(events_after(intake, mark), first, second, third) == [
        ("CandidateWithdrawn", first), ("CandidateSubmitted", second)]
    assert linked_to(intake, second) is None and linked_to(intake, third) == second
    # A fourth shelter's submission now links to the one matched now.
    ref = intake.query("select person_ref from intake_candidate where candidate_id = :c", c=second)[0][0]
    status, fourth = d.api.request("POST", "/v1/candidates", candidate_body(person_ref=ref))
    assert status == 201 and linked_to(intake, fourth["candidate_id"]) == second
    mark = last_seq(intake)
    b.api.call("POST", f"/v1/candidates/{second}/withdrawal", {"reason": "moved away"})
    assert about(events_after(intake, mark), first, second, third, fourth["candidate_id"]) == [
        ("CandidateWithdrawn", second), ("CandidateSubmitted", third)]
    assert linked_to(intake, third) is None and linked_to(intake, fourth["candidate_id"]) == third
    assert feed(b) == [("candidate.took_over", {"candidate_id": second})]
    assert feed(c) == [("candidate.took_over", {"candidate_id": third})]
    assert c.api.call("GET", f"/v1/candidates/{third}")["status"] == "waiting"
    # The last two go: the fourth takes over from the third, then nobody is left to take over.
    mark = last_seq(intake)
    c.api.call("POST", f"/v1/candidates/{third}/withdrawal", {"reason": "moved away"})
    d.api.call("POST", f"/v1/candidates/{fourth['candidate_id']}/withdrawal", {"reason": "moved away"})
    assert about(events_after(intake, mark), third, fourth["candidate_id"]) == [
        ("CandidateWithdrawn", third), ("CandidateSubmitted", fourth["candidate_id"]),
        ("CandidateWithdrawn", fourth["candidate_id"])]


def test_a_linked_submission_sends_nothing_to_the_matcher_when_withdrawn_or_updated(intake):
    a, b, c = (intake.org("shelter") for _ in range(3))
    (first, second, third), _ = person(intake, a, b, c)
    mark = last_seq(intake)
    b.api.call("PUT", f"/v1/candidates/{second}", candidate_body(household_size=2))
    assert b.api.call("POST", f"/v1/candidates/{second}/withdrawal", {"reason": "other plans"})["status"] == \
        "withdrawn"
    c.api.call("PUT", f"/v1/candidates/{third}", candidate_body(household_size=4))
    assert events_after(intake, mark) == []  # no CandidateUpdated for the first, no CandidateWithdrawn at all
    assert feed(a) == []
    # The same shelter submitting again gets its own linked submission, not a second one.
    ref = intake.query("select person_ref from intake_candidate where candidate_id = :c", c=third)[0][0]
    again = c.api.call("POST", "/v1/candidates", candidate_body(person_ref=ref, household_size=4))
    assert again["candidate_id"] == third and again["household_size"] == 4
    # With other data than its current profile: refused with a pointer to the update, not silently dropped.
    status, problem = c.api.request("POST", "/v1/candidates", candidate_body(person_ref=ref))
    assert status == 409 and f"PUT /v1/candidates/{third}" in problem["detail"]
    # The withdrawn linked one is passed by: the third takes over, with the profile it was given.
    a.api.call("POST", f"/v1/candidates/{first}/withdrawal", {"reason": "moved away"})
    events = events_after(intake, mark)
    assert about(events, first, second, third) == [("CandidateWithdrawn", first), ("CandidateSubmitted", third)]
    assert next(e for e in events if e["event_type"] == "CandidateSubmitted")["household_size"] == 4
    assert feed(b) == []


def placement(shelter_cand: str, ref: str, offer_id: str, corp) -> ev.PlacementConfirmed:
    return ev.PlacementConfirmed(producer="matcher", occurred_at=datetime.now(UTC), placement_id=f"pl-{offer_id}",
                                 offer_id=offer_id, candidate_id=shelter_cand, person_ref=ref,
                                 unit_id=f"{corp.org_id}:PL-1", corporation=corp.org_id, municipality="GM0363",
                                 region="R07", neighbourhood="BU03630001", unit_kind="regular",
                                 move_in_date=date.today())


def test_placing_the_person_tells_the_linked_shelters_without_saying_where(intake):
    a, b, c, corp = intake.org("shelter"), intake.org("shelter"), intake.org("shelter"), intake.org("corporation")
    (first, second, third), ref = person(intake, a, b, c)
    c.api.call("POST", f"/v1/candidates/{third}/withdrawal", {"reason": "other plans"})
    corp.api.call("POST", "/v1/vacancies", vacancy_body("PL-1"))
    offer_id = intake.offer(a, first, corp, "PL-1")
    mark = last_seq(intake)
    intake.send_event(placement(first, ref, offer_id, corp))
    wait_for(lambda: b.api.call("GET", f"/v1/candidates/{second}")["status"] == "housed_elsewhere")
    assert a.api.call("GET", f"/v1/candidates/{first}")["status"] == "placed"
    assert c.api.call("GET", f"/v1/candidates/{third}")["status"] == "withdrawn"
    assert feed(b) == [("candidate.housed_elsewhere", {"candidate_id": second})]
    assert feed(c) == [] and feed(a) == []
    assert about(events_after(intake, mark), first, second, third) == []  # the linked one was never matched
    seen_by_b = json.dumps([b.api.call("GET", f"/v1/candidates/{second}"), b.api.call("GET", "/v1/candidates"),
                            b.api.call("GET", "/v1/offers"), b.api.call("GET", "/v1/changes?limit=500")])
    for leak in (first, a.org_id, corp.org_id, offer_id, "PL-1", "BU03630001", "GM0363", ref):
        assert leak not in seen_by_b
    assert [x["candidate_id"] for x in b.api.call("GET", "/v1/candidates?status=housed_elsewhere")["items"]] == \
        [second]
    assert b.api.request("POST", f"/v1/candidates/{second}/withdrawal", {"reason": "x"})[0] == 409
    assert b.api.request("PUT", f"/v1/candidates/{second}", candidate_body())[0] == 409


def test_a_placement_after_a_takeover_withdraws_the_new_submission_from_the_matcher(intake):
    # The matcher placed the person through the first shelter's offer before it heard the withdrawal.
    a, b, corp = intake.org("shelter"), intake.org("shelter"), intake.org("corporation")
    (first, second), ref = person(intake, a, b)
    corp.api.call("POST", "/v1/vacancies", vacancy_body("PL-1"))
    offer_id = intake.offer(a, first, corp, "PL-1")
    a.api.call("POST", f"/v1/candidates/{first}/withdrawal", {"reason": "moved away"})
    assert feed(b) == [("candidate.took_over", {"candidate_id": second})]
    mark = last_seq(intake)
    intake.send_event(placement(first, ref, offer_id, corp))
    wait_for(lambda: b.api.call("GET", f"/v1/candidates/{second}")["status"] == "housed_elsewhere")
    events = events_after(intake, mark)
    assert about(events, first, second) == [("CandidateWithdrawn", second)]
    assert next(e for e in events if e["event_type"] == "CandidateWithdrawn")["producer"] == "intake"
    assert feed(b)[-1] == ("candidate.housed_elsewhere", {"candidate_id": second})


def test_a_withdrawal_on_the_inbound_topic_hands_over_too(intake):
    a, b = intake.org("shelter"), intake.org("shelter")
    (first, second), _ = person(intake, a, b)
    mark = last_seq(intake)
    intake.produce(topics.INBOUND, [inbound_message(a, "candidate.withdraw", {"reason": "moved away"},
                                                    target=first, command_id=str(uuid.uuid4()))])
    wait_for(lambda: feed(b) == [("candidate.took_over", {"candidate_id": second})])
    assert about(events_after(intake, mark), first, second) == [("CandidateWithdrawn", first),
                                                                ("CandidateSubmitted", second)]
    accepted = [d for k, d in feed(a, "command.") if k == "command.accepted"]
    assert accepted[-1]["candidate_id"] == first and second not in json.dumps(accepted)


def test_racing_withdrawals_and_submissions_leave_one_matched_submission_per_person(intake):
    """Withdrawal of the matched submission and a third shelter's submission at the same moment, over HTTPS."""
    a, b, c = (intake.org("shelter") for _ in range(3))
    people = [person(intake, a, b) for _ in range(12)]
    mark = last_seq(intake)
    barrier = threading.Barrier(2 * len(people))
    errors: list[BaseException] = []

    def at_once(fn):
        def run():
            try:
                barrier.wait()
                fn()
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
        return threading.Thread(target=run)
    threads = []
    for (first, _), ref in people:
        threads.append(at_once(lambda f=first: a.api.call("POST", f"/v1/candidates/{f}/withdrawal",
                                                         {"reason": "moved away"})))
        threads.append(at_once(lambda r=ref: c.api.call("POST", "/v1/candidates", candidate_body(person_ref=r))))
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert errors == []
    submitted = [e for e in events_after(intake, mark) if e["event_type"] == "CandidateSubmitted"]
    for (first, second), ref in people:
        rows = intake.query("select candidate_id, linked_to from intake_candidate where person_ref = :r "
                            "and status in ('waiting', 'offered')", r=ref)
        primaries = [cid for cid, link in rows if link is None]
        assert len(rows) == 2 and len(primaries) == 1, rows
        assert all(link == primaries[0] for cid, link in rows if cid != primaries[0])
        # Exactly one submission of the person was sent to the matcher after the withdrawal.
        assert [e["candidate_id"] for e in submitted if e["person_ref"] == ref] == primaries
