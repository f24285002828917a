"""Periods (issue 11, item 5): a placement counts against the agreement and neighbourhood limit of the
year of the later of the home's available_from and the round's date, in Europe/Amsterdam."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from contracts import events as ev
from services.matcher.domain.periods import move_in_date, placement_period
from services.matcher.service_layer import matching
from tests.unit.matcher.test_lifecycle import TTL, candidate, feed, solve, uow  # noqa: F401 - the fixture

ROUND = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("available_from,at,period", [
    (date(2027, 2, 1), ROUND, "2027"),                                    # available next year
    (date(2025, 11, 1), ROUND, "2026"),                                   # available since last year
    (date(2026, 5, 1), ROUND, "2026"),
    # 23:30 UTC on New Year's Eve is already the new year in Amsterdam (UTC+1 in winter).
    (date(2026, 6, 1), datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "2027"),
    (date(2026, 6, 1), datetime(2026, 12, 31, 22, 30, tzinfo=UTC), "2026"),
])
def test_the_period_is_the_year_of_the_later_date_in_amsterdam(available_from, at, period):
    assert placement_period(available_from, at) == period


def test_the_move_in_date_is_the_later_of_the_two_days():
    assert move_in_date(date(2027, 2, 1), ROUND) == date(2027, 2, 1)
    assert move_in_date(date(2025, 11, 1), ROUND) == date(2026, 5, 1)


def _agreement(period, max_places, used=0):
    return ev.AgreementRegistered(occurred_at=ROUND, producer="gm", municipality="GM0363", region="R01",
                                  corporation="corp-a", period=period, max_places=max_places, used=used)


def _limit(period, max_placements):
    return ev.NeighbourhoodLimitSet(occurred_at=ROUND, producer="gm", municipality="GM0363", region="R01",
                                    neighbourhood="BU03630001", period=period, max_placements=max_placements)


def _home(unit, available_from):
    return ev.VacancyPublished(occurred_at=ROUND, producer="corp-a", unit_id=unit, corporation="corp-a",
                               municipality="GM0363", region="R01", neighbourhood="BU03630001", kind="regular",
                               rooms=1, available_from=available_from)


def _round(uow):  # noqa: F811
    return matching.run_round(uow(), "R01", solve, TTL)


def test_a_home_available_next_year_counts_against_next_years_agreement(uow):  # noqa: F811
    # This year's agreement is full; next year's has room: the home available in February is offered,
    # and the offer says which year it counts against.
    feed(uow, _agreement("2026", 1, used=1), _agreement("2027", 1), _home("corp-a:next", date(2027, 2, 1)),
         candidate("c1", at=ROUND))
    [offer] = _round(uow)
    assert (offer.unit_id, offer.period) == ("corp-a:next", "2027")


def test_a_home_available_next_year_is_not_offered_on_this_years_agreement(uow):  # noqa: F811
    feed(uow, _agreement("2026", 5), _home("corp-a:next", date(2027, 2, 1)), candidate("c1", at=ROUND))
    assert _round(uow) == []


def test_a_home_available_since_last_year_counts_against_this_year(uow):  # noqa: F811
    feed(uow, _agreement("2025", 5), _agreement("2026", 1), _home("corp-a:old", date(2025, 11, 1)),
         _home("corp-a:old2", date(2025, 12, 1)), candidate("c1", at=ROUND), candidate("c2", at=ROUND))
    offers = _round(uow)
    # Last year's agreement has room for both, but only this year's counts: one place.
    assert [o.period for o in offers] == ["2026"]


def test_next_years_neighbourhood_limit_holds_for_a_home_available_next_year(uow):  # noqa: F811
    feed(uow, _agreement("2026", 5), _agreement("2027", 5), _limit("2026", 5), _limit("2027", 0),
         _home("corp-a:now", date(2026, 5, 1)), _home("corp-a:next", date(2027, 2, 1)),
         candidate("c1", at=ROUND), candidate("c2", at=ROUND))
    offers = _round(uow)
    assert [(o.unit_id, o.period) for o in offers] == [("corp-a:now", "2026")]


def test_open_offers_hold_places_of_their_own_year(uow):  # noqa: F811
    feed(uow, _agreement("2026", 1), _agreement("2027", 1), _home("corp-a:next", date(2027, 2, 1)),
         candidate("c1", at=ROUND))
    assert [o.period for o in _round(uow)] == ["2027"]
    # Next year's one place is held by the open offer; this year's is free, but the new home is for next year.
    feed(uow, _home("corp-a:next2", date(2027, 3, 1)), candidate("c2", at=ROUND + timedelta(minutes=1)))
    assert _round(uow) == []
    feed(uow, _home("corp-a:now", date(2026, 5, 1)))
    assert [(o.unit_id, o.period) for o in _round(uow)] == [("corp-a:now", "2026")]
