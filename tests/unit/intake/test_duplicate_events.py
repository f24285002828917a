"""Two workers racing on one event after a rebalance: the inbox key lets one win, the other hears
DuplicateEvent; any other constraint violation stays an error (kernel/uow.py)."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from contracts import events as ev
from services.intake.adapters.orm import IdempotencyRecord
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
from services.kernel.uow import DuplicateEvent


def _withdrawn() -> ev.CandidateWithdrawn:
    return ev.CandidateWithdrawn(producer="intake", occurred_at=datetime.now(UTC), candidate_id="c1",
                                 region="R07", reason="moved")


def test_the_second_worker_to_commit_an_event_hears_it_was_a_duplicate(engine):
    event = _withdrawn()
    first, second = IntakeUnitOfWork(engine), IntakeUnitOfWork(engine)
    with first, second:
        assert not second.seen(event)  # both read before either commits
        first.mark_processed(event)
        first.commit()
        second.mark_processed(event)
        with pytest.raises(DuplicateEvent):
            second.commit()


def test_another_constraint_violation_is_not_taken_for_a_duplicate(engine):
    row = dict(org_id="org-1", key="k", request_hash="h", status=201, body={})
    with IntakeUnitOfWork(engine) as uow:
        uow.session.add(IdempotencyRecord(**row))
        uow.commit()
    with IntakeUnitOfWork(engine) as uow:
        uow.mark_processed(_withdrawn())  # a fresh event: not the cause
        uow.session.add(IdempotencyRecord(**row))
        with pytest.raises(IntegrityError):
            uow.commit()
