"""A seeded multi-source scenario for the ledger, with its ground truth computed independently.

The same placements arrive from up to four sources (matcher, municipal monitor, corporation
monitor, flex registry; a subsidy scheme reports totals only), duplicated (the same event
twice, the same report re-sent under a new event id), out of order, with retractions (some
before the report they retract), ended tenancies, a person reported in a second unit (to be
flagged for review), wrong reports that are retracted, and one erasure request.
"""
from __future__ import annotations

import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import combinations

from contracts import events as ev
from contracts.types import STRATEGY_OF_KIND, SourceKind, UnitKind

MONITORS = {  # source name -> (kind, how it names the unit)
    "gemeentemonitor": (SourceKind.MUNICIPAL_MONITOR, "corp"),  # corporation + own unit id only
    "corporatiemonitor": (SourceKind.CORPORATION_MONITOR, "bag"),  # BAG id only
    "flexregister": (SourceKind.FLEX_REGISTRY, "both"),
}
MUNICIPALITIES = [("GM0363", "R01"), ("GM0599", "R02"), ("GM0344", "R03")]
KINDS = [UnitKind.REGULAR, UnitKind.FLEX, UnitKind.SHARED, UnitKind.TRANSFORMATION, UnitKind.NEW_BUILD,
         UnitKind.HOUSING_FIRST]


@dataclass
class Truth:
    places: int = 0
    persons: int = 0
    review: int = 0
    occupied: int = 0
    by_strategy: Counter = field(default_factory=Counter)
    by_region: Counter = field(default_factory=Counter)
    sources: Counter = field(default_factory=Counter)
    overlap: Counter = field(default_factory=Counter)
    unverified: int = 0


@dataclass
class Scenario:
    events: list[ev.Event]  # every distinct event once
    deliveries: list[ev.Event]  # the arrival order, with duplicates
    truth: Truth
    first_event: datetime
    last_event: datetime


def _at(d: date, days: int = 0) -> datetime:
    return datetime.combine(d + timedelta(days=days), time(12), tzinfo=UTC)


def _ref(rng: random.Random) -> str:
    return "%064x" % rng.getrandbits(256)


def build(seed: int = 5, persons: int = 80) -> Scenario:
    rng = random.Random(seed)
    out: list[ev.Event] = []
    truth = Truth()

    def uid() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    def report(src: str, person: str, unit: dict, move_in: date, rid: str, at: datetime, **facts) -> ev.Event:
        kind, naming = MONITORS[src]
        ids = {"bag_id": unit["bag_id"]} if naming == "bag" else \
            {"unit_id": unit["own_id"], "corporation": unit["corporation"]} if naming == "corp" else \
            {"bag_id": unit["bag_id"], "unit_id": unit["own_id"], "corporation": unit["corporation"]}
        return ev.PlacementReported(event_id=uid(), occurred_at=at, producer=src, person_ref=person,
                                    municipality=unit["municipality"], region=unit["region"],
                                    unit_kind=unit["kind"], move_in_date=move_in, report_id=rid, source=src,
                                    source_kind=kind, **ids, **facts)

    for i in range(persons):
        person = _ref(rng)
        muni, region = MUNICIPALITIES[i % len(MUNICIPALITIES)]
        corp = f"corp-{i % 4}"
        unit = {"bag_id": f"{muni[2:]}{rng.randrange(10**15, 10**16) % 10**12:012d}", "own_id": f"V{i:04d}", "corporation": corp,
                "municipality": muni, "region": region, "kind": KINDS[i % len(KINDS)]}
        move_in = date(2021, 1, 1) + timedelta(days=rng.randrange(0, 330))
        sources = [s for s in ("matcher", *MONITORS) if rng.random() < 0.6]
        if not sources:
            sources = [rng.choice(["matcher", *MONITORS])]
        if {"gemeentemonitor", "corporatiemonitor"} <= set(sources) and "matcher" not in sources:
            # One names the unit by BAG id, the other by the corporation's own id: only a report with
            # both (the matcher's) tells the ledger it is one unit. Without it the ledger counts the
            # place once and flags the other for review (see the unit tests).
            sources.insert(0, "matcher")
        live: set[str] = set()
        for src in sources:
            jitter = rng.randrange(-10, 11)
            at = _at(move_in, abs(jitter) + rng.randrange(1, 40))
            if src == "matcher":
                out.append(ev.PlacementConfirmed(
                    event_id=uid(), occurred_at=at, producer="matcher", person_ref=person,
                    unit_id=f"{corp}:{unit['own_id']}", bag_id=unit["bag_id"], corporation=corp,
                    municipality=muni, region=region, unit_kind=unit["kind"], move_in_date=move_in,
                    days_in_shelter=rng.randrange(10, 200), youth=rng.random() < 0.3, household_size=1,
                    housing_first=unit["kind"] == UnitKind.HOUSING_FIRST,
                    placement_id=f"pl-{i}", offer_id=f"of-{i}", candidate_id=f"c-{i}"))
                live.add("matcher")
                continue
            rid = f"{src}-{i}"
            e = report(src, person, unit, move_in + timedelta(days=jitter), rid, at)
            out.append(e)
            live.add(src)
            roll = rng.random()
            if roll < 0.1 and len(sources) > 1:
                # A wrong duplicate report by this source, retracted (sometimes "before" it arrives).
                out.append(ev.PlacementRetracted(event_id=uid(), occurred_at=at + timedelta(days=3), producer=src,
                                                 person_ref=person, source=src, report_id=rid, reason="reported twice by mistake"))
                live.discard(src)
            elif roll < 0.2:
                # The source re-sends the same report (new event id, same report id): counts once.
                out.append(e.model_copy(update={"event_id": uid(), "occurred_at": at + timedelta(days=1)}))
        if live:
            truth.places += 1
            truth.persons += 1
            truth.by_strategy[STRATEGY_OF_KIND[unit["kind"]].value] += 1
            truth.by_region[region] += 1
            for s in live:
                truth.sources[s] += 1
            for a, b in combinations(sorted(live), 2):
                truth.overlap[(a, b)] += 1
            ended = rng.random() < 0.15
            if ended:
                out.append(ev.PlacementEnded(event_id=uid(), occurred_at=_at(move_in, 100), producer="gemeentemonitor",
                                             person_ref=person, bag_id=unit["bag_id"], corporation=corp,
                                             unit_id=unit["own_id"], end_date=move_in +
                                             timedelta(days=90), reason="moved on to a regular tenancy"))
            else:
                truth.occupied += 1
            if i % 17 == 3:
                # The same person reported in another unit a month later: flagged, not counted twice.
                other = {**unit, "bag_id": f"{muni[2:]}{rng.randrange(10**15, 10**16) % 10**12:012d}", "own_id": f"W{i:04d}"}
                out.append(report("corporatiemonitor", person, other, move_in + timedelta(days=45),
                                  f"corporatiemonitor-x{i}", _at(move_in, 60)))
                truth.review += 1
            if i % 23 == 5:
                out.append(ev.PersonErased(event_id=uid(), occurred_at=_at(move_in, 200), producer="intake",
                                           person_ref=person))
    # A report that was wrong altogether (no such placement): retracted, so it never counts.
    ghost = _ref(rng)
    wrong = report("gemeentemonitor", ghost, {"bag_id": "0363010000000001", "own_id": "G1", "corporation": "corp-0",
                                              "municipality": "GM0363", "region": "R01",
                                              "kind": UnitKind.REGULAR}, date(2021, 5, 1), "gm-ghost",
                   _at(date(2021, 5, 1), 5))
    out.append(wrong)
    out.append(ev.PlacementRetracted(event_id=uid(), occurred_at=_at(date(2021, 5, 1), 9), producer="gemeentemonitor",
                                     person_ref=ghost, source="gemeentemonitor", report_id="gm-ghost", reason="wrong person"))
    # A source that reports totals only: shown beside the count, never added.
    out.append(ev.PlacementTotalsReported(event_id=uid(), occurred_at=_at(date(2021, 12, 31)), producer="bouwregeling",
                                          source="bouwregeling", source_kind=SourceKind.SUBSIDY_SCHEME, period="2021",
                                          places=2600))
    truth.unverified = 2600
    deliveries = list(out) + rng.sample(out, k=len(out) // 5)  # redeliveries of the very same events
    rng.shuffle(deliveries)
    times = [e.occurred_at for e in out]
    return Scenario(out, deliveries, truth, min(times), max(times))
