"""Aggregate figures of realised places: what leaves the ledger (aggregates only, disclosure-controlled).

``load`` reads the places (the cache for current figures, the fold over the journal for a past
date); ``protected`` counts the one cell table and protects it (domain/disclosure.py), once per
state of the data; ``build`` draws a reader's report from it -- the report every output uses:
JSON, CSV, the HTML dashboard, and (``gauges``) the Prometheus metrics.
"""
from __future__ import annotations

import hashlib
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from contracts.types import local_date
from services.ledger.adapters.orm import AgreementTarget, Entry, NeighbourhoodLimit, Place
from services.ledger.domain import cells, disclosure, journal as jr, protected as pt, table
from services.ledger.domain.responses import RealisedPlaces
from services.ledger.service_layer import assemble
from services.ledger.service_layer.export import to_csv  # noqa: F401 - the CSV of a report
from services.ledger.service_layer.handlers import place_view, to_domain
from services.ledger.service_layer.unit_of_work import LedgerUnitOfWork

#: Cells counting fewer persons than this are suppressed in every output (as statistics offices do).
SUPPRESS_BELOW = disclosure.THRESHOLD
STRATEGIES = cells.STRATEGIES
#: Move-in and end dates are Dutch calendar dates: "today" is the date in the Netherlands.


@dataclass
class Inputs:
    view: jr.LedgerView
    agreements: list[AgreementTarget]
    limits: list[NeighbourhoodLimit]
    retractions: int
    as_of: date | None
    day: date  # the date the figures describe: as_of, or today for the current figures
    registered_used: dict[tuple[str, str, str], int] = field(default_factory=dict)  # agreement -> used outside


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
        used = _registered_used(s, end_of_day(as_of) if as_of else None)
    return Inputs(view, agreements, limits, retractions, as_of, as_of or local_date(datetime.now(UTC)), used)


def _registered_used(s, cutoff: datetime | None) -> dict[tuple[str, str, str], int]:
    """Each agreement's ``used`` (places allocated outside this system), as registered (up to the cutoff)."""
    entries = [to_domain(e) for e in s.exec(select(Entry).where(Entry.kind == jr.AGREEMENT)).all()]
    then = jr.reference_as_of(entries, cutoff or datetime.max.replace(tzinfo=UTC))
    return {key: int(d.get("used") or 0) for key, d in then[jr.AGREEMENT].items()}


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
                    suppress_small: bool = True, as_of: date | None = None, party: str | None = None) -> dict[str, Any]:
    """The report for one reader: national (ministry, admin), or ``municipality``'s figures; ``party`` is the
    municipality reading its own figures (it sees its agreements' exact counters)."""
    inp = load(uow, as_of)
    report = build(inp, target, municipality, suppress_small, party)
    # Every report leaves through its model (the API document's schema): a drift fails here, not at a client.
    return RealisedPlaces.model_validate(report).model_dump(mode="json", exclude_unset=True)


#: Shares a municipality can set beside the same shares nationally.
SHARES = ("housing_first", "youth", "families", "currently_occupied")


def shares(report: dict[str, Any]) -> dict[str, float | None]:
    total = report["realised_places"]
    out = {f"{k}_share": (round(report[k] / total, 4) if total and report[k] is not None else None) for k in SHARES}
    out["over_90_days_share"] = report["over_90_days_share"]
    return out


_CACHE: dict[str, tuple[cells.CellTable, disclosure.Protection]] = {}
_LOCK = threading.Lock()
_COMPUTING = threading.Lock()


def protected(inp: Inputs, suppress_small: bool = True) -> tuple[cells.CellTable, disclosure.Protection]:
    """The one cell table of these inputs and its protection, computed once per state of the data."""
    t = table.count(_places(inp), inp.day, [(a.corporation, a.municipality, a.period) for a in inp.agreements],
                    [(n.neighbourhood, n.municipality, n.period) for n in inp.limits],
                    {a.municipality: a.region for a in inp.agreements if a.region})
    if not suppress_small:
        return t, disclosure.Protection(frozenset(), frozenset())
    key = hashlib.sha256(repr((sorted(t.cells.items(), key=repr), sorted(t.published, key=repr),
                               sorted(t.region_of.items()))).encode()).hexdigest()
    with _COMPUTING:  # one protection at a time: a request and the gauges' refresh wait for the same result
        with _LOCK:
            hit = _CACHE.get(key)
        if hit is None:
            hit = (t, pt.protect(t))
            with _LOCK:
                if len(_CACHE) >= 8:
                    _CACHE.pop(next(iter(_CACHE)))
                _CACHE[key] = hit
    return hit


def _places(inp: Inputs) -> list[jr.PlaceView]:
    # a report of an earlier day holds what had happened by then; the current one also counts the
    # placements confirmed or reported ahead of their move-in (occupied only from that date on)
    return cells.moved_in_by(inp.view.places, inp.as_of) if inp.as_of is not None else inp.view.places


def build(inp: Inputs, target: int, municipality: str | None = None, suppress_small: bool = True,
          party: str | None = None) -> dict[str, Any]:
    """One reader's report, drawn from the protected table: national, or one municipality's own figures."""
    t, protection = protected(inp, suppress_small)
    own = party if party and party == municipality else None
    view = pt.View(t, protection, own)
    secondary: list[str] = []
    sheet = assemble.Sheet(view, municipality or cells.NATIONAL, secondary)
    report = {
        "as_of": inp.as_of.isoformat() if inp.as_of else None,
        "scope": {"level": "municipality" if municipality else "national", "municipality": municipality},
        **assemble.headline(sheet, target),
        "retractions": inp.retractions,
        **assemble.breakdowns(sheet, t, municipality),
        **_agreements_and_limits(sheet, inp, municipality, own),
        **assemble.sources(sheet, t),
        "unverified_totals": [
            {"source": u.source, "source_kind": u.source_kind, "period": u.period, "region": u.region,
             "places": disclosure.primary(u.places) if suppress_small else u.places,
             "note": "reported without persons: shown beside the count, never added"}
            for u in inp.view.unverified
            if not municipality  # totals are by region at best; a municipality sees its own persons only
        ],
        "suppressed_below": SUPPRESS_BELOW if suppress_small else None,
    }
    if municipality:
        # the national figures as this reader sees them: its own view when it is the municipality itself
        report["comparison"] = comparison(report, view, t, municipality, secondary, target)
    report["secondary_suppressed"] = secondary
    return report


def comparison(own: dict[str, Any], national_view: pt.View, t: cells.CellTable, municipality: str,
               secondary: list[str], target: int) -> dict[str, Any]:
    """A municipality's figures beside the country's and its region's, as the national report publishes them."""
    nat = assemble.Sheet(national_view, cells.NATIONAL, secondary)
    every: list[str] = []  # the shares are computed from all of them; only two are shown as counts
    national = assemble.headline(assemble.Sheet(national_view, cells.NATIONAL, every), target, "comparison.national.")
    secondary += [p for p in every if p.endswith((".realised_places", ".unique_persons"))]
    region = t.region_of.get(municipality)
    return {
        "own": shares(own),
        "national": {"realised_places": national["realised_places"], "unique_persons": national["unique_persons"],
                     **shares(national)},
        "region": {"region": region,
                   "realised_places": nat("comparison.region.realised_places", "region", region) if region else None},
        "by_municipality": {x: assemble.total_of(nat, x, "comparison.by_municipality") for x in t.municipalities()},
    }


def _agreements_and_limits(s: assemble.Sheet, inp: Inputs, municipality: str | None, party: str | None
                           ) -> dict[str, Any]:
    def agreement(i: int, a: AgreementTarget) -> dict[str, Any]:
        cell = (a.municipality, "agreement", a.corporation, a.period)
        used = inp.registered_used.get((a.corporation, a.municipality, a.period), 0)
        if party and a.municipality == party:  # its own agreement: operational counters, exact
            realised = s.view.exact(cell)
            return {"realised": realised, "registered_used": used, "progress": realised + used,
                    "exact_for_party": True}
        realised = assemble.Sheet(s.view, a.municipality, s.secondary)(f"agreements[{i}].realised", *cell[1:])
        return {"realised": realised, "registered_used": disclosure.primary(used),
                "progress": None, "exact_for_party": False}

    chosen = sorted((a for a in inp.agreements if not municipality or a.municipality == municipality),
                    key=lambda a: (a.region or "", a.municipality, a.corporation, a.period))
    limits = sorted((n for n in inp.limits if not municipality or n.municipality == municipality),
                    key=lambda n: (n.municipality, n.neighbourhood, n.period))
    return {
        "agreements": [{"corporation": a.corporation, "municipality": a.municipality, "period": a.period,
                        "region": a.region, "committed_places": a.max_places, **agreement(i, a)}
                       for i, a in enumerate(chosen)],
        "neighbourhood_limits": [
            {"municipality": n.municipality, "neighbourhood": n.neighbourhood, "period": n.period,
             "region": n.region, "max_placements": n.max_placements,
             # registered by the municipality: exact to it (operational), under primary suppression to others
             "used_outside_ledger": n.used if party == n.municipality else disclosure.primary(n.used),
             "placed": assemble.Sheet(s.view, n.municipality, s.secondary)(f"neighbourhood_limits[{i}].placed",
                                                                             "neighbourhood", n.neighbourhood, n.period)}
            for i, n in enumerate(limits)],
    }


def busy() -> bool:
    """Whether a protection is being computed now (the gauges' refresh then waits for its next turn)."""
    return _COMPUTING.locked()


def gauges(inp: Inputs) -> dict[str, Any]:
    """The Prometheus gauges' values: national cells of the protected table, hidden ones left out (None)."""
    t, protection = protected(inp)
    v = pt.View(t, protection).value
    return {
        "region_strategy": {(r, k): v((cells.NATIONAL, "region_strategy", r, k))
                            for r in t.keys(cells.NATIONAL, "region") for k in STRATEGIES},
        "total": v(cells.TOTAL), "unique_persons": v((cells.NATIONAL, "unique")),
        "occupied": v((cells.NATIONAL, "occupied", True)), "review": v((cells.NATIONAL, "review")),
        "source_kinds": {k: v((cells.NATIONAL, "source_kind", k)) for k in t.keys(cells.NATIONAL, "source_kind")},
    }
