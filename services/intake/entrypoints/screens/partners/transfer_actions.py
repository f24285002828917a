"""The transfer point's own decisions (issue 17 item 3, on issue 20's operations), each with a reason: match a
free home to a named waiting candidate by hand (the next round makes the offer, or refuses it with the rule it
breaks, shown here in plain Dutch), hold a home until a date, lift a candidate's parking after refusals."""
from __future__ import annotations

import secrets
from typing import Any

from aiohttp import web
from faust.web import View
from pydantic import ValidationError

from services.intake.domain import regional_models as m
from services.intake.domain.errors import Conflict, Invalid, NotFound
from services.intake.entrypoints.app import app
from services.intake.entrypoints.screens import forms
from services.intake.entrypoints.screens.gateway import guarded, person, posted, run
from services.intake.entrypoints.screens.i18n import N_
from services.intake.entrypoints.screens.partners import TRANSFER_OFFICER, decision_wording
from services.intake.entrypoints.screens.rendering import render
from services.intake.entrypoints.web_session import redirect
from services.intake.service_layer.region_overview import REGION_OVERVIEW

MATCH_STATUS = {"requested": N_("aangevraagd: wacht op de volgende matchronde"), "offered": N_("aanbod gedaan"),
                "refused": N_("geweigerd")}
NOT_OPEN = N_("De kandidaat wacht niet meer of de woning is niet meer vrij. Kies opnieuw uit de lijsten.")


async def choices(caller) -> dict[str, Any]:
    """The waiting candidates (longest first) and the free homes of the region, for the forms' lists."""
    waiting = sorted((await run(caller, "listRegionCandidates"))["items"], key=lambda c: -c["days_waiting"])
    homes = (await run(caller, REGION_OVERVIEW))["homes"]
    return {"candidates": waiting, "homes": homes}


class Decide(View):
    """A form of one decision: GET shows it, POST runs the operation and goes back with a notice."""
    OPERATION, MODEL, FIELDS, TEMPLATE, TITLE, DONE = "", m.Decision, ("reason",), "", "", ""

    async def values(self, caller, **params: str) -> dict[str, Any]:
        return await choices(caller)

    async def page(self, request, caller, csrf, status: int = 200, params: dict | None = None, **values):
        values.setdefault("values", {})
        return render(self.TEMPLATE, self.TITLE, status, caller=caller, csrf=csrf, path=request.path,
                      form_key=secrets.token_urlsafe(16), notice=self.DONE if request.query.get("klaar") else None,
                      **await self.values(caller, **(params or {})), **values)

    @guarded
    async def get(self, request: web.Request, **params: str) -> web.Response:
        caller, csrf = await person(request, TRANSFER_OFFICER)
        return await self.page(request, caller, csrf, params=params)

    @guarded
    async def post(self, request: web.Request, **params: str) -> web.StreamResponse:
        caller, csrf, form = await posted(request, self.OPERATION, params, (TRANSFER_OFFICER,))
        given = {k: form.get(k, "").strip() for k in self.FIELDS}
        try:
            body = forms.parse(self.MODEL, {k: v for k, v in given.items() if v})
            await run(caller, self.OPERATION, params, body, form_key=form.get("form_key"))
        except (ValidationError, Invalid) as exc:
            errors = decision_wording.field_errors(exc, self.FIELDS)
            kept = {k: v for k, v in given.items() if k != "reason" and k not in {e.field for e in errors}}
            return await self.page(request, caller, csrf, 400, params, errors=errors, values=kept)
        except (Conflict, NotFound):
            return await self.page(request, caller, csrf, 409, params, error=NOT_OPEN)
        return redirect(request.path + "?klaar=1")


class ManualMatch(Decide):
    OPERATION, MODEL, FIELDS = "matchByHand", m.ManualMatch, ("candidate_id", "unit_id", "reason")
    TEMPLATE, TITLE = "transfer_match.html", N_("Handmatig koppelen")
    DONE = N_("De koppeling is aangevraagd. De volgende matchronde doet het aanbod, of meldt hieronder welke regel "
              "het verhindert.")

    async def values(self, caller, **params: str) -> dict[str, Any]:
        matches = (await run(caller, "listManualMatches"))["items"]
        rows = [dict(r, status_text=MATCH_STATUS[r["status"]], rules=[decision_wording.refusal(e) for e in r["errors"]])
                for r in reversed(matches)]
        return {**await choices(caller), "matches": rows}


class Hold(Decide):
    OPERATION, MODEL, FIELDS = "holdVacancy", m.Hold, ("unit_id", "until", "reason")
    TEMPLATE, TITLE = "transfer_hold.html", N_("Woning vasthouden")
    DONE = N_("De woning wordt vastgehouden. De corporatie krijgt bericht.")


class ParkingLift(Decide):
    OPERATION, FIELDS = "liftParking", ("reason",)
    TEMPLATE, TITLE = "transfer_parking.html", N_("Parkeren opheffen")
    DONE = N_("Het parkeren is opgeheven. De opvang krijgt bericht.")

    async def values(self, caller, candidate_id: str = "") -> dict[str, Any]:
        found = next((c for c in (await run(caller, "listRegionCandidates"))["items"]
                      if c["candidate_id"] == candidate_id), None)
        if found is None:
            raise NotFound("no such candidate in the region")
        return {"candidate": found}


app.page("/transferpunt/koppelen")(ManualMatch)
app.page("/transferpunt/vasthouden")(Hold)
app.page("/transferpunt/kandidaten/{candidate_id}/parkering")(ParkingLift)
