"""What every service process has: its database, unit-of-work factory, outbox relay and lock."""
from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from functools import cached_property

import faust
from aiokafka.partitioner import murmur2
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from services.kernel.config import settings
from services.kernel.db import make_engine, migrate
from services.kernel.outbox import OutboxRelay
from services.kernel.signing import signer_for
from services.kernel.uow import SqlUnitOfWork

log = logging.getLogger(__name__)


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


def outlives_outages(timer: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
    """A faust timer that an error does not end: faust crashes the whole worker when a timer raises
    (seen: both matchers hung in a crash when PostgreSQL restarted under a matching round). A database
    outage is waited out by the next tick; any other error is logged in full and the next tick tries
    again, while the consumers go on."""
    @functools.wraps(timer)
    async def run() -> None:
        try:
            await timer()
        except OperationalError as exc:
            log.warning("%s: database unreachable (%s); next tick tries again", timer.__name__,
                        type(exc.orig).__name__)
        except Exception:  # noqa: BLE001 - see the docstring
            log.exception("%s failed; next tick tries again", timer.__name__)
    return run


def partition_for(key: str, partitions: int) -> int:
    """The partition aiokafka's default partitioner picks for a key."""
    return (murmur2(key.encode()) & 0x7FFFFFFF) % partitions
