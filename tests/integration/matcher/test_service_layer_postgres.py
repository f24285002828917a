"""The matcher's handlers and rounds on PostgreSQL: the unit tests of the offer lifecycle, the clock and the
regional rules again, with their database on the configured server instead of an SQLite file.

The round reads its region through statements built once and plain rows on the session's connection
(service_layer/region_state.py, kernel uow.rows); these tests hold that to the same behaviour on the
production database (row locks, expanding IN lists, time zones, JSON).
"""
from __future__ import annotations

import pytest

from services.kernel.db import make_engine, migrate
from services.matcher.service_layer.unit_of_work import MatcherUnitOfWork
from tests.support import base_database_url, fresh_database
from tests.unit.matcher.test_clock import *  # noqa: F401,F403 - the same tests, collected here again
from tests.unit.matcher.test_lifecycle import *  # noqa: F401,F403
from tests.unit.matcher.test_regional_rules import *  # noqa: F401,F403
from tests.unit.matcher.test_unit_of_work_reads import *  # noqa: F401,F403

pytestmark = pytest.mark.skipif(not base_database_url(), reason="needs DATABASE_URL (PostgreSQL)")


@pytest.fixture
def engine(tmp_path):  # noqa: F811 - replaces the SQLite file of the unit tests
    with fresh_database(tmp_path, "matcher") as url:
        engine = make_engine(url)
        migrate("matcher", engine)
        yield engine
        engine.dispose()


@pytest.fixture
def uow(engine):  # noqa: F811
    return lambda: MatcherUnitOfWork(engine)
