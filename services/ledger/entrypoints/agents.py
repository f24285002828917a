"""The ledger's agent: placements (and organisations, agreements) in; gauges kept current."""
from __future__ import annotations

import asyncio

from sqlalchemy import func
from sqlmodel import select

from contracts import topics
from contracts.events import Event
from services.ledger.adapters.orm import Place
from services.ledger.entrypoints.app import app, ctx
from services.ledger.service_layer import handlers
from services.runtime import metrics
from services.runtime.config import settings
from services.runtime.messaging import consume


async def on_event(event: Event) -> None:
    await ctx.run_handler(handlers.handle, event, ctx.uow())


events_agent = consume(app, "ledger", [topics.PLACEMENTS, topics.ORGANISATIONS, topics.AGREEMENTS],
                       set(handlers.HANDLERS), on_event)


def _refresh_gauges() -> None:
    with ctx.uow() as uow:
        rows = uow.session.exec(select(Place.region, Place.strategy, func.count()).where(Place.status == "realised")
                                .group_by(Place.region, Place.strategy)).all()
        occupied = uow.session.exec(select(func.count()).select_from(Place).where(
            Place.status == "realised", Place.ended_on == None)).one()  # noqa: E711
    metrics.REALISED.clear()
    for region, strategy, n in rows:
        metrics.REALISED.labels(region=region, strategy=strategy).set(n)
    metrics.REALISED_TOTAL.set(sum(n for _, _, n in rows))
    metrics.OCCUPIED.set(occupied)
    metrics.TARGET.set(settings().national_target)


@app.timer(interval=1.0)
async def refresh_gauges() -> None:
    await asyncio.to_thread(_refresh_gauges)


@app.task
async def outbox_relay() -> None:
    await ctx.relay.run()
