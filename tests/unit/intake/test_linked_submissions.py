"""One person, several shelters: linked submissions take over when the matched one is withdrawn and stop
waiting when the person is placed (the intake's handlers and projection on an SQLite file)."""
from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from contracts import events as ev
from services.intake.adapters.orm import CandidateRecord, Change, Outbox
from services.intake.domain import commands as cmd
from services.intake.domain import rules
from services.intake.domain.errors import ChangedResubmission, Conflict
from services.intake.service_layer import candidates, common, projections
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork

REF = "ab" * 32
A, B, C, D = (Caller(f"shelter-{x}", "shelter", None, None) for x in "abcd")


def submit(engine, caller, ref=REF, **profile):
    body = cmd.SubmitCandidate.model_validate({"region": "R01", "household_size": 1,
                                               "shelter_entry_date": "2026-01-05", "person_ref": ref, **profile},
                                              context=rules.context_at(datetime.now(UTC)))
    return candidates.submit_candidate(IntakeUnitOfWork(engine), caller, body, "secret")


def withdraw(engine, caller, cid):
    return candidates.withdraw_candidate(IntakeUnitOfWork(engine), caller, cid, cmd.WithReason(reason="moved on"))


def update(engine, caller, cid, **profile):
    body = cmd.UpdateCandidate.model_validate({"region": "R01", "household_size": 1,
                                               "shelter_entry_date": "2026-01-05", **profile},
                                              context=rules.context_at(datetime.now(UTC)))
    return candidates.update_candidate(IntakeUnitOfWork(engine), caller, cid, body)


def outbox_after(engine, seq=0) -> list[dict]:
    with Session(engine) as s:
        rows = s.exec(select(Outbox).where(Outbox.seq > seq).order_by(Outbox.seq)).all()
        return [json.loads(r.value) for r in rows]


def last_seq(engine) -> int:
    with Session(engine) as s:
        return max([r.seq for r in s.exec(select(Outbox)).all()] or [0])


def records(engine) -> dict[str, CandidateRecord]:
    with Session(engine) as s:
        return {r.candidate_id: r for r in s.exec(select(CandidateRecord)).all()}


def feed(engine, caller) -> list[tuple[str, dict]]:
    with Session(engine) as s:
        return [(c.kind, c.data) for c in s.exec(select(Change).where(Change.org_id == caller.org_id)
                                                  .order_by(Change.seq)).all()]


def candidate_events(events):
    return [(e["event_type"], e["candidate_id"]) for e in events if e["event_type"].startswith("Candidate")]


def test_withdrawing_the_matched_submission_hands_over_to_the_oldest_linked_one(engine):
    a = submit(engine, A)[1]["candidate_id"]
    status, b = submit(engine, B, household_size=3, region="R02")
    c = submit(engine, C)[1]["candidate_id"]
    assert status == 201 and "linked_to_existing" not in b  # answered like a new submission (issue 14)
    assert records(engine)[b["candidate_id"]].linked_to == a  # the link stays internal
    mark = last_seq(engine)
    status, answer = withdraw(engine, A, a)
    assert status == 200 and answer["status"] == "withdrawn" and b["candidate_id"] not in json.dumps(answer)
    events = outbox_after(engine, mark)
    assert candidate_events(events) == [("CandidateWithdrawn", a), ("CandidateSubmitted", b["candidate_id"])]
    withdrawn, taken = (e for e in events if e["event_type"].startswith("Candidate"))
    assert (taken["shelter"], taken["person_ref"], taken["region"], taken["household_size"]) == \
        (B.org_id, REF, "R02", 3)
    assert taken["causation_id"] == withdrawn["event_id"]
    recs = records(engine)
    assert recs[b["candidate_id"]].linked_to is None and recs[c].linked_to == b["candidate_id"]
    assert feed(engine, B) == [("candidate.took_over", {"candidate_id": b["candidate_id"]})]
    assert feed(engine, A) == [] and feed(engine, C) == []
    # The new primary is matched: its updates reach the matcher; the linked one's do not.
    mark = last_seq(engine)
    update(engine, B, b["candidate_id"], household_size=2)
    update(engine, C, c, household_size=2)
    assert candidate_events(outbox_after(engine, mark)) == [("CandidateUpdated", b["candidate_id"])]
    # A new submission from a fourth shelter is linked to the one matched now.
    d = submit(engine, D)[1]["candidate_id"]
    assert records(engine)[d].linked_to == b["candidate_id"]


def test_withdrawing_a_linked_submission_or_the_last_one_sends_no_takeover(engine):
    a = submit(engine, A)[1]["candidate_id"]
    b = submit(engine, B)[1]["candidate_id"]
    mark = last_seq(engine)
    assert withdraw(engine, B, b)[1]["status"] == "withdrawn"
    assert outbox_after(engine, mark) == []
    withdraw(engine, A, a)
    assert candidate_events(outbox_after(engine, mark)) == [("CandidateWithdrawn", a)]
    assert feed(engine, B) == []


def test_the_same_shelter_submitting_again_gets_its_linked_submission(engine):
    submit(engine, A)
    first = submit(engine, B)[1]
    status, again = submit(engine, B)
    assert status == 200 and again["candidate_id"] == first["candidate_id"]
    with pytest.raises(ChangedResubmission):  # other data: refused, pointing to the update (not dropped silently)
        submit(engine, B, household_size=4)
    assert len(records(engine)) == 2 and records(engine)[first["candidate_id"]].profile["household_size"] == 1


def placement(candidate_id, ref=REF, offer_id="off-1"):
    return ev.PlacementConfirmed(producer="matcher", occurred_at=datetime(2026, 5, 2, tzinfo=UTC),
                                 placement_id="pl-1", offer_id=offer_id, candidate_id=candidate_id,
                                 person_ref=ref, unit_id="corp-x:u1", corporation="corp-x", municipality="GM0363",
                                 region="R01", unit_kind="regular", move_in_date=date(2026, 5, 2))


def test_placing_the_person_tells_linked_submissions_without_saying_where(engine):
    a = submit(engine, A)[1]["candidate_id"]
    b = submit(engine, B)[1]["candidate_id"]
    c = submit(engine, C)[1]["candidate_id"]
    withdraw(engine, C, c)
    other = submit(engine, D, ref="cd" * 32)[1]["candidate_id"]  # another person
    mark = last_seq(engine)
    projections.handle(placement(a), IntakeUnitOfWork(engine))
    recs = records(engine)
    assert {k: r.status for k, r in recs.items()} == {a: "placed", b: "housed_elsewhere", c: "withdrawn",
                                                       other: "waiting"}
    assert feed(engine, B) == [("candidate.housed_elsewhere", {"candidate_id": b})]
    assert feed(engine, C) == [] and feed(engine, D) == []
    assert candidate_events(outbox_after(engine, mark)) == []  # b was never matched: nothing to withdraw
    view = candidates.get_candidate(IntakeUnitOfWork(engine), B, b)
    assert view["status"] == "housed_elsewhere" and view["offers"] == []
    for leak in (a, A.org_id, "corp-x", "off-1", "u1", "GM0363"):
        assert leak not in json.dumps(view, default=str) + json.dumps(feed(engine, B))
    with pytest.raises(Conflict):
        withdraw(engine, B, b)
    with pytest.raises(Conflict):
        update(engine, B, b, household_size=2)
    # The same event again changes nothing.
    projections.handle(placement(a), IntakeUnitOfWork(engine))
    assert len(feed(engine, B)) == 1


def test_a_placement_after_a_takeover_withdraws_the_new_primary_from_the_matcher(engine):
    # The matcher placed the person through A's offer before it heard A's withdrawal.
    a = submit(engine, A)[1]["candidate_id"]
    b = submit(engine, B)[1]["candidate_id"]
    withdraw(engine, A, a)
    mark = last_seq(engine)
    projections.handle(placement(a), IntakeUnitOfWork(engine))
    events = outbox_after(engine, mark)
    assert candidate_events(events) == [("CandidateWithdrawn", b)]
    assert records(engine)[b].status == "housed_elsewhere" and records(engine)[a].status == "withdrawn"
    assert feed(engine, B)[-1] == ("candidate.housed_elsewhere", {"candidate_id": b})


def test_racing_withdrawal_and_submission_leave_exactly_one_matched_submission(engine):
    """Without the per-person lock a submission could link to a primary withdrawn meanwhile (dormant)."""
    for n in range(15):
        ref = f"{n:02x}" * 32
        a = submit(engine, A, ref=ref)[1]["candidate_id"]
        submit(engine, B, ref=ref)
        barrier = threading.Barrier(2)

        def go(fn):
            barrier.wait()
            fn()
        threads = [threading.Thread(target=go, args=(lambda: withdraw(engine, A, a),)),
                   threading.Thread(target=go, args=(lambda: submit(engine, C, ref=ref),))]
        [t.start() for t in threads]
        [t.join() for t in threads]
        active = [r for r in records(engine).values() if r.person_ref == ref and r.status in common.ACTIVE]
        primaries = [r for r in active if r.linked_to is None]
        assert len(active) == 2 and len(primaries) == 1
        assert all(r.linked_to == primaries[0].candidate_id for r in active if r is not primaries[0])


def test_a_late_offer_never_brings_a_housed_elsewhere_submission_back(engine):
    # A is placed (placements topic) while B, which took over, still gets an offer and its
    # withdrawal (offers topic, another partition): B must stay housed_elsewhere, and a new
    # submission of the person must not link to it as if it were still being matched.
    a = submit(engine, A)[1]["candidate_id"]
    b = submit(engine, B)[1]["candidate_id"]
    withdraw(engine, A, a)
    projections.handle(placement(a), IntakeUnitOfWork(engine))
    assert records(engine)[b].status == "housed_elsewhere"
    t = datetime(2026, 5, 2, tzinfo=UTC)
    projections.handle(ev.OfferMade(producer="matcher", occurred_at=t, offer_id="off-b", round_id="r1",
                                    candidate_id=b, shelter=B.org_id, unit_id="corp-x:u2", corporation="corp-x",
                                    region="R01", priority=5, explanation={}, expires_at=t + timedelta(days=3)),
                       IntakeUnitOfWork(engine))
    assert records(engine)[b].status == "housed_elsewhere"
    projections.handle(ev.OfferWithdrawn(producer="matcher", occurred_at=t, offer_id="off-b", region="R01",
                                         reason="candidate withdrawn"), IntakeUnitOfWork(engine))
    assert records(engine)[b].status == "housed_elsewhere"
    again = submit(engine, D)[1]["candidate_id"]
    assert records(engine)[again].linked_to is None  # a fresh submission, matched on its own


def test_a_monitoring_report_tells_the_persons_shelters_without_saying_who_or_where(engine):
    a = submit(engine, A)[1]["candidate_id"]                       # in the shelter since 2026-01-05
    b = submit(engine, B)[1]["candidate_id"]
    earlier = submit(engine, C, ref="cd" * 32, shelter_entry_date="2026-04-01")[1]["candidate_id"]
    reported = ev.PlacementReported(producer="gm0363", occurred_at=datetime(2026, 5, 3, tzinfo=UTC), person_ref=REF,
                                    report_id="r-1", source="gemeentemonitor-gm0363", source_kind="municipal_monitor",
                                    municipality="GM0363", region="R01", unit_kind="flex", bag_id="0363010000000001",
                                    move_in_date=date(2026, 3, 1))
    # A home from before the other person's stay began says nothing about their stay now.
    old_home = reported.model_copy(update={"person_ref": "cd" * 32, "report_id": "r-2",
                                           "event_id": reported.event_id.__class__(int=7)})
    projections.handle(reported, IntakeUnitOfWork(engine))
    projections.handle(old_home, IntakeUnitOfWork(engine))
    for caller, cid in ((A, a), (B, b)):
        assert feed(engine, caller)[-1] == ("candidate.reported_housed", {"candidate_id": cid})
    assert all(kind != "candidate.reported_housed" for kind, _ in feed(engine, C)) and earlier
    assert {r.status for r in records(engine).values()} == {"waiting"}  # the shelters decide
    projections.handle(ev.PlacementRetracted(producer="gm0363", occurred_at=datetime(2026, 5, 4, tzinfo=UTC),
                                             person_ref=REF, source="gemeentemonitor-gm0363", report_id="r-1",
                                             reason="wrong person"), IntakeUnitOfWork(engine))
    assert feed(engine, A)[-1] == ("candidate.report_retracted", {"candidate_id": a})
