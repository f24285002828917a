"""Faust agents and timers of the matcher: translate and dispatch, nothing more."""
from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta

from contracts import topics
from contracts.events import Event
from contracts.vocabulary import Service
from services.matcher.adapters.solver import explain_round, solve_instance
from services.matcher.entrypoints.app import app, ctx
from services.matcher.service_layer import clock, handlers, matching
from services.kernel import metrics
from services.kernel.config import settings
from services.kernel.consumer import consume
from services.kernel.service import outlives_outages, partition_for

log = logging.getLogger(__name__)
SOURCES = topics.consumed_by(Service.MATCHER)


async def on_event(event: Event) -> None:
    await ctx.run_handler(handlers.handle, event, ctx.uow())


async def on_batch(events: list[Event]) -> None:
    await ctx.run_handler(handlers.handle_batch, events, ctx.uow())


events_agent = consume(app, Service.MATCHER, SOURCES, set(handlers.HANDLERS), on_event, handle_batch=on_batch)


def _owns(region: str, owned: set[int] | None = None) -> bool:
    # Each matcher worker runs rounds only for the regions whose partition it consumes.
    owned = ctx.owned_partitions(topics.CANDIDATES.name) if owned is None else owned
    return partition_for(region, topics.CANDIDATES.partitions) in owned


def _solve_timed(instance: dict) -> dict:
    start = time.perf_counter()
    try:
        return solve_instance(instance, settings().solve_time_limit_s)
    finally:
        metrics.SOLVE_SECONDS.observe(time.perf_counter() - start)


async def run_due_rounds() -> int:
    ttl = timedelta(hours=settings().offer_ttl_hours)
    made = 0
    regions = await asyncio.to_thread(matching.dirty_regions, ctx.uow())
    for region in sorted(regions):
        if not _owns(region):
            continue
        offers = await ctx.run_handler(matching.run_round, ctx.uow(), region, _solve_timed, ttl, None,
                                       explain_round)
        made += len(offers)
        if offers:
            log.info("round %s: %d offers", region, len(offers))
    if regions:
        metrics.LAST_ROUND.set(time.time())
    return made


_next_pass = 0.0


@app.timer(interval=settings().match_batch_window_s)
@outlives_outages
async def matching_rounds() -> None:
    # Rounds share the worker with event handling: after a pass that took D seconds, wait at
    # least D before the next, so under load rounds take at most about half of the time.
    global _next_pass
    if time.monotonic() < _next_pass:
        return
    start = time.monotonic()
    await run_due_rounds()
    _next_pass = time.monotonic() + (time.monotonic() - start)


@app.timer(interval=settings().clock_tick_s)
@outlives_outages
async def region_clock() -> None:
    # Real time reaches a quiet region as a ClockTicked in the log (see service_layer/clock.py).
    # The assignment is read here, on the event loop, not from the handler's thread.
    owned = ctx.owned_partitions(topics.CANDIDATES.name)
    ticked = await ctx.run_handler(clock.publish_ticks, ctx.uow(), lambda region: _owns(region, owned),
                                   datetime.now(UTC))
    if ticked:
        log.debug("clock ticked %d region(s)", len(ticked))


@app.task
async def outbox_relay() -> None:
    await ctx.relay.run()
