"""A write runs once per Idempotency-Key (HTTP) or command id (Kafka): a retry gets the first answer."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from services.intake.adapters.orm import IdempotencyRecord
from services.intake.service_layer.common import IdempotencyMismatch, Result
from services.intake.service_layer.unit_of_work import Idempotency, IntakeUnitOfWork


def _stored(uow: IntakeUnitOfWork, idem: Idempotency) -> Result | None:
    with uow:
        row = uow.session.exec(select(IdempotencyRecord).where(IdempotencyRecord.org_id == idem.org_id,
                                                               IdempotencyRecord.key == idem.key)).first()
        if row is None:
            return None
        if row.request_hash != idem.request_hash:
            raise IdempotencyMismatch("this key was used for a different request")
        return row.status, row.body


def run_idempotent(make_uow: Callable[[Idempotency | None], IntakeUnitOfWork], idem: Idempotency | None,
                   fn: Callable[..., Result], *args: Any) -> tuple[Result, bool]:
    """Run a write once per key: a retry gets the first answer (and True) and causes no second event.

    The answer is stored in the write's own transaction, so a crash can never leave an event
    without its stored answer or the other way round; two racing retries meet at the unique key.
    """
    if idem is not None and (found := _stored(make_uow(None), idem)) is not None:
        return found, True
    try:
        return fn(make_uow(idem), *args), False
    except IntegrityError:
        # A racing retry committed the same key first: its stored answer is there now (recognised
        # by the record, not by the database's message text).
        if idem is not None and (found := _stored(make_uow(None), idem)) is not None:
            return found, True
        raise
