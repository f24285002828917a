"""My candidates (a page of the list, with the one line "why still waiting") and one candidate's page
(profile, timeline, passed-over reasons, what would help)."""
from __future__ import annotations

from aiohttp import web
from faust.web import View

from contracts.types import local_date
from services.intake.entrypoints.app import app
from services.intake.entrypoints.screens.i18n import N_
from services.intake.entrypoints.screens import explain, texts
from services.intake.entrypoints.screens.case_worker import CASE_WORKER
from services.intake.entrypoints.screens.gateway import guarded, person, run
from services.intake.entrypoints.screens.rendering import render
from services.intake.service_layer.case_overview import CANDIDATES_PAGE, PageQuery
from services.intake.service_layer.common import ACTIVE, now

PAGE_SIZE = 50
#: Timeline entries and passed-over homes a candidate's page shows (the newest).
SHOWN = 100


def page_number(request: web.Request) -> int:
    value = request.query.get("pagina", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


class Candidates(View):
    @guarded
    async def get(self, request: web.Request) -> web.Response:
        caller, csrf = await person(request, CASE_WORKER)
        number = page_number(request)
        page = await run(caller, CANDIDATES_PAGE, query=PageQuery(page=number, size=PAGE_SIZE))
        open_offers = {o["candidate_id"]: o for o in page["open_offers"]}
        reasons = {r["candidate_id"]: r for r in page["waiting"]}
        today = local_date(now())
        rows = [{"id": c["candidate_id"], "status": texts.say(texts.CANDIDATE_STATUS, c["status"]),
                 "days": explain.days_waiting(c, today), "offer": open_offers.get(c["candidate_id"]),
                 "why": explain.why_waiting(c, open_offers.get(c["candidate_id"]), reasons.get(c["candidate_id"]))}
                for c in page["items"]]
        return render("candidates.html", N_("Mijn kandidaten"), caller=caller, csrf=csrf, path=request.path,
                      rows=rows, total=page["total"], number=number, pages=max(1, -(-page["total"] // PAGE_SIZE)))


NOTICES = {"aangemeld": N_("De kandidaat is aangemeld. Het BSN is niet bewaard: alleen een pseudoniem."),
           "gewijzigd": N_("De gegevens zijn gewijzigd."), "ingetrokken": N_("De kandidaat is ingetrokken.")}


class Candidate(View):
    @guarded
    async def get(self, request: web.Request, candidate_id: str) -> web.Response:
        caller, csrf = await person(request, CASE_WORKER)
        candidate = await run(caller, "getCandidate", {"candidate_id": candidate_id})
        passed_over = (await run(caller, "listPassedOver", {"candidate_id": candidate_id}))["items"]
        offers = candidate["offers"]
        current = next((o for o in reversed(offers) if o["status"] == "open"), None)
        # Newest first, at most SHOWN of each: the page stays light however long someone has waited.
        reasons = [dict(p, text=texts.say(texts.PASS_OVER, p["reason"])) for p in reversed(passed_over)][:SHOWN]
        timeline = explain.timeline(candidate, offers, passed_over)
        return render("candidate.html", N_("Kandidaat"), caller=caller, csrf=csrf, path=request.path, c=candidate,
                      state=texts.say(texts.CANDIDATE_STATUS, candidate["status"]), current=current,
                      support=texts.say(texts.SUPPORT, candidate["support"]), active=candidate["status"] in ACTIVE,
                      days=explain.days_waiting(candidate, local_date(now())),
                      timeline=timeline[:SHOWN], earlier=max(0, len(timeline) - SHOWN), passed_over=reasons,
                      passed_over_total=len(passed_over),
                      helps=explain.what_would_help(passed_over), notice=NOTICES.get(request.query.get("klaar", "")))


app.page("/kandidaten")(Candidates)
app.page("/kandidaten/{candidate_id}")(Candidate)
