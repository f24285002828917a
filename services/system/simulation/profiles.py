"""The synthetic people and homes of a scenario (scenario.py draws them in a fixed order).

Candidates: 72% single, 10% couples, 18% families (2-5 people, one or two adults); youth (18-27) 25%
of singles and couples and everyone from youth care; wheelchair users 5%; support none 25%, light
40%, intensive 25%, Housing First 10%; medical urgency 5%; 80% from a shelter, 10% from youth care,
10% from a mental-health clinic; in the shelter since ``Exp(mean 30 days)`` before they are put
forward (the backlog up to ``backlog`` days more); 10% exclude a neighbourhood, 20% prefer one; intensive
support and Housing First with the region's support provider (``support-rNN``, see ``support_provider``).

Homes: regular 55%, transformation 10%, new build 10%, flex 12%, shared 8% (2-3 places), Housing First
5%; 1-4 rooms (45/30/18/7%); wheelchair-accessible 3%; every home takes support none and light, 45%
also intensive, 20% Housing First (Housing First homes all four); free within two weeks.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from contracts import events as ev

KINDS = (("regular", 55), ("transformation", 10), ("new_build", 10), ("flex", 12), ("shared", 8),
         ("housing_first", 5))
SUPPORT = (("none", 25), ("light", 40), ("intensive", 25), ("housing_first", 10))
INSTITUTIONS = (("shelter", 80), ("youth-care", 10), ("mental-health-clinic", 10))


def _pick(rng: random.Random, table) -> str:
    return rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]


def candidate_event(rng: random.Random, new_id, sc, region, at: datetime, backlog: int = 0) -> ev.CandidateSubmitted:
    kind = rng.random()
    if kind < 0.72:
        household, children = 1, 0
    elif kind < 0.82:
        household, children = 2, 0
    else:
        adults = rng.choice((1, 2))
        children = rng.randint(1, 3)
        household = min(5, adults + children)
        children = household - adults
    institution = _pick(rng, INSTITUTIONS)
    youth = institution == "youth-care" or (children == 0 and rng.random() < 0.25)
    hoods = [h for hs in region.neighbourhoods.values() for h in hs]
    stay = rng.expovariate(1 / 30) + (rng.uniform(0, backlog) if backlog else 0)
    excluded = (rng.choice(hoods),) if rng.random() < 0.10 else ()
    preferred = tuple(h for h in ((rng.choice(hoods),) if rng.random() < 0.20 else ()) if h not in excluded)
    n = len(sc.arrivals)
    event = ev.CandidateSubmitted(
        event_id=new_id(), occurred_at=at, producer=f"{institution}-{region.code.lower()}",
        candidate_id=f"cand-{region.code.lower()}-{n:06d}", person_ref=f"{rng.getrandbits(256):064x}",
        shelter=f"{institution}-{region.code.lower()}", region=region.code, household_size=household,
        children=children, wheelchair=rng.random() < 0.05, support=_pick(rng, SUPPORT),
        shelter_entry_date=(at - timedelta(days=stay)).date(), youth=youth,
        medical_urgency=rng.random() < 0.05, excluded_neighbourhoods=excluded, preferred_neighbourhoods=preferred)
    return event.model_copy(update={"support_provider_id": support_provider(region.code, event.support)})


def support_provider(region: str, support: str) -> str | None:
    """The region's one provider of ambulant support for people with intensive support or Housing First
    (no draw, so the scenario's other draws stay put); without a stated room its clients are not limited."""
    return f"support-{region.lower()}" if support in ("intensive", "housing_first") else None


def home_event(rng: random.Random, new_id, region, at: datetime) -> ev.VacancyPublished:
    kind = _pick(rng, KINDS)
    places = rng.randint(2, 3) if kind == "shared" else 1
    rooms = places if kind == "shared" else rng.choices((1, 2, 3, 4), weights=(45, 30, 18, 7))[0]
    support = ["none", "light"]
    if kind == "housing_first":
        support += ["intensive", "housing_first"]
    else:
        support += ["intensive"] if rng.random() < 0.45 else []
        support += ["housing_first"] if rng.random() < 0.20 else []
    corp = rng.choice(region.corporations)
    muni = rng.choice(region.municipalities)
    hood = rng.choice(region.neighbourhoods[muni])
    unit = f"{corp}:u{rng.getrandbits(40):010x}"
    return ev.VacancyPublished(
        event_id=new_id(), occurred_at=at, producer=corp, unit_id=unit, corporation=corp, municipality=muni,
        region=region.code, neighbourhood=hood, kind=kind, rooms=rooms, places=places,
        wheelchair_accessible=rng.random() < 0.03, support=tuple(support),
        available_from=(at + timedelta(days=rng.randint(0, 14))).date())
