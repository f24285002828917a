"""Every screen's route (HTML for people, not the partner API: kept out of /openapi.json, see API.md).
A new screen adds its path here and registers it in its own module (README.md here); the screens'
authorisation matrix (tests/integration/intake/test_screens_matrix.py) must name every one."""

#: The shell: the front door, stylesheets, the accessibility statement, the language choice.
SHELL_PAGES = frozenset({"/", "/static/{name}", "/toegankelijkheid", "/taal/{code}"})

#: The case worker's screens (issue 16).
CASE_WORKER_PAGES = frozenset({
    "/kandidaten", "/kandidaten/nieuw", "/kandidaten/{candidate_id}", "/kandidaten/{candidate_id}/wijzigen",
    "/kandidaten/{candidate_id}/intrekken", "/aanbiedingen/{offer_id}", "/aanbiedingen/{offer_id}/accepteren",
    "/aanbiedingen/{offer_id}/afwijzen", "/meldingen"})

#: The ledger's figures with the same sign-in (policy officers, analysts, system administrators).
FIGURES_PAGES = frozenset({"/cijfers"})

#: The other people's screens (issue 17): corporation, municipality, transfer point, ministry, administrators.
PARTNER_PAGES = frozenset({
    "/corporatie/woningen", "/corporatie/woningen/nieuw", "/corporatie/woningen/upload",
    "/corporatie/woningen/{vacancy_id}/intrekken", "/corporatie/aanbiedingen", "/corporatie/aanbiedingen/{offer_id}",
    "/corporatie/aanbiedingen/{offer_id}/bevestigen", "/corporatie/aanbiedingen/{offer_id}/afwijzen",
    "/corporatie/afspraken",
    "/gemeente/afspraken", "/gemeente/wijken", "/gemeente/organisaties",
    "/transferpunt", "/transferpunt/aanbiedingen",
    "/transferpunt/voorstellen", "/transferpunt/voorstellen/{proposal_id}", "/transferpunt/koppelen",
    "/transferpunt/vasthouden", "/transferpunt/kandidaten/{candidate_id}/parkering", "/gemeente/beleid",
    "/beheer/organisaties", "/beheer/organisaties/{organisation}/tokens",
    "/beheer/organisaties/{organisation}/tokens/{key_id}/intrekken", "/beheer/gebruikers",
    "/beheer/gebruikers/{user_id}/herstellen", "/beheer/audit"})

#: Notifications (issue 18): every person's own e-mail settings; the organisation's webhooks for its administrators.
NOTIFICATION_PAGES = frozenset({
    "/instellingen/meldingen", "/beheer/webhooks", "/beheer/webhooks/{webhook_id}/verwijderen",
    "/beheer/webhooks/{webhook_id}/opnieuw"})

#: What-if simulations (issue 21) for the municipality's policy officer.
SIMULATION_PAGES = frozenset({"/simulaties", "/simulaties/nieuw", "/simulaties/{job_id}",
                              "/simulaties/{job_id}/stoppen"})

SCREEN_PAGES = SHELL_PAGES | CASE_WORKER_PAGES | FIGURES_PAGES | PARTNER_PAGES | NOTIFICATION_PAGES | SIMULATION_PAGES
