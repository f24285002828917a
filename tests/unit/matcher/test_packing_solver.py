"""The OR-Tools door of the solver: small packing programs with hand-checked optima."""
from __future__ import annotations

import math

import numpy as np
import pytest

from services.matcher.domain.packing_solver import solve_lp, solve_mip


def rows(*members: list[int]) -> tuple[np.ndarray, np.ndarray]:
    starts = np.cumsum([0] + [len(m) for m in members])
    columns = np.array([c for m in members for c in m], dtype=np.int64)
    return starts, columns


def test_lp_optimum_duals_and_variable_bounds():
    # max 3a + 5b + 4c - 2d + e  s.t.  a + b + c <= 1.5;  every variable in [0, 1]
    # b = 1, c = 0.5 (the row's price is c's 4); d stays at its lower bound 0, e at its upper bound 1
    objective = np.array([3, 5, 4, -2, 1])
    x, y, value = solve_lp(objective, *rows([0, 1, 2]), np.array([1.5]), seconds=10.0)
    assert np.allclose(x, [0, 1, 0.5, 0, 1])
    assert np.allclose(y, [4])
    assert value == pytest.approx(8.0)


def test_mip_is_integral_where_the_lp_is_not():
    # three pairs in conflict two by two: the LP takes each at 1/2, the integer optimum one of them
    objective = np.array([1.0, 1.0, 1.0])
    starts, columns = rows([0, 1], [1, 2], [0, 2])
    capacity = np.array([1, 1, 1])
    x_lp, _, value = solve_lp(objective, starts, columns, capacity, seconds=10.0)
    assert value == pytest.approx(1.5) and np.allclose(x_lp, 0.5)
    x, bound = solve_mip(objective, starts, columns, capacity, seconds=10.0, node_limit=100)
    assert sorted(x.tolist()) == [0.0, 0.0, 1.0]
    assert bound == 1.0


def test_no_rows():
    x, y, value = solve_lp(np.array([2, 0, 7]), *rows(), np.zeros(0), seconds=10.0)
    assert np.allclose(x[[0, 2]], 1) and y.size == 0 and value == pytest.approx(9.0)
    x, bound = solve_mip(np.array([2, 7]), *rows(), np.zeros(0), seconds=10.0, node_limit=10)
    assert x.tolist() == [1.0, 1.0] and bound == 9.0 and math.isfinite(bound)


def test_an_invalid_program_is_an_error_not_a_missing_solution():
    with pytest.raises(ValueError, match="MODEL_INVALID"):
        solve_lp(np.array([1.0, 2.0]), *rows([0, 5]), np.array([1]), seconds=10.0)
