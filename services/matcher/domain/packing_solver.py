"""Packing programs solved through OR-Tools' public proto API (pure: no I/O).

A packing program here is ``max w.x  s.t.  A x <= b,  0 <= x <= 1`` with a 0/1 matrix ``A``, given
row by row: the columns of row ``i`` are ``columns[starts[i]:starts[i + 1]]``.  It is sent as an
``MPModelRequest`` to the static ``pywraplp.Solver.SolveWithProto`` (GLOP for the LP relaxation,
HiGHS for the integer program); this is the only module of the matcher that calls OR-Tools.

Chosen by measurement (bench/RESULTS.md): the public MathOpt (``Model.from_model_proto`` +
``mathopt.solve``) and model_builder (``Model``/``ModelSolver``) APIs build a Python object per
variable and per result value, 2-4x slower on the national bench.  ``MPModelProto`` has one message
per variable; adding ~430,000 of them one by one over a national solve costs ~0.5 s, so the
variables are written as their protobuf wire encoding (a fixed 31-byte record each) straight from
numpy and parsed by protobuf in one call.  The constraints go through the ordinary message API.
"""
from __future__ import annotations

import math

import numpy as np
from ortools.linear_solver import linear_solver_pb2 as mp
from ortools.linear_solver.pywraplp import Solver

#: GLOP with the settings the method was tuned and recorded with (before through MathOpt): primal
#: simplex, no presolve (column generation re-solves small restricted LPs), one thread, seed 0.
_GLOP_PARAMETERS = "use_dual_simplex: false use_preprocessing: false num_omp_threads: 1 random_seed: 0"
#: HiGHS quiet (its banner would go to stdout), seeded, node-limited, and run to a zero gap: the
#: response carries no dual bound of its own (HiGHS's proto solver reports the objective value as
#: ``best_objective_bound``), so only a proven optimum gives a bound.
_HIGHS_PARAMETERS = "output_flag=false,random_seed=0,mip_rel_gap=0,mip_max_nodes={nodes}"

# One MPModelProto.variable entry (field 3, length-delimited) holding an MPVariableProto with
# lower_bound (field 1, double), upper_bound (2, double), objective_coefficient (3, double) and
# is_integer (4, varint).  Protobuf doubles are little-endian 8-byte values; the record's length (29)
# fits the one-byte varint of "size".
_VARIABLE_RECORD = np.dtype([
    ("key", "u1"), ("size", "u1"),
    ("lower_key", "u1"), ("lower", "<f8"), ("upper_key", "u1"), ("upper", "<f8"),
    ("objective_key", "u1"), ("objective", "<f8"), ("integer_key", "u1"), ("integer", "u1")])


def _unit_interval_variables(objective: np.ndarray, integer: bool) -> bytes:
    """The wire encoding of one 0 <= x_j <= 1 variable per objective coefficient."""
    record = np.empty(objective.size, dtype=_VARIABLE_RECORD)
    record["key"], record["size"] = (3 << 3) | 2, _VARIABLE_RECORD.itemsize - 2
    record["lower_key"], record["lower"] = (1 << 3) | 1, 0.0
    record["upper_key"], record["upper"] = (2 << 3) | 1, 1.0
    record["objective_key"], record["objective"] = (3 << 3) | 1, objective
    record["integer_key"], record["integer"] = 4 << 3, integer
    return record.tobytes()


def _request(objective: np.ndarray, starts: np.ndarray, columns: np.ndarray, capacity: np.ndarray,
             integer: bool, seconds: float) -> mp.MPModelRequest:
    request = mp.MPModelRequest(solver_time_limit_seconds=seconds)
    model = request.model
    model.maximize = True
    model.MergeFromString(_unit_interval_variables(objective, integer))
    row_starts, cols = starts.tolist(), columns.tolist()
    ones = [1.0] * len(cols)
    add_row = model.constraint.add
    for i, cap in enumerate(capacity.astype(np.float64).tolist()):
        row = slice(row_starts[i], row_starts[i + 1])
        add_row(var_index=cols[row], coefficient=ones[row], upper_bound=cap)
    return request


def _solve(request: mp.MPModelRequest) -> mp.MPSolutionResponse:
    response = mp.MPSolutionResponse()
    Solver.SolveWithProto(request, response)
    if response.status in (mp.MPSOLVER_MODEL_INVALID, mp.MPSOLVER_MODEL_INVALID_SOLVER_PARAMETERS):
        # a bug here, not a limit reached: it must not pass for "no solution in time"
        raise ValueError(f"{mp.MPSolverResponseStatus.Name(response.status)}: {response.status_str}")
    return response


def solve_lp(objective: np.ndarray, starts: np.ndarray, columns: np.ndarray, capacity: np.ndarray,
             seconds: float) -> tuple[np.ndarray, np.ndarray, float] | None:
    """(x, duals, optimal value) of the LP relaxation, or None if GLOP did not prove an optimum."""
    request = _request(objective, starts, columns, capacity, False, seconds)
    request.solver_type = mp.MPModelRequest.GLOP_LINEAR_PROGRAMMING
    request.solver_specific_parameters = _GLOP_PARAMETERS
    response = _solve(request)
    if response.status != mp.MPSOLVER_OPTIMAL:
        return None
    return (np.asarray(response.variable_value, dtype=np.float64),
            np.asarray(response.dual_value, dtype=np.float64), response.objective_value)


def solve_mip(objective: np.ndarray, starts: np.ndarray, columns: np.ndarray, capacity: np.ndarray,
              seconds: float, node_limit: int) -> tuple[np.ndarray | None, float]:
    """(0/1 solution or None, upper bound: the optimum if proven, else +inf) of the integer program."""
    request = _request(objective, starts, columns, capacity, True, seconds)
    request.solver_type = mp.MPModelRequest.HIGHS_MIXED_INTEGER_PROGRAMMING
    request.solver_specific_parameters = _HIGHS_PARAMETERS.format(nodes=node_limit)
    response = _solve(request)
    if response.status not in (mp.MPSOLVER_OPTIMAL, mp.MPSOLVER_FEASIBLE) or not response.variable_value:
        return None, math.inf
    x = np.asarray(response.variable_value, dtype=np.float64)
    return x, response.objective_value if response.status == mp.MPSOLVER_OPTIMAL else math.inf
