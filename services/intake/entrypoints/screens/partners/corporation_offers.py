"""Offers on the corporation's homes (issue 17, item 1): confirm, or reject with a category and a reason,
seeing only what a landlord may see (the API's own answer for a corporation: the household's size,
children, support and its provider, youth; never a candidate id, score, health, detention or domestic
violence detail); and the corporation's agreements with each municipality: committed, used, held, remaining."""
from __future__ import annotations

import secrets

from aiohttp import web
from faust.web import View
from pydantic import ValidationError

from contracts.types import RejectionCategory
from services.intake.domain import commands as cmd
from services.intake.domain.errors import Conflict, Invalid, OfferExpired
from services.intake.entrypoints.app import app
from services.intake.entrypoints.screens import forms, texts
from services.intake.entrypoints.screens.gateway import guarded, person, posted, run
from services.intake.entrypoints.screens.i18n import N_
from services.intake.entrypoints.screens.partners import ALLOCATION_OFFICER
from services.intake.entrypoints.screens.rendering import render
from services.intake.entrypoints.web_session import redirect

NOTICES = {"bevestigd": N_("U hebt het aanbod bevestigd. De kandidaat geeft nu antwoord."),
           "afgewezen": N_("U hebt het aanbod afgewezen. De opvang leest uw reden.")}
CLOSED = N_("Dit aanbod is al beantwoord, verlopen of ingetrokken.")


class CorporationOffers(View):
    @guarded
    async def get(self, request: web.Request) -> web.Response:
        caller, csrf = await person(request, ALLOCATION_OFFICER)
        offers = (await run(caller, "listOffers"))["items"]
        offers.sort(key=lambda o: (o["status"] != "open", o["expires_at"]))
        rows = [dict(o, state=texts.say(texts.OFFER_STATUS, o["status"])) for o in offers]
        return render("corporation_offers.html", N_("Aanbiedingen op onze woningen"), caller=caller, csrf=csrf,
                      path=request.path, rows=rows)


async def offer_page(request, caller, csrf, offer_id: str, status: int = 200, **values) -> web.Response:
    offer = await run(caller, "getOffer", {"offer_id": offer_id})
    household = offer.get("household")
    return render("corporation_offer.html", N_("Aanbod op onze woning"), status, caller=caller, csrf=csrf,
                  path=request.path, o=offer, household=household, form_key=secrets.token_urlsafe(16),
                  state=texts.say(texts.OFFER_STATUS, offer["status"]),
                  support=household and texts.say(texts.SUPPORT, household["support"]),
                  decline=offer.get("decline") and texts.say(texts.DECLINE, offer["decline"]["category"]),
                  passed_over=[(texts.say(texts.PASS_OVER, k), n) for k, n in offer["passed_over"].items()],
                  may_answer=offer["status"] == "open" and offer["corporation_answer"] is None,
                  categories=[(c.value, texts.say(texts.REJECTION, c)) for c in RejectionCategory],
                  notice=NOTICES.get(request.query.get("klaar", "")), values=values.pop("values", {}), **values)


class CorporationOffer(View):
    @guarded
    async def get(self, request: web.Request, offer_id: str) -> web.Response:
        caller, csrf = await person(request, ALLOCATION_OFFICER)
        return await offer_page(request, caller, csrf, offer_id)


class ConfirmOffer(View):
    @guarded
    async def post(self, request: web.Request, offer_id: str) -> web.StreamResponse:
        params = {"offer_id": offer_id}
        caller, csrf, form = await posted(request, "confirmOffer", params, (ALLOCATION_OFFICER,))
        try:
            await run(caller, "confirmOffer", params, form_key=form.get("form_key"))
        except (Conflict, OfferExpired):
            return await offer_page(request, caller, csrf, offer_id, 409, error=CLOSED)
        return redirect(f"/corporatie/aanbiedingen/{offer_id}?klaar=bevestigd")


class RejectOffer(View):
    @guarded
    async def post(self, request: web.Request, offer_id: str) -> web.StreamResponse:
        params = {"offer_id": offer_id}
        caller, csrf, form = await posted(request, "rejectOffer", params, (ALLOCATION_OFFICER,))
        try:
            body = forms.parse(cmd.Rejection, {"category": form.get("category", ""),
                                               "reason": form.get("reason", "").strip()})
            await run(caller, "rejectOffer", params, body, form_key=form.get("form_key"))
        except (ValidationError, Invalid) as exc:
            errors = forms.field_errors(exc)
            return await offer_page(request, caller, csrf, offer_id, 400, errors=errors,
                                    values=forms.refilled(form, errors))
        except (Conflict, OfferExpired):
            return await offer_page(request, caller, csrf, offer_id, 409, error=CLOSED)
        return redirect(f"/corporatie/aanbiedingen/{offer_id}?klaar=afgewezen")


class CorporationAgreements(View):
    @guarded
    async def get(self, request: web.Request) -> web.Response:
        caller, csrf = await person(request, ALLOCATION_OFFICER)
        items = (await run(caller, "listAgreements"))["items"]
        return render("corporation_agreements.html", N_("Onze afspraken met gemeenten"), caller=caller, csrf=csrf,
                      path=request.path, rows=items)


app.page("/corporatie/aanbiedingen")(CorporationOffers)
app.page("/corporatie/aanbiedingen/{offer_id}")(CorporationOffer)
app.page("/corporatie/aanbiedingen/{offer_id}/bevestigen")(ConfirmOffer)
app.page("/corporatie/aanbiedingen/{offer_id}/afwijzen")(RejectOffer)
app.page("/corporatie/afspraken")(CorporationAgreements)
