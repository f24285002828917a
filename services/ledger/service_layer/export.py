"""A report's cells as CSV, and how each hidden cell is labelled in every output.

A cell under 5 reads "<5"; a cell hidden to protect another reads "verborgen" (Dutch, the default)
or "hidden" -- never "<5", which would be a lie about a 9. The JSON report lists the paths of the
second kind in ``secondary_suppressed``; the CSV and the dashboard read the label from there.
"""
from __future__ import annotations

import csv
import io
from typing import Any

LABELS = {"nl": {"primary": "<5", "secondary": "verborgen"}, "en": {"primary": "<5", "secondary": "hidden"}}


def label(report: dict[str, Any], path: str, lang: str = "nl") -> str:
    """The label of a hidden cell at ``path`` (a JSON path such as ``by_strategy.flex``)."""
    words = LABELS.get(lang, LABELS["nl"])
    return words["secondary"] if path in set(report.get("secondary_suppressed", ())) else words["primary"]


def to_csv(report: dict[str, Any], lang: str = "nl") -> str:
    """One row per published cell: table, key, value; a hidden cell has an empty value and its label."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["table", "key", "value", "suppressed", "label"])

    def row(table: str, key: str, value: Any, path: str | None = None) -> None:
        hidden = value is None and path is not None
        w.writerow([table, key, "" if value is None else value, "true" if value is None else "false",
                    label(report, path, lang) if hidden else ""])

    for k in ("realised_places", "unique_persons", "national_target", "progress_ratio", "currently_occupied",
              "housing_first", "youth", "families", "shelter_stay_known", "over_90_days_in_shelter",
              "over_90_days_share", "flagged_for_review", "retractions"):
        row("summary", k, report[k], None if k.endswith(("_share", "_ratio")) else k)
    for table in ("by_strategy", "by_region", "by_municipality", "by_corporation", "by_month", "source_kinds"):
        for k, val in report[table].items():
            row(table, k, val, f"{table}.{k}")
    for m, per in report["by_strategy_and_month"].items():
        for s, val in per.items():
            row("by_strategy_and_month", f"{m}/{s}", val, f"by_strategy_and_month.{m}.{s}")
    for r, per in (report.get("by_region_and_strategy") or {}).items():
        for s, val in per.items():
            row("by_region_and_strategy", f"{r}/{s}", val, f"by_region_and_strategy.{r}.{s}")
    for i, a in enumerate(report["agreements"]):
        key = f"{a['municipality']}/{a['corporation']}/{a['period']}"
        row("agreement_committed", key, a["committed_places"])
        row("agreement_realised", key, a["realised"], f"agreements[{i}].realised")
        row("agreement_registered_used", key, a.get("registered_used"), f"agreements[{i}].registered_used")
        if a.get("exact_for_party"):
            row("agreement_progress", key, a["progress"])
    for i, n in enumerate(report["neighbourhood_limits"]):
        row("neighbourhood_limit", f"{n['neighbourhood']}/{n['period']}", n["max_placements"])
        row("neighbourhood_placed", f"{n['neighbourhood']}/{n['period']}", n["placed"], f"neighbourhood_limits[{i}].placed")
        row("neighbourhood_used_outside", f"{n['neighbourhood']}/{n['period']}", n["used_outside_ledger"],
            f"neighbourhood_limits[{i}].used_outside_ledger")
    for s in report["sources"]:
        row("source", s["source"], s["places"], f"sources.{s['source']}")
    for o in report["overlap"]:
        row("overlap", f"{o['source_a']}&{o['source_b']}", o["places"], f"overlap.{o['source_a']}&{o['source_b']}")
    for o in report["overlap_by_source_kind"]:
        key = f"{o['source_kind_a']}&{o['source_kind_b']}"
        row("overlap_by_source_kind", key, o["places"], f"overlap_by_source_kind.{key}")
    for u in report["unverified_totals"]:
        row("unverified_total", f"{u['source']}/{u['period']}/{u['region'] or 'all'}", u["places"], "unverified")
    if cmp := report.get("comparison"):
        for side in ("own", "national"):
            for k, val in cmp[side].items():
                row(f"comparison_{side}", k, val, None if k.endswith("_share") else f"comparison.{side}.{k}")
        if cmp["region"]["region"]:
            row("comparison_region", cmp["region"]["region"], cmp["region"]["realised_places"],
                "comparison.region.realised_places")
        for k, val in cmp["by_municipality"].items():
            row("comparison_by_municipality", k, val, f"comparison.by_municipality.{k}")
    return out.getvalue()
