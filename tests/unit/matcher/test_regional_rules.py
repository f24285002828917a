"""The regions' own rules in the matcher (issue 20), on event time: versioned policies, providers' room,
transfer-point review, manual matches, holds and parking after refusals (SQLite file, real solver)."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from contracts import events as ev
from contracts.solver_policy import PolicyOverrides
from services.matcher.adapters.orm import Offer
from services.matcher.domain.regional import parked_until, policy_in_force, review_due
from contracts.solver_policy import Refusals
from tests.unit.matcher.test_lifecycle import (  # noqa: F401 - the fixture
    T0, agreement, answer, candidate, feed, outbox_events, round_, uow, vacancy,
)

H = timedelta(hours=1)


def policy(version, effective_from, at=T0, **fields):
    return ev.RegionPolicyRegistered(occurred_at=at, producer="gm", region="R01", municipality="GM0363",
                                     version=version, effective_from=effective_from,
                                     policy=PolicyOverrides.model_validate(fields))


def decided(decision, at, **kw):
    return ev.TransferPointDecided(occurred_at=at, producer="tp", region="R01", transfer_point="tp",
                                   decision=decision, reason="besproken aan de matchtafel", **kw)


def emitted(uow, cls):
    return [e for e in outbox_events(uow) if isinstance(e, cls)]


def test_the_policy_in_force_is_the_highest_version_whose_date_the_event_time_reached():
    versions = [(1, date(2026, 5, 1), {"youth_bonus": 1}), (2, date(2026, 6, 1), {"youth_bonus": 2}),
                (3, date(2026, 5, 2), {"youth_bonus": 3})]
    assert policy_in_force(versions, datetime(2026, 4, 30, 21, 59, tzinfo=UTC)) == {}
    assert policy_in_force(versions, datetime(2026, 4, 30, 22, 0, tzinfo=UTC)) == {"youth_bonus": 1}  # Amsterdam
    assert policy_in_force(versions, datetime(2026, 5, 20, tzinfo=UTC)) == {"youth_bonus": 3}
    assert policy_in_force(versions, datetime(2026, 6, 1, 12, tzinfo=UTC)) == {"youth_bonus": 2}


def test_review_is_due_after_working_days_and_parking_counts_only_declines_without_a_valid_reason():
    friday = datetime(2026, 5, 1, 9, tzinfo=UTC)
    assert review_due(friday, 2) == friday + timedelta(days=4)  # Monday and Tuesday
    rules = Refusals()
    three = [(T0, "other"), (T0 + H, "unsafe_neighbourhood"), (T0 + 2 * H, "other")]
    assert parked_until(three, T0 + 2 * H, rules) == T0 + 2 * H + timedelta(days=60)
    assert parked_until(three[:2] + [(T0 + 2 * H, "found_other_home")], T0 + 2 * H, rules) is None
    assert parked_until(three, T0 + timedelta(days=366), rules) is None  # outside the window
    assert parked_until(three, T0 + 2 * H, rules, counted_from=T0 + H) is None  # lifted after the first


def test_a_policy_takes_effect_at_its_date_and_not_before(uow):
    feed(uow, agreement(), policy(1, date(2026, 5, 2), youth_bonus=1000), vacancy(),
         candidate("c1", days=10, youth=True))
    [offer] = round_(uow)
    assert offer.explanation["youth"] == 50  # 1 May: the default still
    feed(uow, vacancy("corp-a:u2", at=T0 + timedelta(days=1)), candidate("c2", days=10, youth=True,
                                                                          at=T0 + timedelta(days=1)))
    [offer] = round_(uow)
    assert offer.explanation["youth"] == 1000


def test_a_provider_at_capacity_blocks_its_clients_and_others_are_placed(uow):
    feed(uow, agreement(), ev.SupportCapacitySet(occurred_at=T0, producer="sp", provider="sp-1", period="2026",
                                                 max_new_clients=1),
         vacancy("corp-a:u1"), vacancy("corp-a:u2"),
         candidate("c1", days=300, support_provider_id="sp-1"), candidate("c2", days=200, support_provider_id="sp-1"),
         candidate("c3", days=10))
    offers = round_(uow)
    assert sorted(o.candidate_id for o in offers) == ["c1", "c3"]  # c2's provider has no room left


def test_review_holds_proposals_until_approved_and_flags_them_when_overdue(uow):
    feed(uow, agreement(), policy(1, date(2026, 1, 1), review={"enabled": True}), vacancy(), candidate("c1"))
    assert round_(uow) == []
    [proposal] = emitted(uow, ev.OfferProposed)
    assert proposal.review_due == review_due(T0, 2)
    feed(uow, ev.ClockTicked(occurred_at=proposal.review_due, producer="matcher", region="R01"))
    assert [p.offer_id for p in emitted(uow, ev.ProposalOverdue)] == [proposal.offer_id]
    feed(uow, decided("approve", proposal.review_due + H, offer_id=proposal.offer_id))
    [made] = emitted(uow, ev.OfferMade)
    assert (made.offer_id, made.decision, made.decision_reason) == (proposal.offer_id, "approved",
                                                                    "besproken aan de matchtafel")


def test_a_waiting_proposal_holds_its_home_in_the_next_round(uow):
    # Found by the end-to-end test when two homes arrived in two batches: the second round proposed the
    # first home again, to a second person, because the round read only open and placed offers.
    feed(uow, agreement(), policy(1, date(2026, 1, 1), review={"enabled": True}), vacancy("corp-a:u1"),
         candidate("c1", days=300), candidate("c2", days=200))
    round_(uow)
    [first] = emitted(uow, ev.OfferProposed)
    feed(uow, vacancy("corp-a:u2", at=T0 + H))
    round_(uow)
    proposals = emitted(uow, ev.OfferProposed)
    assert sorted((p.candidate_id, p.unit_id) for p in proposals) == [("c1", "corp-a:u1"), ("c2", "corp-a:u2")]
    assert first.unit_id == "corp-a:u1"


def test_a_manual_match_goes_out_as_a_human_decision_and_a_held_home_is_not_offered(uow):
    feed(uow, agreement(), policy(1, date(2026, 1, 1), review={"enabled": True}), vacancy("corp-a:u1"),
         vacancy("corp-a:u2"), candidate("c1", days=300), candidate("c2", days=10))
    round_(uow)
    assert len(emitted(uow, ev.OfferProposed)) == 2
    feed(uow, decided("hold", T0 + H, unit_id="corp-a:u1", until=date(2026, 6, 1)),
         decided("manual_match", T0 + H, candidate_id="c2", unit_id="corp-a:u2"))
    [made] = round_(uow)
    assert (made.candidate_id, made.unit_id, made.decision) == ("c2", "corp-a:u2", "manual_match")
    assert not [p for p in emitted(uow, ev.OfferProposed) if p.occurred_at > T0]  # u1 held: not proposed again
    # A manual match beyond the unit's places is refused with the rule, no offer.
    feed(uow, decided("manual_match", T0 + 2 * H, candidate_id="c1", unit_id="corp-a:u2"))
    round_(uow)
    [refused] = emitted(uow, ev.ManualMatchRefused)
    assert refused.candidate_id == "c1" and "no free place" in refused.errors[0]


def test_the_third_decline_without_a_valid_reason_parks_and_the_transfer_point_lifts_it(uow):
    feed(uow, agreement(max_places=10), candidate("c1", days=300))
    categories = ["other", "home_unsuitable_for_health", "unsafe_neighbourhood", "other"]
    for i, category in enumerate(categories):
        at = T0 + i * 4 * H
        feed(uow, vacancy(f"corp-a:u{i}", at=at))
        [offer] = round_(uow)
        feed(uow, answer(ev.OfferDeclined, offer.offer_id, at + H, reason=category, category=category))
    [parked] = emitted(uow, ev.CandidateParked)
    assert parked.until == T0 + 13 * H + timedelta(days=60) and parked.shelter == "sh"
    feed(uow, vacancy("corp-a:u9", at=T0 + 20 * H))
    assert round_(uow) == []  # parked: not matched
    feed(uow, decided("lift_parking", T0 + 21 * H, candidate_id="c1"))
    [offer] = round_(uow)
    assert offer.candidate_id == "c1"
    with uow() as u:
        assert u.session.get(Offer, offer.offer_id).status == "made"


def test_a_policy_travels_with_the_fields_given_only():
    event = policy(1, date(2026, 5, 1), youth_bonus=700, review={"enabled": True})
    back = ev.parse_event(ev.encode_event(event))  # a field not given is absent, never null (refused by the reader)
    assert back.policy.model_dump(mode="json", exclude_unset=True) == {"youth_bonus": 700,
                                                                        "review": {"enabled": True}}


def test_the_clock_ticks_a_quiet_region_when_a_hold_ends(uow):
    from services.matcher.adapters.orm import RegionClock
    from services.matcher.service_layer.deadlines import hold_ends
    feed(uow, agreement(), vacancy(), decided("hold", T0, unit_id="corp-a:u1", until=date(2026, 5, 4)),
         candidate("c1", at=T0 + H))
    assert round_(uow) == []  # held
    with uow() as u:
        assert u.session.get(RegionClock, "R01").next_expiry == hold_ends(date(2026, 5, 4))
    feed(uow, ev.ClockTicked(occurred_at=hold_ends(date(2026, 5, 4)), producer="matcher", region="R01"))
    [offer] = round_(uow)
    assert offer.candidate_id == "c1"


def test_rent_allowance_and_exit_date_reach_the_solver_under_the_regions_policy(uow):
    expensive = ev.VacancyPublished(occurred_at=T0, producer="corp-a", unit_id="corp-a:dear", corporation="corp-a",
                                    municipality="GM0363", region="R01", neighbourhood="BU03630001", kind="regular",
                                    rooms=1, available_from=date(2026, 5, 1), rent=900.0)
    feed(uow, agreement(), policy(1, date(2026, 1, 1), exit_bonus=300, exit_window_days=30,
                                  affordability={"enabled": True, "limit_small": 650.43, "limit_large": 879.66}),
         expensive, candidate("c1", days=300, rent_allowance_eligible=True),
         candidate("c2", days=5, exit_date=date(2026, 5, 21)))
    [offer] = round_(uow)
    # c1 is more urgent but the rent is over the allowance limit; c2 leaves an institution in 20 days.
    assert offer.candidate_id == "c2" and offer.explanation["exit_from_institution"] == 300


def test_a_provider_in_two_regions_shares_its_room(uow):
    from tests.unit.matcher.test_lifecycle import solve
    from services.matcher.service_layer import matching
    other = {"region": "R02", "municipality": "GM0344"}
    feed(uow, agreement(), ev.SupportCapacitySet(occurred_at=T0, producer="sp", provider="sp-1", period="2026",
                                                 max_new_clients=1),
         ev.AgreementRegistered(occurred_at=T0, producer="gm", corporation="corp-a", period="2026", max_places=5,
                                **other),
         vacancy(), ev.VacancyPublished(occurred_at=T0, producer="corp-a", unit_id="corp-a:r2", corporation="corp-a",
                                        neighbourhood="BU03440001", kind="regular", rooms=1,
                                        available_from=date(2026, 5, 1), **other),
         candidate("c1", support_provider_id="sp-1"),
         ev.CandidateSubmitted(occurred_at=T0, producer="sh", candidate_id="c2", person_ref="b" * 64, shelter="sh",
                               region="R02", household_size=1, shelter_entry_date=date(2026, 1, 1),
                               support_provider_id="sp-1"))
    assert [o.candidate_id for o in round_(uow)] == ["c1"]
    assert matching.run_round(uow(), "R02", solve, timedelta(hours=72)) == []  # the room is held in R01
