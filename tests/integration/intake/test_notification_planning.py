"""Planning notifications on the real database (issue 18): a feed entry committed late is not passed over,
each entry is planned once per recipient, and the daily digest collects and goes out at its hour."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from services.intake.adapters.accounts_orm import User
from services.intake.adapters.notifications_orm import Notification, NotificationCursor, NotificationSetting
from services.intake.adapters.orm import Change
from services.intake.service_layer import notify
from services.intake.service_layer.notify_digest import close_digests
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
from services.kernel.db import make_engine, migrate
from tests.support import fresh_database

pytestmark = pytest.mark.integration
T0 = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)  # 13:00 in Amsterdam


@pytest.fixture
def engine(tmp_path):
    with fresh_database(tmp_path, "notify") as url:
        e = make_engine(url)
        migrate("intake", e)
        with Session(e) as s:
            for user_id, role in (("usr-cw", "case_worker"), ("usr-digest", "case_worker")):
                s.add(User(user_id=user_id, org_id="opvang", email=f"{user_id}@opvang.example", role=role,
                           status="active", created_at=T0))
            s.add(NotificationSetting(user_id="usr-digest", language="en", frequency="daily", updated_at=T0))
            s.commit()
        yield e
        e.dispose()


def postgresql_only(engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers and reuses a rolled-back number: its feed has no gaps")


def entry(s: Session, kind: str, **data) -> None:
    s.add(Change(org_id="opvang", kind=kind, data=data, occurred_at=T0))
    s.flush()  # the number is handed out now, visible to others at commit


def planned(engine, recipient: str) -> list[Notification]:
    with Session(engine) as s:
        return list(s.exec(select(Notification).where(Notification.recipient == recipient)
                           .order_by(Notification.first_seq)).all())


def test_an_entry_committed_late_is_waited_for_then_planned_once(engine):
    postgresql_only(engine)
    horizon = notify.FeedHorizon()
    uow = lambda: IntakeUnitOfWork(engine)  # noqa: E731
    notify.plan(uow(), horizon.advance(uow(), 0.0, 10), T0, "https://hm.example")  # cursors at the feed's end
    slow = Session(engine)
    entry(slow, "offer.made", offer_id="off-late", candidate_id="cand-1")  # seq n, not yet committed
    with Session(engine) as fast:
        entry(fast, "offer.expired", offer_id="off-early")  # seq n+1, committed first
        fast.commit()
    h = horizon.advance(uow(), 1.0, 10)
    notify.plan(uow(), h, T0, "https://hm.example")
    assert planned(engine, "user:usr-cw") == []  # not past the missing number yet
    slow.commit()
    slow.close()
    for now_s in (2.0, 3.0):  # again and again: nothing twice
        notify.plan(uow(), horizon.advance(uow(), now_s, 10), T0, "https://hm.example")
    kinds = [n.kind for n in planned(engine, "user:usr-cw")]
    assert kinds == ["offer.made", "offer.expired"]
    ids = [n.notification_id for n in planned(engine, "user:usr-cw")]
    assert len(set(ids)) == 2 and all(i.startswith("msg_") for i in ids)
    with Session(engine) as s:
        last = s.exec(select(Change.seq).order_by(Change.seq.desc())).first()
        assert s.get(NotificationCursor, "user:usr-cw").seq == last  # past both entries


def test_a_rolled_back_number_is_passed_after_the_wait(engine):
    postgresql_only(engine)
    horizon = notify.FeedHorizon()
    uow = lambda: IntakeUnitOfWork(engine)  # noqa: E731
    notify.plan(uow(), horizon.advance(uow(), 0.0, 10), T0, "https://hm.example")
    with Session(engine) as lost:
        entry(lost, "offer.made", offer_id="off-lost")
        lost.rollback()
    with Session(engine) as s:
        entry(s, "offer.withdrawn", offer_id="off-2")
        s.commit()
    notify.plan(uow(), horizon.advance(uow(), 1.0, 10), T0, "https://hm.example")
    assert planned(engine, "user:usr-cw") == []
    notify.plan(uow(), horizon.advance(uow(), 12.0, 10), T0, "https://hm.example")
    assert [n.kind for n in planned(engine, "user:usr-cw")] == ["offer.withdrawn"]


def test_the_daily_digest_collects_and_goes_out_at_its_hour_in_the_persons_language(engine):
    horizon = notify.FeedHorizon()
    uow = lambda: IntakeUnitOfWork(engine)  # noqa: E731
    notify.plan(uow(), horizon.advance(uow(), 0.0, 0), T0, "https://hm.example")
    with Session(engine) as s:
        entry(s, "offer.made", offer_id="off-a", candidate_id="cand-a")
        entry(s, "vacancy.not_offered", vacancy_id="V-1", reason="no_agreement")  # not a case worker's
        entry(s, "offer.expired", offer_id="off-b")
        s.commit()
    notify.plan(uow(), horizon.advance(uow(), 1.0, 0), T0, "https://hm.example")
    assert close_digests(uow(), T0, "https://hm.example", 8) == 0  # 13:00: tomorrow 08:00 is its hour
    (digest,) = planned(engine, "user:usr-digest")
    assert digest.status == "collecting" and len(digest.content["lines"]) == 2
    next_morning = datetime(2026, 12, 4, 7, 0, tzinfo=UTC)  # 08:00 in Amsterdam
    assert close_digests(uow(), next_morning, "https://hm.example", 8) == 1
    (digest,) = planned(engine, "user:usr-digest")
    assert digest.status == "pending" and digest.content["subject"] == "Daily digest: 2 change(s)"
    assert "https://hm.example/aanbiedingen/off-a" in digest.content["text"]
    assert "off-b" in digest.content["html"] and "V-1" not in digest.content["text"]
    assert len(planned(engine, "user:usr-cw")) == 2  # the immediate colleague: one e-mail per entry
