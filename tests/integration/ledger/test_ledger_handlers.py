"""The ledger's handlers on a real database (PostgreSQL in CI): the multi-source scenario, replayed
duplicated and out of order, gives exactly the ground truth; the cache equals the fold."""
from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

import pytest
from sqlmodel import select

from services.ledger.adapters.orm import Entry, Place
from services.ledger.domain import journal as jr
from services.ledger.service_layer import handlers, reports
from services.ledger.service_layer.unit_of_work import LedgerUnitOfWork
from services.kernel.db import make_engine, migrate
from tests.integration.ledger.scenario import build
from tests.support import fresh_database

pytestmark = pytest.mark.integration


@pytest.fixture
def engine(tmp_path):
    with fresh_database(tmp_path, "ledger") as url:
        eng = make_engine(url)
        migrate("ledger", eng)
        yield eng
        eng.dispose()


def _replay(engine, events):
    for e in events:
        handlers.handle(e, LedgerUnitOfWork(engine))


def _cache(engine):
    with LedgerUnitOfWork(engine) as uow:
        return sorted((handlers.place_view(p) for p in uow.session.exec(select(Place)).all()),
                      key=lambda p: (p.person_ref, p.move_in_date, p.unit_key))


def _fold(engine, as_of=None):
    with LedgerUnitOfWork(engine) as uow:
        return jr.fold([handlers.to_domain(e) for e in uow.session.exec(select(Entry)).all()], as_of=as_of)


def test_scenario_replayed_out_of_order_with_duplicates_equals_ground_truth(engine):
    sc = build(seed=5, persons=80)
    _replay(engine, sc.deliveries)
    r = reports.realised_places(LedgerUnitOfWork(engine), 10_000, suppress_small=False)
    t = sc.truth
    assert r["realised_places"] == t.places and r["unique_persons"] == t.persons
    assert r["flagged_for_review"] == t.review and r["currently_occupied"] == t.occupied
    assert {k: v for k, v in r["by_strategy"].items() if v} == dict(t.by_strategy)
    assert r["by_region"] == dict(t.by_region)
    assert {s["source"]: s["places"] for s in r["sources"]} == dict(t.sources)
    assert {(o["source_a"], o["source_b"]): o["places"] for o in r["overlap"] if o["places"]} == dict(t.overlap)
    assert [u["places"] for u in r["unverified_totals"]] == [t.unverified]
    # The cache the handlers keep equals the pure fold over the journal.
    assert _cache(engine) == _fold(engine).places
    # Redelivering everything again changes nothing (the inbox).
    with LedgerUnitOfWork(engine) as uow:
        n_entries = len(uow.session.exec(select(Entry)).all())
    _replay(engine, sc.events)
    with LedgerUnitOfWork(engine) as uow:
        assert len(uow.session.exec(select(Entry)).all()) == n_entries == len(sc.events)
    assert reports.realised_places(LedgerUnitOfWork(engine), 10_000, suppress_small=False) == r
    # Figures as of the day after the last event equal the current ones; before the first, nothing.
    later = reports.realised_places(LedgerUnitOfWork(engine), 10_000, suppress_small=False,
                                    as_of=(sc.last_event + timedelta(days=1)).date())
    assert later["realised_places"] == r["realised_places"] and later["overlap"] == r["overlap"]
    before = reports.realised_places(LedgerUnitOfWork(engine), 10_000, suppress_small=False,
                                     as_of=(sc.first_event - timedelta(days=1)).date())
    assert before["realised_places"] == 0


def test_another_arrival_order_gives_the_same_cache(engine, tmp_path):
    sc = build(seed=9, persons=30)
    _replay(engine, sc.deliveries)
    first = _cache(engine)
    with fresh_database(tmp_path, "ledger2") as url:
        other = make_engine(url)
        migrate("ledger", other)
        deliveries = list(sc.deliveries)
        random.Random(1).shuffle(deliveries)
        _replay(other, list(reversed(deliveries)))
        assert _cache(other) == first
        other.dispose()


def test_erasure_replaces_the_reference_and_keeps_the_counts(engine):
    sc = build(seed=5, persons=24)
    _replay(engine, sc.events)
    before = reports.realised_places(LedgerUnitOfWork(engine), 10_000, suppress_small=False)
    erased = [e for e in sc.events if e.event_type == "PersonErased"]
    assert erased
    refs = {e.person_ref for e in erased}
    with LedgerUnitOfWork(engine) as uow:
        stored = set(uow.session.exec(select(Entry.person_ref)).all()) | \
            set(uow.session.exec(select(Place.person_ref)).all())
    assert not refs & stored
    assert any(r and r.startswith("tombstone:") for r in stored)
    # A late report about an erased person lands on the tombstone: still one place, one person.
    late = next(e for e in sc.events if e.event_type in ("PlacementReported", "PlacementConfirmed")
                and e.person_ref in refs)
    _replay(engine, [late.model_copy(update={"event_id": __import__("uuid").uuid4()})])
    after = reports.realised_places(LedgerUnitOfWork(engine), 10_000, suppress_small=False)
    assert after["realised_places"] == before["realised_places"]
    assert after["unique_persons"] == before["unique_persons"]
    assert Counter(after["by_strategy"]) == Counter(before["by_strategy"])


def test_as_of_shows_the_agreements_and_limits_of_that_day(engine):
    from datetime import UTC, date, datetime

    from contracts import events as ev
    t1, t2 = datetime(2026, 2, 1, 9, tzinfo=UTC), datetime(2026, 6, 1, 9, tzinfo=UTC)
    common = {"producer": "gm0363", "municipality": "GM0363", "region": "R01", "period": "2026"}
    _replay(engine, [
        ev.AgreementRegistered(occurred_at=t1, corporation="corp-a", max_places=10, **common),
        ev.AgreementRegistered(occurred_at=t2, corporation="corp-a", max_places=25, **common),  # raised in June
        ev.AgreementRegistered(occurred_at=t2, corporation="corp-b", max_places=5, **common),   # new in June
        ev.NeighbourhoodLimitSet(occurred_at=t2, neighbourhood="BU03630001", max_placements=8, used=1, **common),
    ])

    def figures(as_of):
        r = reports.realised_places(LedgerUnitOfWork(engine), 10_000, suppress_small=False, as_of=as_of)
        return ({a["corporation"]: a["committed_places"] for a in r["agreements"]},
                [n["neighbourhood"] for n in r["neighbourhood_limits"]])

    assert figures(date(2026, 3, 1)) == ({"corp-a": 10}, [])
    assert figures(date(2026, 6, 1)) == ({"corp-a": 25, "corp-b": 5}, ["BU03630001"])
    assert figures(None) == ({"corp-a": 25, "corp-b": 5}, ["BU03630001"])
    assert figures(date(2026, 1, 1)) == ({}, [])


def test_a_move_in_reported_ahead_counts_only_from_its_date(engine):
    """A placement reported before its move-in date (as planned) was counted, and occupied, at once."""
    import uuid
    from datetime import UTC, date, datetime
    from zoneinfo import ZoneInfo

    from contracts import events as ev
    reported_at, today = datetime(2026, 3, 2, 9, tzinfo=UTC), datetime.now(ZoneInfo("Europe/Amsterdam")).date()

    def placement(i: int, move_in: date) -> ev.PlacementReported:
        return ev.PlacementReported(event_id=uuid.uuid4(), occurred_at=reported_at, producer="gm0363",
                                    person_ref=f"{i:064x}", bag_id=f"0363{i:012d}", municipality="GM0363",
                                    region="R01", unit_kind="regular", move_in_date=move_in,
                                    report_id=f"rep-{i}", source="gm0363", source_kind="municipal_monitor")

    _replay(engine, [placement(i, date(2026, 3, 1)) for i in range(6)]
            + [placement(100 + i, date(2026, 3, 20)) for i in range(7)]
            + [placement(200 + i, today + timedelta(days=10)) for i in range(5)])

    def figures(as_of):
        r = reports.realised_places(LedgerUnitOfWork(engine), 10_000, suppress_small=False, as_of=as_of)
        return r["realised_places"], r["currently_occupied"]

    assert figures(date(2026, 3, 2)) == (6, 6)    # all 18 were reported by then; 6 had moved in
    assert figures(date(2026, 3, 20)) == (13, 13)  # from the move-in date itself
    assert figures(None) == (18, 13)  # today: the 5 moving in ten days from now count, but live there later
