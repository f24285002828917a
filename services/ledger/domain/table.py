"""Count the one cell table (pure): every municipality's slice, and the country as the sum of the slices.

The country's cells are lines over the municipalities' (a national count per strategy is the sum of
the municipalities' counts per strategy), so whoever reads both cannot learn more by adding up the
slices than disclosure control has already allowed for. Regions are sums of their municipalities;
the region x strategy cells are the ones the Prometheus gauges export.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date

from services.ledger.domain.cells import NATIONAL, SPLITS, STRATEGIES, TOTAL, CellTable
from services.ledger.domain.journal import PlaceView
from services.ledger.domain.slices import keys_of, municipality_slice

#: Counts that add up over municipalities to the country's count of the same name.
ADDITIVE = {"total", "strategy", "month", "sm", *SPLITS, "over_90", "review", "corporation", "source", "overlap",
            "source_kind", "kind_overlap"}


def count(places: list[PlaceView], day: date, agreements: Iterable[tuple[str, str, str]] = (),
          limits: Iterable[tuple[str, str, str]] = (), regions: dict[str, str] | None = None) -> CellTable:
    """The table of ``places`` (counted and flagged) on ``day``.

    ``agreements`` are (corporation, municipality, period), ``limits`` (neighbourhood, municipality,
    period): their counts are published; ``regions`` names the region of a municipality without places.
    """
    t = CellTable()
    agreements, limits = list(agreements), list(limits)
    keys = keys_of([p for p in places if p.counted], agreements, limits)
    by_municipality: dict[str, list[PlaceView]] = defaultdict(list)
    for p in places:
        by_municipality[p.municipality].append(p)
    agreed: dict[str, set] = defaultdict(set)
    for c, x, y in agreements:
        agreed[x].add((c, y))
    limited: dict[str, set] = defaultdict(set)
    for n, x, y in limits:
        limited[x].add((n, y))
    for x in sorted(set(by_municipality) | set(agreed) | set(limited)):
        own = by_municipality.get(x, [])
        municipality_slice(t, x, own, [p for p in own if p.counted], day, keys, agreed[x], limited[x])
        seen = Counter(p.region for p in own if p.region)
        t.region_of[x] = seen.most_common(1)[0][0] if seen else (regions or {}).get(x) or "unknown"
    _national(t, [p for p in places if p.counted])
    return t


def _national(t: CellTable, counted: list[PlaceView]) -> None:
    sums: dict[tuple, list[tuple]] = defaultdict(list)
    for cell in list(t.cells):
        if cell[0] and cell[1] in ADDITIVE:
            sums[(NATIONAL, *cell[1:])].append(cell)
    t.put(TOTAL, 0)
    for total, members in sums.items():
        t.put(total, sum(t.cells[m] for m in members))
        t.line(total, members)
    persons = len({p.person_ref for p in counted})
    t.line(TOTAL, [t.put((NATIONAL, "unique"), persons), t.put((NATIONAL, "repeats"), len(counted) - persons)])
    t.line(TOTAL, [(NATIONAL, "strategy", s) for s in STRATEGIES])
    t.line(TOTAL, [(NATIONAL, "month", m) for m in t.keys(NATIONAL, "month")])
    t.line(TOTAL, [(NATIONAL, "corporation", c) for c in t.keys(NATIONAL, "corporation")])
    for m in t.keys(NATIONAL, "month"):
        t.line((NATIONAL, "month", m), [(NATIONAL, "sm", s, m) for s in STRATEGIES])
    for name in SPLITS:
        t.line(TOTAL, [(NATIONAL, name, True), (NATIONAL, name, False)])
    members_of: dict[str, list[str]] = defaultdict(list)
    for x, r in t.region_of.items():
        members_of[r].append(x)
    for r, xs in sorted(members_of.items()):
        region = t.put((NATIONAL, "region", r), sum(t.cells[(x, "total")] for x in xs))
        t.line(region, [(x, "total") for x in xs])
        per_strategy = [t.put((NATIONAL, "region_strategy", r, s), sum(t.cells[(x, "strategy", s)] for x in xs))
                        for s in STRATEGIES]
        t.line(region, per_strategy)
        for s, cell in zip(STRATEGIES, per_strategy):
            t.line(cell, [(x, "strategy", s) for x in xs])
    t.line(TOTAL, [(NATIONAL, "region", r) for r in sorted(members_of)])
    for s in STRATEGIES:
        t.line((NATIONAL, "strategy", s), [(NATIONAL, "region_strategy", r, s) for r in sorted(members_of)])
