"""The policy officer's "what if?" form (issue 21 on issue 17's screens): a few plain-Dutch changes turned into the
request the API takes (``POST /v1/simulations``, domain/simulation_models.py StartSimulation), and the API's
refusals back at the form's fields. The form judges nothing itself: numbers go in as typed and the request model
says what is wrong, so no rule exists twice.

With no change filled in, the request leaves ``variants`` out and the API's default compares the four strategies;
with one or more, it compares "Zoals nu" with one variant holding every change together."""
from __future__ import annotations

import re
from typing import Any

from babel.numbers import format_decimal
from pydantic import ValidationError

from services.intake.entrypoints.screens import i18n, texts
from services.intake.entrypoints.screens.forms import FieldError
from services.intake.entrypoints.screens.i18n import N_, gettext

#: The form's fields in the order it shows them.
ORDER = ("source", "days", "seeds", "name", "agreement_corporation", "agreement_extra_places",
         "limit_extra_placements", "strategy", "offer_deadline_days")
CHANGE_FIELDS = ("agreement_extra_places", "limit_extra_placements", "strategy", "offer_deadline_days")
#: The variant every what-if is compared with: today's rules.
BASELINE = "Zoals nu"
WHAT_IF = "Wat als"
#: The form's own names, which the request keeps in Dutch, in the page's language; other names are the caller's.
FORM_NAMES = {BASELINE: N_("Zoals nu"), WHAT_IF: N_("Wat als")}
LABEL = {
    "source": N_("Waar de mensen en woningen vandaan komen"), "days": N_("Aantal dagen"),
    "seeds": N_("Aantal herhalingen"), "name": N_("Naam van de wat-als-variant"),
    "agreement_corporation": N_("Corporatie van de afspraak"),
    "agreement_extra_places": N_("Extra plaatsen in de prestatieafspraak"),
    "limit_extra_placements": N_("Extra plaatsingen per begrensde wijk"),
    "strategy": N_("Manier van matchen"), "offer_deadline_days": N_("Reactietermijn van een aanbod (dagen)"),
}
STRATEGY = {"matcher": N_("Zoals nu: deze matcher"), "greedy": N_("Hoogste urgentie eerst"),
            "fcfs": N_("Wie het langst wacht eerst"),
            "look_ahead": N_("Vooruitkijkend: schaarse woningen bewaren voor wie ze nodig heeft")}
SOURCE = {"synthetic": N_("Een verzonnen scenario in de vorm van uw regio"),
          "history": N_("De vastgelegde geschiedenis van uw regio (uitkomsten onder 5 personen verborgen)")}
SAME_NAME = N_("Kies een andere naam dan „Zoals nu”.")
#: pydantic's kinds of refusal as texts.ERROR names them (a decimal where whole days are asked: a whole number).
KIND = {"float_parsing": "int_parsing", "greater_than": "greater_than_equal", "less_than": "less_than_equal",
        "int_from_float": "int_parsing"}
#: Where a variant's change sits in the request -> the form's field.
CHANGE_AT = {"agreements": "agreement_extra_places", "limits": "limit_extra_placements", "strategy": "strategy",
             "offer_deadline_hours": "offer_deadline_days"}


def _deadline_hours(days: str) -> Any:
    """Whole days as the API's hours; anything else as typed, for the request model to refuse."""
    return int(days) * 24 if re.fullmatch(r"\d{1,6}", days) else days


def _days(hours: float) -> str:
    """Whole days as a whole number; otherwise one decimal, written as the page's language writes it."""
    return format_decimal(hours / 24, "#,##0.#", locale=i18n.current.get())


def variant_name(name: str) -> str:
    return gettext(FORM_NAMES[name]) if name in FORM_NAMES else name


def request_data(form: dict[str, str], municipality: str | None) -> dict[str, Any]:
    """The StartSimulation body of the posted form: empty fields left out (the API's defaults)."""
    given = {k: form.get(k, "").strip() for k in ORDER}
    data: dict[str, Any] = {k: given[k] for k in ("source", "days", "seeds") if given[k]}
    changes: dict[str, Any] = {}
    if given["agreement_extra_places"]:
        changes["agreements"] = [{"corporation": given["agreement_corporation"] or None,
                                  "municipality": municipality, "extra_places": given["agreement_extra_places"]}]
    if given["limit_extra_placements"]:
        changes["limits"] = [{"extra_placements": given["limit_extra_placements"]}]
    if given["strategy"]:
        changes["strategy"] = given["strategy"]
    if given["offer_deadline_days"]:
        changes["offer_deadline_hours"] = _deadline_hours(given["offer_deadline_days"])
    if changes:
        data["variants"] = [{"name": BASELINE}, {"name": given["name"] or WHAT_IF, "changes": changes}]
    return data


def field_of(loc: tuple) -> str:
    """The form's field of a refusal's location (``variants.1.changes.agreements.0.extra_places`` and the like)."""
    parts = [str(p) for p in loc]
    if parts[:1] != ["variants"]:
        return parts[0] if parts and parts[0] in ORDER else ""
    if parts[2:3] == ["name"]:
        return "name"
    if parts[-1:] == ["corporation"]:
        return "agreement_corporation"
    return next((CHANGE_AT[p] for p in parts[3:5] if p in CHANGE_AT), "")


def _reason(kind: str, message: str) -> str:
    if "different" in message:
        return gettext(SAME_NAME)
    if "BSN" in message or "personal number" in message:
        return texts.say(texts.ERROR, "bsn_in_text")
    kind = KIND.get(kind, kind)
    return texts.say(texts.ERROR, kind if kind in texts.ERROR else "other")


def field_errors(exc: ValidationError) -> tuple[list[FieldError], bool]:
    """One error per field of the form, in its order; and whether a refusal fits no field of the form."""
    found: dict[str, FieldError] = {}
    elsewhere = False
    for e in exc.errors():
        field = field_of(tuple(e["loc"]))
        if not field:
            elsewhere = True
        elif field not in found:
            found[field] = FieldError(field, gettext(LABEL[field]), _reason(e["type"], str(e.get("msg", ""))))
    return sorted(found.values(), key=lambda e: ORDER.index(e.field)), elsewhere


def described(variant: dict[str, Any], names: dict[str, str]) -> list[str]:
    """A variant's changes in plain Dutch (as the form makes them); any other change by its name only."""
    changes = variant.get("changes") or {}
    out = []
    for a in changes.get("agreements", []):
        who = names.get(a.get("corporation") or "", a.get("corporation")) or gettext(N_("elke corporatie"))
        out.append(gettext(N_("%(n)s extra plaatsen in de afspraak met %(who)s")) % {
            "n": a.get("extra_places", a.get("max_places")), "who": who})
    for lim in changes.get("limits", []):
        out.append(gettext(N_("%(n)s extra plaatsingen per begrensde wijk")) % {
            "n": lim.get("extra_placements", lim.get("max_placements"))})
    if "strategy" in changes:
        out.append(texts.say(STRATEGY, changes["strategy"]))
    if "offer_deadline_hours" in changes:
        out.append(gettext(N_("reactietermijn %(n)s dagen")) % {"n": _days(changes["offer_deadline_hours"])})
    others = sorted(set(changes) - {"agreements", "limits", "strategy", "offer_deadline_hours"})
    if others:
        out.append(gettext(N_("andere wijzigingen via de API: %(names)s")) % {"names": ", ".join(others)})
    return out or [gettext(N_("geen wijzigingen"))]
