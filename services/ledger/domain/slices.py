"""One municipality's slice of the cell table (pure): its counts and the lines within it.

Besides what its report shows, a slice holds the unknowns that tie its counts together: its places
per year (the months add up to it, and so do the corporations' and neighbourhoods' counts of that
year) and per combination of sources (every per-source and overlap count is a sum of those).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import combinations

from services.ledger.domain.cells import LONG_STAY_DAYS, STRATEGIES, CellTable, month_of, occupied_on
from services.ledger.domain.journal import PlaceView


@dataclass(frozen=True)
class Keys:
    """The keys every slice has, whatever its own counts: which keys a slice lists must not tell its counts."""

    months: list[str]
    years: list[str]
    corporations: list[str]
    sources: list[tuple[str, str]]  # (source, kind)


def keys_of(counted: list[PlaceView], agreements: Iterable[tuple[str, str, str]],
            limits: Iterable[tuple[str, str, str]]) -> Keys:
    months = sorted({month_of(p) for p in counted})
    years = sorted({m[:4] for m in months} | {y for _, _, y in agreements} | {y for _, _, y in limits})
    corps = sorted({p.corporation or "unknown" for p in counted} | {c for c, _, _ in agreements})
    return Keys(months, years, corps, sorted({(s, k) for p in counted for s, k, _ in p.sources}))


def municipality_slice(t: CellTable, x: str, places: list[PlaceView], counted: list[PlaceView], day: date,
                       keys: Keys, agreements: set[tuple[str, str]], limits: set[tuple[str, str]]) -> None:
    """One municipality's cells, and the lines within it."""
    total = t.put((x, "total"), len(counted))
    for m in keys.months:
        t.put((x, "month", m), sum(1 for p in counted if month_of(p) == m))
    for s in STRATEGIES:
        t.line(t.put((x, "strategy", s), sum(1 for p in counted if p.strategy == s)),
               [t.put((x, "sm", s, m), sum(1 for p in counted if p.strategy == s and month_of(p) == m), published=False)
                for m in keys.months])
    for m in keys.months:
        t.line((x, "month", m), [(x, "sm", s, m) for s in STRATEGIES])
    t.line(total, [(x, "strategy", s) for s in STRATEGIES])
    for name, yes in (("housing_first", [p for p in counted if p.housing_first]), ("youth", [p for p in counted if p.youth]),
                      ("families", [p for p in counted if (p.children or 0) > 0]),
                      ("occupied", [p for p in counted if occupied_on(p, day)]),
                      ("stay_known", [p for p in counted if p.days_in_shelter is not None])):
        t.line(total, [t.put((x, name, True), len(yes)), t.put((x, name, False), len(counted) - len(yes))])
    known = [p for p in counted if p.days_in_shelter is not None]
    over = sum(1 for p in known if p.days_in_shelter > LONG_STAY_DAYS)
    t.line((x, "stay_known", True), [t.put((x, "over_90", True), over), t.put((x, "over_90", False), len(known) - over)])
    t.line(total, [t.put((x, "unique"), len({p.person_ref for p in counted})),
                   t.put((x, "repeats"), len(counted) - len({p.person_ref for p in counted}))])
    t.put((x, "review"), len(places) - len(counted))
    _per_year(t, x, counted, keys, agreements, limits)
    _sources(t, x, counted, keys)


def _per_year(t: CellTable, x: str, counted: list[PlaceView], keys: Keys, agreements: set[tuple[str, str]],
              limits: set[tuple[str, str]]) -> None:
    """Corporation x year (published where an agreement exists) and neighbourhood x year (where a limit does)."""
    def corp(p: PlaceView) -> str:
        return p.corporation or "unknown"

    for c in keys.corporations:
        t.line(t.put((x, "corporation", c), sum(1 for p in counted if corp(p) == c)),
               [t.put((x, "agreement", c, y), sum(1 for p in counted if corp(p) == c and str(p.move_in_date.year) == y),
                      (c, y) in agreements) for y in keys.years])
    for y in keys.years:
        in_year = [p for p in counted if str(p.move_in_date.year) == y]
        year = t.put((x, "year", y), len(in_year), published=False)  # the months add up to it, and so on
        t.line(year, [(x, "month", m) for m in keys.months if m.startswith(y)])
        t.line(year, [(x, "agreement", c, y) for c in keys.corporations])
        hoods = sorted(n for n, yy in limits if yy == y)
        t.line(year, [t.put((x, "neighbourhood", n, y), sum(1 for p in in_year if p.neighbourhood == n)) for n in hoods]
               + [t.put((x, "other_neighbourhoods", y), sum(1 for p in in_year if p.neighbourhood not in hoods),
                        published=False)])


def _sources(t: CellTable, x: str, counted: list[PlaceView], keys: Keys) -> None:
    """Places per source, per pair of sources, per kind and pair of kinds: sums over combinations of sources.

    Every combination of the sources known anywhere is an unknown of every slice, empty or not."""
    have = Counter(tuple(sorted({(s, k) for s, k, _ in p.sources})) for p in counted)
    combos = [c for n in range(1, len(keys.sources) + 1) for c in combinations(keys.sources, n)]
    t.line((x, "total"), [t.put((x, "combination", c), have.get(c, 0), published=False) for c in combos])
    groups: dict[tuple, list[tuple]] = defaultdict(list)
    names = sorted({s for s, _ in keys.sources})
    kinds = sorted({k for _, k in keys.sources})
    for c in combos:
        srcs, ks = {s for s, _ in c}, {k for _, k in c}
        for s in srcs:
            groups[(x, "source", s)].append((x, "combination", c))
        for a, b in combinations(sorted(srcs), 2):
            groups[(x, "overlap", a, b)].append((x, "combination", c))
        for k in ks:
            groups[(x, "source_kind", k)].append((x, "combination", c))
        for a, b in combinations(sorted(ks), 2):
            groups[(x, "kind_overlap", a, b)].append((x, "combination", c))
    for a, b in combinations(names, 2):
        groups.setdefault((x, "overlap", a, b), [])
    for a, b in combinations(kinds, 2):
        groups.setdefault((x, "kind_overlap", a, b), [])
    for cell, members in groups.items():
        t.line(t.put(cell, sum(have.get(m[2], 0) for m in members)), members)
