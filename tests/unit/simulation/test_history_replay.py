"""``simulate --history``: a recorded matcher database replayed (issue 21).

The "history" is recorded by the simulator itself into an SQLite file (the matcher's own handlers and
rounds write its tables as in service): 30 days of a synthetic scenario, with answers.
"""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, inspect

from services.matcher.domain.policy import DEFAULT_POLICY
from services.system.simulation.acceptance import AcceptanceModel
from services.system.simulation.cli import main
from services.system.simulation.engine import Timing, simulate
from services.system.simulation.recorded import load_history
from services.system.simulation.scenario import ScenarioParams, generate
from services.system.simulation.strategies import make_solver

DAYS = 30


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('history') / 'matcher.db'}"
    scenario = generate(5, ScenarioParams(regions=2, days=DAYS))
    outcome = simulate(scenario, make_solver("matcher", DEFAULT_POLICY), AcceptanceModel(), Timing(),
                       database_url=url)
    return url, scenario, outcome


def test_the_replayed_scenario_is_what_the_matcher_took_in(recorded):
    url, scenario, outcome = recorded
    history = load_history(url)
    sc = history.scenario
    assert history.left_out == {}
    assert sc.start == min(t for t, e in scenario.arrivals if e.event_type in ("CandidateSubmitted",
                                                                                "VacancyPublished"))
    assert sc.params.days == DAYS
    kinds = lambda arrivals, k: sorted(  # noqa: E731
        (e.candidate_id if k == "CandidateSubmitted" else e.unit_id, t) for t, e in arrivals if e.event_type == k)
    for kind in ("CandidateSubmitted", "VacancyPublished"):
        assert kinds(sc.arrivals, kind) == kinds(scenario.arrivals, kind)
    got = {e.candidate_id: e for _, e in sc.arrivals if e.event_type == "CandidateSubmitted"}
    for _, e in scenario.arrivals:
        if e.event_type == "CandidateSubmitted":  # the same profile, under the same pseudonym
            assert got[e.candidate_id].model_dump(exclude={"event_id", "producer"}) == \
                e.model_dump(exclude={"event_id", "producer"})
    assert sorted(e.max_places for _, e in sc.arrivals if e.event_type == "AgreementRegistered") == \
        sorted(e.max_places for _, e in scenario.arrivals if e.event_type == "AgreementRegistered")
    assert [r.code for r in sc.regions] == ["R01", "R02"]
    # only one region when asked, and no BSN anywhere in what it reads
    assert {e.region for _, e in load_history(url, ["R02"]).scenario.arrivals if hasattr(e, "region")} == {"R02"}
    engine = create_engine(url)
    columns = [c["name"] for t in inspect(engine).get_table_names() for c in inspect(engine).get_columns(t)]
    engine.dispose()
    assert not [c for c in columns if "bsn" in c.lower()]


def test_the_acceptance_model_is_calibrated_from_the_recorded_answers(recorded):
    url, _, outcome = recorded
    model = load_history(url).acceptance
    assert outcome.counts["OfferMade"] > 20
    assert model != AcceptanceModel() and 0.5 < model.accept["regular"] < 1.0 and 0.8 < model.confirm < 1.0


def test_the_first_round_replays_to_the_same_offers(recorded):
    url, _, outcome = recorded
    history = load_history(url)
    replay = simulate(history.scenario.for_seed(1), make_solver("matcher", DEFAULT_POLICY), history.acceptance)
    first = min(o.occurred_at for o in outcome.offers)
    pairs = lambda offers: sorted((o.candidate_id, o.unit_id) for o in offers if o.occurred_at == first)  # noqa: E731
    assert pairs(replay.offers) == pairs(outcome.offers) != []
    assert first - history.scenario.start < timedelta(days=1)


def test_the_cli_replays_protects_and_never_writes_the_database_url(recorded, tmp_path):
    url, _, _ = recorded
    out = tmp_path / "r.json"
    args = ["--history", url, "--seeds", "2", "--quiet", "--out", str(out), "--html", str(tmp_path / "r.html")]
    assert main(args) == 0
    report = json.loads(out.read_text())
    assert report["scenario"]["source"].startswith("recorded history") and report["scenario"]["days"] == DAYS
    assert report["disclosure_control"]["threshold"] == 5
    cells = [iv for v in report["variants"] for g in v["metrics"].values() for iv in g.values()]
    hidden = [iv for iv in cells if iv["mean"] is None]
    assert hidden and all(iv["suppressed"] for iv in hidden)
    assert all(iv["mean"] >= 5 for v in report["variants"] for table in ("metrics", "hindsight_metrics")
               for g in v[table].values() for k, iv in g.items() if k == "placed" and iv["mean"] is not None)
    meta = (tmp_path / "r.meta.json").read_text()
    assert url not in meta and url not in out.read_text() and "DATABASE_URL" in meta
    assert main(["--history", url, "--region", "R09", "--quiet"]) == 2  # nothing recorded there
    assert main(["--region", "R01", "--quiet"]) == 2  # --region belongs to --history
    assert main(["--history", f"sqlite:///{tmp_path / 'empty.db'}", "--quiet"]) == 2  # no matcher tables
