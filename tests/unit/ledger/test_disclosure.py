"""Disclosure control: no reader can narrow a hidden cell below the protection range (checked with integers)."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from services.ledger.domain import disclosure
from tests.unit.ledger.attack import PRIMARY, SECONDARY, Attack


def attack(cells, lines, protection, reader: disclosure.Reader) -> dict:
    """Every hidden cell the reader sees -> its integer interval, given what the reader sees and knows."""
    a = Attack(max(cells.values()) * 2 + 5)
    for total, members in lines:
        a.equal(a.unknown(str(total)), a.total(str(m) for m in members))
    revealed = protection.revealed.get(reader.name, frozenset())
    for c, v in cells.items():
        if not reader.can_see(c) and c not in reader.exact:
            continue
        shown = c not in protection.hidden or c in reader.exact or c in revealed
        a.read(str(c), a.unknown(str(c)), v if shown else None,
               None if shown else PRIMARY if c in protection.primary else SECONDARY)
    return {p: a.interval(p) for p in a.hidden}


def assert_safe(cells, lines, protection, readers):
    assert not protection.unprotected
    for reader in readers:
        for path, (lo, hi) in attack(cells, lines, protection, reader).items():
            assert hi - lo >= disclosure.RANGE, (reader.name, path, lo, hi)


def test_a_small_cell_gets_a_complement_large_enough_that_neither_is_pinned():
    cells = {"t": 20, "a": 2, "b": 8, "c": 10}
    lines = [("t", ["a", "b", "c"])]
    p = disclosure.protect(cells, lines, cells, [disclosure.Reader("ministry")], keep=["t"])
    assert p.primary == {"a"} and "t" not in p.hidden and len(p.secondary) >= 1
    assert_safe(cells, lines, p, [disclosure.Reader("ministry")])


def test_a_municipality_cannot_subtract_its_own_total_from_its_regions():
    """The issue's attack: region minus one's own (exactly known) total gives the other municipality's."""
    cells = {"T": 61, "R1": 22, "R2": 39, "X": 20, "Y": 2, "Z": 30, "W": 9}
    lines = [("T", ["R1", "R2"]), ("R1", ["X", "Y"]), ("R2", ["Z", "W"])]
    # X reads every figure here (the by-municipality totals are national ones) and knows its own total exactly.
    x = disclosure.Reader("X", sees=frozenset(cells), exact=frozenset({"X"}), own=frozenset({"X"}))
    readers = [disclosure.Reader("ministry"), x]
    p = disclosure.protect(cells, lines, cells, readers, keep=["T"])
    assert "Y" in p.primary and "R1" in p.hidden  # else R1 - X = Y
    assert_safe(cells, lines, p, readers)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(0, 12), min_size=2, max_size=4), min_size=2, max_size=4))
def test_two_way_tables_with_margins_are_protected(rows):
    width = max(len(r) for r in rows)
    rows = [r + [0] * (width - len(r)) for r in rows]
    cells = {("c", i, j): v for i, r in enumerate(rows) for j, v in enumerate(r)}
    for i, r in enumerate(rows):
        cells[("row", i)] = sum(r)
    for j in range(width):
        cells[("col", j)] = sum(r[j] for r in rows)
    cells[("t",)] = sum(map(sum, rows)) + 10  # a country is no small area: its total is always shown
    cells[("other",)] = 10
    lines = [(("row", i), [("c", i, j) for j in range(width)]) for i in range(len(rows))]
    lines += [(("col", j), [("c", i, j) for i in range(len(rows))]) for j in range(width)]
    lines += [(("t",), [("row", i) for i in range(len(rows))] + [("other",)]),
              (("t",), [("col", j) for j in range(width)] + [("other",)])]
    readers = [disclosure.Reader("ministry")]
    p = disclosure.protect(cells, lines, cells, readers, keep=[("t",)])
    assert {c for c, v in cells.items() if v < disclosure.THRESHOLD} <= p.primary
    assert_safe(cells, lines, p, readers)


def test_the_attacker_finds_a_cell_a_total_gives_away():
    """The attack tests' own check: a hidden cell beside shown ones on one line is pinned, and reported so;
    two hidden "<5" cells that add up to 3 are not (each spans 0..3)."""
    a = Attack(20)
    a.equal(a.unknown("t"), a.total(["x", "y", "z"]))
    a.read("t", a.unknown("t"), 10)
    a.read("y", a.unknown("y"), 7)
    a.read("x", a.unknown("x"), None, PRIMARY)
    a.read("z", a.unknown("z"), None, PRIMARY)
    assert a.narrow(disclosure.RANGE) == [] and a.interval("x") == (0, 3)
    pinned = Attack(20)
    pinned.equal(pinned.unknown("t"), pinned.total(["x", "y"]))
    pinned.read("t", pinned.unknown("t"), 10)
    pinned.read("y", pinned.unknown("y"), 8)
    pinned.read("x", pinned.unknown("x"), None, PRIMARY)
    assert pinned.narrow(disclosure.RANGE) == [("x", 2, 2)]
