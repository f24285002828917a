"""Backup and restore (deploy/backup) tried for real: the local PostgreSQL, and SQLite (the embedded default)."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
BACKUP, RESTORE = ROOT / "deploy" / "backup" / "backup.sh", ROOT / "deploy" / "backup" / "restore.sh"
PG = os.environ.get("BACKUP_TEST_PG", "postgresql://postgres@127.0.0.1:5432")
CLI = [sys.executable, "-m", "services.system.cli"]


def _psql(db: str, sql: str) -> str:
    out = subprocess.run(["psql", f"{PG}/{db}", "-v", "ON_ERROR_STOP=1", "-Atc", sql],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.fixture
def fresh_databases():
    if not (shutil.which("psql") and shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("PostgreSQL client tools missing")
    probe = subprocess.run(["psql", f"{PG}/postgres", "-Atc", "select 1"], capture_output=True, text=True, timeout=10)
    if probe.returncode != 0:
        pytest.skip(f"no PostgreSQL at {PG}: {probe.stderr.strip()}")
    names = [f"hm_backup_{uuid.uuid4().hex[:10]}_{i}" for i in (1, 2)]
    for n in names:
        _psql("postgres", f'CREATE DATABASE "{n}"')
    try:
        yield names
    finally:
        for n in names:
            _psql("postgres", f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)')


def test_postgres_backup_and_restore_keep_the_rows(fresh_databases, tmp_path):
    source, target = fresh_databases
    env = {**os.environ, "DATABASE_URL": f"{PG.replace('postgresql://', 'postgresql+psycopg://')}/{source}"}
    up = subprocess.run([*CLI, "db", "upgrade"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert up.returncode == 0, up.stderr
    event_id = str(uuid.uuid4())
    _psql(source, "INSERT INTO ledger_processed_event (event_id, event_type, processed_at) "
                  f"VALUES ('{event_id}', 'PlacementConfirmed', now())")
    dump = tmp_path / "housing.dump"
    subprocess.run(["bash", str(BACKUP), env["DATABASE_URL"], str(dump)], check=True, timeout=60)
    assert dump.stat().st_size > 0
    target_url = env["DATABASE_URL"].rsplit("/", 1)[0] + f"/{target}"
    subprocess.run(["bash", str(RESTORE), str(dump), target_url], check=True, timeout=60)
    assert _psql(target, f"SELECT event_type FROM ledger_processed_event WHERE event_id = '{event_id}'") \
        == "PlacementConfirmed"
    # The schema came along: every service's migration head is there, so `db upgrade` has nothing to do.
    for svc in ("intake", "matcher", "ledger"):
        assert _psql(target, f"SELECT count(*) FROM {svc}_outbox") == "0"
    again = subprocess.run([*CLI, "db", "upgrade"], env={**env, "DATABASE_URL": target_url}, cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr


def test_restore_refuses_a_database_that_is_not_empty(fresh_databases, tmp_path):
    source, target = fresh_databases
    _psql(source, "CREATE TABLE t (x int); INSERT INTO t VALUES (1)")
    _psql(target, "CREATE TABLE t (x int)")
    dump = tmp_path / "t.dump"
    subprocess.run(["bash", str(BACKUP), f"{PG}/{source}", str(dump)], check=True, timeout=60)
    out = subprocess.run(["bash", str(RESTORE), str(dump), f"{PG}/{target}"], capture_output=True, timeout=60)
    assert out.returncode != 0
    assert _psql(target, "SELECT count(*) FROM t") == "0"  # one transaction: nothing half-restored


def test_sqlite_backup_and_restore_keep_the_rows(tmp_path):
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"DATA_DIR": str(data)}
    up = subprocess.run([*CLI, "db", "upgrade", "ledger"], env=env, cwd=ROOT, capture_output=True, text=True,
                        timeout=120)
    assert up.returncode == 0, up.stderr
    db = data / "ledger.db"
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO ledger_processed_event (event_id, event_type, processed_at) "
                     "VALUES ('e-1', 'PlacementConfirmed', '2026-01-01 00:00:00')")
    backup = tmp_path / "ledger.sqlite"
    subprocess.run(["bash", str(BACKUP), f"sqlite:///{db}", str(backup)], check=True, timeout=60)
    restored = tmp_path / "restored" / "ledger.db"
    subprocess.run(["bash", str(RESTORE), str(backup), f"sqlite:///{restored}"], check=True, timeout=60)
    with sqlite3.connect(restored) as conn:
        assert conn.execute("SELECT event_type FROM ledger_processed_event WHERE event_id = 'e-1'").fetchone() \
            == ("PlacementConfirmed",)
    refused = subprocess.run(["bash", str(RESTORE), str(backup), f"sqlite:///{restored}"], capture_output=True)
    assert refused.returncode != 0
