"""A consumer that can neither apply nor dead-letter a message stops at it: it is not ready, says why,
raises ``housing_stopped_consumers``, and commits nothing past the message, not even when its worker is
stopped; once the cause is gone (here: a restart with the default sizes) the message
is dead-lettered and the events behind it are applied, each once.

The cause is real, not simulated: the worker is misconfigured to copy a 100 kB message into its dead
letter while its producer refuses anything over 64 KiB, so the broker client refuses the letter.
"""
from __future__ import annotations

import asyncio
import json
import signal
import urllib.error
import urllib.request

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import bindparam, create_engine, text

from bench.replay import build_plan
from contracts import events as ev
from contracts import topics
from services.kernel.signing import signed_message
from services.system import dlq
from services.system.supervisor import client_ssl_context
from tests.support import wait_until

pytestmark = pytest.mark.e2e
STACK_ENV = {"MAX_MESSAGE_BYTES": "65536", "DEAD_LETTER_INLINE_BYTES": "1000000", "LOG_LEVEL": "warning"}


def ready(url: str, conf=None) -> tuple[int, str]:
    context = client_ssl_context(conf) if url.startswith("https") else None
    try:
        with urllib.request.urlopen(f"{url}/health/ready", timeout=3, context=context) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except OSError:
        return 0, ""


def processed(engine, ids: list[str]) -> list[str]:
    with engine.connect() as db:
        found = {r[0] for r in db.execute(text("select event_id from matcher_processed_event"))}
    return [i for i in ids if i in found]


def test_a_message_that_cannot_be_dead_lettered_stops_the_consumer_at_its_offset(stack):
    vacancies = [e for e in build_plan(seed=3, n_candidates=50, n_units=40, n_regions=1, n_external=0).events
                 if isinstance(e, ev.VacancyPublished)][:4]
    first, behind = vacancies[0], vacancies[1:]
    key = topics.VACANCIES.key_of(first)  # one partition: the poison stands between them
    poison = json.dumps({"event_type": "VacancyPublished", "filler": "x" * 100_000}).encode()

    async def produce() -> int:
        producer = AIOKafkaProducer(bootstrap_servers=stack.bootstrap, acks="all", max_request_size=2 ** 21)
        await producer.start()
        try:
            # the valid vacancies are signed as the intake, which publishes them
            topic, _, value, headers = signed_message(first)
            await producer.send_and_wait(topic, value, key=key, headers=headers)
            at = await producer.send_and_wait(topics.VACANCIES.name, poison, key=key)
            for e in behind:
                topic, _, value, headers = signed_message(e)
                await producer.send_and_wait(topic, value, key=key, headers=headers)
            return at.offset
        finally:
            await producer.stop()

    offset = asyncio.run(produce())
    matcher = next(w for w in stack.workers if w.service == "matcher")
    engine = create_engine(stack.conf.database_url)
    wait_until(lambda: processed(engine, [str(first.event_id)]), timeout=60)
    status, body = wait_until(lambda: (r := ready(matcher.url))[0] == 503 and "stopped at" in r[1] and r, 60)
    assert f"{topics.VACANCIES.name}[" in body and f"@{offset}" in body, body
    with urllib.request.urlopen(f"{matcher.url}/metrics", timeout=3) as r:
        assert 'housing_stopped_consumers{consumer="matcher-events",service="matcher"} 1.0' in r.read().decode()
    ids = [str(e.event_id) for e in behind]
    assert processed(engine, ids) == [], "events behind the stuck message were applied"

    # A graceful stop is where faust acknowledges a batch it was in the middle of: nothing may be committed.
    matcher.process.send_signal(signal.SIGTERM)
    matcher.process.wait(30)
    stack.env.pop("DEAD_LETTER_INLINE_BYTES"), stack.env.pop("MAX_MESSAGE_BYTES")
    stack.spawn(matcher)
    wait_until(lambda: processed(engine, ids) == ids, timeout=90)
    wait_until(lambda: ready(matcher.url)[0] == 200, timeout=60)
    letters = [x.letter for x in asyncio.run(dlq.letters(stack.bootstrap))
               if x.letter.topic == topics.VACANCIES.name and x.letter.offset == offset]
    assert len(letters) == 1 and letters[0].service == "matcher" and letters[0].payload == "inline"
    with engine.connect() as db:  # each vacancy behind it became a unit, once
        units = db.execute(text("select count(*) from matcher_unit where unit_id in :ids")
                           .bindparams(bindparam("ids", expanding=True)),
                           {"ids": [e.unit_id for e in vacancies]}).scalar_one()
    assert units == len(vacancies)
    engine.dispose()


def test_readiness_is_false_while_the_broker_is_gone(stack):
    stack.broker.process.kill()
    stack.broker.process.wait()
    for w in stack.workers:
        status, body = wait_until(lambda w=w: (r := ready(w.url, stack.conf))[0] == 503 and r, timeout=30)
        assert "broker unreachable" in body, body
    stack.keep_running()  # what `housing-match up` does: the broker back on its port, with its log
    for w in stack.workers:
        wait_until(lambda w=w: ready(w.url, stack.conf)[0] == 200, timeout=60)
