"""Municipalities' simulation jobs (issue 21) through the real broker, PostgreSQL and the simulation worker:
a municipality starts a short job of its own region, follows its progress and reads the report; another
municipality (of the same region) gets 404 on it; another region and another role are refused; a second
request waits for the first (one job at a time) and a failed job says why.
"""
from __future__ import annotations

import random
import re
import time
import urllib.request
from datetime import date

import pytest
from sqlalchemy import create_engine, text

from services.system.demo import create_organisations
from services.system.partner_client import PartnerClient
from services.system.scenario import Org, Scenario, make_bsn
from services.system.supervisor import client_ssl_context
from tests.support import wait_until

pytestmark = pytest.mark.e2e
STACK_SIMULATION = True

VARIANTS = [{"name": "vandaag"},
            {"name": "30 plaatsen meer", "changes": {"agreements": [{"municipality": "GM4101", "extra_places": 30}]}}]


@pytest.fixture(scope="module")
def partners(stack):
    sc = Scenario(period=str(date.today().year), today=date.today())
    sc.orgs = [Org("Gemeente Noord", "municipality", municipality="GM4101", region="R41", central=True),
               Org("Gemeente Noordbuurt", "municipality", municipality="GM4102", region="R41"),
               Org("Gemeente Zuid", "municipality", municipality="GM4201", region="R42"),
               Org("Woonstichting Noord", "corporation", region="R41")]
    create_organisations(stack.conf, sc)
    tls = client_ssl_context(stack.conf)
    return {key: PartnerClient(stack.url("intake"), o.token, tls)
            for key, o in zip(("noord", "noordbuurt", "zuid", "corporation"), sc.orgs)}


def test_a_municipality_simulates_its_own_region_and_only_it_reads_the_report(stack, partners):
    api = partners["noord"]
    body, key = {"days": 30, "seeds": 1, "variants": VARIANTS}, {"Idempotency-Key": "noord-simulatie-1"}
    status, job = api.request("POST", "/v1/simulations", body, headers=key)
    assert status == 202 and job["status"] == "queued" and job["region"] == "R41", job
    assert api.last_headers["Location"] == f"/v1/simulations/{job['job_id']}"
    # A retry with the same key is the same job: no second one is started.
    assert api.request("POST", "/v1/simulations", body, headers=key) == (202, job)
    assert api.last_headers["Idempotent-Replayed"] == "true"
    assert api.last_headers["Location"] == f"/v1/simulations/{job['job_id']}"
    assert job["progress"] == {"days_simulated": 0, "days_total": 60, "percent": 0.0}

    seen = []

    def done():
        j = api.call("GET", f"/v1/simulations/{job['job_id']}")
        seen.append((j["status"], j["progress"]["percent"]))
        return j if j["status"] in ("done", "failed") else None
    # A few seconds here; far longer on a machine busy with other test runs (the whole suite at once).
    final = wait_until(done, timeout=150, every=0.1)
    assert final["status"] == "done", final
    # It ran: progress moved on, never back, through "running" before the report came.
    assert any(s == "running" for s, _ in seen), seen
    assert [p for _, p in seen] == sorted(p for _, p in seen), seen
    assert final["progress"]["percent"] == 100.0
    report = final["report"]
    assert report["scenario"]["source"] == "synthetic"
    assert report["scenario"]["region"]["code"] == "R41"
    assert report["scenario"]["region"]["municipalities"][:2] == ["GM4101", "GM4102"]
    assert [v["name"] for v in report["variants"]] == ["vandaag", "30 plaatsen meer"]
    placed = {v["name"]: v["metrics"]["all"]["placed"]["mean"] for v in report["variants"]}
    assert placed["vandaag"] > 0
    assert [j["job_id"] for j in api.call("GET", "/v1/simulations")["items"]] == [job["job_id"]]

    # Nobody else reads it: not another municipality of the same region, not one of another region.
    for other in (partners["noordbuurt"], partners["zuid"]):
        assert other.request("GET", f"/v1/simulations/{job['job_id']}")[0] == 404
        assert other.call("GET", "/v1/simulations")["items"] == []
    # The change feed tells the municipality that started it.
    assert [c["data"] for c in api.call("GET", "/v1/changes?cursor=0")["items"]
            if c["kind"] == "simulation.done"] == [{"job_id": job["job_id"]}]
    # The worker counts it (deploy/prometheus/alerts.yml alerts on these), by outcome and with its wall time,
    # just after its result went out.
    def counted():
        with urllib.request.urlopen(f"{stack.url('simulation')}/metrics", timeout=5) as r:
            text = r.read().decode()
        return text if re.search(r'^housing_simulation_jobs_finished_total\{outcome="done"\} [1-9]', text, re.M) \
            else None
    body = wait_until(counted, timeout=30, every=0.2)
    assert re.search(r"^housing_simulation_jobs_started_total [1-9]", body, re.M)
    assert re.search(r'^housing_simulation_job_seconds_count\{outcome="done"\} [1-9]', body, re.M)


def test_another_region_and_another_role_are_refused(partners):
    api, corporation = partners["noord"], partners["corporation"]
    status, problem = api.request("POST", "/v1/simulations", {"region": "R42", "days": 5})
    assert status == 403 and problem["invalid_params"][0]["name"] == "region", problem
    status, problem = api.request("POST", "/v1/simulations", {"days": 400, "variants": [
        {"name": "x", "changes": {"policy": {"refusals": {"max_declines": 1}}}}]})
    assert status == 400
    assert {p["name"] for p in problem["invalid_params"]} == {"variants.0.changes.policy.refusals"}, problem
    assert corporation.request("POST", "/v1/simulations", {"days": 5})[0] == 403
    assert corporation.request("GET", "/v1/simulations")[0] == 403


def test_one_job_at_a_time_and_a_job_cut_off_by_a_restart_runs_again(stack, partners):
    """Two jobs queue behind each other; the worker killed (-9) in the middle of one runs it again after its
    restart (the request's offset was not committed) and the intake keeps one result."""
    api = partners["noordbuurt"]
    body = {"days": 365, "seeds": 1, "variants": [{"name": "vandaag"}]}  # long enough to be caught running
    first = api.call("POST", "/v1/simulations", body, ok=(202,))["job_id"]
    second = api.call("POST", "/v1/simulations", body, ok=(202,))["job_id"]

    def statuses() -> dict[str, str]:
        return {j["job_id"]: j["status"] for j in api.call("GET", "/v1/simulations")["items"]}
    running = wait_until(lambda: [j for j, s in statuses().items() if s == "running"], timeout=60, every=0.1)
    for _ in range(3):  # the other waits while this one runs
        assert list(statuses().values()).count("running") == 1
        time.sleep(0.1)
    worker = next(w for w in stack.workers if w.service == "simulation")
    worker.process.kill()
    worker.process.wait()
    stack.spawn(worker)
    # (The job cut off keeps showing "running" with its last progress until it runs again.)
    wait_until(lambda: set(statuses().values()) == {"done"}, timeout=180, every=0.2)
    reports = [api.call("GET", f"/v1/simulations/{j}")["report"] for j in (first, second)]
    assert reports[0] == reports[1]  # the same request, the same report: the run after the restart is complete
    assert len([c for c in api.call("GET", "/v1/changes?cursor=0")["items"] if c["kind"] == "simulation.done"]) == 2


def test_a_replay_of_the_regions_recorded_history_reaches_the_municipality_under_disclosure_control(stack):
    """``"source": "history"``: the worker replays the region's people and homes as the matcher recorded them;
    a region with nothing recorded fails naming ``source``; the report's counts about people under 5 are hidden."""
    sc = Scenario(period=str(date.today().year), today=date.today())
    sc.orgs = [Org("Gemeente West", "municipality", municipality="GM4301", region="R43", central=True),
               Org("Woonstichting West", "corporation", region="R43"), Org("Opvang West", "shelter", region="R43")]
    create_organisations(stack.conf, sc)
    tls = client_ssl_context(stack.conf)
    api, corp, shelter = (PartnerClient(stack.url("intake"), o.token, tls) for o in sc.orgs)
    body = {"days": 30, "seeds": 1, "variants": [{"name": "vandaag"}], "source": "history"}

    def finished(job_id: str) -> dict:
        return wait_until(lambda: (j := api.call("GET", f"/v1/simulations/{job_id}"))["status"] in ("done", "failed")
                          and j, timeout=150, every=0.2)
    empty = finished(api.call("POST", "/v1/simulations", body, ok=(202,))["job_id"])
    assert empty["status"] == "failed" and empty["reason"].startswith("source:"), empty

    today = date.today()
    for i in range(3):
        corp.call("POST", "/v1/vacancies", {"unit_id": f"W-{i}", "municipality": "GM4301", "region": "R43",
                                            "neighbourhood": "BU43010001", "kind": "regular", "rooms": 1,
                                            "available_from": today.isoformat()})
    for i in range(6):
        shelter.call("POST", "/v1/candidates", {"bsn": make_bsn(random.Random(f"west-{i}")), "region": "R43",
                                                "household_size": 1, "shelter_entry_date": today.isoformat()})
    engine = create_engine(stack.conf.database_url)
    try:  # the matcher has recorded them (the replay reads its tables)
        with engine.connect() as db:
            wait_until(lambda: db.execute(text("select count(*) from matcher_candidate where region = 'R43'"))
                       .scalar_one() == 6, timeout=60)
    finally:
        engine.dispose()
    final = finished(api.call("POST", "/v1/simulations", body, ok=(202,))["job_id"])
    assert final["status"] == "done", final
    report = final["report"]
    assert report["scenario"]["source"] == "history" and report["scenario"]["regions"] == ["R43"]
    assert "disclosure_control" in report
    for group in report["variants"][0]["metrics"].values():
        for measure in ("placed", "waiting_at_end"):
            if measure in group:
                assert group[measure]["mean"] is None or group[measure]["mean"] >= 5, (measure, group)
