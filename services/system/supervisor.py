"""Start the whole product: the broker (when none is configured) and every service's workers.

`housing-match up` runs until Ctrl-C or SIGTERM and then stops workers and the
embedded broker cleanly. The demo and the end-to-end tests use the same Stack.
"""
from __future__ import annotations

import contextlib
import logging
import os
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from services.system.broker import ADDRESS_FILE, EmbeddedBroker, ensure_topics, start_embedded_broker
from services.kernel.config import Settings, settings
from services.kernel.logs import setup_logging
from services.system.tls_proxy import tls_proxy

log = logging.getLogger("housing-match")
SERVICES = ("intake", "matcher", "ledger")


@dataclass
class Worker:
    service: str
    index: int
    port: int
    process: subprocess.Popen | None = None

    @property
    def scheme(self) -> str:
        return "https" if self.service == "intake" else "http"

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"


@dataclass
class Stack:
    """A broker plus N worker processes per service, as child processes of this one."""

    conf: Settings
    workers_per_service: int = 1
    env: dict[str, str] = field(default_factory=dict)
    log_dir: Path | None = None
    broker: EmbeddedBroker | None = None
    bootstrap: str = ""
    workers: list[Worker] = field(default_factory=list)
    notifier: bool = False  # also run the intake's notifier (e-mail and webhooks; issue 18)
    simulation: bool = False  # also run the simulation worker (municipalities' what-if jobs; issue 21)

    def start(self, timeout: float = 90.0) -> Stack:
        import asyncio
        self.bootstrap = self.conf.kafka_bootstrap_servers or ""
        if not self.bootstrap:
            durable = self.conf.broker_storage == "durable"
            self.broker = start_embedded_broker(
                log_file=(self.log_dir / "broker.log") if self.log_dir else None,
                store=self.conf.data_dir / "broker" if durable else None)
            self.bootstrap = self.broker.bootstrap
            self.conf.data_dir.mkdir(parents=True, exist_ok=True)
            (self.conf.data_dir / ADDRESS_FILE).write_text(self.bootstrap + "\n")
        asyncio.run(ensure_topics(self.bootstrap))
        base = {"intake": self.conf.intake_port, "matcher": self.conf.matcher_port, "ledger": self.conf.ledger_port}
        for service in SERVICES:
            for i in range(self.workers_per_service):
                self.workers.append(Worker(service, i, base[service] + 10 * i))
        if self.notifier:
            self.workers.append(Worker("notifier", 0, self.conf.notifier_port))
        if self.simulation:
            self.workers.append(Worker("simulation", 0, self.conf.simulation_port))
        try:
            for w in self.workers:
                self.spawn(w)
            self.wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def spawn(self, w: Worker) -> None:
        env = {**os.environ, **self.env, "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
               "DATA_DIR": str(self.conf.data_dir), "HOUSING_MATCH_PARENT_PID": str(os.getpid())}
        if self.conf.database_url:
            env["DATABASE_URL"] = self.conf.database_url
        out = None
        if self.log_dir:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            out = open(self.log_dir / f"{w.service}-{w.index}.log", "ab")
        w.process = subprocess.Popen([sys.executable, "-m", "services.system.worker", w.service, str(w.port)],
                                     env=env, stdout=out, stderr=subprocess.STDOUT if out else None)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        pending = list(self.workers)
        while pending:
            if time.monotonic() > deadline:
                raise RuntimeError("not ready in time: " + ", ".join(f"{w.service}-{w.index}" for w in pending))
            for w in list(pending):
                if w.process.poll() is not None:
                    raise RuntimeError(f"{w.service}-{w.index} exited with code {w.process.returncode}")
                if http_status(f"{w.url}/health/ready", self.conf) == 200:
                    pending.remove(w)
            time.sleep(0.2)

    def stop(self, grace: float = 6.0) -> None:
        """SIGTERM to every worker at once, SIGKILL to those still running after ``grace`` seconds (what
        they had not committed is taken again from the broker), then the broker: under 10 s in all."""
        for w in self.workers:
            if w.process and w.process.poll() is None:
                w.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for w in self.workers:
            if w.process:
                try:
                    w.process.wait(max(0.0, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    w.process.kill()
                    w.process.wait()
        if self.broker:
            self.broker.stop(timeout=2.0)
            (self.conf.data_dir / ADDRESS_FILE).unlink(missing_ok=True)

    def keep_running(self) -> None:
        """Start again what died: the embedded broker or its store (same ports), and any worker."""
        if self.broker and not self.broker.alive():
            log.warning("the embedded broker or its store died; restarting them")
            self.broker.restart()
        for w in self.workers:
            if w.process.poll() is not None:
                log.warning("%s-%d exited (%s); restarting", w.service, w.index, w.process.returncode)
                self.spawn(w)

    def url(self, service: str) -> str:
        return next(w.url for w in self.workers if w.service == service)

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def client_ssl_context(conf: Settings) -> ssl.SSLContext:
    """Trust the intake's certificate (the self-signed one on a developer machine)."""
    cert = conf.intake_tls_cert or str(conf.data_dir / "tls" / "localhost.crt")
    ctx = ssl.create_default_context()
    if Path(cert).exists():
        ctx.load_verify_locations(cert)
    return ctx


def http_status(url: str, conf: Settings) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2, context=client_ssl_context(conf)
                                    if url.startswith("https") else None) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except Exception:  # noqa: BLE001 - not listening yet
        return 0


def run_up(workers: int = 1) -> int:
    conf = settings()
    setup_logging("up", conf.log_level)
    # The ledger takes API tokens over HTTPS only; on a developer's machine a TLS proxy stands in
    # front of it as the ingress does in production, and the ledger believes its X-Forwarded-Proto.
    stack = Stack(conf, workers_per_service=workers, env={"TRUST_FORWARDED_PROTO": "true"}, notifier=True,
                  simulation=True)
    stopping = False

    def _stop(signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        stack.start()
        embedded = f" (embedded tansu, {conf.broker_storage}: {conf.data_dir / 'broker'})" if stack.broker else ""
        log.info("broker %s%s", stack.bootstrap, embedded)
        for w in stack.workers:
            log.info("%s-%d ready at %s", w.service, w.index, w.url)
        with tls_proxy(stack.url("ledger"), conf, port=conf.ledger_https_port) as ledger:
            log.info("ledger reports and dashboard with an API token: %s", ledger)
            log.info("running; Ctrl-C stops everything")
            while not stopping:
                stack.keep_running()
                time.sleep(0.5)
    finally:
        log.info("stopping")
        with contextlib.suppress(Exception):
            stack.stop()
    return 0
