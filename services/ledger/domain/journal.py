"""The ledger's figures as a pure, order-independent fold over its journal (no I/O).

The journal is append-only: every consumed placement event is one entry. Everything the
ledger reports -- realised places, their sources, review flags, ended tenancies, unverified
totals -- is a function of the *set* of entries, never of the order in which they arrived:

* a report is identified by (source, report id); when a source sends the same report again
  (a correction), the version with the latest event time wins (ties broken by event id);
* a retraction of (source, report id) removes that report for good, whether it arrived before
  or after the report (a source corrects under a new report id);
* reports of one person whose units share a key (BAG id, or corporation + own unit id) and
  whose move-in dates lie within ``MOVE_IN_TOLERANCE_DAYS`` are one place (single linkage, so
  the grouping is the connected components of that relation: independent of order);
* places of one person in different units within ``REVIEW_WINDOW_DAYS`` of each other (where
  the earlier tenancy did not end first) are a conflict: one of them is counted, chosen by a
  fixed rule, the others are flagged for review;
* an ended tenancy keeps the place realised but takes it out of the occupied count;
* totals-only reports: the latest figure per (source, period, region) is kept as unverified.

Figures as of a past date are the same fold over the entries whose event time lies on or
before that date. ``fold`` sorts its input, so any permutation gives the same result; the
unit tests check that property with Hypothesis.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from services.ledger.domain.places import (
    MOVE_IN_TOLERANCE_DAYS,
    REVIEW_WINDOW_DAYS,
    strategy_of,
    unit_key,
    unit_keys,
)

CONFIRMED, REPORTED, RETRACTED, ENDED, ERASED, TOTALS = "confirmed", "reported", "retracted", "ended", "erased", \
    "totals"
#: Reference data, journalled so that a report as of a past date shows the agreements and limits of then.
AGREEMENT, LIMIT = "agreement", "limit"
REFERENCE_KEYS = {AGREEMENT: ("corporation", "municipality", "period"), LIMIT: ("neighbourhood", "period")}
COUNTED, REVIEW = "realised", "review"
MATCHER = "matcher"
FACTS = ("region", "municipality", "corporation", "neighbourhood", "unit_kind", "days_in_shelter", "youth",
         "household_size", "children", "housing_first")


@dataclass(frozen=True)
class Entry:
    """One journal entry in domain terms (what the ORM row holds, without database concerns)."""

    event_id: str
    kind: str
    occurred_at: datetime
    source: str
    source_kind: str = ""
    report_id: str | None = None
    person_ref: str | None = None
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def order(self) -> tuple[datetime, str]:
        return (self.occurred_at, self.event_id)


@dataclass(frozen=True)
class Report:
    source: str
    source_kind: str
    report_id: str
    person_ref: str
    keys: frozenset[str]
    move_in_date: date
    facts: dict[str, Any] = field(compare=False, hash=False)
    bag_id: str | None = None
    corporation: str | None = None
    unit_id: str | None = None

    @property
    def rank(self) -> tuple:
        """Which report speaks for a place: the matcher's, then the earliest move-in, then by name."""
        return (self.source_kind != MATCHER, self.move_in_date, self.source, self.report_id)


@dataclass(frozen=True)
class PlaceView:
    person_ref: str
    unit_key: str
    status: str  # realised (counted) | review
    strategy: str
    unit_kind: str
    region: str
    municipality: str
    corporation: str | None
    neighbourhood: str | None
    housing_first: bool
    move_in_date: date
    days_in_shelter: int | None
    youth: bool | None
    household_size: int | None
    children: int | None
    sources: tuple[tuple[str, str, str], ...]  # (source, source kind, report id), sorted
    ended_on: date | None = None

    @property
    def source_names(self) -> tuple[str, ...]:
        return tuple(sorted({s for s, _, _ in self.sources}))

    @property
    def source_kinds(self) -> tuple[str, ...]:
        return tuple(sorted({k for _, k, _ in self.sources}))

    @property
    def counted(self) -> bool:
        return self.status == COUNTED


@dataclass(frozen=True)
class UnverifiedTotal:
    source: str
    source_kind: str
    period: str
    region: str | None
    places: int


@dataclass
class LedgerView:
    places: list[PlaceView]
    unverified: list[UnverifiedTotal]
    retracted_reports: int
    entries: int

    @property
    def counted(self) -> list[PlaceView]:
        return [p for p in self.places if p.counted]

    @property
    def review(self) -> list[PlaceView]:
        return [p for p in self.places if not p.counted]


def _report(e: Entry) -> Report:
    d = e.data
    return Report(source=e.source, source_kind=e.source_kind, report_id=e.report_id or e.event_id,
                  person_ref=e.person_ref or "", keys=unit_keys(d.get("bag_id"), d.get("corporation"),
                                                                d.get("unit_id")),
                  move_in_date=_date(d["move_in_date"]), facts={k: d.get(k) for k in FACTS},
                  bag_id=d.get("bag_id"), corporation=d.get("corporation"), unit_id=d.get("unit_id"))


def _date(v: Any) -> date:
    return v if isinstance(v, date) else date.fromisoformat(v)


def fold(entries: Iterable[Entry], as_of: datetime | None = None) -> LedgerView:
    """Derive every figure from the journal; the result depends only on the set of entries."""
    entries = sorted((e for e in entries if as_of is None or e.occurred_at <= as_of), key=lambda e: e.order)
    latest: dict[tuple[str, str], Entry] = {}
    retracted: set[tuple[str, str]] = set()
    ends: dict[str, list[Entry]] = defaultdict(list)
    totals: dict[tuple[str, str, str | None], Entry] = {}
    for e in entries:  # sorted by (event time, id): "latest wins" below is order-independent
        if e.kind in (CONFIRMED, REPORTED):
            latest[(e.source, e.report_id or e.event_id)] = e
        elif e.kind == RETRACTED:
            retracted.add((e.source, e.report_id or ""))
        elif e.kind == ENDED and e.person_ref:
            ends[e.person_ref].append(e)
        elif e.kind == TOTALS:
            totals[(e.source, e.data["period"], e.data.get("region"))] = e
    by_person: dict[str, list[Report]] = defaultdict(list)
    n_retracted = 0
    for key, e in latest.items():
        if key in retracted:
            n_retracted += 1
            continue
        if e.person_ref:
            by_person[e.person_ref].append(_report(e))
    places: list[PlaceView] = []
    for person in sorted(by_person):
        places.extend(person_places(person, by_person[person], ends.get(person, [])))
    unverified = [UnverifiedTotal(src, e.source_kind, period, region, int(e.data["places"]))
                  for (src, period, region), e in sorted(totals.items(), key=lambda kv: (kv[0][0], kv[0][1],
                                                                                          kv[0][2] or ""))]
    return LedgerView(places=places, unverified=unverified, retracted_reports=n_retracted, entries=len(entries))


def person_places(person: str, reports: list[Report], ends: list[Entry]) -> list[PlaceView]:
    """One person's live reports -> places (de-duplicated), with ends applied and conflicts flagged."""
    reports = sorted(reports, key=lambda r: (r.source, r.report_id))
    parent = list(range(len(reports)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(reports):
        for j in range(i + 1, len(reports)):
            b = reports[j]
            if a.keys & b.keys and abs((a.move_in_date - b.move_in_date).days) <= MOVE_IN_TOLERANCE_DAYS:
                parent[find(i)] = find(j)
    groups: dict[int, list[Report]] = defaultdict(list)
    for i, r in enumerate(reports):
        groups[find(i)].append(r)
    built = [_place(person, sorted(g, key=lambda r: r.rank)) for g in groups.values()]
    built = [_apply_ends(p, keys, ends) for p, keys in built]
    return _flag_conflicts(sorted(built, key=lambda p: (p.move_in_date, p.unit_key, p.sources)))


def _place(person: str, group: list[Report]) -> tuple[PlaceView, frozenset[str]]:
    rep = group[0]
    facts = dict(rep.facts)
    for r in group[1:]:  # the matcher knows the stay and the household; fill what a monitor left out
        for k, v in r.facts.items():
            if facts.get(k) is None and v is not None:
                facts[k] = v
    keys = frozenset().union(*(r.keys for r in group))
    bag = min((r.bag_id for r in group if r.bag_id), default=None)
    with_corp = sorted((r for r in group if r.corporation and r.unit_id), key=lambda r: r.rank)
    ukey = unit_key(bag, with_corp[0].corporation if with_corp else rep.corporation,
                    with_corp[0].unit_id if with_corp else rep.unit_id)
    if facts.get("corporation") is None and with_corp:
        facts["corporation"] = with_corp[0].corporation
    place = PlaceView(
        person_ref=person, unit_key=ukey, status=COUNTED, strategy=strategy_of(facts["unit_kind"]),
        unit_kind=facts["unit_kind"], region=facts["region"], municipality=facts["municipality"],
        corporation=facts.get("corporation"), neighbourhood=facts.get("neighbourhood"),
        housing_first=any(bool(r.facts.get("housing_first")) for r in group), move_in_date=rep.move_in_date,
        days_in_shelter=facts.get("days_in_shelter"), youth=facts.get("youth"),
        household_size=facts.get("household_size"), children=facts.get("children"),
        sources=tuple(sorted({(r.source, r.source_kind, r.report_id) for r in group})),
    )
    return place, keys


def _apply_ends(place: PlaceView, keys: frozenset[str], ends: list[Entry]) -> PlaceView:
    """The latest end (by event time) that names this unit and falls on or after the move-in."""
    ended_on = None
    for e in ends:  # sorted by event time by the caller's fold; the latest wins
        d = e.data
        if unit_keys(d.get("bag_id"), d.get("corporation"), d.get("unit_id")) & keys:
            end = _date(d["end_date"])
            if end >= place.move_in_date:
                ended_on = end
    return replace(place, ended_on=ended_on) if ended_on else place


def _conflict(a: PlaceView, b: PlaceView) -> bool:
    first, second = sorted((a, b), key=lambda p: (p.move_in_date, p.unit_key))
    if (second.move_in_date - first.move_in_date).days > REVIEW_WINDOW_DAYS:
        return False
    return not (first.ended_on and first.ended_on <= second.move_in_date)


def _flag_conflicts(places: list[PlaceView]) -> list[PlaceView]:
    """Among conflicting places of one person one is counted: most sources, the matcher's, earliest."""
    n = len(places)
    if n < 2:
        return places
    comp = list(range(n))
    for i in range(n):
        for j in range(i + 1, n):
            if _conflict(places[i], places[j]):
                old, new = comp[j], comp[i]
                comp = [new if c == old else c for c in comp]
    out = list(places)
    for c in set(comp):
        members = [i for i in range(n) if comp[i] == c]
        if len(members) < 2:
            continue
        keep = min(members, key=lambda i: (-len(places[i].sources),
                                           MATCHER not in places[i].source_kinds,
                                           places[i].move_in_date, places[i].unit_key))
        for i in members:
            if i != keep:
                out[i] = replace(places[i], status=REVIEW)
    return out


def reference_as_of(entries: Iterable[Entry], as_of: datetime) -> dict[str, dict[tuple, dict[str, Any]]]:
    """Per kind (AGREEMENT, LIMIT) and key: the data of the latest version registered up to ``as_of``."""
    out: dict[str, dict[tuple, dict[str, Any]]] = {kind: {} for kind in REFERENCE_KEYS}
    for e in sorted((e for e in entries if e.kind in REFERENCE_KEYS and e.occurred_at <= as_of),
                    key=lambda e: e.order):
        out[e.kind][tuple(e.data[k] for k in REFERENCE_KEYS[e.kind])] = e.data
    return out
