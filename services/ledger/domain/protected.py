"""The protected table: the one cell table after disclosure control, and each reader's view of it (pure).

Every output -- the JSON report, its CSV, the dashboard's tables and charts, the comparison block
and the Prometheus gauges -- reads its numbers through a ``View``: the country's and each
municipality's figures as the ministry sees them, or a municipality's own figures as it sees them
itself (with its agreements' exact counters and whatever of its own it could work out anyway).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from services.ledger.domain import disclosure
from services.ledger.domain.cells import NATIONAL, TOTAL, CellTable

PRIMARY, SECONDARY = "primary", "secondary"
Label = Literal["primary", "secondary"] | None


def readers(t: CellTable) -> list[disclosure.Reader]:
    """The ministry (and administrators: they read the same), then every municipality."""
    out = [disclosure.Reader("ministry")]
    # the national report: the country's cells and every municipality's total (its by-municipality table)
    national = frozenset(c for c in t.published if c[0] == NATIONAL or c[1:] == ("total",))
    members: dict[str, list[str]] = {}
    for x, r in t.region_of.items():
        members.setdefault(r, []).append(x)
    for x in t.municipalities():
        own = {c for c in t.published if c[0] == x}
        if members.get(t.region_of.get(x)) == [x]:  # a region of one municipality: its figures are the region's
            own |= {c for c in national if c[1] in ("region", "region_strategy") and c[2] == t.region_of[x]}
        out.append(disclosure.Reader(x, national | frozenset(own),
                                     frozenset(c for c in own if c[1] == "agreement"), frozenset(own)))
    return out


#: The headline figures (the national report's, and a municipality's own): hidden as a complement only when
#: nothing finer will do.
HEADLINE = {"strategy", "region", "month", "corporation", "source", "source_kind", "unique", "occupied", "youth",
            "housing_first", "families", "stay_known", "over_90", "agreement"}


def cost(cell: tuple) -> int:
    """What hiding a cell costs its readers (the suppression program minimises the sum): a national headline
    figure or a municipality's total (every report shows it) 20, another national cell 6, a municipality's
    headline figure 3, one of its finer cells (overlaps, unique persons, neighbourhoods...) 1."""
    if cell[0] == NATIONAL:
        return 20 if cell[1] in HEADLINE else 6
    return 20 if cell[1] == "total" else 3 if cell[1] in HEADLINE else 1


def protect(t: CellTable) -> disclosure.Protection:
    return disclosure.protect(t.cells, t.lines, t.published, readers(t), keep=[TOTAL], cost=cost)


@dataclass(frozen=True)
class View:
    """What one reader sees of the protected table; ``party`` is the municipality reading its own figures."""

    table: CellTable
    protection: disclosure.Protection
    party: str | None = None

    def _shown(self, cell: tuple) -> bool:
        if cell not in self.protection.hidden:
            return True
        if not self.party or cell not in self.protection.revealed.get(self.party, frozenset()) | self._exact():
            return False
        return True

    def _exact(self) -> frozenset:
        return frozenset(c for c in self.table.published if c[0] == self.party and c[1] == "agreement")

    def value(self, cell: tuple) -> int | None:
        return self.table.cells.get(cell, 0) if self._shown(cell) else None

    def label(self, cell: tuple) -> Label:
        if self._shown(cell):
            return None
        return PRIMARY if cell in self.protection.primary else SECONDARY

    def exact(self, cell: tuple) -> int:
        """An operational counter, for the agreement's own party only (the caller checks that)."""
        return self.table.cells.get(cell, 0)
