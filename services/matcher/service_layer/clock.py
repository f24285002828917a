"""The matcher's clock: real time reaches a quiet region through ClockTicked events in the log.

Time rules run on event time (the events' own ``occurred_at``), so an offer's deadline passes when
an event of its region passes it. In a region where nothing happens that could take as long as the
region stays quiet. The clock closes the gap without giving up replay: when real time has passed a
region's next deadline and its event time has not, it publishes one ClockTicked for the region,
stamped with the wall-clock time, through the outbox (in the same transaction that records the
tick, so a crash neither loses it nor sends it twice from one decision). The matcher hears the tick
back like any event of the region (handlers.apply advances the watermark and expires what is due),
and a replay of the log meets the tick at the same place.

Ticks are few on purpose: one per overdue deadline and region, none for a region without open
offers or whose events already carry it past the deadline.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import select

from contracts import events as ev
from services.matcher.adapters.orm import RegionClock
from services.matcher.service_layer.common import PRODUCER
from services.matcher.service_layer.unit_of_work import MatcherUnitOfWork


def publish_ticks(uow: MatcherUnitOfWork, owns: Callable[[str], bool], now: datetime) -> list[str]:
    """Tick every region this worker owns whose next deadline ``now`` has passed; returns their codes."""
    with uow:
        # Row locks: two workers that both believe they own a region (during a rebalance) take turns,
        # and the second finds the tick recorded.
        due = uow.session.exec(select(RegionClock).where(RegionClock.next_expiry <= now)
                               .with_for_update(skip_locked=True)).all()
        ticked = []
        for clock in due:
            if not owns(clock.region) or not needs_tick(clock, now):
                continue
            clock.last_tick = now
            uow.session.add(clock)
            uow.emit(ev.ClockTicked(producer=PRODUCER, occurred_at=now, region=clock.region))
            ticked.append(clock.region)
        uow.commit()
        return ticked


def needs_tick(clock: RegionClock, now: datetime) -> bool:
    """Real time passed the region's next deadline, its event time did not, and no tick for it is on its way."""
    deadline = clock.next_expiry
    return (deadline is not None and deadline <= now and clock.watermark < deadline
            and (clock.last_tick is None or clock.last_tick < deadline))


def clock_ticked(event: ev.ClockTicked, uow: MatcherUnitOfWork) -> None:
    """Nothing beyond what every event of a region does: handlers.apply has advanced its clock."""
