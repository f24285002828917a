"""The region's transfer point (issue 17, item 3): the waiting candidates as the accounts issue allows it
(pseudonymous, audited per candidate), the people waiting longest first; the homes still free; the offers
in flight with their deadlines, and which stalled (no answer after the region's number of days, 3 by
default). Reads only: the review, manual matches, holds and parking lifts are transfer_review.py and
transfer_actions.py."""
from __future__ import annotations

from aiohttp import web
from faust.web import View

from services.intake.entrypoints.app import app
from services.intake.entrypoints.screens import texts
from services.intake.entrypoints.screens.gateway import guarded, person, run
from services.intake.entrypoints.screens.i18n import N_
from services.intake.entrypoints.screens.partners import TRANSFER_OFFICER, wording
from services.intake.entrypoints.screens.rendering import render
from services.intake.service_layer.region_overview import REGION_OVERVIEW


class WaitingCandidates(View):
    @guarded
    async def get(self, request: web.Request) -> web.Response:
        caller, csrf = await person(request, TRANSFER_OFFICER)
        items = (await run(caller, "listRegionCandidates"))["items"]
        items.sort(key=lambda c: -c["days_waiting"])
        rows = [dict(c, support_text=texts.say(texts.SUPPORT, c["support"])) for c in items]
        return render("transfer_candidates.html", N_("Wachtende kandidaten in de regio"), caller=caller, csrf=csrf,
                      path=request.path, rows=rows, region=caller.region)


class OffersAndHomes(View):
    @guarded
    async def get(self, request: web.Request) -> web.Response:
        caller, csrf = await person(request, TRANSFER_OFFICER)
        found = await run(caller, REGION_OVERVIEW)
        offers = sorted(found["offers"], key=lambda o: (not o["stalled"], o["expires_at"]))
        homes = [dict(h, kind_text=texts.say(texts.UNIT_KIND, h["kind"]),
                      why=wording.why_no_offer({"status": "open", **h})) for h in found["homes"]]
        return render("transfer_offers.html", N_("Aanbiedingen en vrije woningen"), caller=caller, csrf=csrf,
                      path=request.path, offers=offers, stalled=[o for o in offers if o["stalled"]], homes=homes,
                      days=found["stalled_after_days"])


app.page("/transferpunt")(WaitingCandidates)
app.page("/transferpunt/aanbiedingen")(OffersAndHomes)
