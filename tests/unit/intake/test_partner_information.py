"""Issue 11, items 1, 2 and 4: what each side of an offer sees, the reasons of answers, honest counters."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from services.intake.domain import commands as cmd
from services.intake.domain import counters
from services.intake.domain import responses as r
from services.intake.domain.who_sees_what import offer_for
from tests.unit.intake.test_validation_rules import VACANCY, check, refused_fields

HOME = {**VACANCY, "places": 1, "wheelchair_accessible": False, "support": ["light"], "bag_id": None,
        "kind": "flex", "available_until": "2028-03-01",
        "address": {"street": "Kerkstraat", "number": "12a", "postcode": "3511 AB", "town": "Utrecht"},
        "rent": 512.37, "service_costs": 40.0, "energy_label": "A++", "floor": 2, "lift": False,
        "viewing_contact": {"name": "J. de Vries", "phone": "+31 30 123 4567", "email": "verhuur@example.nl"}}
PROFILE = {"region": "R07", "household_size": 3, "children": 2, "wheelchair": False, "support": "intensive",
           "shelter_entry_date": "2026-01-05", "youth": True, "medical_urgency": True,
           "excluded_neighbourhoods": [], "preferred_neighbourhoods": [], "support_provider": "Team Ambulant"}


def offer(**kw):
    base = dict(offer_id="off-1", candidate_id="cand-1", unit_id="corp-a:U-1", corporation="corp-a", status="open",
                priority=950, explanation={"base": 100, "medical_urgency": 500}, passed_over={}, period="2027",
                corporation_answer=None, person_answer=None, rejection_category=None, rejection_reason=None,
                decline_category=None, decline_reason=None, made_at=datetime(2026, 12, 3, tzinfo=UTC),
                expires_at=datetime(2026, 12, 6, tzinfo=UTC))
    return SimpleNamespace(**{**base, **kw})


def test_the_shelter_sees_the_home_and_no_household_summary():
    seen = r.Offer.model_validate(offer_for(offer(), True, HOME, PROFILE)).model_dump(mode="json")
    assert seen["home"]["address"] == HOME["address"] and seen["home"]["viewing_contact"]["name"] == "J. de Vries"
    assert (seen["home"]["kind"], seen["home"]["available_until"], seen["home"]["rent"]) == ("flex", "2028-03-01",
                                                                                              512.37)
    assert seen["priority"] == 950 and seen["candidate_id"] == "cand-1" and seen["household"] is None
    assert seen["period"] == "2027"


def test_the_corporation_sees_the_household_and_no_score_nor_urgency():
    seen = r.Offer.model_validate(offer_for(offer(), False, HOME, PROFILE)).model_dump(mode="json")
    assert seen["household"] == {"household_size": 3, "children": 2, "support": "intensive",
                                 "support_provider": "Team Ambulant", "youth": True}
    assert seen["priority"] is None and seen["explanation"] is None and seen["candidate_id"] is None
    assert seen["home"] is None
    text = json.dumps(seen)
    assert "medical" not in text and "950" not in text and "shelter_entry_date" not in text


def test_an_erased_person_shows_no_household():
    assert offer_for(offer(), False, HOME, {})["household"] is None


def test_a_decline_reaches_the_corporation_as_its_category_only():
    declined = offer(status="declined", person_answer="declined", decline_category="home_unsuitable_for_health",
                     decline_reason="stairs are too much since the operation")
    assert offer_for(declined, False, HOME, PROFILE)["decline"] == {"category": "home_unsuitable_for_health",
                                                                    "reason": None}
    assert offer_for(declined, True, HOME, PROFILE)["decline"]["reason"].startswith("stairs")


def test_a_rejection_reaches_the_shelter_with_category_and_text():
    rejected = offer(status="rejected", corporation_answer="rejected", rejection_category="support_not_arranged",
                     rejection_reason="no support provider has room before March")
    assert offer_for(rejected, True, HOME, PROFILE)["rejection"] == {
        "category": "support_not_arranged", "reason": "no support provider has room before March"}


def test_decline_categories_are_a_fixed_list_and_default_to_other():
    assert check(cmd.Decline, {"reason": "x"}).category == "other"
    assert check(cmd.Decline, {"reason": "x", "category": "found_other_home"}).category == "found_other_home"
    assert refused_fields(cmd.Decline, {"reason": "x", "category": "too_expensive"}) == ["category"]
    assert refused_fields(cmd.Rejection, {"reason": "x", "category": "unsafe_neighbourhood"}) == ["category"]


def test_free_text_of_answers_keeps_the_bsn_check():
    assert refused_fields(cmd.Decline, {"reason": "client 123456782 declined"}) == ["reason"]
    assert refused_fields(cmd.Rejection, {"reason": "bsn 1234.56.782", "category": "other"}) == ["reason"]


def test_a_vacancy_takes_the_new_optional_fields():
    body = {k: v for k, v in HOME.items() if k not in ("bag_id",)}
    v = check(cmd.PublishVacancy, body)
    assert v.address.postcode == "3511 AB" and v.energy_label == "A++" and v.lift is False
    assert check(cmd.PublishVacancy, VACANCY).address is None  # all optional


@pytest.mark.parametrize("field,value", [
    ("address", {"street": "Kerkstraat", "number": "12", "postcode": "0123 AB", "town": "Utrecht"}),
    ("address", {"street": "Kerkstraat", "number": "12"}),
    ("energy_label", "H"), ("rent", -1), ("floor", 101),
    ("viewing_contact", {"name": "x", "email": "not an address"}),
])
def test_bad_home_details_are_refused_by_field(field, value):
    assert refused_fields(cmd.PublishVacancy, {**VACANCY, field: value})[0].startswith(field)


def test_a_bsn_in_the_address_or_contact_is_refused_by_field():
    address = {"street": "Kerkstraat 123456782", "number": "12", "postcode": "3511 AB", "town": "Utrecht"}
    assert refused_fields(cmd.PublishVacancy, {**VACANCY, "address": address}) == ["address.street"]
    assert refused_fields(cmd.PublishVacancy, {**VACANCY, "viewing_contact": {"name": "123-456-782"}}) == [
        "viewing_contact.name"]


def test_the_support_provider_is_not_sent_to_the_matcher():
    body = check(cmd.SubmitCandidate, {"region": "R01", "household_size": 1, "shelter_entry_date": "2026-01-05",
                                       "person_ref": "ab" * 32, "support_provider": "Team Ambulant"})
    assert body.support_provider == "Team Ambulant" and "support_provider" not in body.model_dump()
    assert refused_fields(cmd.UpdateCandidate, {"region": "R01", "household_size": 1,
                                                "shelter_entry_date": "2026-01-05",
                                                "support_provider": "case 123456782"}) == ["support_provider"]


def _counted(status, period="2026", corporation="corp-a", municipality="GM0363", hood="BU03630001"):
    return counters.CountedOffer(corporation, municipality, hood, period, status)


def test_counters_add_placements_to_the_registered_used_and_hold_open_offers():
    offers = [_counted("placed"), _counted("placed"), _counted("open"), _counted("open", period="2027"),
              _counted("open", corporation="corp-b"), _counted("placed", hood="BU03630002")]
    tally = counters.by_agreement(offers)
    assert tally.counters(("GM0363", "corp-a", "2026"), 10, 3) == {"committed": 10, "used": 6, "held": 1,
                                                                   "remaining": 3}
    assert tally.counters(("GM0363", "corp-a", "2027"), 2, 0) == {"committed": 2, "used": 0, "held": 1,
                                                                  "remaining": 1}
    hoods = counters.by_neighbourhood(offers)
    assert hoods.counters(("BU03630001", "2026"), 4, 1) == {"committed": 4, "used": 3, "held": 2, "remaining": 0}


def test_remaining_never_goes_below_zero():
    assert counters.by_agreement([_counted("placed")] * 3).counters(("GM0363", "corp-a", "2026"), 2, 1)[
        "remaining"] == 0


def test_an_offer_made_before_its_period_was_told_counts_in_the_year_of_its_round_in_amsterdam():
    assert counters.offer_period(None, datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "2027"
    assert counters.offer_period("2028", datetime(2026, 5, 1, tzinfo=UTC)) == "2028"


@pytest.mark.parametrize("open_offers,placements,places,status", [
    (0, 0, 1, "open"), (1, 0, 1, "offered"), (0, 1, 1, "let"), (1, 1, 2, "offered"), (0, 1, 2, "open"),
    (0, 2, 2, "let"),
])
def test_vacancy_status_from_its_offers(open_offers, placements, places, status):
    assert counters.vacancy_status(open_offers, placements, places) == status
