"""Aggregate figures of realised places: what leaves the ledger (aggregates only, small cells suppressed)."""
from __future__ import annotations

from collections import Counter
from typing import Any

from sqlmodel import select

from contracts.types import Strategy
from services.ledger.adapters.orm import AgreementTarget, Place
from services.ledger.service_layer.unit_of_work import LedgerUnitOfWork

#: Cells counting fewer persons than this are suppressed in every output (as statistics offices do).
SUPPRESS_BELOW = 5


def suppress(n: int) -> int | None:
    return n if n == 0 or n >= SUPPRESS_BELOW else None


def realised_places(uow: LedgerUnitOfWork, target: int, municipality: str | None = None,
                    suppress_small: bool = True) -> dict[str, Any]:
    with uow:
        q = select(Place).where(Place.status == "realised")
        if municipality:
            q = q.where(Place.municipality == municipality)
        places = uow.session.exec(q).all()
        agreements = uow.session.exec(select(AgreementTarget)).all()
    cell = suppress if suppress_small else (lambda n: n)
    total = len(places)
    by_strategy = Counter(p.strategy for p in places)
    by_region = Counter(p.region for p in places)
    by_month = Counter(p.move_in_date.strftime("%Y-%m") for p in places)
    per_agreement = Counter((p.corporation, p.municipality, str(p.move_in_date.year)) for p in places)
    occupied = sum(1 for p in places if p.ended_on is None)
    stays = [p for p in places if p.days_in_shelter is not None]
    return {
        "realised_places": total,
        "unique_persons": len({p.person_ref for p in places}),
        "currently_occupied": cell(occupied),
        "national_target": target,
        "progress_ratio": round(total / target, 4) if target else None,
        "housing_first": cell(sum(1 for p in places if p.housing_first)),
        "over_90_days_in_shelter": cell(sum(1 for p in stays if p.days_in_shelter > 90)),
        "youth": cell(sum(1 for p in places if p.youth)),
        "families": cell(sum(1 for p in places if (p.children or 0) > 0)),
        "by_strategy": {s.value: cell(by_strategy.get(s.value, 0)) for s in Strategy},
        "by_region": {r: cell(n) for r, n in sorted(by_region.items())},
        "by_month": {m: cell(n) for m, n in sorted(by_month.items())},
        "agreements": [
            {"corporation": a.corporation, "municipality": a.municipality, "period": a.period, "region": a.region,
             "committed_places": a.max_places,
             "realised": cell(per_agreement.get((a.corporation, a.municipality, a.period), 0))}
            for a in sorted(agreements, key=lambda a: (a.region, a.municipality, a.corporation, a.period))
            if not municipality or a.municipality == municipality
        ],
        "suppressed_below": SUPPRESS_BELOW if suppress_small else None,
    }
