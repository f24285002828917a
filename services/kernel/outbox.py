"""The outbox relay: what a service committed to its outbox table reaches Kafka, in commit order.

A row is deleted once Kafka has acknowledged it: the outbox is a queue, not an archive. Kafka holds
the sent event for the topic's retention; a sent row kept here would be one more copy of a person's
reference that an erasure (GDPR art. 17) would have to find.
"""
from __future__ import annotations

import asyncio
import logging

import faust
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, delete, select

from services.kernel.db import Lease
from services.kernel.signing import Signer

log = logging.getLogger(__name__)


class OutboxRelay:
    """Sends committed outbox rows to Kafka, in commit order, and deletes them once sent.

    A worker killed after commit but before send leaves the rows unsent; the
    next start sends them. A kill after send but before the delete re-sends them,
    which the consumers' inbox absorbs. With several workers of a service one
    relay holds the service's lease and sends for all of them (the others stand
    by and take over within a second when it dies), so rows are not sent twice
    and one key's events keep their order. Every message is signed as this service (``signer``), so its
    consumers know it is authentic (services.kernel.signing).
    """

    #: how often the leader looks for rows other workers committed (its own commits wake it at once)
    POLL_S = 0.2
    #: how often a standby tries to take the lease, and the leader checks it still holds it
    LEASE_CHECK_S = 1.0

    def __init__(self, app: faust.App, engine: Engine, outbox: type[SQLModel], signer: Signer,
                 batch: int = 500) -> None:
        self.app, self.engine, self.outbox, self.signer, self.batch = app, engine, outbox, signer, batch
        self.wake = asyncio.Event()
        self.lease = Lease(engine, f"{outbox.__tablename__}-relay")

    def _fetch(self) -> list[tuple[int, str, bytes, bytes]]:
        with Session(self.engine) as s:
            rows = s.exec(select(self.outbox).order_by(self.outbox.seq).limit(self.batch)).all()
            return [(r.seq, r.topic, r.key, r.value) for r in rows]

    def _forget(self, seqs: list[int]) -> None:
        with Session(self.engine) as s:
            s.exec(delete(self.outbox).where(self.outbox.seq.in_(seqs)))
            s.commit()

    async def flush(self) -> int:
        rows = await asyncio.to_thread(self._fetch)
        if not rows:
            return 0
        futures = [await self.app.producer.send(topic, key, value, partition=None, timestamp=None,
                                                headers=self.signer.headers(topic, key, value))
                   for _, topic, key, value in rows]
        await asyncio.gather(*futures)
        await asyncio.to_thread(self._forget, [r[0] for r in rows])
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
