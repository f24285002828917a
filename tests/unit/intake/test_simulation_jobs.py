"""Issue 21: a municipality's simulation job — the request is checked with each field's path (never its value),
a municipality simulates and reads only its own region's jobs, and the worker's events move a job forward once."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from contracts import events as ev
from services.intake.adapters.orm import AuditEntry, Outbox
from services.intake.domain import rules
from services.intake.domain import simulation_models as m
from services.intake.domain.errors import Forbidden, NotFound
from services.intake.service_layer import simulation_projections, simulations
from services.intake.service_layer.organisations import Caller, create_organisation
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
from services.kernel.http import HttpProblem, validate_json


def check(body) -> m.StartSimulation:
    return validate_json(json.dumps(body).encode(), m.StartSimulation, context={rules.TODAY: date(2026, 12, 4)})


def refused(body) -> list[str]:
    with pytest.raises(HttpProblem) as exc:
        check(body)
    assert exc.value.status == 400
    return sorted(e["name"] for e in exc.value.errors)


def test_every_field_is_optional_and_the_default_compares_the_four_strategies():
    job = check({})
    assert (job.days, job.seeds, job.region, job.source) == (365, 3, None, "synthetic")
    assert [v.name for v in job.variants] == ["matcher", "greedy", "fcfs", "look_ahead"]


def test_a_bad_request_names_each_field_by_its_path_and_never_its_value():
    assert refused({"days": 0, "seeds": 6, "source": "archief", "region": "Noord"}) == [
        "days", "region", "seeds", "source"]
    assert refused({"days": 366}) == ["days"]
    assert refused({"variants": []}) == ["variants"]
    assert refused({"variants": [{"name": "a", "changes": {"strategy": "lottery", "lottery": 1}}]}) == [
        "variants.0.changes.lottery", "variants.0.changes.strategy"]
    assert refused({"variants": [{"name": "a"}, {"name": "a"}]}) == ["variants.1.name"]
    # The solver does not apply refusals: the pointer to refusal_rules is the only complaint.
    with pytest.raises(HttpProblem) as exc:
        check({"variants": [{"name": "a", "changes": {"policy": {"refusals": {"max_declines": 1}}}}]})
    assert exc.value.errors == [{"name": "variants.0.changes.policy.refusals",
                                 "reason": "the solver does not apply it; use changes.refusal_rules"}]
    # A name travels on a topic and into a table: no personal number rides along, and none is echoed.
    with pytest.raises(HttpProblem) as exc:
        check({"variants": [{"name": "voor 123456782"}]})
    assert [e["name"] for e in exc.value.errors] == ["variants.0.name"] and "123456782" not in repr(exc.value.errors)
    assert check({"variants": [{"name": "meer", "changes": {"agreements": [{"extra_places": 30}],
                                                             "refusal_rules": {"park_days": 10}}}]}).variants[0]


@pytest.fixture
def region(engine):
    def org(name, role, municipality=None, reg="R07", central=False):
        org_id, _ = create_organisation(IntakeUnitOfWork(engine), name, role, municipality, reg, central=central)
        return Caller(org_id, role, municipality, reg)
    return {"noord": org("Gemeente Noord", "municipality", "GM0701", central=True),
            "buur": org("Gemeente Buur", "municipality", "GM0702"),
            "zuid": org("Gemeente Zuid", "municipality", "GM0801", reg="R08"),
            "corp": org("Woonstichting Noord", "corporation")}


def requested(engine) -> list[ev.SimulationRequested]:
    with Session(engine) as s:
        return [e for e in (ev.parse_event(r.value) for r in s.exec(select(Outbox)).all())
                if isinstance(e, ev.SimulationRequested)]


def test_a_municipality_simulates_its_own_region_shaped_as_the_intake_knows_it(engine, region):
    status, job = simulations.start(IntakeUnitOfWork(engine), region["noord"], check({"days": 20, "seeds": 1}))
    assert status == 202 and job["status"] == "queued" and job["region"] == "R07"
    assert job["progress"] == {"days_simulated": 0, "days_total": 80, "percent": 0.0}
    [event] = requested(engine)
    assert (event.job_id, event.org_id, event.region) == (job["job_id"], region["noord"].org_id, "R07")
    assert event.municipalities == ("GM0701", "GM0702") and event.corporations == (region["corp"].org_id,)
    # Its own region by name is the same; another region, another role: refused, nothing sent.
    assert simulations.start(IntakeUnitOfWork(engine), region["noord"], check({"region": "R07"}))[0] == 202
    with pytest.raises(Forbidden) as exc:
        simulations.start(IntakeUnitOfWork(engine), region["noord"], check({"region": "R08"}))
    assert exc.value.errors[0]["field"] == "region"
    with pytest.raises(Forbidden):
        simulations.start(IntakeUnitOfWork(engine), region["corp"], check({}))
    assert len(requested(engine)) == 2
    with Session(engine) as s:  # audited like every write: who started which job
        actions = s.exec(select(AuditEntry.action, AuditEntry.record, AuditEntry.org_id)).all()
    assert (("simulation.start", job["job_id"], region["noord"].org_id) in actions)


def test_only_the_municipality_that_started_a_job_reads_it(engine, region):
    _, job = simulations.start(IntakeUnitOfWork(engine), region["noord"], check({"days": 5}))
    assert simulations.get(IntakeUnitOfWork(engine), region["noord"], job["job_id"])["job_id"] == job["job_id"]
    for other in ("buur", "zuid"):  # not even a municipality of the same region
        with pytest.raises(NotFound):
            simulations.get(IntakeUnitOfWork(engine), region[other], job["job_id"])
        assert simulations.list_jobs(IntakeUnitOfWork(engine), region[other]) == {"items": []}
    with pytest.raises(Forbidden):
        simulations.get(IntakeUnitOfWork(engine), region["corp"], job["job_id"])
    assert [j["job_id"] for j in simulations.list_jobs(IntakeUnitOfWork(engine), region["noord"])["items"]] == [
        job["job_id"]]


def test_progress_only_moves_forward_and_a_finished_job_stays_finished(engine, region):
    _, job = simulations.start(IntakeUnitOfWork(engine), region["noord"], check({"days": 10, "seeds": 1,
                                                                                "variants": [{"name": "a"}]}))
    jid, org = job["job_id"], region["noord"].org_id
    at = datetime(2026, 12, 4, 12, tzinfo=UTC)

    def apply(event):
        uow = IntakeUnitOfWork(engine)
        with uow:
            simulation_projections.HANDLERS[type(event)](event, uow)
            uow.commit()
        return simulations.get(IntakeUnitOfWork(engine), region["noord"], jid)

    def progress(days, org_id=org):
        return ev.SimulationProgressed(producer="simulation", occurred_at=at, job_id=jid, org_id=org_id,
                                       days_simulated=days, days_total=10)
    assert apply(progress(6))["progress"] == {"days_simulated": 6, "days_total": 10, "percent": 60.0}
    assert apply(progress(3))["progress"]["days_simulated"] == 6  # a late or repeated one moves nothing back
    assert apply(progress(9, org_id=region["buur"].org_id))["progress"]["days_simulated"] == 6  # not its job
    done = apply(ev.SimulationFinished(producer="simulation", occurred_at=at, job_id=jid, org_id=org,
                                       status="done", report={"variants": []}))
    assert (done["status"], done["report"], done["progress"]["percent"]) == ("done", {"variants": []}, 100.0)
    again = apply(ev.SimulationFinished(producer="simulation", occurred_at=at, job_id=jid, org_id=org,
                                        status="failed", reason="x: y"))
    assert again["status"] == "done" and apply(progress(2))["status"] == "done"
