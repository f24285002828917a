"""Alembic environment shared by the three services' migration folders."""
from __future__ import annotations

import importlib

from alembic import context
from sqlmodel import SQLModel


def run(service: str) -> None:
    config = context.config
    importlib.import_module(f"services.{service}.adapters.orm")
    prefix = f"{service}_"

    def include_object(obj, name, type_, reflected, compare_to):
        # Each service owns only its own tables; never touch another service's.
        table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", "")
        return (table or "").startswith(prefix)

    engine = config.attributes.get("connection_engine")
    if engine is None:
        from services.kernel.config import settings
        from services.kernel.db import make_engine
        engine = make_engine(settings().db_url(service))
    with engine.connect() as connection:
        context.configure(
            connection=connection, target_metadata=SQLModel.metadata, include_object=include_object,
            version_table=f"alembic_version_{service}", render_as_batch=True, compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
