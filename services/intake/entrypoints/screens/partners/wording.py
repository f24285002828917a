"""Plain Dutch for the codes of issue 17's screens (statuses, why a home has no offer, roles, fields).
The form fields are added to the shell's field labels (texts.FIELD), so the one error builder
(forms.field_errors) names them."""
from __future__ import annotations

from contracts.types import NotOfferedReason
from services.intake.entrypoints.screens import texts
from services.intake.entrypoints.screens.i18n import N_

VACANCY_STATUS = {"open": N_("Vrij"), "offered": N_("Aangeboden"), "let": N_("Verhuurd"),
                  "withdrawn": N_("Ingetrokken")}
#: Why the last matching round left a free place of this home without an offer (for its corporation).
NOT_OFFERED = {
    NotOfferedReason.NO_AGREEMENT: N_("Er is dit jaar geen prestatieafspraak tussen uw corporatie en de gemeente "
                                      "van de woning. Vraag de gemeente een afspraak vast te leggen."),
    NotOfferedReason.AGREEMENT_FULL: N_("De afspraak met de gemeente is vol: alle afgesproken plaatsen zijn "
                                        "gebruikt of aangeboden."),
    NotOfferedReason.NEIGHBOURHOOD_LIMIT_REACHED: N_("De wijk heeft het aantal plaatsingen bereikt dat de gemeente "
                                                     "er dit jaar wil (draagkracht van de wijk)."),
    NotOfferedReason.NO_ELIGIBLE_CANDIDATE: N_("Geen wachtende kandidaat in de regio past bij deze woning."),
    NotOfferedReason.ELIGIBLE_CANDIDATES_PLACED_ELSEWHERE: N_("De kandidaten die passen, kregen in dezelfde ronde "
                                                              "een andere woning aangeboden."),
    NotOfferedReason.HIGHER_TOTAL_ELSEWHERE: N_("Zo konden in de regio meer mensen een woning krijgen."),
}
WAITING_FOR_ROUND = N_("Nog niet bekeken: de volgende matchronde bepaalt of er een aanbod komt.")
ROLE = {"shelter": N_("Opvang of instelling"), "corporation": N_("Woningcorporatie"),
        "municipality": N_("Gemeente"), "ministry": N_("Ministerie"), "admin": N_("Beheer"),
        "monitor": N_("Monitorbron"), "transfer_point": N_("Transferpunt")}
USER_ROLE = {"case_worker": N_("Casemanager"), "allocation_officer": N_("Woningtoewijzer"),
             "policy_officer": N_("Beleidsmedewerker"), "transfer_officer": N_("Medewerker transferpunt"),
             "analyst": N_("Analist"), "org_admin": N_("Beheerder van de organisatie"),
             "system_admin": N_("Systeembeheerder")}
USER_STATUS = {"invited": N_("Uitgenodigd"), "active": N_("Actief"), "disabled": N_("Uitgeschakeld")}
FIELDS = {
    "unit_id": N_("Eigen nummer van de woning"), "municipality": N_("Gemeente (CBS-code)"),
    "neighbourhood": N_("Wijk (CBS-code)"), "kind": N_("Soort woning"), "rooms": N_("Kamers"),
    "places": N_("Plaatsen"), "wheelchair_accessible": N_("Rolstoeltoegankelijk"),
    "available_from": N_("Beschikbaar vanaf"), "available_until": N_("Beschikbaar tot"),
    "rent": N_("Kale huur per maand"), "corporation": N_("Corporatie"), "period": N_("Jaar"),
    "max_places": N_("Afgesproken plaatsen"), "used": N_("Al gebruikt buiten deze dienst"),
    "max_placements": N_("Hoogste aantal plaatsingen"), "file": N_("CSV-bestand"), "email": N_("E-mailadres"),
    "role": N_("Rol"), "name": N_("Naam"), "institution_type": N_("Soort instelling"), "central": N_("Centrumgemeente"),
}
texts.FIELD.update({k: v for k, v in FIELDS.items() if k not in texts.FIELD})


def why_no_offer(vacancy: dict) -> str:
    """The one sentence a corporation reads beside a home without an offer ('' for one offered or let)."""
    if vacancy["status"] != "open":
        return ""
    reason = vacancy.get("not_offered_reason")
    return texts.say(NOT_OFFERED, reason) if reason else texts.gettext(WAITING_FOR_ROUND)
