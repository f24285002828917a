"""The attacker of the attack tests: an integer program over everything a reader has read (CP-SAT).

Unknowns are whole numbers from 0 to a bound (the national total, which is always published);
each published figure is an equation over them; a figure read as "<5" lies in 0..4, one read as
"verborgen" is at least 5. ``intervals`` gives each hidden figure's minimum and maximum subject to
all of that: the narrowest an attacker can pin it down with linear algebra and integrality.
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

    def interval(self, path: str) -> tuple[int, int]:
        expr = self.hidden[path][0]
        out = []
        for sense in ("min", "max"):
            self.model.clear_objective()
            self.model.minimize(expr) if sense == "min" else self.model.maximize(expr)
            solver = cp_model.CpSolver()
            solver.parameters.num_workers = 8
            solver.parameters.max_time_in_seconds = 20
            status = solver.solve(self.model)
            assert status == cp_model.OPTIMAL, (path, solver.status_name(status))
            out.append(int(round(solver.objective_value)))
        return out[0], out[1]
