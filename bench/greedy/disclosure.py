"""Statistical disclosure control over the one cell table (pure): which cells no reader may see.

Primary suppression: a published cell counting fewer than 5 persons, 0 included, is hidden ("<5",
meaning 0 to 4). Were zeros shown, "<5" would mean 1 to 4, and a hidden sum of k hidden cells
would be known to be at least k: four municipalities with one place each would pin the country's 4. Secondary suppression: more cells are hidden ("verborgen") until, for every
reader, no hidden cell can be narrowed to an interval spanning fewer than ``RANGE`` persons from
everything that reader sees -- the audit (audit.py) solves for each hidden cell's minimum and
maximum over all the lines of the table. The readers are the ministry (and administrators), who
see the national figures and every municipality's, and each municipality, which sees its own
slice, the national figures and its agreements' exact counters (it is a party to them: they are
operational, not a publication). Complements are chosen greedily, smallest first, from the cells
on a line with an exposed one (siblings before its parts, parts before its totals), and the audit
runs again until it passes: the classic audit-and-repair loop of cell suppression.

A cell of its own slice that a municipality can narrow anyway (from its own counters and what
it is shown) concerns its own placements: its own view shows it (``revealed``), to it alone; so
does a cell it narrows with its own counters that no further suppression could protect (when its
own count is all of a "<5", it knows the others count 0). Not covered:
differences between two ``asOf`` dates (see the README).
"""
from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from bench.greedy.audit import UNBOUNDED, Auditor

THRESHOLD = 5
#: The protection range: a hidden cell keeps at least four possible values for every reader (a "<5"
#: cannot be narrowed to better than, say, 1 to 4): ``max - min >= RANGE``.
RANGE = 3
MAX_ROUNDS = 400
#: A report must answer: past this, every cell but the kept ones is hidden (see ``protect``).
BUDGET_SECONDS = 12.0


def primary(n: int) -> int | None:
    """A count that adds up to no other published figure: shown when at least 5."""
    return n if n >= THRESHOLD else None


@dataclass(frozen=True)
class Reader:
    name: str
    sees: frozenset | None = None  # None: every published cell
    exact: frozenset = frozenset()  # cells it knows exactly by right (its own agreements' counters)
    own: frozenset = frozenset()  # cells about its own placements: shown to it when it can narrow them anyway

    def can_see(self, cell) -> bool:
        return self.sees is None or cell in self.sees


@dataclass(frozen=True)
class Protection:
    primary: frozenset
    secondary: frozenset
    revealed: dict[str, frozenset] = field(default_factory=dict)
    unprotected: frozenset = frozenset()  # exposed cells no complement could protect (should stay empty)

    @property
    def hidden(self) -> frozenset:
        return self.primary | self.secondary


def protect(cells: dict, lines: list, published: Iterable, readers: list[Reader],
            keep: Iterable = (), cost=lambda cell: 1, budget: float = BUDGET_SECONDS) -> Protection:
    """Hide small cells and enough others that no reader can narrow a hidden one below ``RANGE``.

    ``keep`` cells (the national total) are never hidden, even when small (a country with 3 places
    shows 3): a cell only they could protect is reported in ``unprotected``. Complements are chosen to hide the least ``cost(cell) * value``.
    """
    published, keep = set(published), set(keep)
    small = {c for c in published if cells[c] < THRESHOLD and c not in keep}
    secondary: set = set()
    revealed: dict[str, set] = defaultdict(set)
    stuck: set = set()
    # Hiding more only widens intervals: a cell found safe stays safe, unless its reader is shown more.
    safe: dict[str, set] = defaultdict(set)
    verified = True  # every cell found safe was found so under what each reader is shown now
    started = time.monotonic()
    for _ in range(MAX_ROUNDS):
        if time.monotonic() - started > budget:
            # out of time: show nothing but what must be shown (safe, if little use); the next state tries again
            return Protection(frozenset(small), frozenset(published - small - keep), {}, frozenset())
        stuck, added = set(), False
        for reader in readers:
            if reader.exact and not reader.exact & (small | secondary):
                continue  # its counters are published anyway: it knows nothing the ministry does not
            own, shown = revealed[reader.name], len(revealed[reader.name])
            for cell, binding in exposed(cells, lines, published, reader, small, secondary, own, safe[reader.name]):
                options = [c for c in binding if c not in keep and c not in reader.exact and c not in own
                           and c in published] or _around(cell, lines, cells, published, small | secondary | own | keep
                                                          | reader.exact)
                if cell in reader.own or (reader.exact and not options):
                    # it works this out from its own counters, and no further suppression could stop it:
                    # showing it to this reader reveals nothing new
                    own.add(cell)  # (it only learns more as the pass goes on: what was narrow stays narrow)
                    added = True
                    continue
                if binding and binding <= keep and cell in secondary:
                    # the always-shown figures alone give it away: hiding it would only hide more in vain
                    small.discard(cell)
                    secondary.discard(cell)
                    verified, added = False, True
                    continue
                if options:
                    pick = min(options, key=lambda c: (cost(c) * cells[c], str(c)))
                    secondary.add(pick)
                    added = True
                else:
                    stuck.add(cell)
            if len(own) > shown:  # it knows more now: what was safe is audited again before the end
                verified = False
        if not added:
            if verified:
                break
            safe.clear()
            verified = True
            continue
    return Protection(frozenset(small), frozenset(secondary), {k: frozenset(v) for k, v in revealed.items() if v},
                      frozenset(stuck))


def exposed(cells: dict, lines: list, published: set, reader: Reader, small: set, secondary: set,
            revealed: set, safe: set | None = None) -> Iterator[tuple]:
    """(cell, the published cells that narrow it) for each hidden cell this reader can narrow below ``RANGE``;
    ``safe`` cells are known not to be, and the cells found safe are added to it."""
    safe = set() if safe is None else safe
    bounds = {}
    for c in sorted(published, key=repr):  # one order, one model: every replica and request hides the same cells
        if not reader.can_see(c):
            continue
        if c in reader.exact or c in revealed or (c not in small and c not in secondary):
            bounds[c] = (cells[c], cells[c])
        else:
            bounds[c] = (0, THRESHOLD - 1) if c in small else (THRESHOLD, UNBOUNDED)
    targets = [c for c in sorted(small | secondary, key=str)
               if reader.can_see(c) and c not in reader.exact and c not in revealed and c not in safe]
    if not targets:
        return
    auditor = Auditor(lines, bounds, cells)
    auditor.watch(targets)
    for c in targets:
        ok, binding = auditor.check(c, RANGE)
        if ok:
            safe.add(c)
        else:
            yield c, binding


def _around(cell, lines: list, cells: dict, published: set, unavailable: set, hops: int = 4) -> list:
    """When no visible cell binds it (hidden cells' bounds do), the nearest visible non-zero cells on its lines,
    or on the lines of those lines."""
    frontier, seen = {cell}, {cell}
    for _ in range(hops):
        frontier = {c for total, members in lines if frontier & {total, *members} for c in (total, *members)} - seen
        seen |= frontier
        found = [c for c in frontier if c in published and c not in unavailable and cells[c] > 0]
        if found:
            return found
    return []


#: The costs protected.py gave this method (a national headline figure ten times a finer one), for the baseline.
HEADLINE = {"strategy", "region", "month", "corporation", "source", "source_kind", "unique", "occupied", "youth",
            "housing_first", "families", "stay_known", "over_90"}


def merged_cost(cell: tuple) -> int:
    return 10 if cell[0] == "" and cell[1] in HEADLINE else 3 if cell[0] == "" else 1


def protect_as_merged(cells, lines, published, readers, keep=(), cost=None):
    """``protect`` with the costs it was merged with (whatever protected.py passes now)."""
    return protect(cells, lines, published, readers, keep=keep, cost=merged_cost)
