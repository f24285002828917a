"""Aggregate figures of realised places: what leaves the ledger (aggregates only, small cells suppressed).

``load`` reads the places (the cache for current figures, the fold over the journal for a past
date); ``build`` turns them into the report every output uses -- JSON, CSV, the HTML dashboard
and the Prometheus gauges -- after disclosure control (domain/disclosure.py).
"""
from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from itertools import combinations
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import select

from services.ledger.adapters.orm import AgreementTarget, Entry, NeighbourhoodLimit, Place
from services.ledger.domain import cells, disclosure, journal as jr
from services.ledger.domain.responses import RealisedPlaces
from services.ledger.service_layer.handlers import place_view, to_domain
from services.ledger.service_layer.unit_of_work import LedgerUnitOfWork

#: Cells counting fewer persons than this are suppressed in every output (as statistics offices do).
SUPPRESS_BELOW = disclosure.THRESHOLD
STRATEGIES = cells.STRATEGIES
#: Move-in and end dates are Dutch calendar dates: "today" is the date in the Netherlands.
DUTCH_TIME = ZoneInfo("Europe/Amsterdam")


@dataclass
class Inputs:
    view: jr.LedgerView
    agreements: list[AgreementTarget]
    limits: list[NeighbourhoodLimit]
    retractions: int
    as_of: date | None
    day: date  # the date the figures describe: as_of, or today for the current figures


def end_of_day(d: date) -> datetime:
    return datetime.combine(d, time.max, tzinfo=UTC)


def load(uow: LedgerUnitOfWork, as_of: date | None = None) -> Inputs:
    """Current figures from the cache; figures as of a past date from the fold over the journal."""
    with uow:
        s = uow.session
        if as_of is None:
            places = [place_view(p) for p in s.exec(select(Place)).all()]
            totals = [to_domain(e) for e in s.exec(select(Entry).where(Entry.kind == jr.TOTALS)).all()]
            t = jr.fold(totals)
            view = jr.LedgerView(places=sorted(places, key=lambda p: (p.person_ref, p.move_in_date, p.unit_key)),
                                 unverified=t.unverified, retracted_reports=0, entries=0)
            retractions = s.exec(select(func.count()).select_from(Entry).where(Entry.kind == jr.RETRACTED)).one()
        else:
            cutoff = end_of_day(as_of)
            rows = s.exec(select(Entry).where(Entry.occurred_at <= cutoff)).all()
            view = jr.fold([to_domain(e) for e in rows], as_of=cutoff)
            retractions = sum(1 for e in rows if e.kind == jr.RETRACTED)
        agreements = list(s.exec(select(AgreementTarget)).all())
        limits = list(s.exec(select(NeighbourhoodLimit)).all())
        if as_of is not None:
            agreements, limits = _reference_as_of(s, end_of_day(as_of), agreements, limits)
    return Inputs(view, agreements, limits, retractions, as_of, as_of or datetime.now(DUTCH_TIME).date())


def _reference_as_of(s, cutoff: datetime, agreements: list[AgreementTarget], limits: list[NeighbourhoodLimit]
                     ) -> tuple[list[AgreementTarget], list[NeighbourhoodLimit]]:
    """Agreements and limits as registered up to the cutoff (event time), from the journal.

    One registered before the ledger journalled reference data has no history: it is shown as it is now.
    """
    entries = [to_domain(e) for e in s.exec(select(Entry).where(Entry.kind.in_(tuple(jr.REFERENCE_KEYS)))).all()]
    journalled = {(e.kind, tuple(e.data[k] for k in jr.REFERENCE_KEYS[e.kind])) for e in entries}
    then = jr.reference_as_of(entries, cutoff)
    a_fields = ("corporation", "municipality", "period", "region", "max_places")
    l_fields = ("neighbourhood", "period", "municipality", "region", "max_placements", "used")
    return (
        [AgreementTarget(**{k: d[k] for k in a_fields}) for d in then[jr.AGREEMENT].values()]
        + [a for a in agreements if (jr.AGREEMENT, (a.corporation, a.municipality, a.period)) not in journalled],
        [NeighbourhoodLimit(**{k: d[k] for k in l_fields}) for d in then[jr.LIMIT].values()]
        + [n for n in limits if (jr.LIMIT, (n.neighbourhood, n.period)) not in journalled],
    )


def realised_places(uow: LedgerUnitOfWork, target: int, municipality: str | None = None,
                    suppress_small: bool = True, as_of: date | None = None) -> dict[str, Any]:
    inp = load(uow, as_of)
    report = build(inp, target, municipality, suppress_small)
    if municipality:
        report["comparison"] = comparison(report, build(inp, target, None, suppress_small),
                                          _region_of(inp, municipality))
    # Every report leaves through its model (the API document's schema): a drift fails here, not at a client.
    return RealisedPlaces.model_validate(report).model_dump(mode="json", exclude_unset=True)


#: Shares a municipality can set beside the same shares nationally and in its region.
SHARES = ("housing_first", "youth", "families", "currently_occupied")


def shares(report: dict[str, Any]) -> dict[str, float | None]:
    total = report["realised_places"]
    out = {f"{k}_share": (round(report[k] / total, 4) if total and report[k] is not None else None) for k in SHARES}
    out["over_90_days_share"] = report["over_90_days_share"]
    return out


def comparison(own: dict[str, Any], national: dict[str, Any], region: str | None) -> dict[str, Any]:
    """A municipality's figures beside the country's and its region's, from the published national report.

    Only figures the national report publishes (after its own disclosure control) are shown, so the
    comparison reveals nothing the national figures do not.
    """
    return {
        "own": shares(own),
        "national": {"realised_places": national["realised_places"], "unique_persons": national["unique_persons"],
                     **shares(national)},
        "region": {"region": region,
                   "realised_places": national["by_region"].get(region) if region else None},
        "by_municipality": national["by_municipality"],
    }


def _region_of(inp: Inputs, municipality: str) -> str | None:
    regions = Counter(p.region for p in inp.view.places if p.municipality == municipality and p.region)
    regions.update(a.region for a in inp.agreements if a.municipality == municipality and a.region)
    return regions.most_common(1)[0][0] if regions else None


def build(inp: Inputs, target: int, municipality: str | None = None, suppress_small: bool = True) -> dict[str, Any]:
    """The report: national (ministry, admin) or one municipality's own figures: count, protect, assemble."""
    places = [p for p in inp.view.places if not municipality or p.municipality == municipality]
    if inp.as_of is not None:
        # a report of an earlier day holds what had happened by then; the current one also counts the
        # placements confirmed or reported ahead of their move-in (occupied only from that date on)
        places = cells.moved_in_by(places, inp.as_of)
    counted = [p for p in places if p.counted]
    pub = cells.publish(cells.count(counted, inp.day), national=not municipality, suppress_small=suppress_small)
    return {
        "as_of": inp.as_of.isoformat() if inp.as_of else None,
        "scope": {"level": "municipality" if municipality else "national", "municipality": municipality},
        **_headline(pub, counted, target),
        "flagged_for_review": pub.one(sum(1 for p in places if not p.counted)),
        "retractions": inp.retractions,
        **_breakdowns(pub),
        **_against_agreements_and_limits(pub, counted, inp, municipality),
        **_sources(pub, counted),
        "unverified_totals": [
            {"source": u.source, "source_kind": u.source_kind, "period": u.period, "region": u.region,
             "places": pub.one(u.places), "note": "reported without persons: shown beside the count, never added"}
            for u in inp.view.unverified
            if not municipality  # totals are by region at best; a municipality sees its own persons only
        ],
        "suppressed_below": SUPPRESS_BELOW if suppress_small else None,
    }


def _headline(pub: cells.Published, counted: list[jr.PlaceView], target: int) -> dict[str, Any]:
    v = pub.value
    total, over, known = v(cells.TOTAL), v(("over_90", True)), v(("stay_known", True))
    return {
        "realised_places": total,
        "unique_persons": len({p.person_ref for p in counted}) if total is not None else None,
        "national_target": target,
        "progress_ratio": round(total / target, 4) if target and total is not None else None,
        "currently_occupied": v(("occupied", True)),
        "housing_first": v(("housing_first", True)),
        "youth": v(("youth", True)),
        "families": v(("families", True)),
        "shelter_stay_known": known,
        "over_90_days_in_shelter": over,
        "over_90_days_share": round(over / known, 4) if over is not None and known else None,
    }


def _breakdowns(pub: cells.Published) -> dict[str, Any]:
    v, t = pub.value, pub.table
    months = t.members("month")
    return {
        "by_strategy": {s: v(("strategy", s)) for s in STRATEGIES},
        "by_region": {r: v(("region", r)) for r in t.members("region")},
        "by_municipality": {m: v(("municipality", m)) for m in t.members("municipality")},
        "by_corporation": {c: v(("corporation", c)) for c in t.members("corporation")},
        "by_month": {m: v(("month", m)) for m in months},
        "by_strategy_and_month": {m: {s: v(("sm", s, m)) for s in STRATEGIES} for m in months},
    }


def _against_agreements_and_limits(pub: cells.Published, counted: list[jr.PlaceView], inp: Inputs,
                                   municipality: str | None) -> dict[str, Any]:
    per_agreement = Counter((p.corporation, p.municipality, str(p.move_in_date.year)) for p in counted)
    per_neighbourhood = Counter((p.neighbourhood, str(p.move_in_date.year)) for p in counted if p.neighbourhood)
    return {
        "agreements": [
            {"corporation": a.corporation, "municipality": a.municipality, "period": a.period, "region": a.region,
             "committed_places": a.max_places,
             "realised": pub.one(per_agreement.get((a.corporation, a.municipality, a.period), 0))}
            for a in sorted(inp.agreements, key=lambda a: (a.region, a.municipality, a.corporation, a.period))
            if not municipality or a.municipality == municipality
        ],
        "neighbourhood_limits": [
            {"municipality": n.municipality, "neighbourhood": n.neighbourhood, "period": n.period,
             "region": n.region, "max_placements": n.max_placements, "used_outside_ledger": n.used,
             "placed": pub.one(per_neighbourhood.get((n.neighbourhood, n.period), 0))}
            for n in sorted(inp.limits, key=lambda n: (n.municipality, n.neighbourhood, n.period))
            if not municipality or n.municipality == municipality
        ],
    }


def _sources(pub: cells.Published, counted: list[jr.PlaceView]) -> dict[str, Any]:
    by_source = Counter(s for p in counted for s in p.source_names)
    kind_of = {s: k for p in counted for s, k, _ in p.sources}
    pairs = Counter(pair for p in counted for pair in combinations(p.source_names, 2))
    by_kind = Counter(k for p in counted for k in p.source_kinds)
    kind_pairs = Counter(pair for p in counted for pair in combinations(p.source_kinds, 2))
    sources = sorted(by_source)
    return {
        "sources": [{"source": s, "source_kind": kind_of.get(s, ""), "places": pub.one(by_source[s])} for s in sources],
        "overlap": [{"source_a": a, "source_b": b, "places": pub.one(pairs.get((a, b), 0))}
                    for a, b in combinations(sources, 2)],
        "source_kinds": {k: pub.one(n) for k, n in sorted(by_kind.items())},
        "overlap_by_source_kind": [{"source_kind_a": a, "source_kind_b": b, "places": pub.one(n)}
                                   for (a, b), n in sorted(kind_pairs.items())],
    }


def region_strategy_cells(inp: Inputs) -> tuple[dict[tuple[str, str], int | None], int]:
    """Region x strategy counts for the metrics, after the same disclosure control (national total shown)."""
    counted = inp.view.counted
    c = Counter((p.region, p.strategy) for p in counted)
    cells: dict[tuple, int] = {("total",): len(counted)}
    for k, n in c.items():
        cells[("rs",) + k] = n
    regions = sorted({r for r, _ in c})
    for r in regions:
        cells[("region", r)] = sum(n for (rr, _), n in c.items() if rr == r)
    lines = [(("total",), [k for k in cells if k[0] == "rs"])]
    hidden = disclosure.protect(cells, lines, fixed=[("total",)])
    return {k[1:]: (None if k in hidden else n) for k, n in cells.items() if k[0] == "rs"}, len(counted)


def to_csv(report: dict[str, Any]) -> str:
    """One row per published cell: table, key, value; a suppressed cell has an empty value."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["table", "key", "value", "suppressed"])

    def row(table: str, key: str, value: Any) -> None:
        w.writerow([table, key, "" if value is None else value, "true" if value is None else "false"])

    for k in ("realised_places", "unique_persons", "national_target", "progress_ratio", "currently_occupied",
              "housing_first", "youth", "families", "shelter_stay_known", "over_90_days_in_shelter",
              "over_90_days_share", "flagged_for_review", "retractions"):
        row("summary", k, report[k])
    for table in ("by_strategy", "by_region", "by_municipality", "by_corporation", "by_month", "source_kinds"):
        for k, val in report[table].items():
            row(table, k, val)
    for m, per in report["by_strategy_and_month"].items():
        for s, val in per.items():
            row("by_strategy_and_month", f"{m}/{s}", val)
    for a in report["agreements"]:
        row("agreement_committed", f"{a['municipality']}/{a['corporation']}/{a['period']}", a["committed_places"])
        row("agreement_realised", f"{a['municipality']}/{a['corporation']}/{a['period']}", a["realised"])
    for n in report["neighbourhood_limits"]:
        row("neighbourhood_limit", f"{n['neighbourhood']}/{n['period']}", n["max_placements"])
        row("neighbourhood_placed", f"{n['neighbourhood']}/{n['period']}", n["placed"])
    for s in report["sources"]:
        row("source", s["source"], s["places"])
    for o in report["overlap"]:
        row("overlap", f"{o['source_a']}&{o['source_b']}", o["places"])
    for u in report["unverified_totals"]:
        row("unverified_total", f"{u['source']}/{u['period']}/{u['region'] or 'all'}", u["places"])
    if cmp := report.get("comparison"):
        for side in ("own", "national"):
            for k, val in cmp[side].items():
                row(f"comparison_{side}", k, val)
        if cmp["region"]["region"]:
            row("comparison_region", cmp["region"]["region"], cmp["region"]["realised_places"])
        for k, val in cmp["by_municipality"].items():
            row("comparison_by_municipality", k, val)
    return out.getvalue()
