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
