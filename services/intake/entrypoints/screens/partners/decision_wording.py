"""Plain Dutch for the transfer point's and the central municipality's forms (issue 17 with issue 20's rules):
the rule that refused a manual match (the matcher writes it in English for the API), the forms' field labels,
and refusals located at a field, never quoting the value given."""
from __future__ import annotations

import re

from pydantic import ValidationError

from services.intake.domain.errors import IntakeError
from services.intake.entrypoints.screens import texts
from services.intake.entrypoints.screens.forms import FieldError
from services.intake.entrypoints.screens.i18n import N_, gettext

#: The eligibility rules (matcher/domain/explain.py) a manual match can break.
ELIGIBILITY = {
    "household_too_large_for_shared_unit": N_("het huishouden is te groot voor een gedeelde woning"),
    "rooms_do_not_fit": N_("het aantal kamers past niet bij het huishouden"),
    "needs_wheelchair_access": N_("de kandidaat heeft een rolstoeltoegankelijke woning nodig"),
    "support_not_offered": N_("de begeleiding die de kandidaat nodig heeft is er bij deze woning niet"),
    "neighbourhood_excluded": N_("de kandidaat heeft deze wijk uitgesloten"),
    "rent_not_affordable": N_("de huur is te hoog voor passend toewijzen"),
}
#: What a full room names in "cannot all fit together: <what> ...".
FULL = {
    "unit": N_("De woning heeft geen vrije plaats meer."),
    "agreement": N_("De prestatieafspraak van de corporatie met de gemeente is vol."),
    "neighbourhood limit": N_("De wijk heeft de afgesproken grens bereikt."),
    "support provider": N_("De begeleidende organisatie heeft geen ruimte voor een nieuwe cliënt."),
}
RULES = (
    (r"different regions", N_("Kandidaat en woning horen bij verschillende regio's.")),
    (r"declined this unit before", N_("De kandidaat heeft deze woning eerder afgewezen.")),
    (r": no agreement of ", N_("Er is geen prestatieafspraak van de corporatie met de gemeente voor dat jaar.")),
    (r"candidate is not waiting in the region",
     N_("De kandidaat wacht niet (meer) in de regio: geplaatst, ingetrokken of met een open aanbod.")),
    (r"candidate is not waiting \(parked",
     N_("De kandidaat wacht niet (geparkeerd, geplaatst of ingetrokken) of de woning heeft geen vrije plaats "
        "(verhuurd, vastgehouden of ingetrokken).")),
)
UNKNOWN_RULE = N_("Een regel van de regio staat deze koppeling niet toe.")

#: The forms' fields (the policy's nested fields by their last name).
FIELD = {
    "candidate_id": N_("Kandidaat"), "unit_id": N_("Woning"), "until": N_("Vasthouden tot en met"),
    "reason": N_("Reden"), "effective_from": N_("Geldt vanaf"),
    "review_enabled": N_("Beoordeling door het transferpunt"),
    "max_declines": N_("Aantal weigeringen voor parkeren"), "window_days": N_("Binnen hoeveel dagen"),
    "park_days": N_("Dagen geparkeerd"), "affordability_enabled": N_("Passend toewijzen"),
}
#: The policy's nested fields as the form names them.
POLICY_FIELD = {("review", "enabled"): "review_enabled", ("affordability", "enabled"): "affordability_enabled",
                ("refusals", "max_declines"): "max_declines", ("refusals", "window_days"): "window_days",
                ("refusals", "park_days"): "park_days"}
ERROR = {"int_type": "int_parsing", "bool_type": "other", "date_type": "date_parsing",
         "greater_than": "in_future", "value_error": "other"}
NOT_AFTER_TODAY = N_("Deze datum moet na vandaag liggen.")
NOT_IN_THE_PAST = N_("Deze datum mag niet in het verleden liggen.")


def refusal(rule: str) -> str:
    """One line of a refused manual match in plain Dutch (the English line is never shown)."""
    if found := re.search(r"breaks the eligibility rule (\w+)", rule):
        return gettext(N_("De kandidaat past niet bij deze woning: %(rule)s.")) % {
            "rule": texts.say(ELIGIBILITY, found.group(1))}
    if found := re.search(r"cannot all fit together: (unit|agreement|neighbourhood limit|support provider) ", rule):
        return texts.say(FULL, found.group(1))
    return gettext(next((text for pattern, text in RULES if re.search(pattern, rule)), UNKNOWN_RULE))


def _field_of(loc: tuple) -> str:
    parts = tuple(str(p) for p in loc)
    if parts[:1] == ("policy",):
        return POLICY_FIELD.get(parts[1:3], "policy")
    return parts[0] if parts else ""


def _reason(field: str, kind: str, message: str) -> str:
    if field == "until" and "after today" in message:
        return gettext(NOT_AFTER_TODAY)
    if field == "effective_from" and "past" in message:
        return gettext(NOT_IN_THE_PAST)
    kind = ERROR.get(kind, kind)
    return texts.say(texts.ERROR, kind if kind in texts.ERROR else "other")


def field_errors(exc: ValidationError | IntakeError, order: tuple[str, ...]) -> list[FieldError]:
    """One error per field of the form, in the form's order, each with its label and reason."""
    if isinstance(exc, ValidationError):
        items = [(_field_of(e["loc"]), e["type"], str(e.get("msg", ""))) for e in exc.errors()]
    else:
        items = [(_field_of(tuple(e["field"].split("."))), "domain", e["reason"]) for e in exc.errors]
    found: dict[str, FieldError] = {}
    for field, kind, message in items:
        if field and field not in found:
            found[field] = FieldError(field, texts.say(FIELD, field), _reason(field, kind, message))
    return sorted(found.values(), key=lambda e: order.index(e.field) if e.field in order else len(order))
