"""The unit of work's reads through statements built once (services/kernel/uow.py): plain rows that see the
unit of work's own changes, as the session's autoflush would, and the batch's prefetch and inbox look-ups."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import bindparam
from sqlmodel import select

from contracts import events as ev
from services.kernel.db import make_engine, migrate
from services.matcher.adapters.orm import RegionClock
from services.matcher.service_layer.unit_of_work import MatcherUnitOfWork

T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
DIRTY = select(RegionClock.region, RegionClock.watermark).where(RegionClock.dirty == bindparam("dirty"))


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'matcher.db'}")
    migrate("matcher", engine)
    yield engine
    engine.dispose()


def test_rows_see_what_the_unit_of_work_changed_before_it_flushed(engine):
    with MatcherUnitOfWork(engine) as uow:
        uow.session.add(RegionClock(region="R01", watermark=T0, dirty=True))
        assert uow.rows(DIRTY, dirty=True) == [("R01", T0)]
        clock = uow.session.get(RegionClock, "R01")
        clock.dirty, clock.watermark = False, T0 + timedelta(days=1)
        assert uow.rows(DIRTY, dirty=True) == []
        assert uow.rows(DIRTY, dirty=False) == [("R01", T0 + timedelta(days=1))]
        uow.rollback()
    with MatcherUnitOfWork(engine) as uow:
        assert uow.rows(DIRTY, dirty=False) == []  # nothing was committed


def test_prefetch_caches_found_and_missing_rows_and_the_inbox_knows_what_it_processed(engine):
    with MatcherUnitOfWork(engine) as uow:
        uow.session.add_all([RegionClock(region=r, watermark=T0) for r in ("R01", "R02")])
        tick = ev.ClockTicked(producer="matcher", occurred_at=T0, region="R01")
        uow.mark_processed(tick)
        uow.commit()
    with MatcherUnitOfWork(engine) as uow:
        uow.prefetch(RegionClock, RegionClock.region, {"R01", "R09", None})
        uow.prefetch(RegionClock, RegionClock.region, {"R02"})  # the same statement, other keys
        assert uow.cache[(RegionClock, "R01")].region == "R01"
        assert uow.cache[(RegionClock, "R02")].region == "R02"
        assert uow.cache[(RegionClock, "R09")] is None
        other = ev.ClockTicked(producer="matcher", occurred_at=T0, region="R02")
        assert uow.seen_ids([tick, other]) == {str(tick.event_id)}
        assert uow.seen_ids([other]) == set()
