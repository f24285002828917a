"""Single-line cuts (pure): the conditions each line alone puts on a pattern, before any audit.

A hidden cell moves only as far as the other cells of its line that the reader does not know can
make up for it: to rise by r, the cells on its side of the line must be able to fall by r (or the
ones on the other side rise). So each line gives, for each hidden cell in it, three necessary
conditions on the pattern -- enough room up, enough room down, enough room in all -- which rule out
at once the commonest ways to give a cell away (a line with one hidden cell; two "<5" cells that add
up to 0). These are Fischetti and Salazar's single-line cuts; the audit finds the rest.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable


def add(audit, program) -> None:
    """Every line's conditions for one reader (``audit``: a ReaderAudit). A reader's own cells need no
    protection from it (they are shown to it instead)."""
    for total, members in audit.lines:
        line = [(total, 1), *((m, -1) for m in members)]
        for cell, side in line:
            if audit.hideable(cell) and cell not in audit.reader.own:
                _line_cut(audit, program, cell, [(c, s * side) for c, s in line if c != cell])


def _room(audit, cell: Hashable) -> tuple[float, float]:
    """How far a cell could move down and up, were it hidden from this reader."""
    lo, hi = audit.hidden_bounds(cell)
    return audit.cells[cell] - lo, hi - audit.cells[cell]


def _line_cut(audit, program, cell: Hashable, others: list[tuple[Hashable, int]]) -> None:
    """``others``: the line's other cells, +1 when they are on the cell's side of the line, -1 when not."""
    up: dict[Hashable, float] = defaultdict(float)  # what each hidden one gives the cell's rise
    down: dict[Hashable, float] = defaultdict(float)
    for c, same in others:
        if c in audit.sees and not audit.hideable(c):
            continue
        fall, rise = _room(audit, c)
        up[c] += fall if same > 0 else rise  # a cell on its side of the line makes room by falling
        down[c] += rise if same > 0 else fall
    fall, rise = _room(audit, cell)
    guard = cell if cell in audit.candidates else None
    for weights, needed in ((up, audit.width - fall), (down, audit.width - rise),
                            ({c: up[c] + down[c] for c in up}, audit.width)):
        if needed <= 0:
            continue
        chosen = {c: w for c, w in weights.items() if c in audit.candidates and c in audit.sees}
        constant = sum(w for c, w in weights.items() if c not in chosen)  # hidden whatever the pattern
        if constant < needed:
            program.at_least(chosen, constant, needed, guard)
