"""The embedded broker remembers: its log and the committed consumer offsets survive `kill -9` of the
broker and of its object store, and `restart()` brings both back on the same address."""
from __future__ import annotations

import asyncio
import time

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from services.system.broker import ensure_topics, start_embedded_broker
from services.system.dlq import read_to_end

pytestmark = pytest.mark.integration
TOPIC, PARTITIONS = "durability.v1", 2


async def produce(bootstrap: str, start: int, n: int) -> dict[int, int]:
    """n messages 'start'..'start+n-1'; returns the highest acknowledged offset per partition."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    try:
        sent = await asyncio.gather(*[await producer.send(TOPIC, str(i).encode(), key=str(i % 7).encode())
                                      for i in range(start, start + n)])
    finally:
        await producer.stop()
    last: dict[int, int] = {}
    for md in sent:
        last[md.partition] = max(last.get(md.partition, -1), md.offset)
    return last


async def read_all(bootstrap: str) -> list:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        tps = [TopicPartition(TOPIC, p) for p in range(PARTITIONS)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        return await read_to_end(consumer, tps)
    finally:
        await consumer.stop()


async def commit_some(bootstrap: str, n: int) -> dict[int, int]:
    consumer = AIOKafkaConsumer(TOPIC, bootstrap_servers=bootstrap, group_id="durable-group",
                                enable_auto_commit=False, auto_offset_reset="earliest")
    await consumer.start()
    try:
        taken = 0
        while taken < n:
            batch = await consumer.getmany(timeout_ms=1000, max_records=n - taken)
            taken += sum(len(v) for v in batch.values())
        await consumer.commit()
        return {tp.partition: await consumer.committed(tp) for tp in consumer.assignment()}
    finally:
        await consumer.stop()


async def committed(bootstrap: str) -> dict[int, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id="durable-group", enable_auto_commit=False)
    await consumer.start()
    try:
        return {p: await consumer.committed(TopicPartition(TOPIC, p)) for p in range(PARTITIONS)}
    finally:
        await consumer.stop()


def test_log_and_committed_offsets_survive_kill_9_of_broker_and_store(tmp_path):
    broker = start_embedded_broker(log_file=tmp_path / "broker.log", store=tmp_path / "broker")
    try:
        asyncio.run(ensure_topics(broker.bootstrap, [(TOPIC, PARTITIONS)]))
        acked = asyncio.run(produce(broker.bootstrap, 0, 3000))
        before = asyncio.run(commit_some(broker.bootstrap, 1000))
        assert sum(before.values()) == 1000

        broker.process.kill()
        broker.store_process.kill()
        broker.process.wait(), broker.store_process.wait()
        assert not broker.alive()
        started = time.monotonic()
        broker.restart()
        assert broker.alive() and time.monotonic() - started < 10

        messages = asyncio.run(read_all(broker.bootstrap))
        assert sorted(int(m.value) for m in messages) == list(range(3000))
        assert {p: max(m.offset for m in messages if m.partition == p) for p in acked} == acked
        assert asyncio.run(committed(broker.bootstrap)) == before

        # New messages follow the old ones: nothing is overwritten.
        later = asyncio.run(produce(broker.bootstrap, 3000, 100))
        assert all(later[p] > acked[p] for p in later)
        assert sorted(int(m.value) for m in asyncio.run(read_all(broker.bootstrap))) == list(range(3100))

        # The store alone dies: the broker is started again with it.
        broker.store_process.kill()
        broker.store_process.wait()
        assert not broker.alive()
        broker.restart()
        asyncio.run(produce(broker.bootstrap, 3100, 10))
        assert sorted(int(m.value) for m in asyncio.run(read_all(broker.bootstrap))) == list(range(3110))
    finally:
        broker.stop()
