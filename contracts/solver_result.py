"""Contract of the pure matching solver: the result it writes (see contracts/solver.py)."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from contracts.types import Identifier

__all__ = ["Assignment", "Explanation", "Frozen", "PriorityComponents", "Result", "Status"]


class Frozen(BaseModel):
    """Immutable, refuses unknown fields, never echoes the input in errors."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)


Status = Literal["OPTIMAL", "FEASIBLE"]


class PriorityComponents(Frozen):
    base: StrictInt
    days_in_shelter: StrictInt
    over_90_days: StrictInt
    youth: StrictInt
    children: StrictInt
    medical_urgency: StrictInt
    preferred_neighbourhood: StrictInt
    exit_from_institution: StrictInt = 0
    #: minus the opportunity cost of the home (look-ahead strategy, issue 21); left out when 0
    look_ahead: StrictInt = Field(default=0, le=0, exclude_if=lambda v: v == 0)


class Explanation(Frozen):
    """Why a placement scores what it scores: ``priority`` is the sum of ``components``."""

    priority: StrictInt
    components: PriorityComponents


class Assignment(Frozen):
    candidate: Identifier
    unit: Identifier
    explanation: Explanation


class Result(Frozen):
    """Proposed placements; ``bound`` is a proven upper bound on the best objective."""

    assignments: tuple[Assignment, ...]
    objective: StrictInt
    bound: StrictInt
    status: Status
