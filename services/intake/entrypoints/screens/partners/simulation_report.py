"""A simulation job's report (services/system/simulation/report.py, as getSimulation answers it) as the policy
officer's tables: per variant and group the mean over the seeds with its 95% interval, in the page's language.

A cell hidden by the disclosure control of a replayed history (services/system/simulation/disclosure.py) reads
as the ledger's own outputs read it: "<5" under the threshold, "verborgen" / "hidden" when hidden to protect
another cell. Pure: no request, no table."""
from __future__ import annotations

from typing import Any

from babel.numbers import format_decimal, format_percent

from services.intake.entrypoints.screens.i18n import N_, gettext
from services.intake.entrypoints.screens.partners.simulation_form import variant_name

GROUPS = {"all": N_("Iedereen"), "youth": N_("Jongeren (18–27)"), "family": N_("Gezinnen met kinderen"),
          "wheelchair": N_("Rolstoelgebruikers"), "institution": N_("Uit een instelling"),
          "support:none": N_("Zonder begeleiding"), "support:light": N_("Lichte begeleiding"),
          "support:intensive": N_("Intensieve begeleiding"), "support:housing_first": N_("Housing First")}
#: The columns: measure -> (header, shown as a share).
MEASURES = {"placed": (N_("Geplaatst"), False),
            "days_in_shelter_median": (N_("Dagen in de opvang bij plaatsing, mediaan"), False),
            "days_in_shelter_p90": (N_("Dagen in de opvang bij plaatsing, 90e percentiel"), False),
            "share_placed_over_90_days": (N_("Geplaatst na meer dan 90 dagen (aandeel)"), True),
            "waiting_at_end": (N_("Wacht nog aan het eind"), False),
            "waiting_at_end_over_90_days": (N_("Wacht nog, langer dan 90 dagen"), False)}
PRIMARY = "<5"
HIDDEN = N_("verborgen")


def _number(value: float, share: bool, language: str) -> str:
    if share:
        return format_percent(value, "#,##0.#%", locale=language)
    return format_decimal(value, "#,##0.#", locale=language)


def cell(interval: dict[str, Any] | None, share: bool, language: str) -> dict[str, str]:
    """``text``: the mean; ``range``: the 95% interval (empty for one seed or a hidden cell)."""
    if not interval:
        return {"text": "–", "range": ""}
    if interval.get("mean") is None:
        hidden = interval.get("suppressed") == PRIMARY
        return {"text": PRIMARY if hidden else gettext(HIDDEN), "range": ""}
    low, high = interval["low"], interval["high"]
    spread = "" if low == high else f"{_number(low, share, language)} – {_number(high, share, language)}"
    return {"text": _number(interval["mean"], share, language), "range": spread}


def variant_tables(report: dict[str, Any] | None, language: str) -> list[dict[str, Any]]:
    """Per variant: its name (the form's own names translated) and rows (group label, one cell per measure), groups
    in a fixed order."""
    if not report:
        return []
    tables = []
    for v in report.get("variants", []):
        metrics = v.get("metrics", {})
        rows = [{"group": gettext(label),
                 "cells": [cell(metrics[g].get(m), share, language) for m, (_, share) in MEASURES.items()]}
                for g, label in GROUPS.items() if g in metrics]
        tables.append({"name": variant_name(v.get("name", "")), "rows": rows})
    return tables


def headers() -> list[str]:
    return [gettext(label) for label, _ in MEASURES.values()]


def protected(report: dict[str, Any] | None) -> bool:
    """Whether the report went through disclosure control (a replay of recorded history)."""
    return bool(report and "disclosure_control" in report)
