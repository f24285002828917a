from __future__ import annotations

from sqlalchemy import Engine

from services.ledger.adapters.orm import Outbox, ProcessedEvent
from services.kernel.uow import SqlUnitOfWork


class LedgerUnitOfWork(SqlUnitOfWork):
    def __init__(self, engine: Engine) -> None:
        super().__init__(engine, ProcessedEvent, Outbox)
