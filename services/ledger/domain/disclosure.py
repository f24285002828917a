"""Statistical disclosure control: what may leave the ledger (pure, no I/O).

Primary suppression: a cell counting 1-4 persons is never shown (0 is shown: it reveals nobody).

Secondary suppression (complementary disclosure): a published total minus the visible cells of a
breakdown must not reveal a suppressed cell. Every breakdown is a *line*: a total cell and the
member cells that add up to it. While a line's total is visible, its suppressed members must be
at least two and together count at least ``THRESHOLD`` persons; otherwise the smallest visible
non-zero member is suppressed as well, or, when no member is left, the line's total. A total
is itself a member of other lines (a month's total is a cell of the by-month line), so the
rules run to a fixed point. This is the classic hypercube-free heuristic statistics offices use
for small tables; it works for one- and two-way tables with margins, which is what the ledger
publishes. Yes/no splits (youth, families, Housing First, over 90 days in shelter, occupied) are
lines of two members, the "no" member being derivable from the total.

Not covered (documented): differencing between two ``asOf`` dates, and tables whose cells do
not add up to a published figure (per agreement, per neighbourhood, per source pair), which
get primary suppression only.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

THRESHOLD = 5


def primary(n: int) -> int | None:
    return n if n == 0 or n >= THRESHOLD else None


def protect(cells: dict[Hashable, int], lines: Iterable[tuple[Hashable, Sequence[Hashable]]],
            threshold: int = THRESHOLD, fixed: Iterable[Hashable] = ()) -> set[Hashable]:
    """The set of cell ids to suppress, given cell values and lines (total id, member ids).

    ``fixed`` cells are always shown (the national total: a country is no small area); when a
    line under a fixed total cannot be protected by suppressing more members, all its non-zero
    members are suppressed.
    """
    lines = [(t, tuple(m)) for t, m in lines]
    fixed = set(fixed)
    hidden = {k for k, v in cells.items() if 0 < v < threshold and k not in fixed}
    changed = True
    while changed:
        changed = False
        for total, members in lines:
            if total in hidden:
                continue
            sup = [m for m in members if m in hidden]
            if not sup:
                continue
            if len(sup) >= 2 and sum(cells[m] for m in sup) >= threshold:
                continue
            candidates = sorted((m for m in members if m not in hidden and cells[m] > 0),
                                key=lambda m: (cells[m], str(m)))
            if not candidates and total in fixed:
                # Under a total that must be shown, hiding zeros keeps a lone small cell ambiguous.
                candidates = sorted((m for m in members if m not in hidden), key=str)
            if candidates:
                hidden.add(candidates[0])
            elif total not in fixed:
                hidden.add(total)
            else:
                continue  # every member of a fixed total's line is hidden already
            changed = True
    return hidden


def apply(cells: dict[Hashable, int], hidden: set[Hashable]) -> dict[Hashable, int | None]:
    return {k: (None if k in hidden else v) for k, v in cells.items()}
