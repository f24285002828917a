from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from contracts import events as ev
from services.intake.adapters.orm import Change, IdempotencyRecord, Outbox, ProcessedEvent
from services.kernel.http import json_default
from services.kernel.uow import SqlUnitOfWork


@dataclass(frozen=True)
class Idempotency:
    """An Idempotency-Key (HTTP) or an inbound command id (Kafka), with the hash of the request it named."""

    org_id: str
    key: str
    request_hash: str
    #: Answer fields not kept with the stored answer (the operation's shown_once: a secret is shown, not stored).
    withheld: tuple[str, ...] = ()


class IntakeUnitOfWork(SqlUnitOfWork):
    def __init__(self, engine: Engine, idempotency: Idempotency | None = None) -> None:
        super().__init__(engine, ProcessedEvent, Outbox)
        self.idempotency = idempotency
        #: Called with (status, body) just before a write commits (the inbound agent's result notice).
        self.on_finish: Callable[[IntakeUnitOfWork, int, dict[str, Any]], None] | None = None

    def notify(self, org_id: str, kind: str, occurred_at: datetime, **data: Any) -> None:
        """One entry in the organisation's change feed and the same on its outbound topic, in this transaction."""
        row = Change(org_id=org_id, kind=kind, occurred_at=occurred_at, data=data)
        self.session.add(row)
        self._changes.append(row)

    def commit(self) -> list[ev.Event]:
        if self._changes:
            # One flush assigns every entry's seq (the partner's cursor), then the outbound events follow.
            self.session.flush()
            for row in self._changes:
                self.emit(ev.PartnerNotified(producer="intake", occurred_at=row.occurred_at, org_id=row.org_id,
                                             seq=row.seq, kind=row.kind, data=row.data))
            self._changes = []
        return super().commit()

    def __enter__(self) -> IntakeUnitOfWork:
        super().__enter__()
        self._changes: list[Change] = []
        return self

    def finish(self, status: int, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Commit the change, its events and (when given) the idempotency record: all or nothing."""
        body = json.loads(json.dumps(body, default=json_default))
        if self.on_finish is not None:
            self.on_finish(self, status, body)
        if self.idempotency is not None:
            i = self.idempotency
            kept = {name: value for name, value in body.items() if name not in i.withheld}
            self.session.add(IdempotencyRecord(org_id=i.org_id, key=i.key, request_hash=i.request_hash,
                                               status=status, body=kept))
        self.commit()
        return status, body
