"""Cancelling a simulation job while the worker's progress or report is being recorded, on PostgreSQL (read
committed, as deployed): each side locks the job's row, so whichever commits second sees the first's ending.
A cancelled job stays cancelled (no report kept, no simulation.done, not running again); a job whose report
committed first cannot be cancelled (409). Each case holds the first transaction open until the second has
reached the row, then lets it commit."""
from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from contracts import events as ev
from services.intake.adapters.orm import Change
from services.intake.adapters.simulation_orm import SimulationJobRecord
from services.intake.domain import simulation_models as m
from services.intake.domain.errors import Conflict
from services.intake.service_layer import simulation_projections, simulations
from services.intake.service_layer.organisations import Caller, create_organisation
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
from services.kernel.db import make_engine, migrate
from tests.support import fresh_database, wait_until

pytestmark = pytest.mark.integration
AT = datetime(2026, 12, 4, 12, tzinfo=UTC)


@pytest.fixture
def engine(tmp_path):
    with fresh_database(tmp_path, "simrace") as url:
        e = make_engine(url)
        if e.dialect.name != "postgresql":
            pytest.skip("SQLite serialises writers: there is no race to lose")
        migrate("intake", e)
        yield e
        e.dispose()


@pytest.fixture
def job(engine):
    org_id, _ = create_organisation(IntakeUnitOfWork(engine), "Gemeente Noord", "municipality", "GM0701", "R07")
    caller = Caller(org_id, "municipality", "GM0701", "R07")
    body = m.StartSimulation(days=10, seeds=1, variants=[{"name": "a"}])
    return caller, simulations.start(IntakeUnitOfWork(engine), caller, body)[1]["job_id"]


def worker_event(kind: str, caller: Caller, job_id: str) -> ev.Event:
    if kind == "progress":
        return ev.SimulationProgressed(producer="simulation", occurred_at=AT, job_id=job_id, org_id=caller.org_id,
                                       days_simulated=4, days_total=10)
    return ev.SimulationFinished(producer="simulation", occurred_at=AT, job_id=job_id, org_id=caller.org_id,
                                 status="done", report={"variants": []})


def in_thread(fn) -> tuple[threading.Thread, dict]:
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = fn()
        except Exception as exc:  # noqa: BLE001 - handed to the test, which asserts what it was
            outcome["error"] = exc
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def reached_the_row(engine, thread: threading.Thread) -> None:
    """Until the second transaction waits for the first's row lock (or, without one, has gone past it)."""
    def waiting() -> bool:
        with engine.connect() as db:
            return db.execute(text("select count(*) from pg_stat_activity where datname = current_database() "
                                   "and wait_event_type = 'Lock'")).scalar_one() > 0
    wait_until(lambda: waiting() or not thread.is_alive(), timeout=10, every=0.05)


def outcome_of(engine, job_id: str) -> tuple[str, dict | None, int, list[str]]:
    with Session(engine) as s:
        row = s.get(SimulationJobRecord, job_id)
        kinds = s.exec(select(Change.kind).order_by(Change.seq)).all()
        return row.status, row.report, row.days_simulated, list(kinds)


def hear(engine, event) -> None:
    uow = IntakeUnitOfWork(engine)
    with uow:
        simulation_projections.HANDLERS[type(event)](event, uow)
        uow.commit()


@pytest.mark.parametrize("kind", ["progress", "finished"])
def test_what_the_worker_sends_during_a_cancel_waits_for_it_and_is_ignored(engine, job, kind):
    caller, job_id = job
    cancelling, paused, go_on = IntakeUnitOfWork(engine), threading.Event(), threading.Event()

    def hold(*_) -> None:  # the cancel keeps its transaction open just before it commits
        paused.set()
        go_on.wait(10)
    cancelling.on_finish = hold
    canceller, cancelled = in_thread(lambda: simulations.cancel(cancelling, caller, job_id))
    assert paused.wait(10), cancelled
    hearing, heard = in_thread(lambda: hear(engine, worker_event(kind, caller, job_id)))
    reached_the_row(engine, hearing)
    go_on.set()
    canceller.join(10)
    hearing.join(10)
    assert "error" not in cancelled and "error" not in heard, (cancelled, heard)
    assert outcome_of(engine, job_id) == ("cancelled", None, 0, ["simulation.cancelled"])


@pytest.mark.parametrize("kind", ["progress", "finished"])
def test_a_cancel_during_what_the_worker_sends_waits_for_it(engine, job, kind):
    caller, job_id = job
    recording = IntakeUnitOfWork(engine)
    with recording:  # the worker's event handled, its transaction not yet committed
        event = worker_event(kind, caller, job_id)
        simulation_projections.HANDLERS[type(event)](event, recording)
        canceller, cancelled = in_thread(lambda: simulations.cancel(IntakeUnitOfWork(engine), caller, job_id))
        reached_the_row(engine, canceller)
        recording.commit()
    canceller.join(10)
    if kind == "progress":  # the job was running when the cancel came: it ends cancelled, its progress kept
        assert "error" not in cancelled and cancelled["value"][1]["status"] == "cancelled"
        assert outcome_of(engine, job_id) == ("cancelled", None, 4, ["simulation.cancelled"])
    else:  # the report came first: the job is done, and stays so
        assert isinstance(cancelled.get("error"), Conflict)
        assert outcome_of(engine, job_id) == ("done", {"variants": []}, 10, ["simulation.done"])
