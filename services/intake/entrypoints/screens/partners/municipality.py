"""The municipality's policy officer (issue 17, item 2): register and change the prestatieafspraken and the
neighbourhood limits, with every earlier version; each limit's use as a table and a chart; the corporations
and shelters of the region by name. The figures are the API's own exact counters (agreements.py); the
ledger's disclosure-controlled figures are on the figures screen (figures.py)."""
from __future__ import annotations

import secrets

from aiohttp import web
from faust.web import View
from pydantic import ValidationError

from services.intake.domain import commands as cmd
from services.intake.domain.errors import Conflict, Invalid
from services.intake.entrypoints.app import app
from services.intake.entrypoints.screens import forms, texts
from services.intake.entrypoints.screens.gateway import guarded, person, posted, run
from services.intake.entrypoints.screens.i18n import N_
from services.intake.entrypoints.screens.partners import POLICY_OFFICER, wording
from services.intake.entrypoints.screens.rendering import render
from services.intake.entrypoints.web_session import redirect
from services.intake.service_layer.operation_types import OrganisationQuery
from services.intake.service_layer.region_overview import AGREEMENT_HISTORY

#: What each register form posts: operation, request model, fields, template, title, where it goes back to.
REGISTERS = {
    "agreement": ("registerAgreement", cmd.RegisterAgreement, ("corporation", "period", "max_places", "used"),
                  "municipality_agreements.html", N_("Prestatieafspraken"), "/gemeente/afspraken"),
    "limit": ("setNeighbourhoodLimit", cmd.SetNeighbourhoodLimit, ("neighbourhood", "period", "max_placements", "used"),
              "municipality_limits.html", N_("Draagkracht van de wijken"), "/gemeente/wijken"),
}
NOTICE = N_("Vastgelegd. De volgende matchronde rekent met de nieuwe getallen.")
BAR_WIDTH = 300


async def region_organisations(caller) -> list[dict]:
    return (await run(caller, "listOrganisations", query=OrganisationQuery()))["items"]


def limit_rows(items: list[dict]) -> list[dict]:
    """Each limit's use: placed and held against the maximum, with the bar's length for the chart."""
    rows = []
    for i, n in enumerate(items):
        c = n["counters"]
        taken = c["used"] + c["held"]
        share = min(1.0, taken / c["committed"]) if c["committed"] else 1.0
        rows.append({**n, "taken": taken, "y": 8 + i * 28, "bar": round(BAR_WIDTH * share),
                     "level": "vol" if c["remaining"] == 0 else "bijna" if share >= 0.8 else "ruim"})
    return rows


async def register_page(request, caller, csrf, kind: str, status: int = 200, **values) -> web.Response:
    operation, _, _, template, title, _ = REGISTERS[kind]
    listing = "listAgreements" if kind == "agreement" else "listNeighbourhoodLimits"
    items = (await run(caller, listing))["items"]
    history = [v for v in (await run(caller, AGREEMENT_HISTORY))["items"] if v["kind"] == kind]
    found = await region_organisations(caller)
    values.setdefault("values", {})
    return render(template, title, status, caller=caller, csrf=csrf, path=request.path, items=items,
                  rows=limit_rows(items) if kind == "limit" else items, history=history,
                  names={o["org_id"]: o["name"] for o in found},
                  corporations=[(o["org_id"], o["name"]) for o in found if o["role"] == "corporation"],
                  form_key=secrets.token_urlsafe(16), bar_width=BAR_WIDTH,
                  notice=NOTICE if request.query.get("klaar") else None, **values)


class Register(View):
    KIND = "agreement"

    @guarded
    async def get(self, request: web.Request) -> web.Response:
        caller, csrf = await person(request, POLICY_OFFICER)
        return await register_page(request, caller, csrf, self.KIND)

    @guarded
    async def post(self, request: web.Request) -> web.StreamResponse:
        operation, model, fields, *_, back = REGISTERS[self.KIND]
        caller, csrf, form = await posted(request, operation, audience=(POLICY_OFFICER,))
        try:
            body = forms.parse(model, {k: form.get(k, "").strip() for k in fields if form.get(k, "").strip()})
            await run(caller, operation, body=body, form_key=form.get("form_key"))
        except (ValidationError, Invalid) as exc:
            errors = forms.field_errors(exc)
            kept = {k: v for k, v in form.items() if k in fields and k not in {e.field for e in errors}}
            return await register_page(request, caller, csrf, self.KIND, 400, errors=errors, values=kept)
        except Conflict:
            return await register_page(request, caller, csrf, self.KIND, 409,
                                       error=N_("Uw gemeente heeft geen regio; vraag de beheerder die vast te leggen."))
        return redirect(back + "?klaar=1")


class Limits(Register):
    KIND = "limit"


class RegionOrganisations(View):
    @guarded
    async def get(self, request: web.Request) -> web.Response:
        caller, csrf = await person(request, POLICY_OFFICER)
        rows = [dict(o, role_text=texts.say(wording.ROLE, o["role"])) for o in await region_organisations(caller)]
        return render("region_organisations.html", N_("Organisaties in de regio"), caller=caller, csrf=csrf,
                      path=request.path, rows=rows, region=caller.region)


app.page("/gemeente/afspraken")(Register)
app.page("/gemeente/wijken")(Limits)
app.page("/gemeente/organisaties")(RegionOrganisations)
