"""The data of the screens' bench (bench/screens.py): one shelter with 2,000 candidates and 10,000 timeline
entries (offers and passed-over homes), the change feed that goes with them, and a signed-in case worker.
Rows are written through the intake's own tables (seeded, no real people); the screens then read them
through the service layer like any other data."""
from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pyotp
from sqlalchemy import insert

from contracts import events as ev
from contracts.types import PassOverReason
from services.intake.adapters.orm import CandidateRecord, Change, OfferRecord, PassedOverRecord, UnitRecord
from services.intake.service_layer import accounts, signin
from services.intake.service_layer.candidates import stored_profile
from services.intake.service_layer.organisations import create_organisation
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork

PASSWORD = "bench-wachtwoord-2026"
REASONS = [r.value for r in PassOverReason]


def seed(engine, candidates: int = 2000, entries: int = 10000, seed_: int = 2026) -> dict:
    rng = random.Random(seed_)
    shelter, _ = create_organisation(IntakeUnitOfWork(engine), "Bench opvang", "shelter", None, "R07", "shelter")
    corp, _ = create_organisation(IntakeUnitOfWork(engine), "Bench corporatie", "corporation", None, "R07", None)
    now = datetime.now(UTC)
    cands, units, offers, passed, changes = [], [], [], [], []
    for i in range(candidates):
        profile = ev.CandidateProfile(region="R07", household_size=rng.choice([1, 1, 1, 2, 3]),
                                      shelter_entry_date=date.today() - timedelta(days=rng.randint(1, 600)),
                                      wheelchair=rng.random() < 0.05)
        cands.append({"candidate_id": f"cand-bench{i:05d}x", "shelter": shelter, "person_ref": f"ref-{i:05d}x",
                      "region": "R07", "profile": stored_profile(profile, None), "created_at": now, "status":
                      "waiting"})
    for u in range(400):
        units.append({"unit_id": f"{corp}:U-{u}", "corporation": corp, "own_unit_id": f"U-{u}", "region": "R07",
                      "kind": "regular", "status": "open", "details": {
                          "kind": "regular", "rooms": 1, "places": 1, "municipality": "GM0363", "region": "R07",
                          "neighbourhood": "BU03630001", "wheelchair_accessible": False, "support": ["none"],
                          "available_from": date.today().isoformat(), "rent": 600.0}})
    # A third of the timeline entries are offers, the rest passed-over homes; a few candidates have many.
    weights = [50 if i < 20 else 1 for i in range(candidates)]
    owners = rng.choices(range(candidates), weights=weights, k=entries)
    for n, i in enumerate(owners):
        cid, unit = cands[i]["candidate_id"], units[n % len(units)]
        at = now - timedelta(minutes=entries - n)
        if n % 3 == 0:
            open_ = n % 30 == 0
            offers.append({"offer_id": f"off-bench{n:06d}x", "candidate_id": cid, "shelter": shelter,
                           "unit_id": unit["unit_id"], "corporation": corp, "region": "R07", "priority": 100,
                           "explanation": {"days": 100}, "passed_over": {}, "made_at": at,
                           "expires_at": at + timedelta(days=7 if open_ else -1),
                           "status": "open" if open_ else rng.choice(["declined", "expired", "rejected"])})
            changes.append({"org_id": shelter, "kind": "offer.made", "occurred_at": at,
                            "data": {"offer_id": offers[-1]["offer_id"], "candidate_id": cid}})
        else:
            passed.append({"offer_id": f"off-other{n:06d}x", "candidate_id": cid, "shelter": shelter,
                           "unit_id": unit["unit_id"], "corporation": corp, "reason": rng.choice(REASONS),
                           "decided_at": at})
    with engine.begin() as conn:
        for table, rows in ((CandidateRecord, cands), (UnitRecord, units), (OfferRecord, offers),
                            (PassedOverRecord, passed), (Change, changes)):
            conn.execute(insert(table), rows)
    heavy = max(range(candidates), key=owners.count)
    return {"shelter": shelter, "heavy": cands[heavy]["candidate_id"], "typical": cands[-1]["candidate_id"],
            "open_offer": next(o["offer_id"] for o in offers if o["status"] == "open"),
            "timeline_of_heavy": owners.count(heavy)}


def case_worker(engine, shelter: str) -> tuple[str, str]:
    """(e-mail, TOTP secret) of an enrolled case worker of the shelter."""
    uow = IntakeUnitOfWork(engine)
    with uow:
        user, code = accounts.create_user_in(uow, shelter, "bench@opvang.example", "case_worker")
        uow.commit()
    enrolment = signin.choose_password(IntakeUnitOfWork(engine), code, PASSWORD, PASSWORD)
    signin.confirm_second_factor(IntakeUnitOfWork(engine), code, pyotp.TOTP(enrolment.secret).now())
    return "bench@opvang.example", enrolment.secret
