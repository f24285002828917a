"""The one timestamp column type: aware UTC back from SQLite (which keeps no offset) and from PostgreSQL."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select

from services.kernel.db import UtcDateTime


def test_timestamps_come_back_aware_in_utc(tmp_path):
    # A metadata of its own: the models' metadata is compared with the migrations elsewhere.
    stamps = Table("test_stamp", MetaData(), Column("id", Integer, primary_key=True), Column("at", UtcDateTime(), nullable=False))
    engine = create_engine(f"sqlite:///{tmp_path / 't.db'}")
    stamps.metadata.create_all(engine)
    amsterdam = timezone(timedelta(hours=1))
    with engine.begin() as conn:
        conn.execute(insert(stamps), [{"id": 1, "at": datetime(2026, 12, 2, 21, 0, tzinfo=amsterdam)},
                                      {"id": 2, "at": datetime(2026, 12, 2, 20, 0)}])  # naive: taken as UTC
    with engine.connect() as conn:
        one, two = [row.at for row in conn.execute(select(stamps).order_by(stamps.c.id))]
    assert one == datetime(2026, 12, 2, 20, 0, tzinfo=UTC) and one.utcoffset() == timedelta(0)
    assert two == one and two.tzinfo is not None
    engine.dispose()
