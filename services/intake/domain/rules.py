"""Rules of a command that span fields or depend on today's date: pure, each naming the field it is about.

A pydantic model validator sees the whole command, so by itself its error names no field and
reaches a partner as ``(body)``. ``refuse`` raises the same kind of error with the field as its
location, so the problem's ``invalid_params`` (HTTP) and the rejection reason (inbound topic)
name it. Values are never put in a reason.

"Today" is not read here: the boundary passes the request's date (in Europe/Amsterdam, where
the partners work) in the validation context, so the rules stay pure and testable.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import ValidationError, ValidationInfo
from pydantic_core import InitErrorDetails, PydanticCustomError

from contracts.types import local_date
from services.kernel.privacy import bsn_like

#: Key of the validation context that carries the request's date.
TODAY = "today"
#: A move-in may be reported ahead, as planned, but not further than this.
PLANNED_MOVE_IN_DAYS = 31

Refusal = tuple[str, str]  # (field, reason)


def context_at(at: datetime) -> dict[str, Any]:
    """The validation context a boundary passes with a request received at ``at``."""
    return {TODAY: local_date(at)}


def today_of(info: ValidationInfo) -> date:
    """The request's date from the validation context; a boundary that forgot it is a bug, not a partner's error."""
    today = (info.context or {}).get(TODAY)
    if not isinstance(today, date):
        raise RuntimeError(f"command validated without the request's date: pass context={{'{TODAY}': date}}")
    return today


def refuse(title: str, refusals: Iterable[Refusal]) -> None:
    """Raise one validation error per (field, reason), located at the field; nothing when there is none."""
    # A nested field ("address.street", "variants.0.name") is located by its path, as pydantic locates its own
    # errors (a list's index as a number).
    details = [InitErrorDetails(type=PydanticCustomError("cross_field", reason),
                                loc=tuple(int(p) if p.isdigit() else p for p in field.split(".")), input=None)
               for field, reason in refusals]
    if details:
        raise ValidationError.from_exception_data(title, details)


def exactly_one(model: Any, *fields: str) -> list[Refusal]:
    given = [f for f in fields if getattr(model, f) is not None]
    if len(given) == 1:
        return []
    reason = f"give exactly one of {' and '.join(fields)}"
    return [(f, reason) for f in (given or fields)]


def unit_identified(model: Any) -> list[Refusal]:
    """A unit is named by its BAG id, or by its corporation and the corporation's own unit id."""
    if model.bag_id is not None or (model.unit_id is not None and model.corporation is not None):
        return []
    missing = [f for f in ("corporation", "unit_id") if getattr(model, f) is None]
    reason = "identify the unit by bag_id, or by corporation and unit_id"
    return [("bag_id", reason)] if len(missing) == 2 else [(f, reason) for f in missing]


def children_fit(household_size: int, children: int) -> list[Refusal]:
    # At least one adult: a household of n has at most n - 1 children (more would also earn a child bonus).
    if children <= household_size - 1:
        return []
    return [("children", "at most household_size - 1 (a household has at least one adult)")]


def used_within(used: int, maximum: int, maximum_field: str) -> list[Refusal]:
    return [] if used <= maximum else [("used", f"cannot exceed {maximum_field}")]


def not_after_today(field: str, value: date, today: date) -> list[Refusal]:
    return [] if value <= today else [(field, "cannot lie in the future (judged in Europe/Amsterdam)")]


def planned_move_in(value: date, today: date) -> list[Refusal]:
    if value <= today + timedelta(days=PLANNED_MOVE_IN_DAYS):
        return []
    return [("move_in_date", f"may lie at most {PLANNED_MOVE_IN_DAYS} days ahead (a planned move-in)")]


#: Why free text or an id is refused (the value is never echoed).
BSN_IN_TEXT = "holds a number that looks like a BSN, which never goes in free text or an id"


def no_bsn_in_text(texts: dict[str, str]) -> list[Refusal]:
    """Free text that reaches another organisation holds no BSN-like number (refused, never masked: the
    partner must know it was not taken)."""
    return [(field, BSN_IN_TEXT) for field, text in texts.items() if bsn_like(text)]
