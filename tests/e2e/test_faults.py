"""Faults of every part, under load: workers, the broker, its object store and PostgreSQL die at random.

A seeded national year (>= 50,000 events: candidates, vacancies, agreements, limits, updates,
withdrawals, external reports from four sources with retractions, every offer answered, and 3% of
events delivered 2-5 times) goes through the durable embedded broker and a PostgreSQL server of the
test's own while, at random (seeded): a worker (two per service) gets SIGKILL, the broker gets
SIGKILL, its object store gets SIGKILL, PostgreSQL is shut down immediately and restarted. What
restarts the broker and the workers is the supervisor's own `keep_running`, run as `housing-match up`
runs it. What must hold at the end does not depend on timing: the ledger holds exactly the
placements the matcher confirmed plus the de-duplicated external places the plan implies, each
once; no agreement, limit or unit capacity was exceeded; no pair was offered twice; every input
event was processed or is in the dead-letter topic. Recovery times (fault to every worker ready
again, counted from the moment the fault is over: a restarted PostgreSQL accepting connections) are
logged and asserted bounded.
"""
from __future__ import annotations

import asyncio
import logging
import random
import signal
import threading
import time
import urllib.error
import urllib.request

import pytest
from sqlalchemy import create_engine, text

from bench.driver import Driver, dead_lettered_ids, processed_counter
from bench.replay import build_plan
from services.kernel.config import Settings
from services.system.broker import free_port
from services.system.supervisor import Stack, client_ssl_context, http_status
from tests import checks
from tests.support import OwnPostgres

pytestmark = pytest.mark.e2e
log = logging.getLogger(__name__)
FAULTS = ("worker", "postgres", "broker", "worker", "store", "worker")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("faults")
    pg = OwnPostgres()
    conf = Settings(database_url=pg.url, data_dir=tmp, intake_port=free_port(), matcher_port=free_port(),
                    ledger_port=free_port(), kafka_session_timeout_s=4.0)
    s = Stack(conf, workers_per_service=2, log_dir=tmp / "logs",
              env={"KAFKA_SESSION_TIMEOUT_S": "4", "OFFER_TTL_HOURS": "1000000", "LOG_LEVEL": "warning"})
    started = time.monotonic()
    s.start()
    s.cold_start_s = time.monotonic() - started  # the baseline the recovery bound scales with
    s.postgres = pg
    try:
        yield s
    finally:
        s.stop()
        pg.stop()


def all_ready(stack: Stack) -> bool:
    return all(http_status(f"{w.url}/health/ready", stack.conf) == 200 for w in stack.workers)


def readiness(stack: Stack) -> list[str]:
    """Each worker's readiness answer, for the failure message: which part did not come back, and why."""
    answers = []
    for w in stack.workers:
        try:
            tls = client_ssl_context(stack.conf) if w.url.startswith("https") else None
            with urllib.request.urlopen(f"{w.url}/health/ready", timeout=2, context=tls) as r:
                answers.append(f"{w.service}-{w.index}: {r.status}")
        except urllib.error.HTTPError as exc:
            answers.append(f"{w.service}-{w.index}: {exc.code} {exc.read()[:400]!r}")
        except Exception as exc:  # noqa: BLE001 - not listening
            answers.append(f"{w.service}-{w.index}: {type(exc).__name__}")
    return answers


def test_every_part_killed_at_random_loses_and_doubles_nothing(stack):
    plan = build_plan(seed=11, n_external=6_000)
    faults: list[tuple[str, float]] = []  # what was killed, seconds until every worker was ready again
    rng = random.Random(11)
    supervising = threading.Event()

    def supervisor() -> None:  # what `housing-match up` does every half second
        while not supervising.is_set():
            stack.keep_running()
            time.sleep(0.5)

    def inflict(kind: str) -> None:
        if kind == "worker":
            w = rng.choice(stack.workers)
            w.process.send_signal(signal.SIGKILL)
        elif kind == "broker":
            stack.broker.process.send_signal(signal.SIGKILL)
        elif kind == "store":
            stack.broker.store_process.send_signal(signal.SIGKILL)
        else:
            stack.postgres.restart()

    async def killer():
        await asyncio.sleep(6)
        for kind in FAULTS:
            # Counted from the moment the fault is over: a PostgreSQL restart itself (shutdown, crash
            # recovery, start) takes what the machine gives it and is not the services' recovery (counted
            # with it, 60.2 s and 61.4 s on a machine at load 20-35). A kill is over at once.
            await asyncio.to_thread(inflict, kind)
            started = time.monotonic()
            await asyncio.sleep(1.0)  # long enough for readiness to notice
            while not await asyncio.to_thread(all_ready, stack):
                if time.monotonic() - started >= 120:
                    raise AssertionError(f"not ready 120 s after a {kind} fault: "
                                         f"{await asyncio.to_thread(readiness, stack)}")
                await asyncio.sleep(0.2)
            faults.append((kind, round(time.monotonic() - started, 1)))
            log.warning("recovered from a %s fault in %.1f s", kind, faults[-1][1])
            await asyncio.sleep(rng.uniform(2, 4))

    watcher = threading.Thread(target=supervisor, daemon=True)
    watcher.start()
    url = stack.conf.database_url
    try:
        driver = Driver(stack.bootstrap, plan, seed=11)
        state = asyncio.run(driver.run(
            quiet_seconds=10, timeout=1500, while_running=killer, progress=processed_counter(url),
            reference_applied=processed_counter(url, ("matcher",), ("AgreementRegistered", "NeighbourhoodLimitSet"))))
    finally:
        supervising.set()
        watcher.join()
    print("recovery times (fault, seconds):", faults, f"; messages the broker refused and the driver sent again: "
          f"{state.resent}")
    assert state.messages >= 50_000 and len(state.sent) >= 45_000
    assert {kind for kind, _ in faults} == set(FAULTS), faults
    # Recovery within 60 s, or within three cold starts of the stack measured in this run where the machine is
    # so busy that starting from nothing takes over 20 s. A recovery is a restart plus a rebalance; both grow
    # with the load (beside three helpers' suites at load 15-20 a PostgreSQL recovery took 76 s; at load 3-6:
    # cold start 9.1 s, recoveries 1.6-23.8 s).
    bound = max(60.0, 3 * stack.cold_start_s)
    print(f"recovery bound {bound:.0f} s (cold start {stack.cold_start_s:.1f} s)")
    assert all(seconds < bound for _, seconds in faults), (faults, f"cold start {stack.cold_start_s:.1f} s")

    engine = create_engine(url)
    consumed_everything(stack, engine, state)
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
    engine.dispose()


def consumed_everything(stack: Stack, engine, state, timeout: float = 300.0) -> set[str]:
    """Wait until every event the driver sent, and every placement the matcher published, is processed
    (or dead-lettered); return the dead-lettered ids.

    Quiet alone is not proof: a worker killed late in the schedule leaves its partitions to a rebalance,
    and a run called quiet during it counted a ledger that had not yet read 7 placements (CI, 8671 of
    8678). The expected figures below assume everything was read, so the test waits for exactly that;
    a consumer that never catches up fails here, naming what it left unread, instead of as a wrong sum.
    """
    started = time.monotonic()
    deadline = started + timeout
    while True:
        with engine.connect() as db:
            processed = checks.processed_event_ids(db)
            ledger_read = {r[0] for r in db.execute(text("select event_id from ledger_processed_event"))}
        unread = set(state.sent) - processed
        placements_unread = state.placement_events - ledger_read
        dead = asyncio.run(dead_lettered_ids(stack.bootstrap)) if unread or placements_unread else set()
        unread, placements_unread = unread - dead, placements_unread - dead
        if not unread and not placements_unread:
            log.warning("everything consumed %.1f s after the run went quiet", time.monotonic() - started)
            return dead
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(unread)} input events neither processed nor dead-lettered and "
                                 f"{len(placements_unread)} placements not read by the ledger "
                                 f"{timeout:.0f} s after the run went quiet; readiness: {readiness(stack)}")
        time.sleep(2)
