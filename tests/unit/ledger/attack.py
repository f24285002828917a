"""The attacker of the attack tests: an integer program over everything a reader has read (CP-SAT).

Unknowns are whole numbers from 0 to a bound (the national total, which is always published);
each published figure is an equation over them; a figure read as "<5" lies in 0..4, one read as
"verborgen" is at least 5. ``interval`` gives a hidden figure's minimum and maximum subject to all
of that: the narrowest an attacker can pin it down with linear algebra and integrality; ``narrow``
the figures pinned below a width (a few solutions first settle most of them without their own solves).
"""
from __future__ import annotations

from ortools.sat.python import cp_model

PRIMARY, SECONDARY = "<5", "verborgen"


class Attack:
    def __init__(self, bound: int):
        self.model, self.bound = cp_model.CpModel(), bound
        self.unknowns: dict[str, cp_model.IntVar] = {}
        self.hidden: dict[str, tuple[cp_model.LinearExpr, str]] = {}
        self.known: dict[str, int] = {}
        self.seen: set[str] = set()

    def unknown(self, name: str) -> cp_model.IntVar:
        if name not in self.unknowns:
            self.unknowns[name] = self.model.new_int_var(0, self.bound, name)
        return self.unknowns[name]

    def total(self, names) -> cp_model.LinearExpr:
        return sum((self.unknown(n) for n in names), cp_model.LinearExpr.constant(0))

    def read(self, path: str, expr, value: int | None, label: str | None = None) -> None:
        """What the reader read at ``path``: a number (an equation), or a label (bounds, and a cell to attack)."""
        if value is not None:
            self.model.add(expr == value)
            self.known[path] = value
            return
        assert label in (PRIMARY, SECONDARY), (path, label)
        if label == PRIMARY:
            self.model.add(expr <= 4)
        else:
            self.model.add(expr >= 5)
        key = str(expr)  # the same cell read in several places is attacked once
        if key not in self.seen:
            self.seen.add(key)
            self.hidden[path] = (expr, label)

    def equal(self, a, b) -> None:
        self.model.add(a == b)

    def _solve(self, objective, maximise: bool, exact: bool = True) -> cp_model.CpSolver:
        """An optimum (``exact``), or any table the attacker cannot rule out found within a few seconds."""
        self.model.clear_objective()
        self.model.maximize(objective) if maximise else self.model.minimize(objective)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 2  # the machines this runs on have two cores
        solver.parameters.max_time_in_seconds = 60 if exact else 5
        status = solver.solve(self.model)
        assert status == cp_model.OPTIMAL or (not exact and status == cp_model.FEASIBLE), solver.status_name(status)
        return solver

    def interval(self, path: str) -> tuple[int, int]:
        expr = self.hidden[path][0]
        return (int(round(self._solve(expr, False).objective_value)),
                int(round(self._solve(expr, True).objective_value)))

    def narrow(self, width: int, tries: int = 6) -> list[tuple[str, int, int]]:
        """The hidden figures whose interval spans less than ``width``, with their intervals.

        Every solution is a table the attacker cannot rule out: a figure whose values across a few solutions
        (all pushed up, all down, then mixed) already span ``width`` is settled without its own two solves."""
        span: dict[str, list[int]] = {}
        for i in range(tries):
            open_ = [p for p in self.hidden if p not in span or span[p][1] - span[p][0] < width]
            if not open_:
                break
            signs = [1 if i == 0 else -1 if i == 1 else (1 if (j * (i + 3)) % 7 < 3 else -1) for j in range(len(open_))]
            solver = self._solve(sum((s * self.hidden[p][0] for s, p in zip(signs, open_)),
                                     cp_model.LinearExpr.constant(0)), True, exact=False)
            for p in self.hidden:
                v = solver.value(self.hidden[p][0])
                lo, hi = span.get(p, (v, v))
                span[p] = [min(lo, v), max(hi, v)]
        out = []
        for p in self.hidden:
            if p in span and span[p][1] - span[p][0] >= width:
                continue
            lo, hi = self.interval(p)
            if hi - lo < width:
                out.append((p, lo, hi))
        return out
