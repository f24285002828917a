"""Issue 21: the look-ahead keeps the only wheelchair-accessible home for the next wheelchair user.

A region where, over four weeks, wheelchair users came every four days (each found a place elsewhere
the next day), ordinary homes every other day and people every three days (the homes also housed
those who waited at the start); then an accessible home falls vacant
while only a person who needs no wheelchair waits, two days before the next wheelchair user comes.
Both strategies run the matcher's own handlers and rounds in the simulator; everyone answers yes.
"""
from __future__ import annotations

import random
from datetime import timedelta

from contracts import events as ev
from services.matcher.domain.policy import DEFAULT_POLICY
from services.system.simulation.acceptance import AcceptanceModel
from services.system.simulation.engine import simulate
from services.system.simulation.scenario import START, Region, Scenario, ScenarioParams, event_ids
from services.system.simulation.strategies import make_solver

REGION = Region("R01", ["GM0101"], ["corp-r01-0"], {"GM0101": ["BU01010000"]}, set(), 1.0)
EVERYONE_ACCEPTS = AcceptanceModel(accept={"regular": 1.0}, factors={}, confirm=1.0, silent=0.0)


def _scenario() -> Scenario:
    sc = Scenario(ScenarioParams(regions=1, days=45), seed=0, regions=[REGION])
    new_id = event_ids(random.Random(0))
    sc.institutions["shelter-r01"] = "shelter"

    def at(day: float):
        return START + timedelta(days=day, hours=2)

    def person(cid: str, day: float, stay: int, wheelchair: bool = False):
        sc.arrivals.append((at(day), ev.CandidateSubmitted(
            event_id=new_id(), occurred_at=at(day), producer="shelter-r01", candidate_id=cid, person_ref=f"{int.from_bytes(cid.encode(), 'big'):064x}",
            shelter="shelter-r01", region="R01", household_size=1, wheelchair=wheelchair,
            shelter_entry_date=(at(day) - timedelta(days=stay)).date())))

    def home(uid: str, day: float, accessible: bool = False):
        sc.arrivals.append((at(day), ev.VacancyPublished(
            event_id=new_id(), occurred_at=at(day), producer="corp-r01-0", unit_id=uid, corporation="corp-r01-0",
            municipality="GM0101", region="R01", neighbourhood="BU01010000", kind="regular", rooms=1,
            wheelchair_accessible=accessible, available_from=at(day).date())))

    sc.arrivals.append((START, ev.AgreementRegistered(
        event_id=new_id(), occurred_at=START, producer="gm0101", municipality="GM0101", region="R01",
        corporation="corp-r01-0", period="2027", max_places=100)))
    for k in range(7):
        person(f"w{k}", 4 * k + 1, stay=20, wheelchair=True)
        sc.arrivals.append((at(4 * k + 2), ev.CandidateWithdrawn(
            event_id=new_id(), occurred_at=at(4 * k + 2), producer="shelter-r01", candidate_id=f"w{k}", region="R01",
            reason="found a place elsewhere")))
    for k in range(6):                   # people already waiting at the start take the first homes
        person(f"b{k}", 0, stay=30)
    for k in range(1, 9):
        person(f"p{k}", 3 * k + 0.5, stay=10)
    for k in range(14):                  # ordinary homes every other day: more than the people of late
        home(f"corp-r01-0:r{k}", 2 * k + 1)
    person("a", 28.5, stay=100)          # waits; no ordinary home is free now
    home("corp-r01-0:accessible", 29, accessible=True)  # the only accessible home
    person("w-next", 31, stay=20, wheelchair=True)
    home("corp-r01-0:r-later", 32)       # an ordinary home for "a" soon after
    sc.arrivals.sort(key=lambda pair: pair[0])
    return sc


ACCESSIBLE = "corp-r01-0:accessible"


def _offers_of_the_accessible_home(strategy: str) -> tuple[str, list[ev.OfferMade]]:
    outcome = simulate(_scenario(), make_solver(strategy, DEFAULT_POLICY), EVERYONE_ACCEPTS)
    placed = next(p.candidate_id for p in outcome.placements if p.unit_id == ACCESSIBLE)
    return placed, [o for o in outcome.offers if o.unit_id == ACCESSIBLE]


def test_the_myopic_matcher_gives_the_accessible_home_to_whoever_waits():
    placed, offers = _offers_of_the_accessible_home("matcher")
    assert placed == "a" and "look_ahead" not in offers[0].explanation


def test_the_look_ahead_keeps_it_for_the_next_wheelchair_user_and_says_so_in_the_offer():
    placed, offers = _offers_of_the_accessible_home("look_ahead")
    assert placed == "w-next" and [o.candidate_id for o in offers] == ["w-next"]
    # The home's opportunity cost is a component of the offer's priority like any other.
    assert offers[0].explanation["look_ahead"] < 0
    assert offers[0].priority == sum(offers[0].explanation.values())


def test_a_home_is_never_kept_back_past_the_set_time():
    policy = DEFAULT_POLICY.model_copy(update={"look_ahead_max_hold_days": 0})
    outcome = simulate(_scenario(), make_solver("look_ahead", policy), EVERYONE_ACCEPTS)
    assert next(p.candidate_id for p in outcome.placements if p.unit_id == ACCESSIBLE) == "a"
