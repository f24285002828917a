"""Plain-language Dutch for every code a case worker meets: statuses, reasons, categories, notifications,
form fields and errors. Dutch is the source language of the catalogues (N_ marks a message for extraction;
``say`` translates it when shown). A code without a text here is a bug: tests/unit/screens checks them all."""
from __future__ import annotations

from contracts.types import DeclineCategory, PassOverReason, RejectionCategory, Support, UnitKind
from contracts.vocabulary import CandidateStatus, OfferStatus
from services.intake.entrypoints.screens.i18n import N_, gettext

CANDIDATE_STATUS = {
    CandidateStatus.WAITING: N_("Wacht op een woning"),
    CandidateStatus.OFFERED: N_("Heeft een aanbod"),
    CandidateStatus.PLACED: N_("Gehuisvest"),
    CandidateStatus.WITHDRAWN: N_("Ingetrokken"),
    CandidateStatus.HOUSED_ELSEWHERE: N_("Via een andere organisatie gehuisvest"),
}
OFFER_STATUS = {
    OfferStatus.OPEN: N_("Open: wacht op antwoord"),
    OfferStatus.EXPIRED: N_("Verlopen zonder antwoord"),
    OfferStatus.WITHDRAWN: N_("Ingetrokken"),
    OfferStatus.REJECTED: N_("Afgewezen door de corporatie"),
    OfferStatus.DECLINED: N_("Afgewezen door de kandidaat"),
    OfferStatus.PLACED: N_("Geplaatst: de kandidaat krijgt deze woning"),
}
#: Why a more urgent candidate did not get a home that went to someone else.
PASS_OVER = {
    PassOverReason.DECLINED_BEFORE: N_("De kandidaat heeft deze woning eerder afgewezen."),
    PassOverReason.EXPIRED_BEFORE: N_("Een eerder aanbod van deze woning aan de kandidaat is verlopen zonder "
                                      "antwoord."),
    PassOverReason.HOUSEHOLD_TOO_LARGE_FOR_SHARED_UNIT: N_("Het huishouden is te groot voor een gedeelde woning."),
    PassOverReason.ROOMS_DO_NOT_FIT: N_("Het aantal kamers past niet bij de grootte van het huishouden."),
    PassOverReason.NEEDS_WHEELCHAIR_ACCESS: N_("De woning heeft geen rolstoeltoegankelijke ingang."),
    PassOverReason.SUPPORT_NOT_OFFERED: N_("Bij de woning is de begeleiding die de kandidaat nodig heeft niet "
                                           "geregeld."),
    PassOverReason.NEIGHBOURHOOD_EXCLUDED: N_("De woning ligt in een wijk die voor de kandidaat is uitgesloten."),
    PassOverReason.RENT_NOT_AFFORDABLE: N_("De huur is te hoog voor de kandidaat (passend toewijzen)."),
    PassOverReason.PLACED_ELSEWHERE: N_("De kandidaat kreeg in dezelfde ronde een andere woning aangeboden."),
    PassOverReason.HIGHER_TOTAL_ELSEWHERE: N_("Zo konden in de regio meer mensen met voorrang een woning krijgen."),
}
#: What would help, for the reasons that come from the candidate's own restrictions.
HELPS = {
    PassOverReason.NEEDS_WHEELCHAIR_ACCESS: N_("Er komen weinig woningen met een rolstoeltoegankelijke ingang vrij. "
                                               "Vraag de corporaties naar aangepaste woningen."),
    PassOverReason.NEIGHBOURHOOD_EXCLUDED: N_("Uitgesloten wijken houden de meeste woningen tegen. Bespreek met de "
                                              "kandidaat of minder wijken uitgesloten kunnen worden."),
    PassOverReason.SUPPORT_NOT_OFFERED: N_("De gevraagde begeleiding is bij weinig woningen geregeld. Regel een "
                                           "begeleider die ook in een gewone woning kan helpen."),
    PassOverReason.ROOMS_DO_NOT_FIT: N_("Er komen weinig woningen vrij met het aantal kamers dat dit huishouden "
                                        "nodig heeft."),
    PassOverReason.HOUSEHOLD_TOO_LARGE_FOR_SHARED_UNIT: N_("Gedeelde woningen zijn te klein voor dit huishouden."),
    PassOverReason.RENT_NOT_AFFORDABLE: N_("De huur van de vrijgekomen woningen was te hoog. Controleer of het "
                                           "inkomen en de huurtoeslag goed zijn doorgegeven."),
    PassOverReason.DECLINED_BEFORE: N_("Bespreek met de kandidaat waarom eerdere aanbiedingen zijn afgewezen."),
    PassOverReason.EXPIRED_BEFORE: N_("Beantwoord een aanbod voor de uiterste datum; daarna vervalt het."),
}
DECLINE = {
    DeclineCategory.UNSAFE_NEIGHBOURHOOD: N_("De buurt voelt niet veilig voor de kandidaat"),
    DeclineCategory.TOO_FAR_FROM_CARE_WORK_OR_SCHOOL: N_("Te ver van zorg, werk of school"),
    DeclineCategory.HOME_UNSUITABLE_FOR_HEALTH: N_("De woning past niet bij de gezondheid van de kandidaat"),
    DeclineCategory.HOUSEHOLD_CHANGED: N_("Het huishouden is veranderd"),
    DeclineCategory.FOUND_OTHER_HOME: N_("De kandidaat heeft zelf een andere woning gevonden"),
    DeclineCategory.OTHER: N_("Een andere reden"),
}
REJECTION = {
    RejectionCategory.HOME_NO_LONGER_AVAILABLE: N_("De woning is niet meer beschikbaar"),
    RejectionCategory.HOUSEHOLD_DOES_NOT_FIT_HOME: N_("Het huishouden past niet in de woning"),
    RejectionCategory.SUPPORT_NOT_ARRANGED: N_("De begeleiding is niet geregeld"),
    RejectionCategory.RENT_NOT_AFFORDABLE: N_("De huur is niet betaalbaar voor de kandidaat"),
    RejectionCategory.OTHER: N_("Een andere reden"),
}
SUPPORT = {Support.NONE: N_("Geen begeleiding"), Support.LIGHT: N_("Lichte begeleiding"),
           Support.INTENSIVE: N_("Intensieve begeleiding"), Support.HOUSING_FIRST: N_("Housing First")}
UNIT_KIND = {UnitKind.REGULAR: N_("Gewone sociale huurwoning"), UnitKind.FLEX: N_("Flexwoning"),
             UnitKind.SHARED: N_("Gedeelde woning"), UnitKind.HOUSING_FIRST: N_("Housing First-woning"),
             UnitKind.TRANSFORMATION: N_("Woning in een omgebouwd gebouw"), UnitKind.NEW_BUILD: N_("Nieuwbouw")}
#: The organisation's notifications (the change feed's kinds a shelter hears).
CHANGE = {
    "offer.made": N_("Er is een woning aangeboden aan een kandidaat."),
    "offer.expired": N_("Een aanbod is verlopen zonder antwoord."),
    "offer.withdrawn": N_("Een aanbod is ingetrokken."),
    "offer.rejected": N_("De corporatie heeft een aanbod afgewezen."),
    "offer.declined": N_("Een aanbod is namens de kandidaat afgewezen."),
    "offer.placed": N_("Een aanbod is rond: de kandidaat krijgt de woning."),
    "placement.confirmed": N_("Een plaatsing is bevestigd."),
    "candidate.reported_housed": N_("Een kandidaat is als gehuisvest gemeld."),
    "candidate.report_retracted": N_("Een melding dat een kandidaat is gehuisvest, is ingetrokken."),
    "candidate.housed_elsewhere": N_("Een kandidaat is via een andere organisatie gehuisvest."),
    "candidate.took_over": N_("Uw aanmelding van een kandidaat wordt nu gebruikt voor de matching."),
    "candidate.erased": N_("De gegevens van een kandidaat zijn op verzoek gewist."),
    "candidate.parked": N_("Een kandidaat is tijdelijk geparkeerd na herhaalde weigeringen zonder geldige reden."),
    "candidate.parking_lifted": N_("Het transferpunt heeft het parkeren van een kandidaat opgeheven."),
    "proposal.set_aside": N_("Het transferpunt heeft een voorstel terzijde gelegd."),
    "vacancy.held": N_("Het transferpunt houdt een woning tijdelijk aan."),
    "proposal.made": N_("Een voorstel van de matcher wacht op de beoordeling van het transferpunt."),
    "proposal.overdue": N_("Een voorstel wacht langer dan de afgesproken tijd op beoordeling."),
    "manual-match.refused": N_("Een handmatige match is geweigerd omdat die een regel overschrijdt."),
    "simulation.done": N_("Een simulatie is klaar: het rapport staat klaar."),
    "simulation.failed": N_("Een simulatie is mislukt; de reden staat bij de simulatie."),
    "simulation.cancelled": N_("Een simulatie is gestopt voordat hij klaar was; er komt geen rapport."),
    "webhook.disabled": N_("Een webhook is uitgeschakeld na herhaalde fouten."),
    "command.accepted": N_("Een opdracht van uw systeem is uitgevoerd."),
    "command.rejected": N_("Een opdracht van uw systeem is geweigerd."),
}
#: The form fields, as the forms and their error messages name them.
FIELD = {
    "bsn": N_("BSN"), "region": N_("Regio"), "household_size": N_("Aantal personen in het huishouden"),
    "children": N_("Aantal kinderen"), "wheelchair": N_("Rolstoeltoegankelijke woning nodig"),
    "support": N_("Begeleiding"), "support_provider": N_("Begeleider (organisatie)"),
    "shelter_entry_date": N_("In de opvang sinds"), "youth": N_("Jongere (18 tot 27 jaar)"),
    "medical_urgency": N_("Medische urgentie"), "excluded_neighbourhoods": N_("Uitgesloten wijken"),
    "preferred_neighbourhoods": N_("Voorkeurswijken"), "reason": N_("Reden"), "category": N_("Soort reden"),
    "frequency": N_("Hoe vaak"), "language": N_("Taal van de e-mails"), "url": N_("Adres (URL)"),
    "cursor": N_("Vanaf volgnummer"),
}
#: Errors by pydantic's error type or by the rule that refused (never quoting the value given).
ERROR = {
    "missing": N_("Vul dit veld in."),
    "string_pattern_mismatch": N_("Deze invoer heeft niet de goede vorm."),
    "int_parsing": N_("Vul een heel getal in."),
    "greater_than_equal": N_("Dit getal is te klein."),
    "less_than_equal": N_("Dit getal is te groot."),
    "date_from_datetime_parsing": N_("Vul een datum in (dag-maand-jaar)."),
    "date_parsing": N_("Vul een datum in (dag-maand-jaar)."),
    "enum": N_("Kies een van de mogelijkheden."),
    "literal_error": N_("Kies een van de mogelijkheden."),
    "string_too_long": N_("Deze tekst is te lang."),
    "string_too_short": N_("Vul dit veld in."),
    "bsn": N_("Dit is geen geldig BSN: 9 cijfers die de elfproef doorstaan."),
    "bsn_in_text": N_("Zet geen BSN of ander persoonsnummer in een tekst."),
    "in_future": N_("Deze datum ligt in de toekomst."),
    "children_fit": N_("Er zijn meer kinderen dan personen in het huishouden."),
    "neighbourhood": N_("Vul wijkcodes in zoals BU03630001, gescheiden door komma's."),
    "other": N_("Deze invoer is niet geldig."),
}


def say(table: dict, code) -> str:
    """The text of a code in the request's language; an unknown code is shown as itself."""
    text = table.get(code)
    return gettext(text) if text else str(code)


#: Fixed sentences of the sign-in pages (issue 15), passed as values: listed so the catalogue has them.
SIGN_IN_SENTENCES = (
    N_("Aanmelden"), N_("Tweede stap"), N_("Uw account"), N_("Afmelden"), N_("Afgemeld"), N_("Account activeren"),
    N_("Tweede stap instellen"), N_("Account actief"), N_("Aanmelden bij uw organisatie"),
    N_("Dit formulier is verlopen of niet van deze site. Laad de pagina opnieuw."),
    N_("Onjuist e-mailadres, wachtwoord of code."), N_("Dit kan niet."), N_("De aanmelding is verlopen."),
    N_("Deze activeringscode is onbekend, al gebruikt of verlopen."),
    N_("Begin opnieuw met uw activeringscode als de code niet werkte."), N_("U bent afgemeld."),
    N_("U bent afgemeld op al uw apparaten."), N_("Deze aanmeldmogelijkheid bestaat niet."),
    N_("De aanmelding is verlopen; begin opnieuw."), N_("Dit antwoord hoort niet bij uw aanmelding."),
    N_("U hebt geen account bij deze organisatie, of het is uitgeschakeld. Vraag uw beheerder."),
    N_("Toegankelijkheidsverklaring"),
)
