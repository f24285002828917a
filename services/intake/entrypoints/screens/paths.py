"""Every screen's route (HTML for people, not the partner API: kept out of /openapi.json, see API.md).
A new screen adds its path here and registers it in its own module (README.md here)."""
SHELL_PAGES = frozenset({"/", "/static/{name}", "/toegankelijkheid", "/taal/{code}"})
CASE_WORKER_PAGES = frozenset({
    "/kandidaten", "/kandidaten/nieuw", "/kandidaten/{candidate_id}", "/kandidaten/{candidate_id}/wijzigen",
    "/kandidaten/{candidate_id}/intrekken", "/aanbiedingen/{offer_id}", "/aanbiedingen/{offer_id}/accepteren",
    "/aanbiedingen/{offer_id}/afwijzen", "/meldingen"})
SCREEN_PAGES = SHELL_PAGES | CASE_WORKER_PAGES
