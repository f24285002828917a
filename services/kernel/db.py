"""Database plumbing shared by the services: engines, migrations, outbox and inbox tables.

Each service owns its own tables (name prefix ``<service>_`` and its own Alembic
version table), so the three can share one PostgreSQL database or use one SQLite
file each without touching each other's schema.
"""
from __future__ import annotations

import hashlib
import logging
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import JSON, Column, DateTime, Engine, LargeBinary, event, text
from sqlalchemy.types import TypeDecorator
from sqlalchemy.pool import NullPool
from sqlmodel import Field, SQLModel, create_engine

log = logging.getLogger(__name__)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            # WAL lets readers (reports) proceed while a handler writes.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def migrate(service: str, engine: Engine) -> None:
    """Apply the service's Alembic migrations (at start, before any handler runs)."""
    # Several workers of a service start at once: only one may migrate at a time.
    with _migration_lock(service, engine):
        command.upgrade(_alembic_config(service, engine), "head")


def advisory_key(*parts: str) -> int:
    """A PostgreSQL advisory-lock key (a positive bigint) for a name, the same in every process."""
    return int(hashlib.sha256(":".join(("housing-match", *parts)).encode()).hexdigest()[:15], 16)


@contextmanager
def _migration_lock(service: str, engine: Engine):
    if engine.dialect.name == "postgresql":
        key = advisory_key("migrate", service)
        with engine.connect() as conn:
            conn.execute(text("select pg_advisory_lock(:k)"), {"k": key})
            try:
                yield
            finally:
                conn.execute(text("select pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
        return
    import fcntl
    path = engine.url.database
    lock_path = Path(path + ".migrate.lock") if path and path != ":memory:" else None
    if lock_path is None:
        yield
        return
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


class Lease:
    """A process-wide, non-blocking exclusive lease on a name, released when the holder dies.

    PostgreSQL: a session advisory lock on a connection kept for the purpose (the server drops it
    when the connection ends, also when the process is killed). SQLite: an flock on a file beside
    the database. Used so that one outbox relay per service sends: two would send every row twice
    and could interleave one key's events out of order.
    """

    def __init__(self, engine: Engine, name: str) -> None:
        self.engine, self.name = engine, name
        self.key = advisory_key(name)
        self._conn = None
        self._file = None
        self._engine: Engine | None = None

    @property
    def held(self) -> bool:
        return self._conn is not None or self._file is not None

    def try_acquire(self) -> bool:
        if self.held:
            return True
        if self.engine.dialect.name == "postgresql":
            conn = self._pg_engine().connect()
            try:
                got = conn.execute(text("select pg_try_advisory_lock(:k)"), {"k": self.key}).scalar_one()
                conn.commit()
            except Exception:
                conn.close()
                raise
            if got:
                self._conn = conn
            else:
                conn.close()
            return bool(got)
        path = self.engine.url.database
        if not path or path == ":memory:":
            self._file = True  # one process owns an in-memory database
            return True
        import fcntl
        f = open(Path(path + f".{self.name}.lock"), "w")  # noqa: SIM115 - held open while leased
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.close()
            return False
        self._file = f
        return True

    def _pg_engine(self) -> Engine:
        # Its own connection, never pooled, with TCP keepalives, a user timeout and a statement
        # timeout: a half-open connection is noticed within about half a minute, and the server
        # then ends the session and frees the lock for a standby. Needs a direct (or session-mode
        # pooled) connection: a transaction-mode pooler cannot hold a session lock.
        if self._engine is None:
            self._engine = create_engine(
                self.engine.url, poolclass=NullPool,
                connect_args={"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
                              "keepalives_count": 3, "tcp_user_timeout": 30_000,
                              "options": "-c statement_timeout=5000"})
        return self._engine

    def still_held(self) -> bool:
        """False when the lease was lost (connection broken, or the lock gone): stop acting on it."""
        if self._conn is None:
            return self.held
        try:
            held = self._conn.execute(text(
                "select exists(select 1 from pg_locks where locktype = 'advisory' and granted "
                "and pid = pg_backend_pid())")).scalar_one()
            self._conn.commit()
        except Exception:  # noqa: BLE001 - a broken connection has lost its advisory lock
            held = False
        if not held:
            self.release()
        return bool(held)

    def release(self) -> None:
        if self._conn is not None:
            # Invalidate rather than close: a closed connection goes back to the pool with its
            # session, and so with the advisory lock, still alive.
            try:
                self._conn.invalidate()
                self._conn.close()
            except Exception:  # noqa: BLE001
                pass
            self._conn = None
        if self._file is not None:
            if self._file is not True:
                self._file.close()
            self._file = None


def insert_ignoring_duplicates(session, model, rows: list[dict]) -> None:
    """One multi-row INSERT that skips rows whose unique key is already there (PostgreSQL and SQLite)."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    session.execute(insert(model).on_conflict_do_nothing(), rows)


def json_column() -> Column:
    return Column(JSON, nullable=False)


class UtcDateTime(TypeDecorator):
    """A timestamp with time zone that always comes back aware, in UTC.

    PostgreSQL stores and returns the offset; SQLite keeps no time zone and hands back a naive
    value. Storing UTC (a naive value is taken as UTC, as SQLite did) and reading it back as UTC
    makes both the same, so no code compares a naive with an aware datetime. Same DDL as ``DateTime(timezone=True)``: no migration.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_column(nullable: bool = False) -> Column:
    return Column(UtcDateTime(), nullable=nullable)


def infra_tables(service: str) -> tuple[type[SQLModel], type[SQLModel]]:
    """The inbox (consumed event ids) and outbox tables of one service.

    The inbox gives exactly-once effect: the consumed event id is stored in the
    same transaction as the state change. The outbox closes the gap between
    commit and send: events are written with the state and relayed afterwards.
    """
    processed = type(
        f"{service.title()}ProcessedEvent", (SQLModel,),
        {
            "__tablename__": f"{service}_processed_event",
            "__annotations__": {"event_id": str, "event_type": str, "processed_at": datetime},
            "event_id": Field(primary_key=True, max_length=36),
            "event_type": Field(max_length=64),
            "processed_at": Field(sa_column=utc_column()),
        },
        table=True,
    )
    outbox = type(
        f"{service.title()}Outbox", (SQLModel,),
        {
            "__tablename__": f"{service}_outbox",
            "__annotations__": {"seq": int | None, "event_id": str, "topic": str, "key": bytes,
                                "value": bytes},
            "seq": Field(default=None, primary_key=True),
            "event_id": Field(max_length=36, unique=True),
            "topic": Field(max_length=120),
            "key": Field(sa_column=Column(LargeBinary, nullable=False)),
            "value": Field(sa_column=Column(LargeBinary, nullable=False)),
        },
        table=True,
    )
    return processed, outbox


def _alembic_config(service: str, engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parents[1] / service / "adapters" / "migrations"))
    cfg.attributes["connection_engine"] = engine
    return cfg


def make_revision(service: str, engine: Engine, message: str) -> None:
    """Autogenerate the next migration of one service from its models (run by developers)."""
    cfg = _alembic_config(service, engine)
    command.upgrade(cfg, "head")
    command.revision(cfg, message=message, autogenerate=True)
