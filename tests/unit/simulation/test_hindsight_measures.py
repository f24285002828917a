"""Issue 21: the hindsight optimum's assignment measured as a strategy's placements are.

One region, 45 days. A wheelchair user (day 3, 50 days in shelter) fits only the accessible home
(published day 10, free from day 14); another person (day 20, 80 days in shelter) could take either,
so the only way to place both is him in the ordinary home (published and free day 5). A third person
(day 1, 95 days) excludes the region's only neighbourhood and stays. By hand: the wheelchair user moves
in on day 14 (61 days in shelter), the other on day 20 (80 days); the ordinary home stood empty 15 days.
"""
from __future__ import annotations

import random
from datetime import timedelta

import pytest

from contracts import events as ev
from services.matcher.domain.policy import DEFAULT_POLICY
from services.system.simulation.hindsight import Hindsight, HindsightPlacement
from services.system.simulation.history import History
from services.system.simulation.scenario import START, Region, Scenario, ScenarioParams, event_ids

REGION = Region("R01", ["GM0101"], ["corp-r01-0"], {"GM0101": ["BU01010000"]}, set(), 1.0)


def at(day: int):
    return START + timedelta(days=day)


@pytest.fixture(scope="module")
def model() -> Hindsight:
    sc = Scenario(ScenarioParams(regions=1, days=45), seed=0, regions=[REGION])
    sc.institutions["shelter-r01"] = "shelter"
    new_id = event_ids(random.Random(0))

    def person(cid: str, day: int, stay: int, **kw):
        sc.arrivals.append((at(day), ev.CandidateSubmitted(
            event_id=new_id(), occurred_at=at(day), producer="shelter-r01", candidate_id=cid,
            person_ref=f"{int.from_bytes(cid.encode(), 'big'):064x}", shelter="shelter-r01", region="R01",
            household_size=1, shelter_entry_date=(at(day) - timedelta(days=stay)).date(), **kw)))

    def home(uid: str, day: int, free: int, accessible: bool):
        sc.arrivals.append((at(day), ev.VacancyPublished(
            event_id=new_id(), occurred_at=at(day), producer="corp-r01-0", unit_id=uid, corporation="corp-r01-0",
            municipality="GM0101", region="R01", neighbourhood="BU01010000", kind="regular", rooms=1,
            wheelchair_accessible=accessible, available_from=at(free).date())))

    sc.arrivals.append((START, ev.AgreementRegistered(
        event_id=new_id(), occurred_at=START, producer="gm0101", municipality="GM0101", region="R01",
        corporation="corp-r01-0", period="2027", max_places=10)))
    person("x", 1, stay=95, excluded_neighbourhoods=("BU01010000",))
    person("w", 3, stay=50, wheelchair=True)
    home("corp-r01-0:h", 5, free=5, accessible=False)
    home("corp-r01-0:a", 10, free=14, accessible=True)
    person("p", 20, stay=80)
    history = History(sc)
    history.observe([e for _, e in sc.arrivals], sc.end)
    return Hindsight(history, DEFAULT_POLICY.model_copy(update={"strategy": "optimal"}))


def test_each_pair_is_placed_when_both_were_there_and_moves_in_when_the_home_is_free(model):
    assert sorted(model.placements(), key=lambda p: p.candidate_id) == [
        HindsightPlacement("p", "corp-r01-0:h", at(20).date(), 80),
        HindsightPlacement("w", "corp-r01-0:a", at(14).date(), 61)]
    best, bound = model.optimum()
    assert best == bound == model.objective_of(model.placements())  # the same pairs the objective sums


def test_the_report_measures_the_assignment_with_the_strategies_code(model):
    m = model.measures()
    everyone = m["all"]
    assert (everyone["placed"], everyone["days_in_shelter_median"], everyone["days_in_shelter_p90"]) == (2, 61, 80)
    assert everyone["share_placed_over_90_days"] == 0.0
    # x waits to the end: 45 - 1 + 95 days
    assert (everyone["waiting_at_end"], everyone["waiting_at_end_over_90_days"]) == (1, 1)
    assert (m["wheelchair"]["placed"], m["wheelchair"]["days_in_shelter_p90"]) == (1, 61)
    assert m["family"]["placed"] == 0
    assert everyone["home_empty_days_mean"] == 7.5  # (15 + 0) / 2 places
    assert (everyone["offers_made"], everyone["offers_expired"]) == (2, 0)
