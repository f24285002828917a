"""What every intake handler shares: the producer name, statuses, roles, audit and ids.

The handlers are grouped by subject (candidates, vacancies, agreements, offers, placements,
feed; idempotency beside them). Every read and write checks that the record belongs to the
caller's organisation; another organisation's record answers 404, so its existence is not
revealed. Every write is audited (ids only) and commits its state, its events, its audit
entry and its idempotency record in one transaction. The HTTP views and the inbound Kafka
agent reach them through the same operation table (operations.py).
"""
from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from typing import Any

from contracts.vocabulary import STILL_MATCHABLE, CandidateStatus
from services.intake.adapters.orm import AuditEntry
from services.intake.domain.errors import Forbidden, IntakeError, Invalid
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
from services.kernel.privacy import is_valid_bsn, mask_bsn_like_text, pseudonymise

PRODUCER = "intake"
#: Statuses of a submission the matcher still works with.
ACTIVE = STILL_MATCHABLE
#: A linked submission whose person was placed through another submission (of another organisation).
HOUSED_ELSEWHERE = CandidateStatus.HOUSED_ELSEWHERE.value
Result = tuple[int, dict[str, Any]]
#: An erased person's submissions carry a tombstone with this prefix instead of the person reference
#: (the form the contracts' PersonRef admits, as the ledger's tombstones).
ERASED = "tombstone:"


class IdempotencyMismatch(IntakeError):
    status = 422
    title = "Idempotency-Key reused"


def now() -> datetime:
    return datetime.now(UTC)


def require(caller: Caller, *roles: str) -> None:
    if caller.role not in roles:
        raise Forbidden(f"this action is for the role(s): {', '.join(roles)}")


def audit(uow: IntakeUnitOfWork, caller: Caller, action: str, record: str, outcome: str = "ok",
          channel: str = "http") -> None:
    uow.session.add(AuditEntry(at=now(), org_id=caller.org_id, action=action,
                               record=mask_bsn_like_text(record)[:120], outcome=outcome, channel=channel,
                               actor=caller.actor))


def audit_apart(uow: IntakeUnitOfWork, caller: Caller, action: str, record: str, outcome: str,
                channel: str = "http") -> None:
    """An audit entry in its own transaction: a refusal (``refused:<status>``), whose request changed
    nothing, or a read of candidates' personal data (``ok``), which changes nothing itself."""
    with uow:
        audit(uow, caller, action, record, outcome, channel)
        uow.commit()


def person_ref_for(bsn: str, secret: str, field: str = "bsn") -> str:
    if not is_valid_bsn(bsn):
        raise Invalid("invalid BSN", [{"field": field, "reason": "not a valid BSN (9 digits, 11-proef)"}])
    return pseudonymise(bsn, secret)


def new_id(prefix: str) -> str:
    """A random id without nine-digit runs, so no generated id ever looks like a BSN."""
    while True:
        value = f"{prefix}-{secrets.token_hex(8)}"
        if not re.search(r"\d{9}", value):
            return value
