"""One outbox relay per service sends, whatever the number of workers (real database, real broker).

Two relays over one outbox would send every row twice and could interleave one key's events out of
order; the lease (services.kernel.db.Lease) makes one of them the sender and lets the other take
over when the first dies.
"""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from aiokafka import AIOKafkaProducer
from sqlmodel import Session

from services.intake.adapters.orm import Outbox
from services.system.dlq import read_all
from services.system.broker import broker
from services.kernel.db import Lease, make_engine, migrate
from services.kernel.deadletters import message_headers
from services.kernel.outbox import OutboxRelay
from services.kernel.signing import signer_for, verifier
from tests.support import fresh_database

pytestmark = pytest.mark.integration
TOPIC = "housing.relay-test.v1"


@pytest.fixture
def db_url(tmp_path):
    with fresh_database(tmp_path, "relay") as url:
        engine = make_engine(url)
        migrate("intake", engine)
        engine.dispose()
        yield url


def test_one_lease_holder_at_a_time_and_a_dead_holder_lets_go(db_url):
    first, second = make_engine(db_url), make_engine(db_url)
    a, b = Lease(first, "relay-test"), Lease(second, "relay-test")
    assert a.try_acquire() and a.still_held()
    assert not b.try_acquire()
    a.release()
    assert b.try_acquire()
    b.release()

    if first.dialect.name == "postgresql":
        # The lease's session ended by the server (failover, an operator, a network cut): the holder
        # notices at its next check instead of relaying on as if it still held it.
        assert a.try_acquire()
        from sqlalchemy import text
        with second.connect() as admin:
            admin.execute(text("select pg_terminate_backend(pid) from pg_locks "
                               "where locktype = 'advisory' and granted and pid <> pg_backend_pid() and database = "
                               "(select oid from pg_database where datname = current_database())"))
        assert not a.still_held() and not a.held
        assert b.try_acquire()
        b.release()

    # A holder killed with SIGKILL (no clean-up of its own) must not keep the lease.
    holder = subprocess.Popen(
        [sys.executable, "-c", (
            "import sys, time\n"
            "from services.kernel.db import Lease, make_engine\n"
            f"lease = Lease(make_engine({db_url!r}), 'relay-test')\n"
            "assert lease.try_acquire()\n"
            "print('held', flush=True)\n"
            "time.sleep(60)\n")],
        stdout=subprocess.PIPE, text=True, cwd=os.getcwd())
    try:
        assert holder.stdout.readline().strip() == "held"
        assert not a.try_acquire()
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        deadline = time.monotonic() + 10
        while not a.try_acquire():
            assert time.monotonic() < deadline, "the dead holder's lease was never released"
            time.sleep(0.1)
    finally:
        holder.kill()
        a.release()
        first.dispose()
        second.dispose()


class _Producer:
    """The faust producer's send signature over a real aiokafka producer."""

    def __init__(self, producer: AIOKafkaProducer) -> None:
        self.producer = producer

    async def send(self, topic, key, value, partition=None, timestamp=None, headers=None):
        return await self.producer.send(topic, value, key=key, headers=headers)


class _App:
    def __init__(self, producer: AIOKafkaProducer) -> None:
        self.producer = _Producer(producer)


def test_two_relays_send_each_row_once_in_order_and_the_standby_takes_over(db_url):
    with broker(topics=[(TOPIC, 1)]) as bootstrap:
        asyncio.run(_two_relays(db_url, bootstrap))
        messages = asyncio.run(read_all(bootstrap, TOPIC))
    values = [int(m.value) for m in messages]
    assert Counter(values).most_common(1)[0][1] == 1, "a row was sent twice"
    assert values == sorted(values) == list(range(1, 601))
    signers = {verifier().signer_of(TOPIC, m.key, m.value, message_headers(m)) for m in messages}
    assert signers == {"intake"}, "every row is sent signed as the relay's service"


async def _two_relays(db_url: str, bootstrap: str) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    engines = [make_engine(db_url), make_engine(db_url)]
    relays = [OutboxRelay(_App(producer), e, Outbox, signer_for("intake"), batch=50) for e in engines]
    tasks = [asyncio.create_task(r.run()) for r in relays]

    def insert(first: int, n: int) -> None:
        with Session(engines[0]) as s:
            for i in range(first, first + n):
                s.add(Outbox(event_id=f"00000000-0000-0000-0000-{i:012d}", topic=TOPIC, key=b"k",
                             value=str(i).encode()))
            s.commit()

    async def drained() -> None:
        deadline = time.monotonic() + 20
        while True:
            with Session(engines[0]) as s:
                left = s.query(Outbox).count()  # a sent row is deleted
            if left == 0:
                return
            assert time.monotonic() < deadline, f"{left} rows never sent"
            await asyncio.sleep(0.1)

    try:
        for start in range(1, 301, 30):  # rows arrive while both relays run
            await asyncio.to_thread(insert, start, 30)
            for r in relays:
                r.wake.set()
            await asyncio.sleep(0.05)
        await drained()
        leaders = [r for r in relays if r.lease.held]
        assert len(leaders) == 1
        # The sender stops (its worker dies): the standby takes over and sends what comes next.
        dead = relays.index(leaders[0])
        tasks[dead].cancel()
        await asyncio.gather(tasks[dead], return_exceptions=True)
        assert not relays[dead].lease.held
        await asyncio.to_thread(insert, 301, 300)
        await drained()
        assert relays[1 - dead].lease.held
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await producer.stop()
        for e in engines:
            e.dispose()
