"""The screens' words (issue 16): every code has plain Dutch, every Dutch message has English, the language
is chosen as promised, and a form's errors name fields without repeating what was typed."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from babel.messages.pofile import read_po
from pydantic import ValidationError

from contracts.types import DeclineCategory, PassOverReason, RejectionCategory, Support, UnitKind
from contracts.vocabulary import CandidateStatus, OfferStatus
from services.intake.domain import commands as cmd
from services.intake.entrypoints.screens import explain, forms, i18n, texts


@pytest.mark.parametrize("table,codes", [
    (texts.CANDIDATE_STATUS, CandidateStatus), (texts.OFFER_STATUS, OfferStatus), (texts.PASS_OVER, PassOverReason),
    (texts.DECLINE, DeclineCategory), (texts.REJECTION, RejectionCategory), (texts.SUPPORT, Support),
    (texts.UNIT_KIND, UnitKind)])
def test_every_code_has_plain_dutch(table, codes):
    assert set(table) == set(codes)
    assert all(text and text[0].isupper() for text in table.values())


def test_every_dutch_message_has_english_and_the_catalogue_is_current():
    po = i18n.LOCALE_DIR / "en/LC_MESSAGES/messages.po"
    catalogue = read_po(po.open("rb"), locale="en")
    empty = [m.id for m in catalogue if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)]
    assert not empty
    pot = read_po((i18n.LOCALE_DIR / "messages.pot").open("rb"))
    assert {m.id for m in pot if m.id} <= {m.id for m in catalogue if m.id}  # run scripts/update-translations.sh
    for table in (texts.PASS_OVER, texts.CHANGE, texts.ERROR, texts.FIELD):
        assert set(table.values()) <= {m.id for m in catalogue}


def test_the_language_is_the_choice_then_the_browser_then_dutch():
    assert i18n.choose(None, None) == "nl"
    assert i18n.choose(None, "en-GB,en;q=0.9") == "en"
    assert i18n.choose(None, "de-DE,nl;q=0.5,en;q=0.8") == "en"
    assert i18n.choose("nl", "en") == "nl" and i18n.choose("fr", "fr,nl;q=0.1") == "nl"
    token = i18n.current.set("en")
    try:
        assert texts.say(texts.CANDIDATE_STATUS, "waiting") == "Waiting for a home"
    finally:
        i18n.current.reset(token)
    assert texts.say(texts.CANDIDATE_STATUS, "waiting") == "Wacht op een woning"


def test_form_errors_name_the_field_and_never_the_value():
    data = forms.profile_data({"region": "R07", "household_size": "veel", "children": "0",
                               "shelter_entry_date": "2999-01-01", "bsn": "1234 5678 9"}, with_bsn=True)
    assert data["bsn"] == "123456789" and data["wheelchair"] is False
    with pytest.raises(ValidationError) as caught:
        forms.parse(cmd.SubmitCandidate, data)
    errors = forms.field_errors(caught.value)
    assert [e.field for e in errors] == ["household_size", "shelter_entry_date"]  # in the order of the form
    assert all("veel" not in e.reason for e in errors)
    assert "household_size" not in forms.refilled({"household_size": "veel", "region": "R07", "bsn": "1"}, errors)
    assert forms.refilled({"region": "R07", "bsn": "123456782"}) == {"region": "R07"}
    with pytest.raises(ValidationError) as caught:
        forms.parse(cmd.SubmitCandidate, {**data, "household_size": "2", "children": "2",
                                           "shelter_entry_date": (date.today() + timedelta(days=400)
                                                                  ).isoformat()})
    reasons = {e.field: e.reason for e in forms.field_errors(caught.value)}
    assert reasons == {"children": texts.ERROR["children_fit"], "shelter_entry_date": texts.ERROR["in_future"]}


def test_why_waiting_and_what_would_help():
    waiting = {"status": "waiting", "wheelchair": True, "shelter_entry_date": "2026-11-03"}
    assert explain.days_waiting(waiting, date(2026, 12, 3)) == 30
    assert "rolstoeltoegankelijke ingang" in explain.why_waiting(waiting, None, None)
    latest = {"latest_reason": "neighbourhood_excluded", "times": 3}
    assert explain.why_waiting(waiting, None, latest) == texts.PASS_OVER[PassOverReason.NEIGHBOURHOOD_EXCLUDED]
    passed = [{"reason": r} for r in ("neighbourhood_excluded", "placed_elsewhere", "neighbourhood_excluded",
                                      "needs_wheelchair_access")]
    helps = explain.what_would_help(passed)
    assert [(h.reason, h.times) for h in helps] == [("neighbourhood_excluded", 2), ("needs_wheelchair_access", 1)]
    at = datetime(2026, 12, 1, tzinfo=UTC)
    moments = explain.timeline({"submitted_at": at}, [], [{"decided_at": at.replace(day=2), "vacancy_id": "A-1",
                                                          "reason": "rooms_do_not_fit"}])
    assert moments[0].text.startswith("Woning A-1 ging naar iemand anders")
