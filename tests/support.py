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
