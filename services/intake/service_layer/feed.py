"""What changed for an organisation (its change feed) and, for admins, the audit."""
from __future__ import annotations

from typing import Any

from sqlmodel import select

from services.intake.adapters.orm import AuditEntry, Change
from services.intake.service_layer.common import require
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork


def changes(uow: IntakeUnitOfWork, caller: Caller, after: int, limit: int) -> dict[str, Any]:
    with uow:
        rows = uow.session.exec(select(Change).where(Change.org_id == caller.org_id, Change.seq > after)
                                .order_by(Change.seq).limit(limit)).all()
        items = [{"seq": r.seq, "kind": r.kind, "occurred_at": r.occurred_at, "data": r.data} for r in rows]
        return {"items": items, "next_cursor": rows[-1].seq if rows else after}


def audit_entries(uow: IntakeUnitOfWork, caller: Caller, after: int, limit: int, org_id: str | None = None
                  ) -> dict[str, Any]:
    require(caller, "admin")
    with uow:
        q = select(AuditEntry).where(AuditEntry.id > after)
        if org_id:
            q = q.where(AuditEntry.org_id == org_id)
        rows = uow.session.exec(q.order_by(AuditEntry.id).limit(limit)).all()
        items = [{"id": r.id, "at": r.at, "org_id": r.org_id, "action": r.action, "record": r.record,
                  "outcome": r.outcome, "channel": r.channel, "actor": r.actor} for r in rows]
        return {"items": items, "next_cursor": rows[-1].id if rows else after}
