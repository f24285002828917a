"""Statistical disclosure control over the one cell table (pure): which cells no reader may see.

Primary suppression: a published cell counting fewer than 5 persons, 0 included, is hidden ("<5",
meaning 0 to 4). Were zeros shown, "<5" would mean 1 to 4, and a hidden sum of k hidden cells
would be known to be at least k. Secondary suppression: more cells are hidden ("verborgen") so
that, for every reader, no hidden cell can be narrowed to an interval spanning fewer than
``RANGE`` persons from everything that reader sees. The complements are chosen at the least cost
(suppression.py: a 0/1 program) and audited (audit.py: each hidden cell's minimum and maximum,
two linear programs per reader); a cell still too narrow becomes a constraint of the program,
which is solved again, until the audit passes -- cutting planes, as tau-ARGUS and sdcTable do.

The readers are the ministry (and administrators), who see the national figures and every
municipality's, and each municipality, which sees its own slice, the national figures and its
agreements' exact counters (it is a party to them: they are operational, not a publication). A
cell of its own slice that a municipality can narrow anyway concerns its own placements: its own
view shows it (``revealed``), to it alone; so does a cell it narrows with its own counters that no
suppression could protect (when its own count is all of a "<5", it knows the others count 0).
Not covered: differences between two ``asOf`` dates (see the README).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from services.ledger.domain.reader_audit import ReaderAudit
from services.ledger.domain.suppression import Suppression

THRESHOLD = 5
#: The protection range: a hidden cell keeps at least four possible values for every reader (a "<5"
#: cannot be narrowed to better than, say, 1 to 4): ``max - min >= RANGE``.
RANGE = 3
#: Rounds of solve-and-audit; each adds constraints the last pattern broke. Past it: every complement hidden.
MAX_ROUNDS = 120
#: Rounds in which the program may choose any pattern; after them each round's pattern keeps the last one's
#: complements (it only grows): far fewer rounds, cells found safe stay safe, at some cost in optimality.
FREE_ROUNDS = 40


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
    rounds: int = 0  # solve-and-audit rounds it took

    @property
    def hidden(self) -> frozenset:
        return self.primary | self.secondary


def protect(cells: dict, lines: list, published: Iterable, readers: list[Reader], keep: Iterable = (),
            cost: Callable[[tuple], int] = lambda cell: 1, threshold: int = THRESHOLD,
            protection_range: int = RANGE) -> Protection:
    """Hide small cells and, at the least total ``cost``, enough others that no reader can narrow a hidden one
    below ``RANGE``. ``keep`` cells (the national total) are never hidden, even when small (a country with 3
    places shows 3): a cell only they could protect is reported in ``unprotected``. ``threshold`` and
    ``protection_range`` scale both rules for a table whose cells count each person k times (the simulator's
    sums over k runs of the same people: 5k and 3k there, issue 21); the ledger uses the defaults."""
    published, keep = set(published), set(keep)
    small = frozenset(c for c in published if cells[c] < threshold and c not in keep)
    candidates = sorted((c for c in published if c not in keep and c not in small), key=repr)
    program = Suppression(candidates, {c: cost(c) for c in candidates})
    audits = [ReaderAudit(r, cells, lines, published, small, set(candidates), protection_range, threshold)
              for r in readers]
    for audit in audits:
        audit.necessary(program)
    secondary = frozenset(candidates)
    for rounds in range(1, MAX_ROUNDS + 1):
        secondary = program.solve(grow=rounds > FREE_ROUNDS)
        # the ministry first: a municipality's audit waits until the ministry's passes (it would only learn
        # things from a pattern about to change)
        first, *others = audits
        if not (first.constrain(program, secondary) or sum([audit.constrain(program, secondary) for audit in others])):
            break
    else:
        secondary = frozenset(candidates)
        for audit in audits:
            audit.constrain(program, secondary)
    return Protection(small, secondary, {a.reader.name: frozenset(a.revealed) for a in audits if a.revealed},
                      frozenset().union(*(a.stuck for a in audits)), rounds)
