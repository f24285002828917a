"""Test infrastructure: real databases and a real Kafka-protocol broker, started by the tests themselves."""
from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

from sqlalchemy.engine import make_url


def base_database_url() -> str | None:
    """PostgreSQL when DATABASE_URL is set (CI), else None (SQLite files)."""
    return os.environ.get("DATABASE_URL")


@contextlib.contextmanager
def fresh_database(tmp_path, name_hint: str = "t") -> Iterator[str]:
    """A new, empty database for one test: on the configured PostgreSQL server, or an SQLite file."""
    base = base_database_url()
    if not base:
        yield f"sqlite:///{tmp_path / f'{name_hint}.db'}"
        return
    import psycopg

    url = make_url(base)
    name = f"hm_{name_hint}_{uuid.uuid4().hex[:10]}"
    admin_dsn = url.set(drivername="postgresql", database=url.database or "postgres") \
        .render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_until(fn, timeout: float = 30.0, every: float = 0.2):
    """Poll ``fn`` until it returns something truthy (and return that), or fail after ``timeout`` seconds."""
    import time
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := fn():
            return value
        time.sleep(every)
    raise AssertionError("condition not met in time")


def raw_exchange(url: str, request: bytes, ssl_context=None, timeout: float = 10.0) -> bytes:
    """Send raw bytes to an http(s)://host:port URL and return everything the server answers until it closes."""
    import socket
    from urllib.parse import urlsplit

    where = urlsplit(url)
    with socket.create_connection((where.hostname, where.port), timeout=timeout) as sock:
        conn = ssl_context.wrap_socket(sock, server_hostname=where.hostname) if where.scheme == "https" else sock
        conn.sendall(request)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    return answer


#: Requests aiohttp's own parser refuses before any middleware, each carrying the BSN 111222333 (11-proef).
MALFORMED_WITH_BSN = (
    b"GET /v1/candidates/111222333 HTTP/1.1 x\r\nHost: a\r\n\r\n",  # bad request line
    b"111222333 / HTTP/1.1\r\nHost: a\r\n\r\n",  # no method
    b"GET /health/live HTTP/1.1\r\nHost: a\r\nBad Header 111222333: y\r\n\r\n",  # bad header name
    b"GET /health/live HTTP/1.1\r\nHost: a\r\nX-Bsn: 111 222 333\x00\r\n\r\n",  # bad header value
    b"GET /health/live HTTP/1.1\r\nHost: a\r\nX-Big: " + b"111222333 " * 1000 + b"\r\n\r\n",  # oversized header
    b"GET /health/live HTTP/1.1\r\nHost: a\r\nContent-Length: 111222333x\r\n\r\n",  # bad content length
)
BSN_FORMS = (b"111222333", b"111 222 333", "１１１２２２３３３".encode())


class OwnPostgres:
    """A PostgreSQL server of one test's own (initdb in a temporary directory, a free port), so the test
    can restart it without taking the database away from any other test. Run as the `postgres` user
    when the tests run as root (initdb refuses root)."""

    def __init__(self) -> None:
        import glob
        import shutil
        import tempfile

        from services.system.broker import free_port

        self.bin = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
        self.dir = tempfile.mkdtemp(prefix="hm-pg-")
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self.port = free_port()
        self._run("initdb", "-D", self.dir, "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()

    def _run(self, tool: str, *args: str) -> None:
        import subprocess
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*as_postgres, f"{self.bin}/{tool}", *args], check=True, capture_output=True)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        self._run("pg_ctl", "-D", self.dir, "-l", f"{self.dir}/server.log", "-w", "start", "-o",
                  f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200")

    def restart(self) -> None:
        """An immediate shutdown (no checkpoint, like a crash: recovery on start), then a start."""
        self._run("pg_ctl", "-D", self.dir, "-m", "immediate", "-w", "stop")
        self.start()

    def stop(self) -> None:
        import shutil
        self._run("pg_ctl", "-D", self.dir, "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)
