"""The matcher's handlers and rounds: the offer lifecycle on event time (SQLite file, real solver)."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from contracts import events as ev
from services.matcher.adapters.orm import DeclinedPair, Offer
from services.matcher.adapters.solver import solve_instance
from services.matcher.service_layer import handlers, matching
from services.matcher.service_layer.unit_of_work import MatcherUnitOfWork
from services.kernel.db import make_engine, migrate

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
TTL = timedelta(hours=72)


@pytest.fixture
def uow(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'matcher.db'}")
    migrate("matcher", engine)
    yield lambda: MatcherUnitOfWork(engine)
    engine.dispose()


def feed(uow, *events):
    for e in events:
        handlers.handle(e, uow())


def solve(instance):
    return solve_instance(instance, 5.0)


def round_(uow, region="R01"):
    return matching.run_round(uow(), region, solve, TTL)


def agreement(max_places=5, used=0, corp="corp-a", at=T0):
    return ev.AgreementRegistered(occurred_at=at, producer="gm", municipality="GM0363", region="R01",
                                  corporation=corp, period="2026", max_places=max_places, used=used)


def vacancy(unit="corp-a:u1", corp="corp-a", kind="regular", rooms=1, places=1, hood="BU03630001", at=T0):
    return ev.VacancyPublished(occurred_at=at, producer=corp, unit_id=unit, corporation=corp, municipality="GM0363",
                               region="R01", neighbourhood=hood, kind=kind, rooms=rooms, places=places,
                               available_from=date(2026, 5, 1))


def candidate(cid="c1", days=120, at=T0, **kw):
    return ev.CandidateSubmitted(occurred_at=at, producer="sh", candidate_id=cid, person_ref=cid.ljust(64, "0")[:64]
                                 .replace("c", "a"), shelter="sh", region="R01", household_size=1,
                                 shelter_entry_date=(at - timedelta(days=days)).date(), **kw)


def answer(cls, offer_id, at, **kw):
    return cls(occurred_at=at, producer="x", offer_id=offer_id, region="R01", **kw)


def outbox_events(uow):
    from services.matcher.adapters.orm import Outbox
    with uow() as u:
        return [ev.parse_event(r.value) for r in u.session.exec(select(Outbox).order_by(Outbox.seq)).all()]


def test_round_offers_highest_priority_and_holds_capacity(uow):
    feed(uow, agreement(), vacancy(), candidate("c1", days=30), candidate("c2", days=200))
    offers = round_(uow)
    assert [(o.candidate_id, o.unit_id) for o in offers] == [("c2", "corp-a:u1")]
    assert offers[0].explanation["over_90_days"] == 150 and offers[0].priority == 100 + 200 + 150
    assert offers[0].expires_at == T0 + TTL  # event time, not the wall clock
    # The open offer holds the unit: nothing more to offer until it is answered.
    feed(uow, candidate("c3", days=300, at=T0 + timedelta(minutes=1)))
    assert round_(uow) == []


def test_confirm_and_accept_make_one_placement_and_redelivery_changes_nothing(uow):
    feed(uow, agreement(), vacancy(kind="transformation"), candidate("c1"))
    [offer] = round_(uow)
    confirm = answer(ev.OfferConfirmed, offer.offer_id, T0 + timedelta(hours=1))
    accept = answer(ev.OfferAccepted, offer.offer_id, T0 + timedelta(hours=2))
    feed(uow, confirm, accept, accept, confirm)
    placements = [e for e in outbox_events(uow) if isinstance(e, ev.PlacementConfirmed)]
    assert len(placements) == 1
    p = placements[0]
    assert (p.candidate_id, p.unit_id, p.unit_kind, p.causation_id) == ("c1", "corp-a:u1", "transformation",
                                                                         accept.event_id)
    assert p.days_in_shelter == 120


def test_decline_releases_capacity_and_is_never_proposed_again(uow):
    feed(uow, agreement(), vacancy(), candidate("c1", days=200), candidate("c2", days=20))
    [first] = round_(uow)
    assert first.candidate_id == "c1"
    feed(uow, answer(ev.OfferDeclined, first.offer_id, T0 + timedelta(hours=3), reason="too far"))
    [second] = round_(uow)
    assert second.candidate_id == "c2"  # the unit goes to the next person, not back to c1
    with uow() as u:
        assert u.session.get(DeclinedPair, ("c1", "corp-a:u1")) is not None
        declined = u.session.get(Offer, first.offer_id)
        assert (declined.status, declined.closed_reason) == ("declined", "too far")
        assert declined.closed_at == T0 + timedelta(hours=3)  # the answer's event time, aware on SQLite too


def test_a_decline_stays_with_the_person_when_another_submission_takes_over(uow):
    # The person declined the unit through shelter A; A withdraws, shelter B's submission of the same
    # person (same person_ref) takes over: the unit is not offered to them again.
    first = candidate("c1", days=200)
    feed(uow, agreement(), vacancy(), first)
    [offer] = round_(uow)
    feed(uow, answer(ev.OfferDeclined, offer.offer_id, T0 + timedelta(hours=1), reason="too far"),
         ev.CandidateWithdrawn(occurred_at=T0 + timedelta(hours=2), producer="sh", candidate_id="c1",
                               region="R01", reason="moved to another shelter"),
         ev.CandidateSubmitted(occurred_at=T0 + timedelta(hours=2), producer="intake", candidate_id="c9",
                               person_ref=first.person_ref, shelter="sh-b", region="R01", household_size=1,
                               shelter_entry_date=first.shelter_entry_date))
    assert round_(uow) == []
    feed(uow, candidate("c2", days=20, at=T0 + timedelta(hours=3)))
    from services.matcher.adapters.solver import explain_round
    [second] = matching.run_round(uow(), "R01", solve, TTL, explain=explain_round)
    assert second.candidate_id == "c2"
    # The corporation's counts include the decline, but shelter B is not told of a unit the person
    # declined through shelter A's submission (it would learn of A's offer).
    assert second.passed_over == {"declined_before": 1}
    assert [e for e in outbox_events(uow) if isinstance(e, ev.CandidatesPassedOver)] == []


def test_a_submission_taking_over_supersedes_the_one_matched_so_far(uow):
    # The intake's CandidateWithdrawn for c1 (region R01) and CandidateSubmitted for c9 (another
    # region, so another partition) may arrive in either order: the person never holds two offers.
    first = candidate("c1", days=200)
    feed(uow, agreement(), vacancy(), first)
    [offer] = round_(uow)
    feed(uow, ev.CandidateSubmitted(occurred_at=T0 + timedelta(hours=1), producer="intake", candidate_id="c9",
                                    person_ref=first.person_ref, shelter="sh-b", region="R02", household_size=1,
                                    shelter_entry_date=first.shelter_entry_date))
    withdrawn = [e for e in outbox_events(uow) if isinstance(e, ev.OfferWithdrawn)]
    assert [w.offer_id for w in withdrawn] == [offer.offer_id]
    with uow() as u:
        from services.matcher.adapters.orm import Candidate
        assert u.session.get(Candidate, "c1").status == "withdrawn"
        assert u.session.get(Candidate, "c9").status == "waiting"
    # The late withdrawal of c1 changes nothing more.
    feed(uow, ev.CandidateWithdrawn(occurred_at=T0 + timedelta(hours=2), producer="sh", candidate_id="c1",
                                    region="R01", reason="moved"))
    assert len([e for e in outbox_events(uow) if isinstance(e, ev.OfferWithdrawn)]) == 1


def test_offer_expires_on_event_time_and_the_unit_is_offered_again(uow):
    feed(uow, agreement(), vacancy(), candidate("c1", days=200), candidate("c2", days=20))
    [first] = round_(uow)
    # An event 73 hours later in the same region moves the region's clock past the deadline.
    feed(uow, candidate("c3", days=10, at=T0 + timedelta(hours=73)))
    assert any(isinstance(e, ev.OfferExpired) and e.offer_id == first.offer_id for e in outbox_events(uow))
    [second] = round_(uow)
    assert second.candidate_id == "c2"
    # A late acceptance of the expired offer changes nothing.
    feed(uow, answer(ev.OfferAccepted, first.offer_id, T0 + timedelta(hours=74)),
         answer(ev.OfferConfirmed, first.offer_id, T0 + timedelta(hours=74)))
    assert not any(isinstance(e, ev.PlacementConfirmed) for e in outbox_events(uow))


def test_agreement_counts_placements_already_made(uow):
    feed(uow, agreement(max_places=1), vacancy("corp-a:u1"), vacancy("corp-a:u2"), candidate("c1"),
         candidate("c2"))
    offers = round_(uow)
    assert len(offers) == 1  # the agreement has room for one
    o = offers[0]
    feed(uow, answer(ev.OfferConfirmed, o.offer_id, T0), answer(ev.OfferAccepted, o.offer_id, T0))
    feed(uow, candidate("c3", at=T0 + timedelta(minutes=5)))
    assert round_(uow) == []  # the placement still counts against the agreement


def test_no_agreement_means_no_offer(uow):
    feed(uow, vacancy(), candidate("c1"))
    assert round_(uow) == []


def test_a_unit_left_free_tells_its_corporation_why_once_and_an_offer_ends_it(uow):
    from services.matcher.adapters.orm import Unit
    from services.matcher.adapters.solver import explain_round

    def explained_round():
        return matching.run_round(uow(), "R01", solve, TTL, explain=explain_round)

    def told():
        return [(e.unit_id, e.reason, e.places_left) for e in outbox_events(uow) if isinstance(e, ev.VacancyNotOffered)]

    feed(uow, vacancy(), candidate("c1"))
    assert explained_round() == []
    assert told() == [("corp-a:u1", "no_agreement", 1)]
    feed(uow, candidate("c2", at=T0 + timedelta(minutes=1)))  # a new round, the same reason: not told again
    assert explained_round() == [] and len(told()) == 1
    feed(uow, agreement(max_places=0, at=T0 + timedelta(minutes=2)))
    assert explained_round() == [] and told()[-1] == ("corp-a:u1", "agreement_full", 1)
    feed(uow, agreement(max_places=1, at=T0 + timedelta(minutes=3)))
    [offer] = explained_round()
    assert offer.unit_id == "corp-a:u1" and len(told()) == 2
    with uow() as u:
        assert u.session.get(Unit, "corp-a:u1").not_offered_reason is None


def test_a_republished_vacancy_is_told_its_reason_again(uow):
    from services.matcher.adapters.solver import explain_round
    feed(uow, vacancy(), candidate("c1"))
    matching.run_round(uow(), "R01", solve, TTL, explain=explain_round)
    # The corporation corrects the vacancy (the intake clears the reason it showed): same reason, told again.
    feed(uow, vacancy(rooms=1, at=T0 + timedelta(minutes=5)))
    matching.run_round(uow(), "R01", solve, TTL, explain=explain_round)
    told = [e.reason for e in outbox_events(uow) if isinstance(e, ev.VacancyNotOffered)]
    assert told == ["no_agreement", "no_agreement"]


def test_withdrawn_candidate_loses_its_open_offer(uow):
    feed(uow, agreement(), vacancy(), candidate("c1"))
    [offer] = round_(uow)
    feed(uow, ev.CandidateWithdrawn(occurred_at=T0 + timedelta(hours=1), producer="sh", candidate_id="c1",
                                    region="R01", reason="found a home themselves"))
    withdrawn = [e for e in outbox_events(uow) if isinstance(e, ev.OfferWithdrawn)]
    assert [w.offer_id for w in withdrawn] == [offer.offer_id]


def test_round_records_who_was_passed_over_and_why(uow):
    from services.matcher.adapters.solver import explain_round
    feed(uow, agreement(), vacancy(rooms=1), candidate("c1", days=20),
         ev.CandidateSubmitted(occurred_at=T0, producer="sh", candidate_id="c2", person_ref="b" * 64, shelter="sh",
                               region="R01", household_size=4, children=3,
                               shelter_entry_date=(T0 - timedelta(days=300)).date()))
    [offer] = matching.run_round(uow(), "R01", solve, TTL, explain=explain_round)
    assert offer.candidate_id == "c1"
    assert offer.passed_over == {"rooms_do_not_fit": 1}  # the corporation sees counts only
    # The reasons travel to the intake for the passed-over candidate's own shelter, caused by the offer.
    [passed] = [e for e in outbox_events(uow) if isinstance(e, ev.CandidatesPassedOver)]
    assert (passed.offer_id, passed.unit_id, passed.corporation) == (offer.offer_id, "corp-a:u1", "corp-a")
    assert [(c.candidate_id, c.shelter, c.reason) for c in passed.candidates] == [("c2", "sh", "rooms_do_not_fit")]
    assert passed.causation_id == offer.event_id


def test_no_passed_over_event_when_nobody_more_urgent_was_passed_over(uow):
    from services.matcher.adapters.solver import explain_round
    feed(uow, agreement(), vacancy(rooms=1), candidate("c1", days=200), candidate("c2", days=20))
    [offer] = matching.run_round(uow(), "R01", solve, TTL, explain=explain_round)
    assert offer.candidate_id == "c1" and offer.passed_over == {}
    assert [e for e in outbox_events(uow) if isinstance(e, ev.CandidatesPassedOver)] == []


def test_an_erased_person_leaves_matching_and_keeps_no_reference_or_profile(uow):
    from services.matcher.adapters.orm import Candidate
    feed(uow, agreement(), vacancy(), candidate("c1"))
    [offer] = round_(uow)
    ref = candidate("c1").person_ref
    # The erasure overtakes the intake's withdrawal, which travels on another topic.
    feed(uow, ev.PersonErased(occurred_at=T0 + timedelta(hours=1), producer="intake", person_ref=ref))
    with uow() as u:
        cand = u.session.get(Candidate, "c1")
        assert (cand.status, cand.profile) == ("withdrawn", {}) and cand.person_ref.startswith("erased:")
        assert u.session.get(Offer, offer.offer_id).status == "withdrawn"
        assert u.session.exec(select(Candidate).where(Candidate.person_ref == ref)).all() == []
    withdrawn = [e for e in outbox_events(uow) if isinstance(e, ev.OfferWithdrawn)]
    assert [w.offer_id for w in withdrawn] == [offer.offer_id]
    feed(uow, ev.CandidateWithdrawn(occurred_at=T0 + timedelta(hours=2), producer="sh", candidate_id="c1",
                                    region="R01", reason="erasure request"))  # late: changes nothing
    assert len([e for e in outbox_events(uow) if isinstance(e, ev.OfferWithdrawn)]) == 1


def test_a_submission_overtaken_by_its_erasure_is_wiped_by_the_withdrawal_that_follows_it(uow):
    from services.matcher.adapters.orm import Candidate
    ref = candidate("c1").person_ref
    # PersonErased (placements topic) arrives before the submission (candidates topic) it concerns.
    feed(uow, ev.PersonErased(occurred_at=T0, producer="intake", person_ref=ref), agreement(), vacancy(),
         candidate("c1"))
    feed(uow, ev.CandidateWithdrawn(occurred_at=T0 + timedelta(hours=1), producer="intake", candidate_id="c1",
                                    region="R01", reason="erasure request", erased=True))
    assert round_(uow) == []
    with uow() as u:
        cand = u.session.get(Candidate, "c1")
        assert (cand.status, cand.profile) == ("withdrawn", {}) and cand.person_ref.startswith("erased:")
        assert u.session.exec(select(Candidate).where(Candidate.person_ref == ref)).all() == []
