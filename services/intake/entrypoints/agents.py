"""The intake hears back from the matcher (offers, placements), takes signed partner commands, relays its outbox."""
from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from contracts import topics
from contracts.events import Event
from contracts.vocabulary import Service
from services.intake.entrypoints.app import app, ctx
from services.intake.service_layer import inbound, projections, simulation_queue
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
from services.kernel import metrics
from services.kernel.config import settings
from services.kernel.consumer import Held, consume, until_database_answers
from services.kernel.deadletters import dead_letter_or_stop, message_headers
from services.kernel.service import outlives_outages

log = logging.getLogger(__name__)


async def on_event(event: Event) -> None:
    await ctx.run_handler(projections.handle, event, ctx.uow())


async def on_batch(events: list[Event]) -> None:
    await ctx.run_handler(projections.handle_batch, events, ctx.uow())


events_agent = consume(app, Service.INTAKE, topics.consumed_by(Service.INTAKE), set(projections.HANDLERS), on_event,
                       handle_batch=on_batch)

inbound_topic = app.topic(topics.INBOUND, key_type=bytes, value_type=bytes, key_serializer="raw",
                          value_serializer="raw")


def _make_uow(idem=None) -> IntakeUnitOfWork:
    return IntakeUnitOfWork(ctx.engine, idem)


def process_inbound(key: bytes | None, value: bytes, headers: dict[str, bytes]) -> inbound.Rejected | None:
    """Run one inbound message; returns the refusal (the partner is told after the letter is sent)."""
    try:
        inbound.handle_inbound(_make_uow, settings().pseudonym_secret, key, value, headers,
                               settings().inbound_max_bytes)
        return None
    except inbound.Rejected as rejected:
        return rejected


INBOUND_CONSUMER = "intake-inbound"


@app.agent(inbound_topic, name=INBOUND_CONSUMER)
async def inbound_agent(stream):
    async for ev in stream.events():
        held = Held(app, [ev.message])  # committed only once applied or dead-lettered
        await take_inbound(ev.message)
        held.done(ev.message)


async def take_inbound(message) -> None:
    outcome: list[inbound.Rejected | None] = []

    async def run(_) -> None:
        outcome.append(await ctx.run_handler(process_inbound, message.key, message.value or b"",
                                             message_headers(message)))

    try:
        await until_database_answers(Service.INTAKE, INBOUND_CONSUMER, run, None)
        rejected = outcome[-1]
    except Exception as exc:  # noqa: BLE001 - no input may stop the worker
        log.exception("inbound message failed at %s[%d]@%d", message.topic, message.partition, message.offset)
        rejected = inbound.Rejected(f"internal error: {type(exc).__name__}")
    if rejected is None:
        return
    # The letter first, the partner's notice after: whoever reads the refusal and replays the
    # letter (housing-match dlq replay) must find it on the topic, never a letter still on its way.
    letter = await dead_letter_or_stop(app, Service.INTAKE, INBOUND_CONSUMER, rejected.reason, message)
    try:
        await ctx.run_handler(inbound.record_rejection, _make_uow, rejected, letter)
    except Exception:  # noqa: BLE001 - the letter holds the message; only the partner's notice is missing
        log.exception("could not record the refusal of %s[%d]@%d", message.topic, message.partition,
                      message.offset)


@app.task
async def outbox_relay() -> None:
    await ctx.relay.run()


@app.timer(interval=30.0)
@outlives_outages
async def simulation_queue_gauge() -> None:
    # housing_simulation_oldest_queued_seconds drives HousingSimulationJobsWaiting (deploy/prometheus/alerts.yml).
    seconds = await asyncio.to_thread(simulation_queue.oldest_queued_seconds, _make_uow(), datetime.now(UTC))
    metrics.SIMULATION_OLDEST_QUEUED.set(seconds)
