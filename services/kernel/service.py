"""What every service process has: its database, unit-of-work factory, outbox relay and lock."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import cached_property

import faust
from aiokafka.partitioner import murmur2
from sqlalchemy import Engine

from services.kernel.config import settings
from services.kernel.db import make_engine, migrate
from services.kernel.outbox import OutboxRelay
from services.kernel.signing import signer_for
from services.kernel.uow import SqlUnitOfWork


class ServiceContext:
    def __init__(self, name: str, app: faust.App, uow_class: Callable[[Engine], SqlUnitOfWork],
                 outbox_model=None) -> None:
        """``outbox_model`` is the table whose rows the relay sends; a service that emits nothing has none."""
        self.name, self.app, self.uow_class, self.outbox_model = name, app, uow_class, outbox_model
        # A signing key that is not the service's own would have everything it sends dead-lettered:
        # refuse to start instead (services.kernel.signing).
        self.signer = signer_for(name) if outbox_model is not None else None
        # Handlers of one worker run one at a time: per-partition order is kept and a
        # matching round never interleaves with the events it reads.
        self.lock = asyncio.Lock()

    @cached_property
    def engine(self) -> Engine:
        return make_engine(settings().db_url(self.name))

    @cached_property
    def relay(self) -> OutboxRelay:
        return OutboxRelay(self.app, self.engine, self.outbox_model, self.signer)

    def uow(self) -> SqlUnitOfWork:
        return self.uow_class(self.engine)

    def migrate(self) -> None:
        migrate(self.name, self.engine)

    async def run_handler(self, fn, *args):
        async with self.lock:
            result = await asyncio.to_thread(fn, *args)
        if self.outbox_model is not None:
            self.relay.wake.set()
        return result

    def has_assignment(self) -> bool:
        try:
            return bool(self.app.consumer.assignment())
        except Exception:  # noqa: BLE001 - consumer not started yet
            return False

    def owned_partitions(self, topic: str) -> set[int]:
        try:
            return {tp.partition for tp in self.app.consumer.assignment() if tp.topic == topic}
        except Exception:  # noqa: BLE001 - not assigned yet
            return set()


def partition_for(key: str, partitions: int) -> int:
    """The partition aiokafka's default partitioner picks for a key."""
    return (murmur2(key.encode()) & 0x7FFFFFFF) % partitions
