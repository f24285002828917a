"""How partners answer offers in the simulation: the acceptance model (seeded, documented).

Per offer, in this order of draws: with ``silent`` the offer gets no answer at all (it expires at its
deadline); otherwise the corporation confirms with ``confirm`` (else rejects) after
``U(2, 48)`` hours, and the person accepts with ``accept[kind] × factor[group]`` (at most 1;
else declines) after ``U(4, 72)`` hours. An answer after the deadline is
late, and the matcher ignores it as it would in service. Groups multiply in: a family in a shared
home, say, gets both factors.

A decline carries a category drawn from ``decline_categories`` (default ``DEFAULT_DECLINE_CATEGORIES``:
other 40%, too far from care/work/school 20%, unsafe neighbourhood 10%, home unsuitable for health 15%,
household changed 5%, found another home 10%) by the offer's own generator (``decline/<offer id>``), so
the other draws stay as they were; the region's refusal rules count the categories that are not valid.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta

from contracts import events as ev

DEFAULT_ACCEPT = {"regular": 0.85, "transformation": 0.8, "new_build": 0.9, "flex": 0.7, "shared": 0.55,
                  "housing_first": 0.85}
DEFAULT_DECLINE_CATEGORIES = {"other": 0.40, "too_far_from_care_work_or_school": 0.20, "unsafe_neighbourhood": 0.10,
                              "home_unsuitable_for_health": 0.15, "household_changed": 0.05, "found_other_home": 0.10}
DEFAULT_FACTORS = {"youth": 1.05, "family": 0.95, "wheelchair": 1.0, "institution": 1.0}


@dataclass(frozen=True)
class AcceptanceModel:
    accept: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_ACCEPT))
    factors: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_FACTORS))
    confirm: float = 0.95
    silent: float = 0.04
    decline_categories: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_DECLINE_CATEGORIES))

    def probability(self, kind: str, groups: set[str]) -> float:
        p = self.accept.get(kind, 0.8)
        for g in sorted(groups):
            p *= self.factors.get(g, 1.0)
        return min(1.0, p)

    def decline_category(self, offer_id: str) -> str:
        names = sorted(self.decline_categories)
        return random.Random(f"decline/{offer_id}").choices(names, [self.decline_categories[n] for n in names])[0]

    def answers(self, rng: random.Random, new_id, offer: ev.OfferMade, kind: str, groups: set[str],
                sent_at) -> list[ev.Event]:
        """The answers to ``offer`` (heard from ``sent_at`` on), with their own times."""
        if rng.random() < self.silent:
            return []
        common = {"producer": "sim", "offer_id": offer.offer_id, "region": offer.region}
        corp_at = sent_at + timedelta(hours=rng.uniform(2, 48))
        if rng.random() < self.confirm:
            corp = ev.OfferConfirmed(event_id=new_id(), occurred_at=corp_at, **common)
        else:
            corp = ev.OfferRejected(event_id=new_id(), occurred_at=corp_at, reason="not suitable", **common)
        person_at = sent_at + timedelta(hours=rng.uniform(4, 72))
        if rng.random() < self.probability(kind, groups):
            person = ev.OfferAccepted(event_id=new_id(), occurred_at=person_at, **common)
        else:
            category = self.decline_category(offer.offer_id)
            person = ev.OfferDeclined(event_id=new_id(), occurred_at=person_at, reason=category, category=category,
                                      **common)
        return [corp, person]
