"""The ledger's one cell table (pure): every count any report, chart, CSV or metric shows, and how they add up.

A cell is ``(scope, name, *key)``: scope ``""`` is the country, a municipality code its own slice
(``("GM0363", "strategy", "flex")``). A *line* says ``total = sum(members)``. The table holds the
country and every municipality at once, because the ministry reads both and can add the slices up:
disclosure control (disclosure.py) protects this one table, and every output is drawn from it.
Cells nobody publishes (a municipality's year, its counts per combination of sources, per
corporation and year without an agreement) are in it too, as unknowns that tie the others together.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


from contracts.types import Strategy
from services.ledger.domain.journal import PlaceView

STRATEGIES = [s.value for s in Strategy]
LONG_STAY_DAYS = 90  # the policy: a shelter stay lasts at most three months
NATIONAL = ""
TOTAL = (NATIONAL, "total")
#: Yes/no splits of the places: the "no" member is published too, as total minus "yes".
SPLITS = ("housing_first", "youth", "families", "occupied", "stay_known")


def month_of(p: PlaceView) -> str:
    return p.move_in_date.strftime("%Y-%m")


def moved_in_by(places: list[PlaceView], day: date) -> list[PlaceView]:
    """The places whose move-in date is on or before ``day``: a move-in reported ahead (as planned)
    is no realised place, and no occupied home, before its date."""
    return [p for p in places if p.move_in_date <= day]


def occupied_on(place: PlaceView, day: date) -> bool:
    """Moved in on or before ``day`` and not left by then (an ending dated later is still ahead)."""
    return place.move_in_date <= day and (place.ended_on is None or place.ended_on > day)


@dataclass
class CellTable:
    cells: dict[tuple, int] = field(default_factory=dict)
    lines: list[tuple[tuple, list[tuple]]] = field(default_factory=list)
    published: set[tuple] = field(default_factory=set)  # what some reader can see or derive
    region_of: dict[str, str] = field(default_factory=dict)  # municipality -> its region

    def put(self, cell: tuple, n: int, published: bool = True) -> tuple:
        self.cells[cell] = self.cells.get(cell, 0) + n
        if published:
            self.published.add(cell)
        return cell

    def line(self, total: tuple, members: list[tuple]) -> None:
        for c in (total, *members):
            self.cells.setdefault(c, 0)
        self.lines.append((total, list(members)))

    def keys(self, scope: str, name: str) -> list:
        return sorted({c[2] for c in self.cells if c[0] == scope and c[1] == name and len(c) == 3}, key=str)

    def municipalities(self) -> list[str]:
        return sorted({c[0] for c in self.cells if c[0]})
