"""The regions' own rules on event time (issue 20, pure): which policy is in force, when a proposal is
overdue, and when declines park a candidate.

Every function takes the time it judges by (a round's or an event's ``occurred_at``), never the wall
clock, so a replay of the log decides the same.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from contracts.solver_policy import Policy, PolicyOverrides, Refusals
from contracts.types import local_date

__all__ = ["PolicyVersion", "days_until_exit", "parked_until", "policy_in_force", "region_policy", "regional_parts",
           "review_due"]

#: (version, effective_from, the version's overrides as registered)
PolicyVersion = tuple[int, date, dict[str, Any]]


def policy_in_force(versions: Iterable[PolicyVersion], at: datetime) -> dict[str, Any]:
    """The overrides in force on the local date of ``at`` ({}: the default): of the versions whose date has come,
    the one with the latest date, and of several with that date the highest version (the last registered)."""
    today = local_date(at)
    due = [((effective_from, version), overrides) for version, effective_from, overrides in versions
           if effective_from <= today]
    return max(due, key=lambda v: v[0])[1] if due else {}


def regional_parts(region: str, policy: dict[str, Any], providers: list[dict[str, Any]], periods: set[str],
                   fixed: list[tuple[str, str]]) -> dict[str, Any]:
    """The instance's regional parts: the region's policy in force, the support providers' room in the
    round's periods, the transfer point's manual matches (fixed pairs)."""
    parts: dict[str, Any] = {}
    if policy:
        parts["region_policies"] = {region: policy}
    if rooms := [p for p in providers if p["period"] in periods]:
        parts["support_providers"] = [{"id": p["provider"], **{k: p[k] for k in ("period", "max_new_clients", "used")}}
                                      for p in rooms]
    if fixed:
        parts["fixed_assignments"] = sorted([c, u] for c, u in fixed)
    return parts


def days_until_exit(exit_date: str | None, at: datetime) -> int | None:
    """Days from the local date of ``at`` until an institution's exit date (bounded as the contract is)."""
    if not exit_date:
        return None
    days = (date.fromisoformat(exit_date) - local_date(at)).days
    return max(-36_500, min(36_500, days))


def region_policy(base: Policy, overrides: dict[str, Any]) -> Policy:
    """The whole policy of a region: ``base`` with the region's overrides in force."""
    return base.overridden(PolicyOverrides.model_validate(overrides)) if overrides else base


def review_due(at: datetime, working_days: int) -> datetime:
    """``working_days`` working days (Monday to Friday; public holidays not known) after ``at``."""
    due, left = at, working_days
    while left:
        due += timedelta(days=1)
        if local_date(due).weekday() < 5:
            left -= 1
    return due


def parked_until(declines: Iterable[tuple[datetime, str]], at: datetime, rules: Refusals,
                 counted_from: datetime | None = None) -> datetime | None:
    """When the declines ``(closed_at, category)`` up to ``at`` park the candidate, until when (else None).

    Declines with a valid category never count, nor declines before ``counted_from`` (the last parking or its
    lifting) or outside the window; an expired offer is no decline and is not in ``declines``."""
    valid = {str(c) for c in rules.valid_categories}
    start = at - timedelta(days=rules.window_days)
    if counted_from is not None:
        start = max(start, counted_from)
    counted = [t for t, category in declines if category not in valid and start <= t <= at]
    if len(counted) < rules.max_declines:
        return None
    return at + timedelta(days=rules.park_days)
