"""Issue 21: the simulation worker's job — one region shaped as the municipality's, the same request giving the
same report and the same event ids (a job run again after a restart is absorbed), refusals naming the field."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from contracts import events as ev
from contracts.simulation import Variant
from services.system.simulation_worker import job


def request(**extra) -> ev.SimulationRequested:
    fields = {"occurred_at": datetime(2026, 12, 4, tzinfo=UTC), "producer": "gemeente-noord", "job_id": "sim-1",
              "org_id": "gemeente-noord", "region": "R41", "municipalities": ("GM4101", "GM4102"),
              "corporations": ("woonstichting-noord",), "days": 6, "seeds": 1,
              "variants": [Variant(name="vandaag"),
                           Variant.model_validate({"name": "meer", "changes": {"agreements": [
                               {"municipality": "GM4101", "extra_places": 5}]}})]}
    return ev.SimulationRequested(**{**fields, **extra})


def test_the_region_is_the_municipalitys_own_and_the_report_says_where_it_came_from():
    seen = []
    report = job.run_job(request(), lambda days, total: seen.append((days, total)))
    assert seen[-1] == (12, 12) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert report["scenario"]["source"] == "synthetic"
    assert report["scenario"]["region"] == {"code": "R41", "municipalities": ["GM4101", "GM4102"],
                                            "corporations": ["woonstichting-noord"]}
    region = job.shaped_region(request())
    assert region.code == "R41" and all(h.startswith(("BU4101", "BU4102")) for hs in region.neighbourhoods.values()
                                        for h in hs)
    # A variant names the region's real codes.
    assert report["variants"][1]["changes"] == {"agreements": [{"municipality": "GM4101", "extra_places": 5}]}
    assert job.run_job(request()) == report  # the same request, the same report


def test_a_jobs_events_have_ids_that_follow_from_the_job():
    assert job.event_id("sim-1", "finished") == job.event_id("sim-1", "finished") != job.event_id("sim-2", "finished")


def test_what_only_the_simulator_can_judge_is_refused_with_the_field():
    bad = request(variants=[Variant(name="a"), Variant.model_validate({"name": "b", "changes": {
        "acceptance": {"lottery": 1}}})])
    with pytest.raises(job.JobRefused, match=r"^variants\[1\]\.changes\.acceptance: "):
        job.run_job(bad)


@pytest.fixture(scope="module")
def recorded_url(tmp_path_factory):
    """A matcher database recorded by the simulator itself (its own handlers and rounds): 20 days of R01, R02."""
    from services.matcher.domain.policy import DEFAULT_POLICY
    from services.system.simulation.acceptance import AcceptanceModel
    from services.system.simulation.engine import Timing, simulate
    from services.system.simulation.scenario import ScenarioParams, generate
    from services.system.simulation.strategies import make_solver
    url = f"sqlite:///{tmp_path_factory.mktemp('history') / 'matcher.db'}"
    simulate(generate(7, ScenarioParams(regions=2, days=20)), make_solver("matcher", DEFAULT_POLICY),
             AcceptanceModel(), Timing(), database_url=url)
    return url


def test_a_replay_of_the_regions_recorded_history_leaves_only_under_disclosure_control(recorded_url):
    seen = []
    history = request(region="R02", source="history", days=20, variants=[Variant(name="vandaag")], seeds=2)
    report = job.run_job(history, lambda days, total: seen.append((days, total)), recorded_url)
    assert report["scenario"]["source"] == "history" and report["scenario"]["regions"] == ["R02"]
    assert "disclosure_control" in report and seen[-1][0] == seen[-1][1]
    placed = report["variants"][0]["metrics"]["all"]["placed"]
    assert placed["mean"] is None or placed["mean"] >= 5  # a count under 5 never leaves
    assert job.run_job(history, None, recorded_url) == report


def test_a_replay_without_history_is_refused_naming_the_source(recorded_url):
    with pytest.raises(job.JobRefused, match="^source: "):
        job.run_job(request(region="R41", source="history"), None, recorded_url)  # nothing recorded in R41
    with pytest.raises(job.JobRefused, match="^source: "):
        job.run_job(request(region="R01", source="history"), None, None)
