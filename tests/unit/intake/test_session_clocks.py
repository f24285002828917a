"""Sessions end on their own clocks (issue 15): 15 idle minutes, 12 hours in all, and at once when the
person is disabled; the handlers on a real SQLite file, the clock moved instead of waited for."""
from __future__ import annotations

from datetime import timedelta

import pytest

from services.intake.domain.errors import Unauthenticated
from services.intake.service_layer import accounts, common, sessions
from services.intake.service_layer.organisations import create_organisation
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork


@pytest.fixture
def signed_in(engine):
    org_id, _ = create_organisation(IntakeUnitOfWork(engine), "Opvang", "shelter")
    uow = IntakeUnitOfWork(engine)
    with uow:
        user, _ = accounts.create_user_in(uow, org_id, "a@opvang.example.nl", "case_worker")
        user.status = "active"
        uow.commit()
    sid, _ = sessions.sign_in(IntakeUnitOfWork(engine), None, user.user_id, "password")
    return engine, sid, user.user_id


def at(monkeypatch, when):
    for module in (common, sessions):
        monkeypatch.setattr(module, "now", lambda: when)


def test_idle_timeout_restarts_with_every_request_and_ends_the_session(signed_in, monkeypatch):
    engine, sid, _ = signed_in
    start = common.now()
    for minutes in (14, 28, 42):  # each request within 15 minutes of the last keeps it alive
        at(monkeypatch, start + timedelta(minutes=minutes))
        assert sessions.authenticate(IntakeUnitOfWork(engine), sid)[0].user_id
    at(monkeypatch, start + timedelta(minutes=42 + 15))
    with pytest.raises(Unauthenticated):
        sessions.authenticate(IntakeUnitOfWork(engine), sid)
    at(monkeypatch, start + timedelta(minutes=43))  # ended stays ended
    with pytest.raises(Unauthenticated):
        sessions.authenticate(IntakeUnitOfWork(engine), sid)


def test_absolute_timeout_after_12_hours_however_busy(signed_in, monkeypatch):
    engine, sid, _ = signed_in
    start = common.now()
    minute = 0
    while minute < 12 * 60 - 10:
        minute += 10
        at(monkeypatch, start + timedelta(minutes=minute))
        sessions.authenticate(IntakeUnitOfWork(engine), sid)
    at(monkeypatch, start + timedelta(hours=12, minutes=1))
    with pytest.raises(Unauthenticated):
        sessions.authenticate(IntakeUnitOfWork(engine), sid)
    # A sign-in a day later clears the old row; its own session is there.
    at(monkeypatch, start + timedelta(hours=24, minutes=1))
    sessions.sign_in(IntakeUnitOfWork(engine), None, signed_in[2], "password")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("select count(*) from intake_session").scalar() == 1


def test_disabling_ends_every_session_at_once(signed_in):
    engine, sid, user_id = signed_in
    other, _ = sessions.sign_in(IntakeUnitOfWork(engine), None, user_id, "password")
    uow = IntakeUnitOfWork(engine)
    with uow:
        accounts.disable_user_in(uow, uow.session.get(accounts.User, user_id))
        uow.commit()
    for s in (sid, other):
        with pytest.raises(Unauthenticated):
            sessions.authenticate(IntakeUnitOfWork(engine), s)
