"""The transfer point's and the central municipality's forms: a refused manual match in plain Dutch (never the
matcher's English line), errors at the form's own field names, and a new policy version that keeps every field
the form does not show."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.intake.domain import regional_models as m
from services.intake.entrypoints.screens import forms, i18n
from services.intake.entrypoints.screens.partners import decision_wording as w
from services.intake.entrypoints.screens.partners.region_policy import common_values, merged, new_version

FIXED = "fixed_assignments[0] (c-1 -> corp:U1)"


@pytest.mark.parametrize("rule,dutch", [
    (f"{FIXED}: cannot all fit together: agreement corp/GM0363/2026 has room for 0, the fixed pairs need 1",
     "De prestatieafspraak van de corporatie met de gemeente is vol."),
    (f"{FIXED}: breaks the eligibility rule rooms_do_not_fit",
     "De kandidaat past niet bij deze woning: het aantal kamers past niet bij het huishouden."),
    (f"{FIXED}: the candidate declined this unit before", "De kandidaat heeft deze woning eerder afgewezen."),
    ("the candidate is not waiting in the region (placed, withdrawn or with an open offer)",
     "De kandidaat wacht niet (meer) in de regio: geplaatst, ingetrokken of met een open aanbod."),
    ("something new the matcher says", "Een regel van de regio staat deze koppeling niet toe."),
])
def test_a_refused_manual_match_names_its_rule_in_plain_dutch(rule, dutch):
    assert w.refusal(rule) == dutch


def test_the_rule_is_english_on_the_english_screens():
    token = i18n.current.set("en")
    try:
        assert w.refusal(f"{FIXED}: cannot all fit together: unit corp:U1 has room for 0, the fixed pairs need 1") \
            == "The home has no free place left."
    finally:
        i18n.current.reset(token)


def test_policy_errors_name_the_forms_fields_never_the_value():
    policy = new_version({}, {"max_declines": "veel", "window_days": "0", "park_days": "60", "review_enabled": "ja"})
    with pytest.raises(ValidationError) as refused:
        forms.parse(m.RegisterRegionPolicy, {"effective_from": "2099-01-01", "policy": policy})
    errors = w.field_errors(refused.value, ("effective_from", "max_declines", "window_days"))
    assert [(e.field, e.label, e.reason) for e in errors] == [
        ("max_declines", "Aantal weigeringen voor parkeren", "Vul een heel getal in."),
        ("window_days", "Binnen hoeveel dagen", "Dit getal is te klein.")]
    assert not any("veel" in e.reason for e in errors)
    with pytest.raises(ValidationError) as past:
        forms.parse(m.RegisterRegionPolicy, {"effective_from": "2026-01-01", "policy": {}})
    assert [(e.field, e.reason) for e in w.field_errors(past.value, ())] == [
        ("effective_from", "Deze datum mag niet in het verleden liggen.")]


def test_a_new_version_keeps_what_the_form_does_not_show():
    latest = {"days_weight": 2.5, "refusals": {"valid_categories": ["household_changed"], "max_declines": 5}}
    policy = new_version(latest, {"max_declines": "4", "window_days": "180", "park_days": "30"})
    assert policy["days_weight"] == 2.5 and policy["refusals"]["valid_categories"] == ["household_changed"]
    assert common_values(merged(policy)) == {"review_enabled": False, "max_declines": 4, "window_days": 180,
                                             "park_days": 30, "affordability_enabled": False}
    assert latest["refusals"]["max_declines"] == 5  # the earlier version itself is untouched
