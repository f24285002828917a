"""Erasure on request end to end: `housing-match person erase` through the real broker and every service."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta

import pytest
from sqlalchemy import create_engine, inspect, text

from services.kernel.privacy import pseudonymise
from tests.e2e.region import one_region
from tests.support import wait_until as _wait

pytestmark = pytest.mark.e2e
PLACED_BSN, WAITING_BSN = "123456782", "111222333"


def test_erasure_removes_the_person_from_every_service_and_keeps_the_count(stack):
    conf = stack.conf
    wissen = one_region(stack, "Wissen", "GM0777", "R07", max_places=5)
    api = wissen.api
    placed = wissen.candidate(PLACED_BSN, days_in_shelter=300)["candidate_id"]
    wissen.vacancy("E-1")
    first = _wait(lambda: api["shelter"].call("GET", "/v1/offers?status=open")["items"])[0]
    assert first["candidate_id"] == placed
    api["corporation"].call("POST", f"/v1/offers/{first['offer_id']}/confirmation", {})
    api["shelter"].call("POST", f"/v1/offers/{first['offer_id']}/acceptance", {})
    engine = create_engine(conf.database_url)
    realised = "select count(*) from ledger_place where status = 'realised'"
    _wait(lambda: _scalar(engine, realised) == 1)
    # The municipality's monitor reported the placement too; the waiting person came with an Idempotency-Key.
    api["municipality"].call("POST", "/v1/placement-reports", {
        "report_id": "w-1", "bsn": PLACED_BSN, "municipality": "GM0777", "region": "R07", "unit_id": "E-1",
        "corporation": wissen.orgs["corporation"].org_id, "unit_kind": "regular",
        "move_in_date": date.today().isoformat()})
    waiting = api["shelter"].call("POST", "/v1/candidates", {
        "bsn": WAITING_BSN, "region": "R07", "household_size": 1,
        "shelter_entry_date": (date.today() - timedelta(days=200)).isoformat()}, idempotent=True)["candidate_id"]
    wissen.vacancy("E-2")
    second = _wait(lambda: [o for o in api["shelter"].call("GET", "/v1/offers?status=open")["items"]
                            if o["vacancy_id"] == "E-2"])[0]
    assert second["candidate_id"] == waiting

    refs = [pseudonymise(bsn, conf.pseudonym_secret) for bsn in (PLACED_BSN, WAITING_BSN)]
    assert all(_holders(engine, ref) for ref in refs)  # before: the references are there
    for bsn in (PLACED_BSN, WAITING_BSN):
        out = _erase(conf, bsn)
        assert out["submissions"] == 1 and bsn not in json.dumps(out) and not any(r in json.dumps(out) for r in refs)

    # Every service replaces the references; no table of any service holds them any more.
    _wait(lambda: not any(_holders(engine, ref) for ref in refs), timeout=60)
    # The ledger keeps an erasure for each (so later reports of the person land on the tombstone) ...
    _wait(lambda: _scalar(engine, "select count(*) from ledger_erasure") == 2)
    assert _scalar(engine, realised) == 1  # ... and the realised place still counts
    # The waiting person left matching: the open offer was taken back; both profiles are empty.
    withdrawn = _wait(lambda: [o for o in api["shelter"].call("GET", "/v1/offers")["items"]
                               if o["offer_id"] == second["offer_id"] and o["status"] == "withdrawn"])
    assert withdrawn
    # The shelter no longer lists or reads the erased submissions; their ids and statuses stay for the counts.
    listed = {c["candidate_id"] for c in api["shelter"].call("GET", "/v1/candidates")["items"]}
    assert listed.isdisjoint({placed, waiting})
    assert api["shelter"].request("GET", f"/v1/candidates/{waiting}")[0] == 404
    with engine.connect() as db:
        statuses = dict(db.execute(text("select candidate_id, status from intake_candidate")).all())
        assert (statuses[placed], statuses[waiting]) == ("placed", "withdrawn")
        for table in ("intake_candidate", "matcher_candidate"):
            profiles = db.execute(text(f"select profile from {table} where candidate_id in (:a, :b)"),
                                  {"a": placed, "b": waiting}).scalars().all()
            assert [json.loads(p) if isinstance(p, str) else p for p in profiles] == [{}, {}], table
        audited = db.execute(text("select count(*) from intake_audit where action = 'person.erase'")).scalar()
        # What the offers said about them (priority components) and the stored first answer go too.
        for table in ("intake_offer", "matcher_offer"):
            said = db.execute(text(f"select explanation from {table} where candidate_id in (:a, :b)"),
                              {"a": placed, "b": waiting}).scalars().all()
            assert said and all((json.loads(e) if isinstance(e, str) else e) == {} for e in said), table
        stored = [bytes(b) if isinstance(b, (bytes, memoryview)) else b
                  for b in db.execute(text("select body from intake_idempotency")).scalars().all()]
    assert audited == 2 and not any(waiting in json.dumps(b, default=str) for b in stored)
    # A source can still retract its report about the erased person (the tombstone is a valid reference).
    assert api["municipality"].request("POST", "/v1/placement-reports/w-1/retraction",
                                       {"reason": "reported in error"})[0] == 200
    erased = [c["data"]["candidate_id"] for c in api["shelter"].call("GET", "/v1/changes?limit=500")["items"]
              if c["kind"] == "candidate.erased"]
    assert sorted(erased) == sorted([placed, waiting])
    engine.dispose()


def test_a_bad_bsn_is_refused_without_echo(stack):
    done = _run_erase(stack.conf, "12345678")
    assert done.returncode == 2 and "BSN" in done.stderr and "12345678" not in done.stdout + done.stderr


def _run_erase(conf, bsn: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": conf.database_url, "PSEUDONYM_SECRET": conf.pseudonym_secret,
           "DATA_DIR": str(conf.data_dir)}
    return subprocess.run([sys.executable, "-m", "services.system.cli", "person", "erase"], input=bsn + "\n",
                          capture_output=True, text=True, env=env, timeout=120)


def _erase(conf, bsn: str) -> dict:
    done = _run_erase(conf, bsn)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _holders(engine, ref: str) -> list[str]:
    """The tables in which any row holds this text (the whole database, every service, outboxes too: a
    row is deleted once sent; only the topics' logs keep the reference, for their retention)."""
    found = []
    with engine.connect() as db:
        for table in inspect(engine).get_table_names():
            if any(ref in repr(tuple(row)) for row in db.execute(text(f'select * from "{table}"'))):
                found.append(table)
    return found


def _scalar(engine, sql: str):
    with engine.connect() as db:
        return db.execute(text(sql)).scalar()
