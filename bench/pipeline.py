"""Load benchmark: the whole pipeline against the raw broker, measured in one run.

    python -m bench.pipeline [--workers 1] [--candidates 20000] [--external 6000] [--database-url URL]

1. Raw broker rate: aiokafka produces N messages of the pipeline's typical size to a topic of the
   same broker and consumes them back (no processing): messages per second each way.
2. Pipeline: the seeded national replay of bench/replay.py (agreements and limits, vacancies,
   candidates, updates, withdrawals, external reports from four sources with retractions and
   redeliveries; every offer answered by the driver) through intake, matcher and ledger worker
   processes on PostgreSQL (or SQLite). Sustained rate = input messages / (first send -> last
   event processed). Latency per event = processed_at in the consuming service's inbox minus the
   moment the driver sent it (both on this machine's clock); p50 and p99 over all input events.
3. A national year (~150,000 events) is then estimated from the sustained rate, unless --candidates
   is large enough to replay one directly.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import create_engine, text

from bench.driver import Driver, processed_counter
from bench.replay import build_plan
from services.system.broker import ensure_topics, free_port, start_embedded_broker
from services.kernel.config import Settings
from services.system.supervisor import Stack


async def raw_broker_rate(bootstrap: str, n: int = 50_000, size: int = 700) -> tuple[float, float]:
    topic = "bench.raw.v1"
    await ensure_topics(bootstrap, [(topic, 4)])
    payload = b"x" * size
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5, max_batch_size=256 * 1024)
    await producer.start()
    t = time.perf_counter()
    futures = [await producer.send(topic, payload, key=str(i % 43).encode()) for i in range(n)]
    await asyncio.gather(*futures)
    produce = n / (time.perf_counter() - t)
    await producer.stop()
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False, group_id=None)
    await consumer.start()
    got, t = 0, time.perf_counter()
    while got < n:
        for records in (await consumer.getmany(timeout_ms=1000, max_records=5000)).values():
            got += len(records)
    consume = n / (time.perf_counter() - t)
    await consumer.stop()
    return produce, consume


def latencies(url: str, sent: dict[str, float]) -> list[float]:
    engine = create_engine(url)
    done: dict[str, float] = {}
    with engine.connect() as db:
        for service in ("intake", "matcher", "ledger"):
            for event_id, at in db.execute(text(f"select event_id, processed_at from {service}_processed_event")):
                at = (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()
                done[event_id] = max(done.get(event_id, 0.0), at)
    engine.dispose()
    return [done[i] - t for i, t in sent.items() if i in done]


def raw_rates_of_both_engines(rounds: int = 3) -> int:
    """Produce and consume rates of tansu's memory engine and of the durable one (object store on disk),
    alternating, each on a fresh broker: medians of ``rounds``."""
    rates: dict[str, list[tuple[float, float]]] = {"memory": [], "durable": []}
    for _ in range(rounds):
        for engine in rates:
            with tempfile.TemporaryDirectory(prefix="hm-raw-") as tmp:
                broker = start_embedded_broker(store=Path(tmp) / "broker" if engine == "durable" else None)
                try:
                    rates[engine].append(asyncio.run(raw_broker_rate(broker.bootstrap)))
                finally:
                    broker.stop()
    for engine, runs in rates.items():
        produce = statistics.median(r[0] for r in runs)
        consume = statistics.median(r[1] for r in runs)
        print(f"{engine:>7} engine: produce {produce:,.0f} msg/s, consume {consume:,.0f} msg/s "
              f"(700-byte messages, median of {rounds})")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.pipeline", description=__doc__.split("\n\n")[0])
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--candidates", type=int, default=20_000)
    ap.add_argument("--external", type=int, default=6_000)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--database-url", default=None, help="a database to use (it must be empty)")
    ap.add_argument("--storage", choices=("durable", "memory"), default="durable",
                    help="the embedded broker's engine (durable is the default of `housing-match up`)")
    ap.add_argument("--raw-only", action="store_true",
                    help="only the raw broker rates, of the memory and the durable engine in one run")
    args = ap.parse_args(sys.argv[1:] if argv is None else argv)
    if args.raw_only:
        return raw_rates_of_both_engines()
    plan = build_plan(seed=args.seed, n_candidates=args.candidates, n_units=args.candidates * 9 // 40,
                      n_external=args.external)
    with tempfile.TemporaryDirectory(prefix="hm-load-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'all.db'}"
        broker = start_embedded_broker(store=Path(tmp) / "broker" if args.storage == "durable" else None)
        try:
            produce, consume = asyncio.run(raw_broker_rate(broker.bootstrap))
            conf = Settings(kafka_bootstrap_servers=broker.bootstrap, database_url=url, data_dir=Path(tmp),
                            intake_port=free_port(), matcher_port=free_port(), ledger_port=free_port())
            stack = Stack(conf, workers_per_service=args.workers, log_dir=Path(tmp) / "logs",
                          env={"OFFER_TTL_HOURS": "1000000", "LOG_LEVEL": "warning"})
            stack.start()
            try:
                quiet = 5.0
                t0 = time.time()
                state = asyncio.run(Driver(broker.bootstrap, plan, seed=args.seed).run(
                    quiet_seconds=quiet, timeout=3600, progress=processed_counter(url),
                    reference_applied=processed_counter(url, ("matcher",),
                                                        ("AgreementRegistered", "NeighbourhoodLimitSet"))))
                lat = latencies(url, state.sent)
                elapsed = max(t + lat_ for t, lat_ in zip(state.sent.values(), lat)) - t0 if lat else 0
            finally:
                stack.stop()
        finally:
            broker.stop()
    rate = state.messages / elapsed
    q = statistics.quantiles(lat, n=100)
    print(f"raw broker ({args.storage} engine; aiokafka, 700-byte messages): produce {produce:,.0f} msg/s, "
          f"consume {consume:,.0f} msg/s")
    print(f"pipeline ({args.workers} worker(s) per service, {'PostgreSQL' if 'postgres' in url else 'SQLite'}): "
          f"{state.messages:,} input messages ({len(state.sent):,} distinct events) in {elapsed:.1f} s = "
          f"{rate:,.0f} events/s sustained; {rate / produce:.1%} of the raw produce rate")
    print(f"latency sent -> processed: p50 {q[49]:.2f} s, p99 {q[98]:.2f} s; offers {state.offers:,}, "
          f"placements {len(state.placements):,}")
    print(f"a national year of 150,000 events at this rate: {150_000 / rate:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
