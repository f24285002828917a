"""Issue 21: the running matcher builds the look-ahead's forecast itself, from the arrival times it records.

The wheelchair scenario of tests/unit/simulation/test_look_ahead_wheelchair.py runs through the matcher's
own handlers and rounds with the *service's* solve function (adapters.solver.solve_instance, which adds
nothing to the instance): only a region policy that chooses the look-ahead differs. With it the matcher's
round adds the forecast and keeps the only accessible home for the next wheelchair user.
"""
from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from contracts import events as ev
from services.matcher.adapters.solver import solve_instance
from services.matcher.domain.forecast import HORIZON, forecast, home_row, person_row
from services.system.simulation.engine import simulate
from services.system.simulation.scenario import START, event_ids
from tests.unit.simulation.test_look_ahead_wheelchair import ACCESSIBLE, EVERYONE_ACCEPTS, _scenario


def _service(history):
    return lambda raw: solve_instance(raw, 5.0)


def _accessible_home(region_policy: dict | None):
    sc = _scenario()
    if region_policy is not None:
        sc.arrivals.insert(0, (START, ev.RegionPolicyRegistered(
            event_id=event_ids(random.Random(1))(), occurred_at=START, producer="gm0101", region="R01",
            municipality="GM0101", version=1, effective_from=START.date(), policy=region_policy)))
    outcome = simulate(sc, _service, EVERYONE_ACCEPTS)
    placed = next(p.candidate_id for p in outcome.placements if p.unit_id == ACCESSIBLE)
    return placed, [o for o in outcome.offers if o.unit_id == ACCESSIBLE]


def test_a_region_that_looks_ahead_keeps_the_accessible_home_for_the_next_wheelchair_user():
    placed, offers = _accessible_home({"strategy": "look_ahead"})
    assert placed == "w-next" and offers[0].explanation["look_ahead"] < 0


@pytest.mark.parametrize("policy", [None, {"strategy": "optimal"}])
def test_without_the_look_ahead_the_matcher_stays_myopic(policy):
    placed, offers = _accessible_home(policy)
    assert placed == "a" and "look_ahead" not in offers[0].explanation


def test_the_forecast_rows():
    now = datetime(2027, 3, 1, 12, tzinfo=UTC)
    profile = {"household_size": 2, "wheelchair": True, "support": "light", "youth": False, "children": 1,
               "shelter_entry_date": "2027-01-01", "medical_urgency": False, "excluded_neighbourhoods": [],
               "preferred_neighbourhoods": ["BU01010000"]}
    person = person_row("c1", "R01", now - timedelta(days=3), profile)
    assert person["id"] == "fc-c1" and person["days_in_shelter"] == 56  # at arrival, not now
    home = {"corporation": "corp", "municipality": "GM0101", "region": "R01", "neighbourhood": "BU01010000",
            "kind": "regular", "rooms": 2, "places": 3, "wheelchair_accessible": False, "support": ["none"],
            "available_from": "2027-12-10"}
    row = home_row("corp:u1", home, now)
    assert (row["id"], row["kind"], row["period"]) == ("fu-corp:u1", "shared", "2028")  # free 28 days later
    f = forecast([person], [row], {"corp:u2": now - timedelta(days=2, hours=1)}, now)
    assert f["days_open"] == {"corp:u2": 2} and HORIZON == timedelta(days=28)
