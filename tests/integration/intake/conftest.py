"""One intake worker on the session broker and a fresh database, with helpers to act as partners.

The intake is a real subprocess (HTTPS, faust agents, outbox relay); the tests talk to
it over HTTPS and Kafka only, and look at its database read-only.
"""
from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import create_engine, text

from contracts import events as ev
from contracts.inbound import signed_headers
from contracts.topics import ALL_TOPICS
from contracts.vocabulary import Service
from services.intake.service_layer.organisations import create_organisation
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
from services.system.broker import broker, free_port
from services.system.dlq import read_all
from services.kernel.config import Settings
from services.kernel.db import make_engine, migrate
from services.kernel.signing import signed_message
from services.system.partner_client import PartnerClient
from services.system.supervisor import Stack, Worker, client_ssl_context
from tests.support import fresh_database

_n = itertools.count(1)
#: the topics the intake publishes on (its outbound partner topic among them)
INTAKE_TOPICS = [t.name for t in ALL_TOPICS if Service.INTAKE in t.producers]


@dataclass
class Org:
    org_id: str
    token: str
    role: str
    api: PartnerClient
    municipality: str | None = None


@dataclass
class Intake:
    stack: Stack
    conf: Settings
    url: str
    db_url: str
    bootstrap: str
    engine: object = None
    orgs: list[Org] = field(default_factory=list)

    def org(self, role: str, municipality: str | None = None, region: str | None = None,
            source_kind: str | None = None) -> Org:
        n = next(_n)
        if role == "municipality":
            municipality = municipality or f"GM{7000 + n:04d}"
            region = region or "R07"
        org_id, token = create_organisation(IntakeUnitOfWork(self.engine), f"Test {role} {n}", role, municipality,
                                            region, None, source_kind=source_kind)
        org = Org(org_id, token, role, PartnerClient(self.url, token, client_ssl_context(self.conf)), municipality)
        self.orgs.append(org)
        return org

    def query(self, sql: str, **params):
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).all()

    def published(self) -> list[bytes]:
        """Every message the intake has published, by topic, partition and offset. A row leaves the outbox
        once Kafka has it, so with the outbox empty everything committed so far is on the topics."""
        wait_for(lambda: self.query("select count(*) from intake_outbox")[0][0] == 0)

        async def read() -> list[bytes]:
            return [m.value for t in INTAKE_TOPICS for m in await read_all(self.bootstrap, t)]
        return asyncio.run(read())

    def produce(self, topic: str, messages: list[tuple[bytes | None, bytes, list | None]]) -> None:
        async def go():
            p = AIOKafkaProducer(bootstrap_servers=self.bootstrap, acks="all")
            await p.start()
            try:
                futs = [await p.send(topic, value, key=key, headers=headers or []) for key, value, headers in messages]
                await asyncio.gather(*futs)
            finally:
                await p.stop()
        asyncio.run(go())

    def send_event(self, event: ev.Event) -> None:
        """As the service that makes the event (the matcher's offers): signed, or the intake refuses it."""
        topic, key, value, headers = signed_message(event)
        self.produce(topic, [(key, value, headers)])

    def offer(self, shelter: Org, candidate_id: str, corp: Org, vacancy_id: str, region: str = "R07",
              hours: float = 72) -> str:
        """Act as the matcher: put an OfferMade on the offers topic and wait until the intake has it."""
        offer_id = f"off-{uuid.uuid4().hex[:12]}"
        now = datetime.now(UTC)
        self.send_event(ev.OfferMade(producer="matcher", occurred_at=now, offer_id=offer_id, round_id="rnd-t",
                                     candidate_id=candidate_id, shelter=shelter.org_id,
                                     unit_id=f"{corp.org_id}:{vacancy_id}", corporation=corp.org_id, region=region,
                                     priority=10, explanation={"days": 10}, expires_at=now + timedelta(hours=hours)))
        wait_for(lambda: self.query("select 1 from intake_offer where offer_id = :o", o=offer_id))
        return offer_id


def wait_for(fn, timeout: float = 30.0, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(every)


def candidate_body(region: str = "R07", **kw) -> dict:
    body = {"region": region, "household_size": 1, "shelter_entry_date": (date.today() - timedelta(days=40)).isoformat()}
    body.update(kw)
    return body


def vacancy_body(unit_id: str, municipality: str = "GM0363", region: str = "R07", **kw) -> dict:
    body = {"unit_id": unit_id, "municipality": municipality, "region": region, "neighbourhood": "BU03630001",
            "kind": "regular", "rooms": 2, "available_from": date.today().isoformat()}
    body.update(kw)
    return body


def inbound_message(org: Org, command: str, body: dict | None = None, target: str | None = None,
                    command_id: str | None = None, token: str | None = None) -> tuple[bytes, bytes, list]:
    value = json.dumps({"command_id": command_id or str(uuid.uuid4()), "org_id": org.org_id, "command": command,
                        "target": target, "body": body or {}, "sent_at": datetime.now(UTC).isoformat()}).encode()
    return org.org_id.encode(), value, signed_headers(token or org.token, value)


@pytest.fixture(scope="package")
def intake_bootstrap(request):
    """A broker of this package's own: the intake tests put thousands of messages (fuzz, placement reports,
    candidates) on the product's topics, which must not reach the e2e stacks' fresh consumer groups."""
    configured = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if configured:
        yield request.getfixturevalue("kafka_bootstrap")
        return
    with broker() as bootstrap:
        yield bootstrap


@contextlib.contextmanager
def intake_worker(tmp, bootstrap: str, name_hint: str, env: dict[str, str] | None = None) -> Iterator[Intake]:
    """One intake worker on a fresh database of its own, ready, stopped on exit."""
    with fresh_database(tmp, name_hint) as url:
        conf = Settings(kafka_bootstrap_servers=bootstrap, database_url=url, data_dir=tmp,
                        intake_port=free_port(), kafka_session_timeout_s=4.0)
        engine = make_engine(url)
        migrate("intake", engine)
        stack = Stack(conf, log_dir=tmp / "logs", env={"KAFKA_SESSION_TIMEOUT_S": "4", **(env or {})})
        stack.bootstrap = bootstrap
        worker = Worker("intake", 0, conf.intake_port)
        stack.workers = [worker]
        stack.spawn(worker)
        try:
            stack.wait_ready(90)
            yield Intake(stack, conf, worker.url, url, bootstrap, engine)
        finally:
            stack.stop()
            engine.dispose()


@pytest.fixture(scope="package")
def intake(tmp_path_factory, intake_bootstrap):
    with intake_worker(tmp_path_factory.mktemp("intake"), intake_bootstrap, "intake") as running:
        yield running


@pytest.fixture
def fresh_engine(intake):
    return create_engine(intake.db_url)
