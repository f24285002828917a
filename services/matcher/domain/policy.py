"""Matching policy: who may take which unit, and how urgent a placement is.

All numbers of the default policy live in :class:`Policy` (contracts/solver_policy.py); a JSON
policy file may override any of them (``Policy.load(path)``).  The default is the policy of issue 4:

* eligibility of candidate c for unit u: same region; a *shared* unit (``places`` > 1 or kind
  ``shared``) only for household size <= ``shared_max_household_size`` (1) and without the rooms
  rule; any other unit needs ``max(rooms_floor, hh - rooms_below) <= rooms <= hh + rooms_above``;
  a wheelchair user needs a wheelchair-accessible unit; a support level other than ``none`` must
  be in the unit's support list; the unit's neighbourhood is not excluded by the candidate; a
  declined pair is never proposed; the unit's corporation has an agreement with its municipality
  for the period (checked by the solver, which knows the agreements).
* priority = base + days_weight*days_in_shelter + long_wait_bonus if days > long_wait_days
  + youth_bonus if youth + child_bonus per child + medical_urgency_bonus if medical urgency
  + preferred_neighbourhood_bonus if the unit lies in a preferred neighbourhood
  + exit_bonus if the candidate leaves an institution within exit_window_days (issue 19).
* affordability (issue 19, passend toewijzen): with ``affordability.enabled``, an allowance-eligible
  candidate only takes a unit of known rent if the rent is within the limit for the household size.
* every region may have its own policy (``Instance.policy_for``): the unit's region decides, which
  is the candidate's region for every eligible pair.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import cache

from contracts.solver import Candidate, Instance, Policy, PriorityComponents, SupportLevel, Unit

__all__ = ["DEFAULT_POLICY", "Policy", "affordable", "candidate_score", "eligible", "priority_components",
           "regional"]

DEFAULT_POLICY = Policy()


def regional(instance: Instance, policy: Policy = DEFAULT_POLICY) -> Callable[[str], Policy]:
    """region -> its policy (``policy`` < the instance's policy < its region's overrides), memoised."""
    return cache(lambda region: instance.policy_for(region, policy))


def _exit_bonus(c: Candidate, p: Policy) -> int:
    return p.exit_bonus if p.leaving_soon(c.days_until_exit) else 0


def candidate_score(c: Candidate, policy: Policy = DEFAULT_POLICY) -> int:
    """Priority of a placement of ``c`` without the unit-dependent part."""
    p = policy
    return (p.base + p.days_weight * c.days_in_shelter
            + (p.long_wait_bonus if c.days_in_shelter > p.long_wait_days else 0)
            + (p.youth_bonus if c.youth else 0) + p.child_bonus * c.children
            + (p.medical_urgency_bonus if c.medical_urgency else 0) + _exit_bonus(c, p))


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
        exit_from_institution=_exit_bonus(c, p),
    )


def affordable(c: Candidate, u: Unit, policy: Policy = DEFAULT_POLICY) -> bool:
    """Passend toewijzen: the rent is within the household's limit (or the rule does not apply)."""
    rule = policy.affordability
    return (not rule.enabled or not c.rent_allowance_eligible or u.rent is None
            or u.rent <= rule.limit(c.household_size))


def eligible(c: Candidate, u: Unit, policy: Policy = DEFAULT_POLICY) -> bool:
    """Person-unit fit (everything except agreements, provider room and declined pairs)."""
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
    return u.neighbourhood not in c.excluded_neighbourhoods and affordable(c, u, policy)
