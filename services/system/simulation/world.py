"""The matcher itself, in one process: its own handlers, rounds and clock on an in-memory database.

The broker is replaced by the outbox: what the matcher emits (offers, placements, expiries, its
ClockTicked events) is read back from its outbox table after each step, as the relay would publish
it, and the outbox is emptied. Nothing here decides anything about matching: eligibility, policy,
solver, rounds, offer deadlines, declines, expiry, agreements and limits are the service's code.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.pool import StaticPool
from sqlmodel import create_engine, select

from contracts import events as ev
from services.kernel.db import migrate
from services.matcher.adapters.orm import Outbox
from services.matcher.service_layer import clock, handlers, matching
from services.matcher.service_layer.unit_of_work import MatcherUnitOfWork

SolveFn = Callable[[dict], dict]


class MatcherWorld:
    def __init__(self, solve: SolveFn, offer_ttl: timedelta, database_url: str | None = None) -> None:
        # One shared connection: an in-memory SQLite database lives as long as its connection. A file
        # (``database_url``) keeps what the run recorded, as the service's database would (tests replay it).
        self.engine = create_engine(database_url, connect_args={"check_same_thread": False}) if database_url else \
            create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
        migrate("matcher", self.engine)
        self.solve, self.offer_ttl = solve, offer_ttl

    def uow(self) -> MatcherUnitOfWork:
        return MatcherUnitOfWork(self.engine)

    def apply(self, events: list[ev.Event]) -> None:
        """The consumer's batch: the events of one step, in order, in one unit of work."""
        if events:
            handlers.handle_batch(events, self.uow())

    def tick(self, now: datetime) -> list[ev.Event]:
        """The clock timer: ClockTicked for every region whose deadline ``now`` passed, heard back at once;
        returns what was emitted (the ticks among it)."""
        clock.publish_ticks(self.uow(), lambda region: True, now)
        emitted = self.drain()
        self.apply([e for e in emitted if isinstance(e, ev.ClockTicked)])
        return emitted

    def rounds(self) -> None:
        """The matching timer: one round for every dirty region, in the service's order."""
        for region in sorted(matching.dirty_regions(self.uow())):
            matching.run_round(self.uow(), region, self.solve, self.offer_ttl)

    def drain(self) -> list[ev.Event]:
        """Everything the matcher emitted since the last drain, in outbox order (the relay's job)."""
        with self.engine.begin() as conn:
            rows = conn.execute(select(Outbox.value).order_by(Outbox.seq)).all()
            conn.execute(delete(Outbox))
        return [ev.parse_event(r.value) for r in rows]

    def close(self) -> None:
        self.engine.dispose()
