"""The matcher's clock: real time reaches a quiet region as ClockTicked events, and an expired offer
is told as expired, never as declined (SQLite file, real solver)."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from contracts import events as ev
from services.matcher.adapters.orm import DeclinedPair, Offer, RegionClock
from services.matcher.adapters.solver import explain_round
from services.matcher.service_layer import clock, matching
from tests.unit.matcher.test_lifecycle import (  # noqa: F401 - uow is a fixture
    T0, TTL, agreement, answer, candidate, feed, outbox_events, round_, solve, uow, vacancy,
)

DEADLINE = T0 + TTL


def owns_all(region: str) -> bool:
    return True


def of_type(uow, cls):
    return [e for e in outbox_events(uow) if isinstance(e, cls)]


def quiet_region_with_an_offer(uow) -> ev.OfferMade:
    feed(uow, agreement(), vacancy(), candidate("c1", days=200), candidate("c2", days=20))
    [offer] = round_(uow)
    return offer


def test_no_tick_before_the_deadline_nor_for_a_region_another_worker_owns(uow):
    quiet_region_with_an_offer(uow)
    assert clock.publish_ticks(uow(), owns_all, DEADLINE - timedelta(seconds=1)) == []
    assert clock.publish_ticks(uow(), lambda region: False, DEADLINE + timedelta(seconds=1)) == []
    assert of_type(uow, ev.ClockTicked) == []


def test_a_quiet_region_gets_one_tick_per_overdue_deadline_and_the_tick_expires_the_offer(uow):
    offer = quiet_region_with_an_offer(uow)
    now = DEADLINE + timedelta(seconds=3)
    assert clock.publish_ticks(uow(), owns_all, now) == ["R01"]
    # The timer firing again before the tick came back publishes nothing more.
    assert clock.publish_ticks(uow(), owns_all, now + timedelta(seconds=15)) == []
    [tick] = of_type(uow, ev.ClockTicked)
    assert (tick.region, tick.occurred_at) == ("R01", now)
    assert of_type(uow, ev.OfferExpired) == []  # event time has not moved yet: only the tick does that
    feed(uow, tick)  # the matcher hears its own tick back from housing.clock.v1
    [expired] = of_type(uow, ev.OfferExpired)
    assert (expired.offer_id, expired.occurred_at) == (offer.offer_id, now)
    with uow() as u:
        assert u.session.get(RegionClock, "R01").watermark == now
    # Nothing open any more: no further ticks, however late it gets.
    assert clock.publish_ticks(uow(), owns_all, now + timedelta(days=30)) == []


def test_no_tick_when_the_regions_own_events_already_passed_the_deadline(uow):
    quiet_region_with_an_offer(uow)
    feed(uow, candidate("c3", days=10, at=DEADLINE + timedelta(seconds=1)))
    assert len(of_type(uow, ev.OfferExpired)) == 1
    assert clock.publish_ticks(uow(), owns_all, DEADLINE + timedelta(seconds=5)) == []


def test_a_replay_of_the_log_with_its_ticks_expires_the_same_offers(uow, tmp_path):
    from services.kernel.db import make_engine, migrate
    from services.matcher.service_layer.unit_of_work import MatcherUnitOfWork

    quiet_region_with_an_offer(uow)
    clock.publish_ticks(uow(), owns_all, DEADLINE + timedelta(seconds=7))
    [tick] = of_type(uow, ev.ClockTicked)
    feed(uow, tick)
    engine = make_engine(f"sqlite:///{tmp_path / 'replay.db'}")
    migrate("matcher", engine)
    try:
        again = lambda: MatcherUnitOfWork(engine)  # noqa: E731
        # The same input events and the tick from the log, long after: the wall clock plays no part.
        feed(again, agreement(), vacancy(), candidate("c1", days=200), candidate("c2", days=20))
        round_(again)
        feed(again, tick)
        first = [(e.offer_id, e.occurred_at) for e in of_type(uow, ev.OfferExpired)]
        assert [(e.offer_id, e.occurred_at) for e in of_type(again, ev.OfferExpired)] == first
    finally:
        engine.dispose()


def test_an_expired_offer_is_told_as_expired_before_never_as_declined(uow):
    offer = quiet_region_with_an_offer(uow)
    feed(uow, candidate("c3", days=10, at=DEADLINE + timedelta(seconds=1)))  # the deadline passes
    [second] = matching.run_round(uow(), "R01", solve, TTL, explain=explain_round)
    assert second.candidate_id == "c2"  # the expired pair is not proposed again
    with uow() as u:
        assert u.session.get(DeclinedPair, ("c1", "corp-a:u1")).closed_as == "expired"
        assert u.session.get(Offer, offer.offer_id).status == "expired"
    assert second.passed_over == {"expired_before": 1}
    [passed] = of_type(uow, ev.CandidatesPassedOver)
    assert [(c.candidate_id, c.reason) for c in passed.candidates] == [("c1", "expired_before")]


def test_a_declined_offer_is_still_told_as_declined_before(uow):
    offer = quiet_region_with_an_offer(uow)
    feed(uow, answer(ev.OfferDeclined, offer.offer_id, T0 + timedelta(hours=1), reason="too far"))
    [second] = matching.run_round(uow(), "R01", solve, TTL, explain=explain_round)
    assert second.passed_over == {"declined_before": 1}
    with uow() as u:
        assert [p.closed_as for p in u.session.exec(select(DeclinedPair)).all()] == ["declined"]
