"""The ledger's agent: placements (and organisations, agreements) in; gauges kept current."""
from __future__ import annotations

import asyncio
import time
import logging

from contracts import topics
from contracts.events import Event
from contracts.vocabulary import Service
from services.ledger.entrypoints.app import app, ctx
from services.ledger.domain import disclosure
from services.ledger.service_layer import handlers, reports
from services.kernel import metrics
from services.kernel.config import settings
from services.kernel.consumer import consume

log = logging.getLogger(__name__)
_JOURNAL_KIND = {"PlacementConfirmed": "confirmed", "PlacementReported": "reported",
                 "PlacementRetracted": "retracted", "PlacementEnded": "ended",
                 "PlacementTotalsReported": "totals", "PersonErased": "erased"}


async def on_event(event: Event) -> None:
    await ctx.run_handler(handlers.handle, event, ctx.uow())
    if kind := _JOURNAL_KIND.get(event.event_type):
        metrics.LEDGER_ENTRIES.labels(kind=kind).inc()


async def on_batch(events: list[Event]) -> None:
    await ctx.run_handler(handlers.handle_batch, events, ctx.uow())
    for event in events:
        if kind := _JOURNAL_KIND.get(event.event_type):
            metrics.LEDGER_ENTRIES.labels(kind=kind).inc()


events_agent = consume(app, Service.LEDGER, topics.consumed_by(Service.LEDGER), set(handlers.HANDLERS), on_event,
                       handle_batch=on_batch)


def refresh_gauges() -> None:
    """Set the ledger's gauges from the protected table's national cells: nothing finer than the national report
    publishes, and a hidden cell is no series at all (a scrape cannot undo the suppression)."""
    if reports.busy():  # a report request is protecting the table now: do not make it wait for a second one
        return
    inp = reports.load(ctx.uow())
    g = reports.gauges(inp)
    metrics.REALISED.clear()
    for (region, strategy), n in g["region_strategy"].items():
        if n is not None:
            metrics.REALISED.labels(region=region, strategy=strategy).set(n)
    for gauge, n in ((metrics.REALISED_TOTAL, g["total"]), (metrics.UNIQUE_PERSONS, g["unique_persons"]),
                     (metrics.OCCUPIED, g["occupied"]), (metrics.REVIEW, g["review"])):
        gauge.set(float("nan") if n is None else n)
    metrics.TARGET.set(settings().national_target)
    metrics.SOURCE_PLACES.clear()
    for kind, n in g["source_kinds"].items():
        if n is not None:
            metrics.SOURCE_PLACES.labels(source_kind=kind).set(n)
    metrics.UNVERIFIED.clear()
    per_kind: dict[str, list[int]] = {}
    for u in inp.view.unverified:
        per_kind.setdefault(u.source_kind, []).append(u.places)
    for kind, ns in per_kind.items():
        if all(disclosure.primary(n) is not None for n in ns):  # as the report shows them: a small one hides the sum
            metrics.UNVERIFIED.labels(source_kind=kind).set(sum(ns))


_next_refresh = 0.0


@app.timer(interval=1.0)
async def refresh() -> None:
    # The gauges fold the whole journal and protect the table (seconds when the data changed, a cache hit
    # when not): wait as long again as the last refresh took, so it never takes more than half a core.
    global _next_refresh
    if time.monotonic() < _next_refresh:
        return
    start = time.monotonic()
    try:
        await asyncio.to_thread(refresh_gauges)
    except Exception:  # noqa: BLE001 - metrics must never stop the worker
        log.exception("refreshing the ledger's gauges failed")
    _next_refresh = time.monotonic() + (time.monotonic() - start)

