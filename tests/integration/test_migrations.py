"""Each service's Alembic migrations build exactly its models' tables, on the real database."""
from __future__ import annotations

import importlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from services.kernel.db import make_engine, migrate
from tests.support import fresh_database

pytestmark = pytest.mark.integration
SERVICES = ("intake", "matcher", "ledger")


def test_migrations_match_models_and_are_idempotent(tmp_path):
    with fresh_database(tmp_path, "mig") as url:
        engine = make_engine(url)
        try:
            for service in SERVICES:
                importlib.import_module(f"services.{service}.adapters.orm")
                migrate(service, engine)
                migrate(service, engine)  # applying at every start must be harmless
            tables = set(inspect(engine).get_table_names())
            for service in SERVICES:
                assert f"alembic_version_{service}" in tables
            with engine.connect() as conn:
                ctx = MigrationContext.configure(conn, opts={"compare_type": True})
                diff = compare_metadata(ctx, SQLModel.metadata)
            # Only alembic's own version tables may differ from the models.
            diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name.startswith("alembic_version_"))]
            assert diff == [], f"models and migrations differ: {diff[:5]}"
        finally:
            engine.dispose()
