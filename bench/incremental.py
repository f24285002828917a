"""Incremental matching: one new vacancy in a busy region, from the start of the round to the offer sent.

Loads the largest region of the national instance (bench.generator, seed 2026) into the matcher's
own tables through its handlers, lets a first round fill the region's units, then publishes new
vacancies one at a time. Each sample is one `run_round` (read the region, build the instance,
solve, write the offer and its outbox row, commit) plus sending the offer from the outbox to the
real broker and waiting for the broker's acknowledgement -- the batching window not included.

    python -m bench.incremental [--samples 200] [--database-url URL]
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from aiokafka import AIOKafkaProducer
from sqlmodel import Session, delete, select

from bench.generator import generate
from contracts import events as ev
from services.matcher.adapters.orm import Outbox
from services.matcher.adapters.solver import explain_round, solve_instance
from services.matcher.service_layer import handlers, matching
from services.matcher.service_layer.unit_of_work import MatcherUnitOfWork
from services.system.broker import broker
from services.kernel.db import make_engine, migrate
from services.kernel.heap import settle_startup_heap
from services.kernel.signing import signer_for

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def load_region(engine, seed: int) -> tuple[str, int, int]:
    inst = generate(seed=seed)
    region = Counter(c["region"] for c in inst["candidates"]).most_common(1)[0][0]
    uow = lambda: MatcherUnitOfWork(engine)  # noqa: E731
    signer = signer_for("matcher")
    events: list[ev.Event] = []
    munis = sorted({u["municipality"] for u in inst["units"] if u["region"] == region})
    corps = sorted({u["corporation"] for u in inst["units"] if u["region"] == region})
    for m in munis:  # generous agreements: the benchmark is about the round, not about full agreements
        for c in corps:
            events.append(ev.AgreementRegistered(occurred_at=T0, producer="gm", municipality=m, region=region,
                                                 corporation=c, period="2026", max_places=100_000))
    units = [u for u in inst["units"] if u["region"] == region]
    for u in units:
        events.append(ev.VacancyPublished(
            occurred_at=T0, producer=u["corporation"], unit_id=u["id"], corporation=u["corporation"],
            municipality=u["municipality"], region=region, neighbourhood=u["neighbourhood"], kind=u["kind"],
            rooms=u["rooms"], places=u["places"], wheelchair_accessible=u["wheelchair_accessible"],
            support=tuple(u["support"]), available_from=date(2026, 6, 1)))
    cands = [c for c in inst["candidates"] if c["region"] == region]
    for c in cands:
        events.append(ev.CandidateSubmitted(
            occurred_at=T0, producer="sh", candidate_id=c["id"], person_ref=f"{abs(hash(c['id'])):064x}"[-64:],
            shelter="sh", region=region, household_size=c["household_size"], children=c["children"],
            wheelchair=c["wheelchair"], support=c["support"], youth=c["youth"],
            medical_urgency=c["medical_urgency"], excluded_neighbourhoods=tuple(c["excluded_neighbourhoods"]),
            preferred_neighbourhoods=tuple(c["preferred_neighbourhoods"]),
            shelter_entry_date=(T0 - timedelta(days=c["days_in_shelter"])).date()))
    for i in range(0, len(events), 500):
        handlers.handle_batch(events[i:i + 500], uow())
    matching.run_round(uow(), region, lambda x: solve_instance(x, 10.0), timedelta(days=365))
    return region, len(cands), len(units)


async def measure(engine, bootstrap: str, region: str, samples: int) -> list[float]:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    uow = lambda: MatcherUnitOfWork(engine)  # noqa: E731
    signer = signer_for("matcher")
    with Session(engine) as s:  # the first round's offers were sent long ago
        s.exec(delete(Outbox))
        s.commit()
    durations = []
    try:
        for i in range(samples):
            at = T0 + timedelta(minutes=1 + i)
            vacancy = ev.VacancyPublished(
                occurred_at=at, producer="corp", unit_id=f"new-{i}", corporation="corp-bench",
                municipality="GM9999", region=region, neighbourhood="BU99990001", kind="regular",
                rooms=1 + i % 3, wheelchair_accessible=True, support=("none", "light", "intensive", "housing_first"),
                available_from=at.date())
            agreement = ev.AgreementRegistered(occurred_at=at, producer="gm", municipality="GM9999", region=region,
                                               corporation="corp-bench", period="2026", max_places=100_000)
            handlers.handle_batch([agreement, vacancy], uow())
            start = time.perf_counter()
            offers = await asyncio.to_thread(matching.run_round, uow(), region,
                                             lambda x: solve_instance(x, 10.0), timedelta(days=365), None,
                                             explain_round)
            with Session(engine) as s:
                rows = s.exec(select(Outbox)).all()
                futures = [await producer.send(r.topic, r.value, key=r.key, headers=signer.headers(r.topic, r.key, r.value))
                           for r in rows]  # signed, as the matcher's relay does
                await asyncio.gather(*futures)
                s.exec(delete(Outbox).where(Outbox.seq.in_([r.seq for r in rows])))  # as the relay does
                s.commit()
            durations.append(time.perf_counter() - start)
            assert any(o.unit_id == f"new-{i}" for o in offers), "the new vacancy should be offered"
    finally:
        await producer.stop()
    return durations


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.incremental", description=__doc__.split("\n\n")[0])
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    ap.add_argument("--no-settle", action="store_true",
                    help="leave the start-up heap to the garbage collector (to see what freezing it saves)")
    args = ap.parse_args(sys.argv[1:] if argv is None else argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'matcher.db'}"
        engine = make_engine(url)
        migrate("matcher", engine)
        if not args.no_settle:
            settle_startup_heap()  # as services.system.worker does after migrating
        try:
            with broker() as bootstrap:
                region, n_c, n_u = load_region(engine, args.seed)
                d = asyncio.run(measure(engine, bootstrap, region, args.samples))
        finally:
            engine.dispose()
    q = statistics.quantiles(d, n=100)
    print(f"region {region}: {n_c} candidates, {n_u} units already offered; {len(d)} new vacancies, one per round")
    print(f"round start -> offer acknowledged by the broker: p50 {q[49] * 1000:.1f} ms, p90 {q[89] * 1000:.1f} ms, "
          f"p99 {q[98] * 1000:.1f} ms, max {max(d) * 1000:.1f} ms ({engine.dialect.name})")
    slow = [i for i, x in enumerate(d) if x > 2 * q[49]]
    print(f"samples over twice the median: {len(slow)} (at rounds {slow[:12]}{' ...' if len(slow) > 12 else ''})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
