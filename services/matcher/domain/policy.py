"""Matching policy: who may take which unit, and how urgent a placement is.

All numbers of the default policy live in :class:`Policy`; a JSON policy file may override any
of them (``Policy.load(path)``).  The default is the policy of issue 4:

* eligibility of candidate c for unit u: same region; a *shared* unit (``places`` > 1 or kind
  ``shared``) only for household size <= ``shared_max_household_size`` (1) and without the rooms
  rule; any other unit needs ``max(rooms_floor, hh - rooms_below) <= rooms <= hh + rooms_above``;
  a wheelchair user needs a wheelchair-accessible unit; a support level other than ``none`` must
  be in the unit's support list; the unit's neighbourhood is not excluded by the candidate; a
  declined pair is never proposed; the unit's corporation has an agreement with its municipality
  for the period (checked by the solver, which knows the agreements).
* priority = base + days_weight*days_in_shelter + long_wait_bonus if days > long_wait_days
  + youth_bonus if youth + child_bonus per child + medical_urgency_bonus if medical urgency
  + preferred_neighbourhood_bonus if the unit lies in a preferred neighbourhood.
"""
from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from contracts.solver import Candidate, PriorityComponents, SupportLevel, Unit

__all__ = ["DEFAULT_POLICY", "Policy", "eligible", "priority_components", "candidate_score"]


class Policy(BaseModel):
    """Tunable numbers of the matching policy (defaults: issue 4)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base: StrictInt = 100
    days_weight: StrictInt = Field(default=1, ge=0)
    long_wait_days: StrictInt = Field(default=90, ge=0)
    long_wait_bonus: StrictInt = 150
    youth_bonus: StrictInt = 50
    child_bonus: StrictInt = 40
    medical_urgency_bonus: StrictInt = 200
    preferred_neighbourhood_bonus: StrictInt = 10
    shared_max_household_size: StrictInt = Field(default=1, ge=0)
    rooms_floor: StrictInt = Field(default=1, ge=0)
    rooms_below: StrictInt = Field(default=1, ge=0)
    rooms_above: StrictInt = Field(default=1, ge=0)
    require_wheelchair_access: bool = True

    @classmethod
    def load(cls, path: str | Path) -> Policy:
        return cls.model_validate_json(Path(path).read_text(encoding="utf-8"))

    def rooms_range(self, household_size: int) -> tuple[int, int]:
        return (max(self.rooms_floor, household_size - self.rooms_below),
                household_size + self.rooms_above)


DEFAULT_POLICY = Policy()


def candidate_score(c: Candidate, policy: Policy = DEFAULT_POLICY) -> int:
    """Priority of a placement of ``c`` without the unit-dependent part."""
    p = policy
    return (p.base + p.days_weight * c.days_in_shelter
            + (p.long_wait_bonus if c.days_in_shelter > p.long_wait_days else 0)
            + (p.youth_bonus if c.youth else 0) + p.child_bonus * c.children
            + (p.medical_urgency_bonus if c.medical_urgency else 0))


def priority_components(c: Candidate, u: Unit, policy: Policy = DEFAULT_POLICY) -> PriorityComponents:
    p = policy
    return PriorityComponents(
        base=p.base,
        days_in_shelter=p.days_weight * c.days_in_shelter,
        over_90_days=p.long_wait_bonus if c.days_in_shelter > p.long_wait_days else 0,
        youth=p.youth_bonus if c.youth else 0,
        children=p.child_bonus * c.children,
        medical_urgency=p.medical_urgency_bonus if c.medical_urgency else 0,
        preferred_neighbourhood=(p.preferred_neighbourhood_bonus
                                 if u.neighbourhood in c.preferred_neighbourhoods else 0),
    )


def eligible(c: Candidate, u: Unit, policy: Policy = DEFAULT_POLICY) -> bool:
    """Person-unit fit (everything except agreements and declined pairs)."""
    if c.region != u.region:
        return False
    if u.shared:
        if c.household_size > policy.shared_max_household_size:
            return False
    else:
        lo, hi = policy.rooms_range(c.household_size)
        if not lo <= u.rooms <= hi:
            return False
    if policy.require_wheelchair_access and c.wheelchair and not u.wheelchair_accessible:
        return False
    if c.support != SupportLevel.NONE and c.support not in u.support:
        return False
    return u.neighbourhood not in c.excluded_neighbourhoods
