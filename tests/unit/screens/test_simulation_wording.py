"""The simulation screens' pure parts: the form as the API's variants, a report's cells in both languages with
the disclosure control's hidden cells as the ledger shows them, and a failed job's reason never shown as sent."""
from __future__ import annotations

from services.intake.entrypoints.screens import i18n
from services.intake.entrypoints.screens.partners import simulation_form as sf
from services.intake.entrypoints.screens.partners import simulation_report as sr
from services.intake.entrypoints.screens.partners.simulations import failure


def test_no_change_leaves_the_variants_to_the_api_and_changes_make_one_what_if_beside_today():
    assert sf.request_data({"days": " 30 ", "seeds": "", "name": "x"}, "GM0001") == {"days": "30"}
    data = sf.request_data({"limit_extra_placements": "-2", "offer_deadline_days": "5", "strategy": "fcfs"}, "GM0001")
    assert data["variants"] == [{"name": "Zoals nu"}, {"name": "Wat als", "changes": {
        "limits": [{"extra_placements": "-2"}], "strategy": "fcfs", "offer_deadline_hours": 120}}]
    typed = sf.request_data({"offer_deadline_days": "2,5"}, None)["variants"][1]["changes"]
    assert typed["offer_deadline_hours"] == "2,5"  # not whole days: left for the request model to refuse


def test_a_refusals_location_is_the_forms_field():
    assert sf.field_of(("variants", 1, "changes", "agreements", 0, "extra_places")) == "agreement_extra_places"
    assert sf.field_of(("variants", 1, "changes", "agreements", 0, "corporation")) == "agreement_corporation"
    assert sf.field_of(("variants", 1, "changes", "offer_deadline_hours")) == "offer_deadline_days"
    assert sf.field_of(("variants", 1, "name")) == "name" and sf.field_of(("days",)) == "days"
    assert sf.field_of(("region",)) == ""  # not on the form: said above it


def test_cells_read_as_the_ledgers_in_each_language():
    assert sr.cell({"mean": 1234.5, "low": 1200, "high": 1269}, False, "nl") == {"text": "1.234,5",
                                                                                "range": "1.200 – 1.269"}
    assert sr.cell({"mean": 0.25, "low": 0.25, "high": 0.25}, True, "en") == {"text": "25%", "range": ""}
    hidden = {"mean": None, "low": None, "high": None}
    assert sr.cell({**hidden, "suppressed": "<5"}, False, "nl")["text"] == "<5"
    token = i18n.current.set("en")
    try:
        assert sr.cell({**hidden, "suppressed": "hidden"}, False, "en")["text"] == "hidden"
        assert sr.cell({**hidden, "suppressed": "hidden with the placed people"}, False, "en")["text"] == "hidden"
    finally:
        i18n.current.reset(token)
    assert sr.cell({**hidden, "suppressed": "hidden"}, False, "nl")["text"] == "verborgen"


def test_a_failed_jobs_reason_is_said_in_plain_dutch_never_as_sent():
    assert failure("source: the region has no recorded people or homes to replay yet").startswith("Van uw regio")
    assert failure("variants[0].changes.acceptance: not a setting of the acceptance model").startswith("Een wijziging")
    assert failure("the simulation stopped with an internal error; start the job again").startswith("De simulatie")
    assert failure(None) is None


def test_the_forms_own_variant_names_and_a_deadline_in_days_are_said_in_the_pages_language():
    report = {"variants": [{"name": "Zoals nu", "metrics": {}}, {"name": "Wat als", "metrics": {}},
                           {"name": "Dertig meer", "metrics": {}}]}
    changes = {"changes": {"offer_deadline_hours": 60}}
    assert [t["name"] for t in sr.variant_tables(report, "nl")] == ["Zoals nu", "Wat als", "Dertig meer"]
    assert sf.described(changes, {}) == ["reactietermijn 2,5 dagen"]
    token = i18n.current.set("en")
    try:
        # Only the form's two names are translated; a name given by the municipality stays as it was given.
        assert [t["name"] for t in sr.variant_tables(report, "en")] == ["As now", "What if", "Dertig meer"]
        assert sf.variant_name("Zoals nu") == "As now" and sf.variant_name("zoals nu") == "zoals nu"
        assert sf.described(changes, {}) == ["time to answer 2.5 days"]
        assert sf.described({"changes": {"offer_deadline_hours": 26400}}, {}) == ["time to answer 1,100 days"]
    finally:
        i18n.current.reset(token)
    assert sf.described({"changes": {"offer_deadline_hours": 120}}, {}) == ["reactietermijn 5 dagen"]
