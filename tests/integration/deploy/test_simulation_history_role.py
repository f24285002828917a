"""The simulation worker's read-only role (deploy/postgres/simulation-history-role.sql) tried on the local
PostgreSQL: a matcher database migrated and filled with a history the simulator recorded (the matcher's own
handlers and rounds), the script run twice as compose's db-simulation-history runs it, then a history job
replayed as the role — and everything else refused to it."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "deploy" / "postgres" / "simulation-history-role.sql"
PG = os.environ.get("BACKUP_TEST_PG", "postgresql://postgres@127.0.0.1:5432")
HOST = PG.split("@", 1)[1]


def granted_tables() -> set[str]:
    block = re.search(r"GRANT SELECT ON TABLE(.*?)TO :\"role\";", SCRIPT.read_text(), re.S).group(1)
    return set(re.findall(r"^\s*(\w+),?\s*(?:--.*)?$", block, re.M))


def _psql(db: str, *args: str) -> str:
    out = subprocess.run(["psql", f"{PG}/{db}", "-v", "ON_ERROR_STOP=1", "-At", *args],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def _record_history(tmp_path: Path, target_url: str) -> None:
    """20 days of one region recorded by the simulator into SQLite, copied row by row into ``target_url``."""
    from services.matcher.adapters import orm
    from services.matcher.domain.policy import DEFAULT_POLICY
    from services.system.simulation.acceptance import AcceptanceModel
    from services.system.simulation.engine import Timing, simulate
    from services.system.simulation.scenario import ScenarioParams, generate
    from services.system.simulation.strategies import make_solver
    source_url = f"sqlite:///{tmp_path / 'matcher.db'}"
    simulate(generate(7, ScenarioParams(regions=1, days=20)), make_solver("matcher", DEFAULT_POLICY),
             AcceptanceModel(), Timing(), database_url=source_url)
    models = (orm.Candidate, orm.Unit, orm.Agreement, orm.NeighbourhoodLimit, orm.Offer, orm.RegionClock,
              orm.RegionPolicy, orm.SupportProvider)
    source, target = create_engine(source_url), create_engine(target_url)
    try:
        with Session(source) as src, Session(target) as dst:
            for model in models:
                for row in src.exec(select(model)).all():
                    dst.add(model(**row.model_dump()))
            dst.commit()
    finally:
        source.dispose()
        target.dispose()


@pytest.fixture(scope="module")
def matcher_db(tmp_path_factory):
    """A migrated matcher database as db-init leaves it (no privileges for PUBLIC), with a recorded history,
    and the role made by the script; both dropped afterwards."""
    if not shutil.which("psql"):
        pytest.skip("PostgreSQL client tools missing")
    probe = subprocess.run(["psql", f"{PG}/postgres", "-Atc", "select 1"], capture_output=True, text=True, timeout=10)
    if probe.returncode != 0:
        pytest.skip(f"no PostgreSQL at {PG}: {probe.stderr.strip()}")
    db, role = f"hm_simhist_{uuid.uuid4().hex[:10]}", f"hm_simhist_{uuid.uuid4().hex[:10]}"
    _psql("postgres", "-c", f'CREATE DATABASE "{db}"')
    try:
        _psql("postgres", "-c", f'REVOKE ALL ON DATABASE "{db}" FROM PUBLIC')  # as db-init does
        admin_url = f"{PG.replace('postgresql://', 'postgresql+psycopg://')}/{db}"
        up = subprocess.run([sys.executable, "-m", "services.system.cli", "db", "upgrade", "matcher"], cwd=ROOT,
                            env={**os.environ, "DATABASE_URL": admin_url}, capture_output=True, text=True,
                            timeout=120)
        assert up.returncode == 0, up.stderr
        _record_history(tmp_path_factory.mktemp("history"), admin_url)
        for _ in range(2):  # idempotent: compose runs it on every `up`
            _psql(db, "-1", "-v", "pw=not-a-real-password", "-v", f"role={role}", "-f", str(SCRIPT))
        yield db, role
    finally:
        _psql("postgres", "-c", f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        _psql("postgres", "-c", f'DROP ROLE IF EXISTS "{role}"')


def test_a_history_job_runs_as_the_role_and_reads_exactly_the_granted_tables(matcher_db):
    from contracts import events as ev
    from contracts.simulation import Variant
    from services.system.simulation_worker import job
    db, role = matcher_db
    url = f"postgresql+psycopg://{role}@{HOST}/{db}"
    tables = set(inspect(create_engine(f"{PG.replace('postgresql://', 'postgresql+psycopg://')}/{db}"))
                 .get_table_names())
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        if conn.engine.url.database == db:  # not the simulated matcher's own in-memory database
            statements.append(statement)

    request = ev.SimulationRequested(
        occurred_at=datetime(2026, 12, 4, tzinfo=UTC), producer="gm", job_id="sim-history", org_id="gm",
        region="R01", municipalities=("GM0101",), days=10, seeds=1, variants=[Variant(name="vandaag")],
        source="history")
    event.listen(Engine, "before_cursor_execute", seen)
    try:
        report = job.run_job(request, None, url)
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
    assert report["scenario"]["source"] == "history" and report["scenario"]["regions"] == ["R01"]
    read = {t for t in tables if any(re.search(rf"\b{t}\b", s) for s in statements)}
    # Enough (the job ran as the role) and no more (every granted table is read by the replay).
    assert read == granted_tables(), (sorted(read - granted_tables()), sorted(granted_tables() - read))


@pytest.mark.parametrize("sql", [
    "SELECT count(*) FROM matcher_outbox",
    "SELECT count(*) FROM matcher_processed_event",
    "SELECT count(*) FROM matcher_declined_pair",
    "SELECT count(*) FROM matcher_fixed_pair",
    "INSERT INTO matcher_region_clock (region, watermark) VALUES ('R99', now())",
    "UPDATE matcher_candidate SET status = 'placed'",
    "DELETE FROM matcher_offer",
    "CREATE TABLE public.mine (x int)",
    "CREATE TEMP TABLE mine (x int)",
])
def test_the_role_may_do_nothing_else(matcher_db, sql):
    db, role = matcher_db
    with psycopg.connect(f"postgresql://{role}@{HOST}/{db}", autocommit=True) as conn:
        assert conn.execute("SHOW default_transaction_read_only").fetchone() == ("on",)
        conn.execute("SET default_transaction_read_only = off")  # the session may: the privileges still hold
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(sql)


def test_the_script_grants_select_on_tables_that_exist(matcher_db):
    db, _ = matcher_db
    existing = set(_psql(db, "-c", "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").split())
    assert granted_tables() and granted_tables() <= existing
