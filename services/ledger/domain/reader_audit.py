"""One reader against one suppression pattern (pure): what it can narrow, and the constraint that stops it.

For the cells a reader can narrow below the range, the audit's dual certificate bounds the cell's
interval under *any* pattern: ``width <= sum(weight_j * hidden_j) + constant``, where a cell's
weight is its reduced cost times how far it could move were it hidden (to 0..4 for a small cell,
5 and up for a complement, anything for a cell this reader does not see). Hiding cells of zero
weight cannot widen the interval; so the pattern must give the cells of weight enough room. That
inequality is what the suppression program gets (Fischetti and Salazar's capacity cuts).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable

from services.ledger.domain import line_cuts
from services.ledger.domain.audit import UNBOUNDED, Auditor, Narrow

Cut = tuple[dict, float, float, Hashable | None]


class ReaderAudit:
    def __init__(self, reader, cells: dict, lines: list, published: set, small: frozenset, candidates: set,
                 width: int, threshold: int = 5):
        self.reader, self.cells, self.lines, self.width, self.threshold = reader, cells, lines, width, threshold
        self.visible = sorted((c for c in published if reader.can_see(c)), key=repr)
        self.sees = set(self.visible)
        self.small, self.candidates = small, candidates
        self.revealed: set = set()
        self.stuck: set = set()
        self._auditor: Auditor | None = None
        # Hiding more only widens intervals: a cell found safe stays safe while the pattern only grows and the
        # reader is shown no more.
        self._safe: set = set()
        self._last: tuple[frozenset, int] = (frozenset(), 0)

    def _known(self, cell: Hashable) -> bool:
        return cell in self.reader.exact or cell in self.revealed

    def hideable(self, cell: Hashable) -> bool:
        return (cell in self.small or cell in self.candidates) and cell not in self.reader.exact

    def necessary(self, program) -> None:
        line_cuts.add(self, program)

    def constrain(self, program, secondary: frozenset) -> int:
        """Audit this pattern; add a constraint for every cell still too narrow. How many were new (or revealed).

        What a reader was once shown of its own stays shown to it in later rounds: so every constraint holds
        against what it knows at the end, and no round's constraint rules out the pattern a later one needs."""
        self.stuck = set()
        before = len(self.revealed)
        if self.reader.exact and not self.reader.exact & (self.small | secondary):
            return 0  # its counters are published anyway: it knows nothing the ministry does not
        while True:
            cuts, more = [], False
            for cell, narrow in self._narrow(secondary).items():
                cut = self._cut(cell, narrow, secondary)
                if cut is not None:
                    cuts.append(cut)
                elif self.reader.exact:  # it works this out from its own counters; nothing could stop it
                    self.revealed.add(cell)
                    more = True
                else:
                    self.stuck.add(cell)
            if not more:
                return sum(program.at_least(*cut) for cut in cuts) + len(self.revealed) - before
            self.stuck = set()

    def _narrow(self, secondary: frozenset) -> dict[Hashable, Narrow]:
        """The hidden cells this reader narrows below the range; its own ones are revealed to it instead."""
        if self._auditor is None:
            self._auditor = Auditor(self.lines, self.visible, self.cells)
        hidden = self.small | secondary
        while True:
            if not (hidden >= self._last[0] and len(self.revealed) == self._last[1]):
                self._safe = set()
            self._last = (hidden, len(self.revealed))
            targets = [c for c in self.visible if c in hidden and not self._known(c) and c not in self._safe]
            self._auditor.bound({c: self._bounds(c, hidden) for c in self.visible})
            self._auditor.watch(targets, self.width)
            narrow = {c: n for c in targets if (n := self._auditor.check(c)) is not None}
            self._safe |= set(targets) - set(narrow)
            own = {c for c in narrow if c in self.reader.own}
            if not own:
                return narrow
            self.revealed |= own

    def _bounds(self, cell: Hashable, hidden: frozenset) -> tuple[float, float]:
        if cell in hidden and not self._known(cell):
            return self.hidden_bounds(cell)
        return self.cells[cell], self.cells[cell]

    def hidden_bounds(self, cell: Hashable) -> tuple[float, float]:
        """A cell's bounds for this reader were it hidden: 0..4 for a small one, 5 and up for a complement."""
        if cell not in self.sees:
            return 0, UNBOUNDED
        return (0, self.threshold - 1) if cell in self.small else (self.threshold, UNBOUNDED)

    def _cut(self, cell: Hashable, narrow: Narrow, secondary: frozenset) -> tuple | None:
        """The constraint that rules this pattern out, or None when no pattern could protect the cell."""
        weights: dict[Hashable, float] = defaultdict(float)
        constant = 0.0
        for reduced in (narrow.up, narrow.down):
            for c, rc in reduced.items():
                if c in self.sees and (self._known(c) or not self.hideable(c)):
                    continue  # shown to this reader whatever the pattern
                lo, hi = self.hidden_bounds(c)
                room = (hi - self.cells[c]) if rc > 0 else (self.cells[c] - lo)
                if room <= 0:
                    continue
                if c in self.candidates and c in self.sees:
                    weights[c] += abs(rc) * room
                else:
                    constant += abs(rc) * room
        guard = cell if cell in self.candidates else None
        capped = {c: min(w, self.width) for c, w in weights.items()}
        if sum(capped.values()) + constant < self.width - 1e-6 and guard is None:
            return None
        if sum(w for c, w in capped.items() if c in secondary) + constant < self.width - 1e-3:
            return dict(weights), constant, self.width, guard
        # the certificate allows the width, rounding to whole persons does not: hide one more that binds
        binding = {c for c in weights if c not in secondary}
        if not binding:
            return ({}, 0, 1, guard) if guard is not None else None
        return dict.fromkeys(binding, 1), 0, 1, guard
