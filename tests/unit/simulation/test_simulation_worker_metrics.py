"""The simulation worker's job metrics (deploy/prometheus/alerts.yml alerts on them): every job counted when it
starts and, after its result is published, by outcome with its wall time; a refused request is not a failure."""
from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from contracts import events as ev
from contracts.simulation import Variant
from services.system.simulation_worker import agents, job


def request(job_id: str, **extra) -> ev.SimulationRequested:
    fields = {"occurred_at": datetime(2026, 12, 4, tzinfo=UTC), "producer": "gemeente-noord", "job_id": job_id,
              "org_id": "gemeente-noord", "region": "R41", "municipalities": ("GM4101",), "days": 2, "seeds": 1,
              "variants": [Variant(name="vandaag")]}
    return ev.SimulationRequested(**{**fields, **extra})


@pytest.fixture
def published(monkeypatch) -> list[ev.Event]:
    sent: list[ev.Event] = []

    async def publish(event: ev.Event) -> None:
        sent.append(event)
    monkeypatch.setattr(agents, "publish", publish)
    monkeypatch.setattr(agents, "publish_from_thread", lambda event, loop: sent.append(event))
    return sent


def counts() -> dict[str, float]:
    from prometheus_client import REGISTRY
    get = REGISTRY.get_sample_value
    out = {"started": get("housing_simulation_jobs_started_total") or 0.0}
    for outcome in ("done", "refused", "failed"):
        out[outcome] = get("housing_simulation_jobs_finished_total", {"outcome": outcome}) or 0.0
        out[f"{outcome}_observed"] = get("housing_simulation_job_seconds_count", {"outcome": outcome}) or 0.0
    return out


def test_jobs_are_counted_by_outcome_after_their_result_is_published(published, monkeypatch):
    before = counts()
    asyncio.run(agents.run_request(request("sim-ok")))
    bad = Variant.model_validate({"name": "x", "changes": {"acceptance": {"no_such_setting": 1}}})
    asyncio.run(agents.run_request(request("sim-refused", variants=[bad])))

    def broken(*args):
        raise OSError("disk gone")
    monkeypatch.setattr(job, "run_job", broken)
    asyncio.run(agents.run_request(request("sim-broken")))
    after = counts()
    delta = {k: after[k] - before[k] for k in after}
    assert delta == {"started": 3, "done": 1, "refused": 1, "failed": 1,
                     "done_observed": 1, "refused_observed": 1, "failed_observed": 1}
    ends = [e for e in published if isinstance(e, ev.SimulationFinished)]
    assert [e.status for e in ends] == ["done", "failed", "failed"]
