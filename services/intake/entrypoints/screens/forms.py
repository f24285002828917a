"""From a posted HTML form to the operation's request model, and from a refusal to errors a person reads:
each error names the field (its label, linked to the field) and the reason in plain language, never the
value given. The models and their rules are the API's own (domain/commands.py): no second copy."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from services.intake.domain import rules
from services.intake.domain.errors import IntakeError
from services.intake.entrypoints.screens import texts
from services.intake.service_layer import common

CHECKBOXES = ("wheelchair", "youth", "medical_urgency")
LISTS = ("excluded_neighbourhoods", "preferred_neighbourhoods")
#: What the candidate form shows and posts (the BSN only on the first submission).
PROFILE_FIELDS = ("region", "household_size", "children", "shelter_entry_date", "support", "support_provider",
                  *CHECKBOXES, *LISTS)


@dataclass(frozen=True)
class FieldError:
    field: str
    label: str
    reason: str


def profile_data(form: dict[str, str], with_bsn: bool) -> dict[str, Any]:
    """The form as the request model reads it: empty optional fields left out, check boxes as booleans."""
    data: dict[str, Any] = {}
    for name in PROFILE_FIELDS + (("bsn",) if with_bsn else ()):
        value = form.get(name, "").strip()
        if name in CHECKBOXES:
            data[name] = value == "ja"
        elif name in LISTS:
            data[name] = [part for part in re.split(r"[\s,;]+", value) if part]
        elif value:
            data[name] = value.replace(" ", "") if name == "bsn" else value
    return data


def parse(model: type[BaseModel], data: dict[str, Any]) -> BaseModel:
    """The request model, judged on today's date in Amsterdam as the API judges it."""
    return model.model_validate(data, context=rules.context_at(common.now()))


def _reason(field: str, kind: str, message: str) -> str:
    if rules.BSN_IN_TEXT in message:
        return texts.say(texts.ERROR, "bsn_in_text")
    if field == "bsn":
        return texts.say(texts.ERROR, "missing" if kind == "missing" or "exactly one" in message else "bsn")
    if field in LISTS:
        return texts.say(texts.ERROR, "neighbourhood")
    if kind == "cross_field":
        return texts.say(texts.ERROR, {"children": "children_fit"}.get(field, "in_future" if "future" in message
                                                                         else "other"))
    return texts.say(texts.ERROR, kind if kind in texts.ERROR else "other")


def field_errors(exc: ValidationError | IntakeError) -> list[FieldError]:
    """One error per field (the first reason), in the order of the form."""
    found: dict[str, FieldError] = {}
    if isinstance(exc, ValidationError):
        items = [(str(e["loc"][0]) if e["loc"] else "", e["type"], str(e.get("msg", ""))) for e in exc.errors()]
    else:
        items = [(e["field"], "domain", e["reason"]) for e in exc.errors]
    for field, kind, message in items:
        if field and field not in found:
            found[field] = FieldError(field, texts.say(texts.FIELD, field), _reason(field, kind, message))
    order = [*PROFILE_FIELDS, "bsn", "category", "reason"]
    return sorted(found.values(), key=lambda e: order.index(e.field) if e.field in order else len(order))


def refilled(form: dict[str, str], errors: list[FieldError] = ()) -> dict[str, str]:
    """What a form shows again after an error: the fields that were right, never the BSN, never a refused value
    (the person types it again; a page never repeats what was refused)."""
    wrong = {e.field for e in errors}
    return {k: v for k, v in form.items() if (k in PROFILE_FIELDS or k in ("reason", "category")) and k not in wrong}
