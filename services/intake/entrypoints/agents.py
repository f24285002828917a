"""The intake hears back from the matcher (offers, placements) and relays its outbox."""
from __future__ import annotations

from contracts import topics
from contracts.events import Event
from services.intake.entrypoints.app import app, ctx
from services.intake.service_layer import projections
from services.runtime.messaging import consume


async def on_event(event: Event) -> None:
    await ctx.run_handler(projections.handle, event, ctx.uow())


events_agent = consume(app, "intake", [topics.OFFERS, topics.OFFER_RESPONSES, topics.PLACEMENTS],
                       set(projections.HANDLERS), on_event)


@app.task
async def outbox_relay() -> None:
    await ctx.relay.run()
