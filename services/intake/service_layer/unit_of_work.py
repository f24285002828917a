from __future__ import annotations

from sqlalchemy import Engine

from services.intake.adapters.orm import Outbox, ProcessedEvent
from services.runtime.uow import SqlUnitOfWork


class IntakeUnitOfWork(SqlUnitOfWork):
    def __init__(self, engine: Engine) -> None:
        super().__init__(engine, ProcessedEvent, Outbox)
