"""No message is dropped silently: poison and oversized messages on every topic each service consumes,
among the valid events of a small national plan, through the real broker and database.

Every valid event is applied exactly once (the ledger equals the plan's ground truth); every bad
message is dead-lettered by every service that consumes its topic, oversized ones by reference
(their digest, never their bytes), and none of them holds back the events behind it.
"""
from __future__ import annotations

import asyncio
import json

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import create_engine

from bench.driver import Driver, processed_counter
from bench.replay import build_plan
from contracts import topics
from contracts.vocabulary import Service
from services.kernel.deadletters import masked_digest
from services.system import dlq
from tests import checks

pytestmark = pytest.mark.e2e
STACK_ENV = {"OFFER_TTL_HOURS": "1000000", "LOG_LEVEL": "warning"}
STACK_SIMULATION = True  # the simulation worker consumes an internal topic too (issue 21)
OVERSIZED = 900_000  # under the 1 MiB message limit, far over what a dead letter copies

POISONS = {
    "garbage": b"\xff\xfe not json at all",
    "schema": json.dumps({"event_type": "OfferMade", "event_id": "poison-schema", "version": 1}).encode(),
    "unknown type": json.dumps({"event_type": "NoSuchEvent", "event_id": "poison-type"}).encode(),
    "oversized": json.dumps({"event_type": "VacancyPublished", "filler": "x" * OVERSIZED}).encode(),
}


def consumers_of(topic: str) -> set[str]:
    found = {str(s) for s in Service if topic in {t.name for t in topics.consumed_by(s)}}
    return found | ({str(Service.INTAKE)} if topic == topics.INBOUND else set())


def test_poison_and_oversized_messages_are_dead_lettered_and_hold_nothing_back(stack):
    plan = build_plan(seed=5, n_candidates=800, n_units=200, n_regions=4, n_external=300)
    targets = sorted({t.name for s in Service for t in topics.consumed_by(s)} | {topics.INBOUND})
    planted: list[tuple[str, int, int, str, bytes]] = []

    async def poisoner():
        producer = AIOKafkaProducer(bootstrap_servers=stack.bootstrap, acks="all", max_request_size=2 ** 21)
        await producer.start()
        try:
            for wave in range(3):  # while the plan's valid events flow, on every partition key
                await asyncio.sleep(1.0)
                for topic in targets:
                    for kind, value in POISONS.items():
                        md = await producer.send_and_wait(topic, value, key=f"R0{wave}".encode())
                        planted.append((topic, md.partition, md.offset, kind, value))
        finally:
            await producer.stop()

    url = stack.conf.database_url
    driver = Driver(stack.bootstrap, plan, seed=5)
    state = asyncio.run(driver.run(
        quiet_seconds=8, timeout=600, while_running=poisoner, progress=processed_counter(url),
        reference_applied=processed_counter(url, ("matcher",), ("AgreementRegistered", "NeighbourhoodLimitSet"))))
    assert len(planted) == 3 * len(targets) * len(POISONS)

    found = asyncio.run(dlq.letters(stack.bootstrap))
    letters = {(x.letter.service, x.letter.topic, x.letter.partition, x.letter.offset): x.letter for x in found}
    missing = []
    for topic, partition, offset, kind, value in planted:
        for service in consumers_of(topic):
            letter = letters.get((service, topic, partition, offset))
            if letter is None:
                missing.append((service, topic, offset, kind))
                continue
            if kind == "oversized":
                assert letter.payload == "reference" and letter.value_b64 is None
                assert letter.value_bytes == len(value) and letter.value_sha256 == masked_digest(value)
            else:
                assert letter.payload == "inline"
    assert not missing, f"{len(missing)} poison messages were not dead-lettered: {missing[:5]}"

    engine = create_engine(url)
    with engine.connect() as db:
        placed = set(state.placements.values())
        assert placed, "the run should place people"
        assert checks.realised_places(db) == len(placed) + plan.external_places
        assert checks.persons_placed_twice(db) == [] and checks.pairs_offered_twice(db) == []
        not_applied = set(state.sent) - checks.processed_event_ids(db)
        assert not not_applied, f"{len(not_applied)} valid events were not applied"
    engine.dispose()
    valid_dead = {letter.event_id for letter in letters.values()} & set(state.sent)
    assert not valid_dead, "valid events were dead-lettered"


    # A letter by reference is replayed from its topic, checked against its digest.
    big = next(x for x in found if x.letter.payload == "reference" and x.letter.topic == topics.VACANCIES.name)
    result = asyncio.run(dlq.replay(stack.bootstrap, at=[big.coordinates]))
    assert result["replayed"] == 1 and result["letters"] == [big.coordinates]
    copies = [m for m in asyncio.run(dlq.read_all(stack.bootstrap, topics.VACANCIES.name))
              if (dlq.REPLAYED_FROM, big.coordinates.encode()) in list(m.headers or ())]
    assert len(copies) == 1 and masked_digest(copies[0].value) == big.letter.value_sha256
