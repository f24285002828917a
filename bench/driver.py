"""The driver of a replay plan (bench/replay.py): sends it to the running product over the Kafka protocol, as the
partners would, answers every offer as corporation and person (a seeded share declines), echoes some confirmed
placements from a corporation monitor (which must not count twice), and waits until the broker has taken every
message, sending again what it refused. Shared by the fault and poison tests and the load benchmark.
"""
from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError

from bench.replay import T0, ReplayPlan, ref
from contracts import events as ev
from contracts import topics
from contracts.events import encode_event, parse_event


@dataclass
class DriverState:
    sent: dict[str, float] = field(default_factory=dict)  # event id -> wall time first sent
    messages: int = 0  # deliveries, redeliveries of the same event included
    offers: int = 0
    declines: int = 0
    placements: dict[str, str] = field(default_factory=dict)  # placement id -> person ref
    placement_events: set[str] = field(default_factory=set)  # event ids of the PlacementConfirmed seen
    echoes: int = 0
    resent: int = 0  # messages the broker refused and the driver sent again
    last_activity: float = field(default_factory=time.monotonic)
    offer_pairs: defaultdict = field(default_factory=lambda: defaultdict(int))


class Driver:
    """Sends the plan and answers offers, over the Kafka protocol only.

    Everything it sends is what the intake publishes (partners' candidates, vacancies, agreements,
    answers and reports), so it signs as the intake, with the configured key (INTAKE_SIGNING_KEY) or
    the development one: the services take no unsigned event."""

    def __init__(self, bootstrap: str, plan: ReplayPlan, seed: int = 2026, rate: float | None = None) -> None:
        from services.kernel.signing import signer_for
        self.bootstrap, self.plan, self.seed, self.rate = bootstrap, plan, seed, rate
        self.state = DriverState()
        self.rng = random.Random(seed + 1)
        self._stop = asyncio.Event()
        self.signer = signer_for("intake")
        self._pending: list[tuple[asyncio.Future, tuple]] = []  # (delivery, message) not yet confirmed

    async def send(self, producer: AIOKafkaProducer, event: ev.Event, raw: bytes | None = None) -> None:
        spec = topics.topic_for(event)
        self.state.sent.setdefault(str(event.event_id), time.time())
        self.state.messages += 1
        key, value = spec.key_of(event), raw or encode_event(event)
        self._pending.append(await self._send(producer, (spec.name, value, key,
                                                          self.signer.headers(spec.name, key, value))))
        if len(self._pending) >= 1000:
            await self.settle(producer)

    @staticmethod
    async def _send(producer: AIOKafkaProducer, message: tuple) -> tuple[asyncio.Future, tuple]:
        name, value, key, headers = message
        while True:
            try:
                return await producer.send(name, value, key=key, headers=headers), message
            except KafkaError:  # the broker restarts (a fault test): try again, as a partner's client would
                await asyncio.sleep(0.5)

    async def settle(self, producer: AIOKafkaProducer) -> None:
        """Wait until the broker has taken every message sent so far; send again what it refused.

        A broker whose object store restarts answers some produce requests with an unknown error, which the
        client does not retry: unchecked, those messages were counted as sent and never arrived (a fault run
        once missed 74 input events, another 7 realised places)."""
        pending, self._pending = self._pending, []
        while pending:
            results = await asyncio.gather(*(f for f, _ in pending), return_exceptions=True)
            refused = [message for (_, message), r in zip(pending, results) if isinstance(r, Exception)]
            pending = []
            if refused:
                self.state.resent += len(refused)
                await asyncio.sleep(0.5)
                pending = [await self._send(producer, message) for message in refused]

    async def _produce_plan(self, producer: AIOKafkaProducer, reference_applied=None) -> None:
        resend = set(self.plan.resend)
        pending_dupes: list[ev.Event] = []
        start = time.monotonic()
        # Agreements and limits of the year are registered before its first vacancy: topics are
        # consumed independently, so wait until the matcher has applied them.
        reference = [e for e in self.plan.events if isinstance(e, (ev.AgreementRegistered, ev.NeighbourhoodLimitSet))
                     and e.occurred_at == T0]
        for e in reference:
            await self.send(producer, e)
        await self.settle(producer)
        if reference_applied is not None:
            deadline = time.monotonic() + 120
            while await asyncio.to_thread(reference_applied) < len(reference):
                if time.monotonic() > deadline:
                    raise TimeoutError("the matcher did not apply the agreements and limits in time")
                await asyncio.sleep(0.2)
        reference_ids = {e.event_id for e in reference}
        for i, e in enumerate(self.plan.events):
            if e.event_id in reference_ids:
                continue
            await self.send(producer, e)
            if i in resend:
                pending_dupes.append(e)
            if len(pending_dupes) >= 50:  # redeliver a little later, 2-5 times
                for d in pending_dupes:
                    for _ in range(self.rng.randint(1, 4)):
                        await self.send(producer, d)
                pending_dupes.clear()
            if self.rate and i % 100 == 0:
                ahead = i / self.rate - (time.monotonic() - start)
                if ahead > 0:
                    await asyncio.sleep(ahead)
        for d in pending_dupes:
            await self.send(producer, d)
        await self.settle(producer)

    async def _answer(self, producer: AIOKafkaProducer, consumer: AIOKafkaConsumer) -> None:
        seen_offers: set[str] = set()
        while not self._stop.is_set():
            batch = await consumer.getmany(timeout_ms=200, max_records=2000)
            for records in batch.values():
                for rec in records:
                    try:
                        e = parse_event(rec.value)
                    except ValueError:  # a poison message a test put there: not the driver's to answer
                        continue
                    if isinstance(e, ev.OfferMade) and e.offer_id not in seen_offers:
                        seen_offers.add(e.offer_id)
                        self.state.offers += 1
                        self.state.offer_pairs[(e.candidate_id, e.unit_id)] += 1
                        self.state.last_activity = time.monotonic()
                        at = e.occurred_at + timedelta(hours=1)
                        h = int(ref(self.seed, e.offer_id)[:8], 16) / 0xFFFFFFFF
                        await self.send(producer, e.caused(ev.OfferConfirmed, producer=e.corporation,
                                                           occurred_at=at, offer_id=e.offer_id, region=e.region))
                        if h < self.plan.decline_share:
                            self.state.declines += 1
                            await self.send(producer, e.caused(ev.OfferDeclined, producer=e.shelter,
                                                               occurred_at=at, offer_id=e.offer_id,
                                                               region=e.region, reason="not near school"))
                        else:
                            await self.send(producer, e.caused(ev.OfferAccepted, producer=e.shelter,
                                                               occurred_at=at, offer_id=e.offer_id,
                                                               region=e.region))
                    elif isinstance(e, ev.PlacementConfirmed) and e.placement_id not in self.state.placements:
                        self.state.placement_events.add(str(e.event_id))
                        self.state.placements[e.placement_id] = e.person_ref
                        self.state.last_activity = time.monotonic()
                        if int(ref("echo", e.placement_id)[:8], 16) % 10 < 3:
                            # A corporation monitor reports the same placement again: it must not count twice.
                            self.state.echoes += 1
                            facts = e.model_dump(include=set(ev.PlacementFacts.model_fields))
                            await self.send(producer, ev.PlacementReported(
                                occurred_at=e.occurred_at + timedelta(days=5), producer="corporatiemonitor",
                                report_id=f"echo-{e.placement_id}", source="corporatiemonitor",
                                source_kind="corporation_monitor", **facts))

    async def run(self, quiet_seconds: float = 8.0, timeout: float = 900.0, while_running=None,
                  progress=None, reference_applied=None) -> DriverState:
        """Send the plan, answer offers, and return once quiet.

        Quiet: no offer or placement for ``quiet_seconds`` and, if given, ``progress()`` (e.g. the
        number of events the services have processed, read from their databases) unchanged as long.
        """
        producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, acks="all", linger_ms=5,
                                    max_batch_size=256 * 1024)
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False,
                                    auto_offset_reset="earliest")
        await producer.start()
        await consumer.start()
        tps = [TopicPartition(t.name, p) for t in (topics.OFFERS, topics.PLACEMENTS) for p in range(t.partitions)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        answering = asyncio.create_task(self._answer(producer, consumer))
        side = asyncio.create_task(while_running()) if while_running else None
        try:
            await self._produce_plan(producer, reference_applied)
            self.state.last_activity = time.monotonic()
            deadline = time.monotonic() + timeout
            last_progress, progress_at, side_done_at = None, time.monotonic(), None
            while True:
                if time.monotonic() > deadline:
                    raise TimeoutError("the pipeline did not become quiet in time")
                if answering.done():
                    answering.result()
                if progress is not None:
                    now_progress = await asyncio.to_thread(progress)
                    if now_progress != last_progress:
                        last_progress, progress_at = now_progress, time.monotonic()
                # Quiet counts from the end of whatever ran beside the plan (a fault schedule) too: a
                # recovery during which nothing was processed is not quiet, it is a pause.
                if side is not None and side.done() and side_done_at is None:
                    side_done_at = time.monotonic()
                quiet_since = max(self.state.last_activity, progress_at, side_done_at or 0.0)
                if time.monotonic() - quiet_since >= quiet_seconds and (side is None or side.done()):
                    if side is not None and side.exception() is not None:
                        raise side.exception()
                    break
                await self.settle(producer)  # answers refused by a restarting broker go out again now, not later
                await asyncio.sleep(0.5)
            await self.settle(producer)
        finally:
            self._stop.set()
            if side:
                side.cancel()
            await asyncio.gather(answering, return_exceptions=True)
            with contextlib.suppress(Exception):  # the last answers, too, reach the broker (bounded: a failing run)
                await asyncio.wait_for(self.settle(producer), 60)
            await consumer.stop()
            await producer.stop()
        return self.state


async def dead_lettered_ids(bootstrap: str) -> set[str]:
    """Event ids found in the dead-letter topic (where the original bytes parsed as JSON with an id)."""
    from services.system.dlq import letters
    return {x.letter.event_id for x in await letters(bootstrap) if x.letter.event_id}


def processed_counter(database_url: str, services=("intake", "matcher", "ledger"), event_types=None):
    """A progress probe: events processed so far by the services, from their inbox tables."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError
    engine = create_engine(database_url, pool_pre_ping=True)
    where = ""
    if event_types:
        where = " where event_type in (" + ", ".join(f"'{t}'" for t in event_types) + ")"

    last = [0]

    def count() -> int:
        try:
            with engine.connect() as db:
                last[0] = sum(db.execute(text(f"select count(*) from {s}_processed_event{where}")).scalar_one()
                              for s in services)
        except OperationalError:  # the database is restarting (a fault test): no progress seen
            pass
        return last[0]
    return count
