from __future__ import annotations

import os

import pytest

from services.system.broker import broker


def pytest_report_header(config):
    db = os.environ.get("DATABASE_URL")
    return [f"database: {'PostgreSQL ' + db.split('@')[-1] if db else 'SQLite files (set DATABASE_URL for PostgreSQL)'}",
            f"broker: {os.environ.get('KAFKA_BOOTSTRAP_SERVERS') or 'embedded tansu'}"]


@pytest.fixture(scope="session")
def kafka_bootstrap():
    """A real Kafka-protocol broker: the configured cluster, or the embedded tansu binary."""
    with broker(os.environ.get("KAFKA_BOOTSTRAP_SERVERS")) as bootstrap:
        yield bootstrap
