from __future__ import annotations

import pytest

from services.kernel.db import make_engine, migrate


@pytest.fixture
def engine(tmp_path):
    """The intake's tables on an SQLite file of the test's own (handlers and projections, no broker)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'intake.db'}")
    migrate("intake", engine)
    yield engine
    engine.dispose()
