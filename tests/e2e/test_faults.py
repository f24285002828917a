"""Scale-out under faults: two workers per service, killed with SIGKILL at random and restarted.

A seeded national year (>= 50,000 events: candidates, vacancies, agreements, limits, updates,
withdrawals, external reports from four sources with retractions, every offer answered, and 3% of
events delivered 2-5 times) goes through the real broker and PostgreSQL while workers die. What
must hold at the end does not depend on timing: the ledger holds exactly the placements the
matcher confirmed plus the de-duplicated external places the plan implies, each once; no
agreement, limit or unit capacity was exceeded; no pair was offered twice; every input event was
processed or is in the dead-letter topic.
"""
from __future__ import annotations

import asyncio
import logging
import random
import signal

import pytest
from sqlalchemy import create_engine

from bench.replay import Driver, build_plan, dead_lettered_ids, processed_counter
from tests import checks

pytestmark = pytest.mark.e2e
STACK_ENV = {"OFFER_TTL_HOURS": "1000000", "LOG_LEVEL": "warning"}
STACK_WORKERS = 2
log = logging.getLogger(__name__)


def test_two_workers_each_killed_at_random_lose_and_double_nothing(stack):
    plan = build_plan(seed=11, n_external=6_000)
    kills: list[str] = []
    rng = random.Random(11)

    async def killer():
        await asyncio.sleep(6)
        while len(kills) < 6:
            w = rng.choice(stack.workers)
            w.process.send_signal(signal.SIGKILL)
            w.process.wait()
            kills.append(f"{w.service}-{w.index}")
            await asyncio.sleep(rng.uniform(0.5, 2.0))
            stack.spawn(w)  # back after a moment, as an orchestrator would restart it
            await asyncio.sleep(rng.uniform(4, 9))

    driver = Driver(stack.bootstrap, plan, seed=11)
    url = stack.conf.database_url
    state = asyncio.run(driver.run(
        quiet_seconds=10, timeout=1500, while_running=killer, progress=processed_counter(url),
        reference_applied=processed_counter(url, ("matcher",), ("AgreementRegistered", "NeighbourhoodLimitSet"))))
    assert state.messages >= 50_000 and len(state.sent) >= 45_000
    assert len(kills) >= 3, kills
    dead = asyncio.run(dead_lettered_ids(stack.bootstrap))

    engine = create_engine(stack.conf.database_url)
    with engine.connect() as db:
        placed_persons = set(state.placements.values())
        assert placed_persons, "the run should place people"
        assert checks.realised_places(db) == len(placed_persons) + plan.external_places
        assert checks.persons_placed_twice(db) == []
        assert checks.agreements_exceeded(db) == []
        assert checks.limits_exceeded(db) == []
        assert checks.units_overfilled(db) == []
        assert checks.pairs_offered_twice(db) == []
        assert max(state.offer_pairs.values()) == 1  # no pair was offered twice on the topic either
        missing = set(state.sent) - checks.processed_event_ids(db) - dead
        assert not missing, f"{len(missing)} input events neither processed nor dead-lettered"
    engine.dispose()
