"""Honest counters of agreements and neighbourhood limits (pure).

For the agreement's own parties, exact: ``committed`` is what the municipality agreed with the
corporation for the year (max_places), ``used`` the places already allocated outside this product
(as registered) plus the placements confirmed through it, ``held`` the places open offers hold
(each may still become a placement), and ``remaining`` what a matching round may still offer.
Each offer counts in the year the matcher told it counts against (its ``period``).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.intake.domain.rules import local_date

#: Offer statuses that count: open offers hold a place, placed ones use it.
HELD, PLACED = "open", "placed"


@dataclass(frozen=True)
class CountedOffer:
    """What of an offer the counters need: where its home is and which year it counts against."""

    corporation: str
    municipality: str
    neighbourhood: str
    period: str
    status: str


def offer_period(period: str | None, made_at: datetime) -> str:
    # An offer made before the matcher told its period counted against the year of its round.
    return period or str(local_date(made_at).year)


@dataclass(frozen=True)
class Tally:
    held: Counter
    placed: Counter

    def counters(self, key: Any, committed: int, registered_used: int) -> dict[str, int]:
        used = registered_used + self.placed[key]
        return {"committed": committed, "used": used, "held": self.held[key],
                "remaining": max(0, committed - used - self.held[key])}


def by_agreement(offers: Iterable[CountedOffer]) -> Tally:
    """Keyed by (municipality, corporation, period)."""
    return _tally(offers, lambda o: (o.municipality, o.corporation, o.period))


def by_neighbourhood(offers: Iterable[CountedOffer]) -> Tally:
    """Keyed by (neighbourhood, period)."""
    return _tally(offers, lambda o: (o.neighbourhood, o.period))


def _tally(offers: Iterable[CountedOffer], key) -> Tally:
    held, placed = Counter(), Counter()
    for o in offers:
        if o.status == HELD:
            held[key(o)] += 1
        elif o.status == PLACED:
            placed[key(o)] += 1
    return Tally(held, placed)


def vacancy_status(open_offers: int, placements: int, places: int) -> str:
    """A published vacancy's status from the offers on it (one that was not withdrawn)."""
    if placements >= places:
        return "let"
    return "offered" if open_offers else "open"
