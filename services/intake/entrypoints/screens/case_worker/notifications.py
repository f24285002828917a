"""The organisation's notifications: its change feed, newest first, each in a plain Dutch sentence with a
link to the candidate or offer it is about."""
from __future__ import annotations

from aiohttp import web
from faust.web import View

from services.intake.entrypoints.app import app
from services.intake.entrypoints.screens.i18n import N_
from services.intake.entrypoints.screens import texts
from services.intake.entrypoints.screens.case_worker import CASE_WORKER
from services.intake.entrypoints.screens.gateway import guarded, person, run
from services.intake.entrypoints.screens.rendering import render
from services.intake.service_layer.case_overview import LATEST_CHANGES, LatestQuery


def link_of(data: dict) -> str | None:
    if data.get("offer_id"):
        return f"/aanbiedingen/{data['offer_id']}"
    if data.get("candidate_id"):
        return f"/kandidaten/{data['candidate_id']}"
    return None


class Notifications(View):
    @guarded
    async def get(self, request: web.Request) -> web.Response:
        caller, csrf = await person(request, CASE_WORKER)
        before = request.query.get("voor", "")
        query = LatestQuery(before=int(before)) if before.isdigit() and 0 < int(before) < 2**31 else LatestQuery()
        page = await run(caller, LATEST_CHANGES, query=query)
        items = [{"at": c["occurred_at"], "text": texts.say(texts.CHANGE, c["kind"]), "link": link_of(c["data"])}
                 for c in page["items"]]
        return render("notifications.html", N_("Meldingen"), caller=caller, csrf=csrf, path=request.path, items=items,
                      older=page["next_cursor"])


app.page("/meldingen")(Notifications)
