"""Which cells to hide besides the small ones, at the least cost: a 0/1 program (CP-SAT), pure.

Each cell that may be hidden as a complement is a yes/no variable; the small cells are hidden
anyway (1). The program starts with the single-line conditions (line_cuts.py: no line a reader
sees has exactly one cell hidden from it, nor hidden cells with too little room between them), and
the audit (reader_audit.py) adds a constraint for every cell still narrowed below the range, until
none is: the cutting-plane scheme of tau-ARGUS' "optimal" method and sdcTable's. Among patterns of
the same cost the one closest to the last is taken. Each constraint is ``sum(weight * hidden) >= RANGE`` over the
cells that could widen the interval, with weights from the audit's dual certificate (rounded up
to thousandths, so never stronger than the certificate).

Deterministic: one worker, a fixed seed and a limit in deterministic time (the solver's own
count of work, the same on any machine), never wall-clock time.
"""
from __future__ import annotations

import math
from collections.abc import Hashable, Iterable

from ortools.sat.python import cp_model

SCALE = 1000
STICK = 1000
#: Work allowed per solve, in the solver's deterministic seconds: an optimum is proven well within it here;
#: past it the best pattern found so far is taken (it still passes the audit, which decides safety).
WORK_LIMIT = 20.0


class Suppression:
    def __init__(self, candidates: Iterable[Hashable], weight: dict[Hashable, int]):
        self.model = cp_model.CpModel()
        self.hide = {c: self.model.new_bool_var("") for c in candidates}
        self.weight = weight
        self.hint: dict[Hashable, bool] = {}
        self.cuts: set = set()

    def _term(self, cell: Hashable) -> cp_model.IntVar | int:
        return self.hide.get(cell, 1)

    def at_least(self, weights: dict[Hashable, float], constant: float, needed: float, guarded: Hashable | None) -> bool:
        """``sum(weights[c] * hidden(c)) + constant >= needed`` whenever ``guarded`` is hidden (always, if None or
        a small cell). Whether it is new (one that nothing could satisfy is not added)."""
        coef = {c: math.ceil(min(w, needed) * SCALE - 1e-6) for c, w in sorted(weights.items(), key=repr)
                if c in self.hide and w > 0}
        const = math.ceil(constant * SCALE - 1e-6)
        rhs = math.ceil(needed * SCALE - 1e-6)
        if sum(coef.values()) + const < rhs and guarded not in self.hide:
            return False
        key = (tuple(sorted(coef.items(), key=repr)), const, rhs, repr(guarded))
        if key in self.cuts:
            return False
        self.cuts.add(key)
        lhs = sum(k * self.hide[c] for c, k in coef.items()) + const
        self.model.add(lhs >= rhs * self._term(guarded) if guarded in self.hide else lhs >= rhs)
        return True

    def solve(self, grow: bool = False) -> frozenset:
        """The cheapest pattern that meets every constraint so far; with ``grow``, one that keeps the last's."""
        if grow:
            for c, on in self.hint.items():
                if on:
                    self.model.add(self.hide[c] == 1)
        # Least cost first; among patterns of the same cost, the one closest to the last: each round then fixes
        # what the audit found instead of wandering among equally cheap patterns (far fewer rounds).
        self.model.minimize(sum(STICK * self.weight[c] * v for c, v in self.hide.items())
                            + sum(1 - self.hide[c] for c, on in self.hint.items() if on))
        self.model.clear_hints()
        for c, v in self.hint.items():
            self.model.add_hint(self.hide[c], v)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = 7
        solver.parameters.max_deterministic_time = WORK_LIMIT
        solver.parameters.linearization_level = 2
        status = solver.solve(self.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # no pattern within the work limit: hide them all
            return frozenset(self.hide)
        self.hint = {c: bool(solver.value(v)) for c, v in self.hide.items()}
        return frozenset(c for c, on in self.hint.items() if on)
