"""The report's cell table (pure): every additive count the ledger publishes, and the lines it adds up in.

A *cell* is one count (``("strategy", "flex")``, ``("sm", "flex", "2026-03")``, ``("youth", True)``);
a *line* is a total and the members that add up to it. Disclosure control (disclosure.py) works
on exactly this table, so whatever is published from it cannot be undone by a subtraction the
lines foresee. Counting, protecting and assembling are three steps: ``count`` → ``publish`` →
the report (service_layer/reports.py).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date

from contracts.types import Strategy
from services.ledger.domain import disclosure
from services.ledger.domain.journal import PlaceView

STRATEGIES = [s.value for s in Strategy]
LONG_STAY_DAYS = 90  # the policy: a shelter stay lasts at most three months
TOTAL = ("total",)


def month_of(p: PlaceView) -> str:
    return p.move_in_date.strftime("%Y-%m")


@dataclass
class CellTable:
    cells: dict[tuple, int] = field(default_factory=dict)
    lines: list[tuple[tuple, list[tuple]]] = field(default_factory=list)

    def breakdown(self, name: str, values: list[str], keys: list[str] | None = None,
                  total: tuple = TOTAL) -> list[tuple]:
        """Members ``(name, key)`` counting ``values``, as one line under ``total``."""
        c = Counter(values)
        members = [(name, k) for k in (keys if keys is not None else sorted(c))]
        for m in members:
            self.cells[m] = c.get(m[1], 0)
        self.lines.append((total, members))
        return members

    def split(self, name: str, yes: int, base: tuple = TOTAL) -> None:
        """A yes/no split of ``base``: the 'no' member is derivable, so both form a line."""
        self.cells[(name, True)], self.cells[(name, False)] = yes, self.cells[base] - yes
        self.lines.append((base, [(name, True), (name, False)]))

    def members(self, name: str) -> list[str]:
        return sorted(k[1] for k in self.cells if len(k) == 2 and k[0] == name)


def moved_in_by(places: list[PlaceView], day: date) -> list[PlaceView]:
    """The places whose move-in date is on or before ``day``.

    A move-in may be reported ahead, as planned (up to 31 days): it is no realised place, and no
    occupied home, before its date -- neither in today's report nor in one ``asOf`` an earlier day.
    """
    return [p for p in places if p.move_in_date <= day]


def occupied_on(place: PlaceView, day: date) -> bool:
    """Moved in on or before ``day`` and not left by then (an ending dated later is still ahead)."""
    return place.move_in_date <= day and (place.ended_on is None or place.ended_on > day)


def count(counted: list[PlaceView], day: date) -> CellTable:
    """Every additive count of the counted places on ``day`` (the report's date), with its lines."""
    t = CellTable({TOTAL: len(counted)})
    t.breakdown("strategy", [p.strategy for p in counted], STRATEGIES)
    t.breakdown("region", [p.region for p in counted])
    t.breakdown("municipality", [p.municipality for p in counted])
    t.breakdown("corporation", [p.corporation or "unknown" for p in counted])
    months = t.breakdown("month", [month_of(p) for p in counted])
    per_strategy_month = Counter((p.strategy, month_of(p)) for p in counted)
    for _, m in months:  # each month's strategies add up to the month, each strategy's months to the strategy
        row = [("sm", s, m) for s in STRATEGIES]
        for c in row:
            t.cells[c] = per_strategy_month.get((c[1], m), 0)
        t.lines.append((("month", m), row))
    for s in STRATEGIES:
        t.lines.append((("strategy", s), [("sm", s, m) for _, m in months]))
    t.split("housing_first", sum(1 for p in counted if p.housing_first))
    t.split("youth", sum(1 for p in counted if p.youth))
    t.split("families", sum(1 for p in counted if (p.children or 0) > 0))
    t.split("occupied", sum(1 for p in counted if occupied_on(p, day)))
    known = [p for p in counted if p.days_in_shelter is not None]
    t.split("stay_known", len(known))
    t.split("over_90", sum(1 for p in known if p.days_in_shelter > LONG_STAY_DAYS), base=("stay_known", True))
    return t


@dataclass(frozen=True)
class Published:
    """The cell table after disclosure control: what may leave the ledger."""

    table: CellTable
    hidden: frozenset[Hashable]
    suppress_small: bool

    def value(self, cell: tuple) -> int | None:
        return None if cell in self.hidden else self.table.cells[cell]

    def one(self, n: int) -> int | None:
        """A count outside the table (it adds up to no published figure): primary suppression only."""
        return disclosure.primary(n) if self.suppress_small else n


def publish(table: CellTable, *, national: bool, suppress_small: bool = True) -> Published:
    """Suppress small cells and whatever would reveal them (the national total is always shown)."""
    hidden = disclosure.protect(table.cells, table.lines, fixed=[TOTAL] if national else []) if suppress_small \
        else set()
    return Published(table, frozenset(hidden), suppress_small)
