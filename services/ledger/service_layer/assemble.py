"""The report, assembled from one reader's view of the protected table: nothing is counted here.

Every number comes from ``View.value`` (None where hidden); the JSON path of each cell hidden to
protect another is listed in ``secondary_suppressed``, so every output labels it "verborgen" /
"hidden" and not "<5". The only exact figures that are no publication are an agreement's own
counters, shown to its municipality alone (``exact_for_party``).
"""
from __future__ import annotations

from typing import Any

from services.ledger.domain.cells import NATIONAL, STRATEGIES, CellTable
from services.ledger.domain.protected import SECONDARY, View


class Sheet:
    """Reads cells of one scope through a view, noting the paths of secondarily hidden ones."""

    def __init__(self, view: View, scope: str, secondary: list[str]):
        self.view, self.scope, self.secondary = view, scope, secondary

    def __call__(self, path: str, *key: Any) -> int | None:
        cell = (self.scope, *key)
        if self.view.label(cell) == SECONDARY:
            self.secondary.append(path)
        return self.view.value(cell)


def headline(s: Sheet, target: int, prefix: str = "") -> dict[str, Any]:
    total = s(f"{prefix}realised_places", "total")
    over, known = s(f"{prefix}over_90_days_in_shelter", "over_90", True), s(f"{prefix}shelter_stay_known", "stay_known", True)
    return {
        "realised_places": total,
        "unique_persons": s(f"{prefix}unique_persons", "unique"),
        "national_target": target,
        "progress_ratio": round(total / target, 4) if target and total is not None else None,
        "currently_occupied": s(f"{prefix}currently_occupied", "occupied", True),
        "housing_first": s(f"{prefix}housing_first", "housing_first", True),
        "youth": s(f"{prefix}youth", "youth", True),
        "families": s(f"{prefix}families", "families", True),
        "shelter_stay_known": known,
        "over_90_days_in_shelter": over,
        "over_90_days_share": round(over / known, 4) if over is not None and known else None,
        "flagged_for_review": s(f"{prefix}flagged_for_review", "review"),
    }


def breakdowns(s: Sheet, t: CellTable, municipality: str | None) -> dict[str, Any]:
    months = t.keys(NATIONAL, "month")
    if municipality:  # its own slice: its region and itself are its total; no strategy x month of its own
        region = t.region_of.get(municipality, "unknown")
        return {
            "by_strategy": {k: s(f"by_strategy.{k}", "strategy", k) for k in STRATEGIES},
            "by_region": {region: s(f"by_region.{region}", "total")},
            "by_municipality": {municipality: s(f"by_municipality.{municipality}", "total")},
            "by_corporation": {c: s(f"by_corporation.{c}", "corporation", c) for c in t.keys(NATIONAL, "corporation")},
            "by_month": {m: s(f"by_month.{m}", "month", m) for m in months},
            "by_strategy_and_month": {},
        }
    nat = Sheet(s.view, NATIONAL, s.secondary)
    return {
        "by_strategy": {k: nat(f"by_strategy.{k}", "strategy", k) for k in STRATEGIES},
        "by_region": {r: nat(f"by_region.{r}", "region", r) for r in t.keys(NATIONAL, "region")},
        "by_municipality": {x: total_of(nat, x) for x in t.municipalities()},
        "by_corporation": {c: nat(f"by_corporation.{c}", "corporation", c) for c in t.keys(NATIONAL, "corporation")},
        "by_month": {m: nat(f"by_month.{m}", "month", m) for m in months},
        "by_strategy_and_month": {m: {k: nat(f"by_strategy_and_month.{m}.{k}", "sm", k, m) for k in STRATEGIES}
                                  for m in months},
        "by_region_and_strategy": {r: {k: nat(f"by_region_and_strategy.{r}.{k}", "region_strategy", r, k)
                                       for k in STRATEGIES} for r in t.keys(NATIONAL, "region")},
    }


def total_of(s: Sheet, x: str, path: str = "by_municipality") -> int | None:
    cell = (x, "total")
    if s.view.label(cell) == SECONDARY:
        s.secondary.append(f"{path}.{x}")
    return s.view.value(cell)


def sources(s: Sheet, t: CellTable) -> dict[str, Any]:
    names = t.keys(NATIONAL, "source")
    kinds = {src: k for (src, k) in _source_kinds(t)}
    overlap_keys = sorted(c[2:] for c in t.cells if c[0] == NATIONAL and c[1] == "overlap")
    kind_keys = sorted(c[2:] for c in t.cells if c[0] == NATIONAL and c[1] == "kind_overlap")
    return {
        "sources": [{"source": n, "source_kind": kinds.get(n, ""), "places": s(f"sources.{n}", "source", n)}
                    for n in names],
        "overlap": [{"source_a": a, "source_b": b, "places": s(f"overlap.{a}&{b}", "overlap", a, b)}
                    for a, b in overlap_keys],
        "source_kinds": {k: s(f"source_kinds.{k}", "source_kind", k) for k in t.keys(NATIONAL, "source_kind")},
        "overlap_by_source_kind": [{"source_kind_a": a, "source_kind_b": b,
                                    "places": s(f"overlap_by_source_kind.{a}&{b}", "kind_overlap", a, b)}
                                   for a, b in kind_keys],
    }


def _source_kinds(t: CellTable) -> set[tuple[str, str]]:
    return {pair for c in t.cells if c[1] == "combination" for pair in c[2]}
