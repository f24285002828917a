"""The unit of work shared by the three services' service layers (cosmicpython style).

A handler opens a unit of work, checks the inbox, changes state, emits events
and commits explicitly: state, consumed event id and outgoing events land in
one transaction, or none of them does.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

from contracts.events import Event, encode_event
from contracts.topics import topic_for


class DuplicateEvent(Exception):
    """The event was already processed (a redelivery): nothing to do."""


class SqlUnitOfWork:
    def __init__(self, engine: Engine, processed: type[SQLModel], outbox: type[SQLModel]) -> None:
        self.engine = engine
        self._processed = processed
        self._outbox = outbox
        self.session: Session | None = None
        self.emitted: list[Event] = []
        self._connection: Connection | None = None

    def __enter__(self) -> SqlUnitOfWork:
        self.session = Session(self.engine, expire_on_commit=False)
        self._connection = None
        self.emitted = []
        self.marked: list[str] = []
        self.cache: dict[tuple[type, object], object] = {}
        return self

    # --- batch-local cache: one query per kind of record instead of one per event ---------------
    def prefetch(self, model: type[SQLModel], column, keys) -> None:
        keys = {k for k in keys if k is not None and (model, k) not in self.cache}
        if not keys:
            return
        for row in self.session.exec(_rows_where_in(model, column), params={"keys": list(keys)}).all():
            self.cache[(model, getattr(row, column.key))] = row
        for k in keys:
            self.cache.setdefault((model, k), None)

    def get(self, model: type[SQLModel], key):
        if (model, key) in self.cache:
            return self.cache[(model, key)]
        row = self.session.get(model, key)
        self.cache[(model, key)] = row
        return row

    def rows(self, statement, **params) -> list:
        """Plain rows of a column statement (best built once, with bound parameters): the session's changes are
        flushed first, as its autoflush would, then the statement runs on the session's connection, without the
        ORM's per-statement work (a third of a round's reading time in the simulator's profile)."""
        self.session.flush()
        if self._connection is None:  # the transaction's connection, until it commits or rolls back
            self._connection = self.session.connection()
        return self._connection.execute(statement, params).all()

    def add(self, row: SQLModel, key) -> None:
        self.session.add(row)
        self.cache[(type(row), key)] = row

    def __exit__(self, *exc: Any) -> None:
        assert self.session is not None
        # close() rolls back anything uncommitted and detaches objects with their loaded state intact.
        self.session.close()
        self.emitted, self._connection = [], None

    # --- inbox -------------------------------------------------------------------
    def seen(self, event: Event) -> bool:
        return self.session.get(self._processed, str(event.event_id)) is not None

    def seen_ids(self, events: list[Event]) -> set[str]:
        return self._processed_among(self.session, [str(e.event_id) for e in events])

    def _processed_among(self, session: Session, ids: list[str]) -> set[str]:
        col = self._processed.event_id
        return set(session.exec(_rows_where_in(self._processed, col, col), params={"keys": ids}).all())

    def mark_processed(self, event: Event) -> None:
        self.marked.append(str(event.event_id))
        self.session.add(self._processed(event_id=str(event.event_id), event_type=event.event_type,
                                         processed_at=datetime.now(UTC)))

    # --- outbox ------------------------------------------------------------------
    def emit(self, event: Event) -> None:
        self.emitted.append(event)

    def commit(self) -> list[Event]:
        assert self.session is not None
        outbox = [{"event_id": str(event.event_id), "topic": (spec := topic_for(event)).name,
                   "key": spec.key_of(event), "value": encode_event(event)} for event in self.emitted]
        self._connection = None
        try:
            if outbox:  # one INSERT of many rows, in emitted order, rather than an ORM object per event
                self.session.execute(insert(self._outbox), outbox)
            self.session.commit()
        except IntegrityError:
            self.session.rollback()
            # Two workers raced on the same event after a rebalance: the inbox primary key lets
            # exactly one of them win. Recognised by the winner's committed row, not by the text of
            # the database's message (which differs between PostgreSQL and SQLite).
            if self.marked and (won := self._committed_elsewhere(self.marked)):
                raise DuplicateEvent(f"{len(won)} event(s) processed by another worker") from None
            raise
        sent, self.emitted, self.marked = self.emitted, [], []
        return sent

    def _committed_elsewhere(self, ids: list[str]) -> set[str]:
        with Session(self.engine) as fresh:  # outside the rolled-back transaction: what the winner committed
            return self._processed_among(fresh, ids)

    def rollback(self) -> None:
        self.session.rollback()
        self.emitted, self.marked, self._connection = [], [], None


_WHERE_IN: dict[tuple, Any] = {}


def _rows_where_in(model: type[SQLModel], column, what=None):
    """``select(what or model).where(column IN :keys)``, built once per table and column: a handler runs it for
    every batch, and building a statement and its cache key cost more than SQLite's work on it."""
    key = (model, column.key, what is not None)
    if (stmt := _WHERE_IN.get(key)) is None:
        stmt = _WHERE_IN[key] = select(model if what is None else what).where(
            column.in_(bindparam("keys", expanding=True)))
    return stmt


def event_keys(events: list[Event], attr: str) -> set:
    """The values of one field over the batch's events that have it (what to prefetch)."""
    return {getattr(e, attr) for e in events if hasattr(e, attr)}


def apply_in_batch(uow: SqlUnitOfWork, events: list[Event], apply, prefetch=None, before_commit=None) -> None:
    """Apply many events in one transaction; each is skipped if already processed (also within the batch)."""
    with uow:
        done = uow.seen_ids(events)
        fresh = []
        for event in events:
            if str(event.event_id) not in done:
                done.add(str(event.event_id))
                fresh.append(event)
        if prefetch and fresh:
            prefetch(fresh, uow)
        for event in fresh:
            apply(event, uow)
            uow.mark_processed(event)
        if before_commit:
            before_commit(uow)
        uow.commit()
