"""The one way a service consumes its topics: decode contracts, apply them in batches, dead-letter poison.

Every consumer is idempotent (the inbox table), so faust's at-least-once delivery never applies an
event twice. No message is ever passed silently: each is applied, ignored because it is another
service's event on a shared topic, or dead-lettered; until then it is *held* (see ``Held``), so
its offset, and any offset after it, is never committed — not when a worker stops, not when the
agent's batch ends early.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable

import faust
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError

from contracts.events import Event, parse_event
from contracts.topics import TopicSpec
from services.kernel import metrics
from services.kernel.deadletters import dead_letter_or_stop, describe_validation_error, message_headers
from services.kernel.signing import Unauthentic, Verifier, may_produce, verifier
from services.kernel.stalls import STALLS
from services.kernel.uow import DuplicateEvent

log = logging.getLogger(__name__)

Handler = Callable[[Event], Awaitable[None]]
BatchHandler = Callable[[list[Event]], Awaitable[None]]


class Held:
    """Keeps a message from being committed until it is done.

    faust acknowledges every event of a ``take_events`` batch when the batch ends, also when the
    agent stops in the middle of it; one extra reference per message, released only when the
    message is applied or dead-lettered, leaves the unfinished ones (and so every later offset,
    faust commits only up to the first gap) uncommitted."""

    def __init__(self, app: faust.App, messages: Iterable) -> None:
        self.app = app
        for m in messages:
            m.incref()

    def done(self, message) -> None:
        message.ack(self.app.consumer)


async def until_database_answers(service: str, consumer: str, fn, arg) -> None:
    """Run ``fn(arg)``; while the database is unreachable, wait and retry: an outage is not the
    message's fault, so it is neither dead-lettered nor skipped (the consumer reports itself stopped)."""
    failures = 0
    while True:
        try:
            await fn(arg)
        except OperationalError as exc:
            failures += 1
            if failures >= 3:
                STALLS.stop(service, consumer, f"stopped: database unreachable ({type(exc.orig).__name__})")
            await asyncio.sleep(min(5.0, 0.2 * 2 ** min(failures, 5)))
            continue
        if failures >= 3:
            STALLS.resume(service, consumer)
        return


def decode(message, specs: dict[str, TopicSpec], signatures: Verifier) -> Event | str:
    """The message's event if it is authentic (signed by a service that may make it on that topic), or why
    it is not: a reason to dead-letter it with, naming fields and rules, never a value."""
    try:
        signer = signatures.signer_of(message.topic, message.key, message.value, message_headers(message))
        event = parse_event(message.value)
        may_produce(specs[message.topic], signer, event)
        return event
    except Unauthentic as exc:
        return str(exc)
    except ValidationError as exc:
        return describe_validation_error(exc)
    except Exception as exc:  # noqa: BLE001 - whatever the bytes are, they become a dead letter
        return f"undecodable message ({type(exc).__name__})"


def consume(app: faust.App, service: str, specs: Iterable[TopicSpec], accepts: set[type[Event]],
            handle: Handler, *, handle_batch: BatchHandler | None = None, max_batch: int = 500,
            within: float = 0.05):
    """Register one faust agent that decodes contracts and dispatches them to the service's handlers.

    Events are taken in batches (up to ``max_batch`` within ``within`` seconds) and applied in one
    transaction by ``handle_batch``; if the batch fails, each event is retried on its own so one
    poison message cannot hold back the others. Bad bytes, an unsigned or forged event, an event this
    service cannot take, or a handler that fails on a message go to the dead-letter topic.
    """
    specs = list(specs)
    by_name, signatures = {s.name: s for s in specs}, verifier()
    name = f"{service}-events"
    topic = app.topic(*[s.name for s in specs], key_type=bytes, value_type=bytes,
                      key_serializer="raw", value_serializer="raw")

    async def reject(reason: str, message, held: Held) -> None:
        await dead_letter_or_stop(app, service, name, reason, message)
        held.done(message)

    async def one(event: Event, message, held: Held) -> None:
        try:
            await until_database_answers(service, name, handle, event)
            metrics.EVENTS_PROCESSED.labels(service=service, event_type=event.event_type).inc()
        except DuplicateEvent:
            pass
        except Exception as exc:  # noqa: BLE001 - a poison message must not stop the worker
            log.exception("handler failed on %s %s", event.event_type, event.event_id)
            await reject(f"handler error: {type(exc).__name__}", message, held)
            return
        held.done(message)

    async def apply_in_order(decoded: list[tuple[Event, object]], held: Held) -> None:
        if handle_batch is not None and len(decoded) > 1:
            try:
                await until_database_answers(service, name, handle_batch, [e for e, _ in decoded])
            except Exception:  # noqa: BLE001 - find the culprit event by event
                log.warning("batch of %d failed; applying its events one by one", len(decoded))
            else:
                for e, message in decoded:
                    metrics.EVENTS_PROCESSED.labels(service=service, event_type=e.event_type).inc()
                    held.done(message)
                return
        for e, message in decoded:
            await one(e, message, held)

    async def apply(batch: list) -> None:
        held = Held(app, (ev.message for ev in batch))
        decoded: list[tuple[Event, object]] = []
        for ev in batch:
            event = decode(ev.message, by_name, signatures)
            if isinstance(event, str):
                # what came before the bad message is applied first: it never waits behind a letter
                await apply_in_order(decoded, held)
                decoded = []
                await reject(event, ev.message, held)
            elif type(event) in accepts:
                decoded.append((event, ev.message))
            else:  # another service's event on a shared topic
                held.done(ev.message)
        await apply_in_order(decoded, held)

    @app.agent(topic, name=name)
    async def agent(stream):
        async for batch in stream.take_events(max_batch, within=within):
            try:
                await apply(batch)
            except Exception as exc:  # noqa: BLE001 - a defect, not a message: stop here, visibly
                log.exception("%s cannot go on", name)
                STALLS.stop(service, name, f"internal error ({type(exc).__name__}); restart the worker")
                await asyncio.Event().wait()  # held messages stay uncommitted until the restart

    return agent
