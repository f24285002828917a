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
