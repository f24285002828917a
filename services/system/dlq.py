"""`housing-match dlq`: look at dead letters and replay them once their cause is fixed.

A replay re-publishes the letter's original key, value and headers to its original
topic, with the header ``hm-replayed-from: <dead-letter partition>:<offset>``. A
letter already replayed (that header is found on the original topic) is skipped,
and the consumers de-duplicate on event id (events) or command id (inbound
commands), so running a replay twice changes nothing.
"""
from __future__ import annotations

import asyncio
import base64
import json
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from contracts.deadletter import DeadLetter
from contracts.topics import DEAD_LETTER
from services.kernel.deadletters import REPLAYED_FROM, masked_digest


@dataclass
class Letter:
    partition: int
    offset: int
    letter: DeadLetter

    @property
    def coordinates(self) -> str:
        return f"{self.partition}:{self.offset}"


async def read_all(bootstrap: str, topic: str) -> list:
    """Every message of a topic, from offset 0 of every partition to its current end."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        parts = consumer.partitions_for_topic(topic) or set()
        if not parts:
            await consumer.force_metadata_update() if hasattr(consumer, "force_metadata_update") else None
            parts = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in sorted(parts)]
        if not tps:
            return []
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        return await read_to_end(consumer, tps)
    finally:
        await consumer.stop()


async def read_to_end(consumer: AIOKafkaConsumer, tps: list[TopicPartition]) -> list:
    """Every message from the consumer's positions to each partition's end as the first fetch sees it.

    The end comes from the fetch answers' high watermark, not from ListOffsets: tansu's object-store
    engine answers ListOffsets with wrong end offsets (seen: 1 for a partition of 2,000 messages)."""
    out, pending = [], set(tps)
    ends: dict[TopicPartition, int] = {}
    while pending:
        batch = await consumer.getmany(*pending, timeout_ms=1000)
        for tp, msgs in batch.items():
            out.extend(msgs)
        for tp in list(pending):
            end = ends.setdefault(tp, consumer.highwater(tp)) if consumer.highwater(tp) is not None else None
            if end is not None and await consumer.position(tp) >= end:
                pending.discard(tp)
    return out


async def letters(bootstrap: str) -> list[Letter]:
    out = []
    for m in await read_all(bootstrap, DEAD_LETTER):
        try:
            out.append(Letter(m.partition, m.offset, DeadLetter.model_validate_json(m.value)))
        except ValueError:
            continue
    return out


async def original_message(bootstrap: str, x: Letter) -> tuple[bytes | None, bytes, list[tuple[str, bytes]]]:
    """The letter's message: copied in the letter, or (a letter by reference) read from its topic at its
    offset and checked against the letter's digest. A message no longer there, or not the same, is an
    error (exit 2), never replayed in part."""
    if x.letter.payload == "inline":
        key = base64.b64decode(x.letter.key_b64) if x.letter.key_b64 else None
        return key, base64.b64decode(x.letter.value_b64 or ""), [(k, base64.b64decode(v))
                                                                  for k, v in x.letter.headers.items()]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        tp = TopicPartition(x.letter.topic, x.letter.partition)
        consumer.assign([tp])
        consumer.seek(tp, x.letter.offset)
        records = (await consumer.getmany(tp, timeout_ms=5000, max_records=1)).get(tp, [])
    finally:
        await consumer.stop()
    if not records or records[0].offset != x.letter.offset:
        raise LookupError(f"letter {x.coordinates}: its message is no longer on {x.letter.topic}")
    m = records[0]
    if masked_digest(m.value or b"") != x.letter.value_sha256:
        raise LookupError(f"letter {x.coordinates}: the message on {x.letter.topic} does not match its digest")
    return m.key, m.value or b"", list(m.headers or ())


async def replay(bootstrap: str, *, service: str | None = None, topic: str | None = None,
                 at: list[str] | None = None, dry_run: bool = False, again: bool = False) -> dict:
    """Replay each selected letter once; returns the counts and the coordinates of the letters replayed.

    Letters are selected by the service that refused them, their original topic and/or their own
    coordinates (``at``: ``partition:offset`` on the dead-letter topic, as the partner's
    ``command.rejected`` notice names them). A letter asked for by coordinates that is not on the
    topic yet is an error, never skipped. A letter that is itself a failed replay is skipped unless
    ``again`` (the cause was not fixed yet: replaying it in a loop would change nothing)."""
    wanted = set(at or ())
    found = await letters(bootstrap)
    missing = wanted - {x.coordinates for x in found}
    if missing:
        raise LookupError(f"no dead letter at {', '.join(sorted(missing))}")
    selected = [x for x in found
                if (service is None or x.letter.service == service) and (topic is None or x.letter.topic == topic)
                and (not wanted or x.coordinates in wanted)]
    done: set[str] = set()
    for original in {x.letter.topic for x in selected}:
        for m in await read_all(bootstrap, original):
            for k, v in m.headers or ():
                if k == REPLAYED_FROM:
                    done.add(v.decode())
    counts = {"selected": len(selected), "already_replayed": 0, "failed_replays": 0, "replayed": 0}
    replayed: list[str] = []
    producer = None if dry_run else AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    if producer:
        await producer.start()
    try:
        for x in selected:
            if x.coordinates in done:
                counts["already_replayed"] += 1
                continue
            if REPLAYED_FROM in x.letter.headers and not again:
                counts["failed_replays"] += 1
                continue
            counts["replayed"] += 1
            replayed.append(x.coordinates)
            if producer is None:
                continue
            key, value, headers = await original_message(bootstrap, x)
            headers = [(k, v) for k, v in headers if k != REPLAYED_FROM] + [(REPLAYED_FROM, x.coordinates.encode())]
            await producer.send_and_wait(x.letter.topic, value, key=key, headers=headers)
            done.add(x.coordinates)
    finally:
        if producer:
            await producer.stop()
    return {**counts, "letters": replayed}


def main(args) -> int:
    from services.kernel.config import settings

    from services.system.broker import running_embedded_broker

    conf = settings()
    bootstrap = args.bootstrap or conf.kafka_bootstrap_servers or running_embedded_broker(conf.data_dir)
    if not bootstrap:
        print("no broker: start one with `housing-match up`, or set KAFKA_BOOTSTRAP_SERVERS or --bootstrap",
              flush=True)
        return 2
    if args.dlq_cmd == "list":
        found = asyncio.run(letters(bootstrap))
        for x in found:
            print(json.dumps({"at": x.coordinates, "service": x.letter.service, "topic": x.letter.topic,
                              "offset": x.letter.offset, "payload": x.letter.payload, "reason": x.letter.reason}))
        if not found:
            print(f"no dead letters (broker {bootstrap})", flush=True)
        return 0
    try:
        result = asyncio.run(replay(bootstrap, service=args.service, topic=args.topic, at=args.letter,
                                    dry_run=args.dry_run, again=args.again))
    except LookupError as exc:
        print(str(exc), flush=True)
        return 2
    print(json.dumps(result))
    return 0
