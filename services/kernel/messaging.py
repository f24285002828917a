"""Kafka plumbing shared by the services: consuming contracts, dead letters, the outbox relay.

Services talk only through these topics. Every consumer is idempotent (the
inbox table), so faust's at-least-once delivery -- and the embedded broker
starting again at offset 0 -- never applies an event twice.
"""
from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime

import faust
from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, SQLModel, select, update
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from contracts.deadletter import DeadLetter
from contracts.events import Event, parse_event
from contracts.topics import DEAD_LETTER, TopicSpec
from services.kernel import metrics
from services.kernel.db import Lease
from services.kernel.privacy import mask_bsn_like, mask_bsn_like_text, safe_field_name
from services.kernel.uow import DuplicateEvent

log = logging.getLogger(__name__)

Handler = Callable[[Event], Awaitable[None]]


def describe_validation_error(exc: ValidationError) -> str:
    """Field paths and rules only: a submitted value is never echoed."""
    parts = []
    for err in exc.errors(include_input=False, include_url=False, include_context=False)[:20]:
        # A path can hold a key the producer invented (an unknown field): mask and cap it.
        path = ".".join(safe_field_name(p) for p in err["loc"]) or "(message)"
        parts.append(f"{path}: {err['msg']}")
    return "; ".join(parts)


def message_headers(message) -> dict[str, bytes]:
    """A faust message's headers as a dict (faust gives a list of pairs or a mapping)."""
    raw = message.headers or []
    items = raw.items() if hasattr(raw, "items") else raw
    return {str(k): (v if isinstance(v, bytes) else str(v).encode()) for k, v in items if v is not None}


#: Header a replayed message carries: the dead letter's partition and offset, so a replay is done once.
REPLAYED_FROM = "hm-replayed-from"


async def send_dead_letter(app: faust.App, service: str, reason: str, message) -> str:
    """Put the message on the dead-letter topic (acknowledged by the broker); returns the letter's
    ``partition:offset``, the coordinates `housing-match dlq replay --letter` takes."""
    letter = DeadLetter(
        service=service, reason=mask_bsn_like_text(reason)[:2000], topic=message.topic,
        partition=message.partition, offset=message.offset,
        key_b64=base64.b64encode(mask_bsn_like(message.key)).decode() if message.key else None,
        value_b64=base64.b64encode(mask_bsn_like(message.value or b"")).decode(),
        headers={k: base64.b64encode(mask_bsn_like(v)).decode() for k, v in message_headers(message).items()},
        rejected_at=datetime.now(UTC),
    )
    sent = await app.producer.send_and_wait(DEAD_LETTER, mask_bsn_like(message.key) if message.key else None,
                                            letter.model_dump_json().encode(),
                                            partition=None, timestamp=None, headers=None)
    metrics.DEAD_LETTERED.labels(service=service).inc()
    at = f"{sent.partition}:{sent.offset}"
    log.warning("dead-lettered %s[%d]@%d as %s: %s", message.topic, message.partition, message.offset, at, reason)
    return at


BatchHandler = Callable[[list[Event]], Awaitable[None]]


def consume(app: faust.App, service: str, specs: Iterable[TopicSpec], accepts: set[type[Event]],
            handle: Handler, *, handle_batch: BatchHandler | None = None, max_batch: int = 500,
            within: float = 0.05):
    """Register one faust agent that decodes contracts and dispatches them to the service's handlers.

    Events are taken in batches (up to ``max_batch`` within ``within`` seconds) and applied in one
    transaction by ``handle_batch``; if the batch fails, each event is retried on its own so one
    poison message cannot hold back the others. Bad bytes, an event this service cannot take, or a
    handler that fails on a message go to the dead-letter topic, so no input crashes the worker.
    Database outages are retried instead: they are not the message's fault.
    """
    specs = list(specs)
    topic = app.topic(*[s.name for s in specs], key_type=bytes, value_type=bytes,
                      key_serializer="raw", value_serializer="raw")

    async def with_db_retry(fn, arg) -> None:
        async for attempt in AsyncRetrying(retry=retry_if_exception_type(OperationalError),
                                           stop=stop_after_attempt(8),
                                           wait=wait_exponential(0.2, max=5), reraise=True):
            with attempt:
                await fn(arg)

    async def one(event: Event, message) -> None:
        try:
            await with_db_retry(handle, event)
            metrics.EVENTS_PROCESSED.labels(service=service, event_type=event.event_type).inc()
        except DuplicateEvent:
            pass
        except Exception as exc:  # noqa: BLE001 - a poison message must not stop the worker
            log.exception("handler failed on %s %s", event.event_type, event.event_id)
            await send_dead_letter(app, service, f"handler error: {type(exc).__name__}", message)

    @app.agent(topic, name=f"{service}-events")
    async def agent(stream):
        async for batch in stream.take_events(max_batch, within=within):
            decoded: list[tuple[Event, object]] = []
            for ev in batch:
                try:
                    event = parse_event(ev.value)
                except ValidationError as exc:
                    await send_dead_letter(app, service, describe_validation_error(exc), ev.message)
                    continue
                if type(event) in accepts:  # else: another service's event on a shared topic
                    decoded.append((event, ev.message))
            if not decoded:
                continue
            if handle_batch is not None and len(decoded) > 1:
                try:
                    await with_db_retry(handle_batch, [e for e, _ in decoded])
                    for e, _ in decoded:
                        metrics.EVENTS_PROCESSED.labels(service=service, event_type=e.event_type).inc()
                    continue
                except Exception:  # noqa: BLE001 - find the culprit event by event
                    log.warning("batch of %d failed; applying its events one by one", len(decoded))
            for e, message in decoded:
                await one(e, message)

    return agent


class OutboxRelay:
    """Sends committed outbox rows to Kafka, in commit order, and marks them sent.

    A worker killed after commit but before send leaves the rows unsent; the
    next start sends them. A kill after send but before marking re-sends them,
    which the consumers' inbox absorbs. With several workers of a service one
    relay holds the service's lease and sends for all of them (the others stand
    by and take over within a second when it dies), so rows are not sent twice
    and one key's events keep their order.
    """

    #: how often the leader looks for rows other workers committed (its own commits wake it at once)
    POLL_S = 0.2
    #: how often a standby tries to take the lease, and the leader checks it still holds it
    LEASE_CHECK_S = 1.0

    def __init__(self, app: faust.App, engine: Engine, outbox: type[SQLModel], batch: int = 500) -> None:
        self.app, self.engine, self.outbox, self.batch = app, engine, outbox, batch
        self.wake = asyncio.Event()
        self.lease = Lease(engine, f"{outbox.__tablename__}-relay")

    def _fetch(self) -> list[tuple[int, str, bytes, bytes]]:
        with Session(self.engine) as s:
            rows = s.exec(select(self.outbox).where(self.outbox.sent == False)  # noqa: E712
                          .order_by(self.outbox.seq).limit(self.batch)).all()
            return [(r.seq, r.topic, r.key, r.value) for r in rows]

    def _mark(self, seqs: list[int]) -> None:
        with Session(self.engine) as s:
            s.exec(update(self.outbox).where(self.outbox.seq.in_(seqs)).values(sent=True))
            s.commit()

    async def flush(self) -> int:
        rows = await asyncio.to_thread(self._fetch)
        if not rows:
            return 0
        futures = [await self.app.producer.send(topic, key, value, partition=None, timestamp=None,
                                                headers=None) for _, topic, key, value in rows]
        await asyncio.gather(*futures)
        await asyncio.to_thread(self._mark, [r[0] for r in rows])
        return len(rows)

    async def _lead(self) -> bool:
        """True while this relay holds the lease; checks it at most every LEASE_CHECK_S."""
        now = asyncio.get_running_loop().time()
        if now < self._checked_at + self.LEASE_CHECK_S:
            return self.lease.held
        self._checked_at = now
        if self.lease.held:
            return await asyncio.to_thread(self.lease.still_held)
        return await asyncio.to_thread(self.lease.try_acquire)

    _checked_at = float("-inf")

    async def run(self) -> None:
        try:
            while True:
                try:
                    # The lease is checked again between full batches: a backlog is never sent by two.
                    while await self._lead() and await self.flush() == self.batch:
                        pass
                except Exception:  # noqa: BLE001 - keep relaying after a broker or DB hiccup
                    log.exception("outbox relay failed; retrying")
                    await asyncio.sleep(1)
                try:
                    await asyncio.wait_for(self.wake.wait(), timeout=self.POLL_S)
                except TimeoutError:
                    pass
                self.wake.clear()
        finally:
            self.lease.release()
