"""An offer's page (the home as the partner-information issue lets the shelter see it, the deadline) and
the person's answer: accept, or decline with a reason category and the case worker's own words."""
from __future__ import annotations

import secrets

from aiohttp import web
from faust.web import View
from pydantic import ValidationError

from contracts.types import DeclineCategory
from services.intake.domain import commands as cmd
from services.intake.domain.errors import Conflict, Invalid, OfferExpired
from services.intake.entrypoints.app import app
from services.intake.entrypoints.screens.i18n import N_
from services.intake.entrypoints.screens import forms, texts
from services.intake.entrypoints.screens.case_worker import CASE_WORKER
from services.intake.entrypoints.screens.gateway import guarded, person, posted, run
from services.intake.entrypoints.screens.rendering import render
from services.intake.entrypoints.web_session import redirect

TITLE = N_("Aanbod")


async def offer_page(request: web.Request, caller, csrf, offer_id: str, status: int = 200, **values) -> web.Response:
    offer = await run(caller, "getOffer", {"offer_id": offer_id})
    home = offer["home"] or {}
    rejection = offer.get("rejection")
    decline = offer.get("decline")
    return render("offer.html", TITLE, status, caller=caller, csrf=csrf, path=request.path, o=offer, home=home,
                  state=texts.say(texts.OFFER_STATUS, offer["status"]),
                  kind=texts.say(texts.UNIT_KIND, home.get("kind")) if home else None,
                  support=[texts.say(texts.SUPPORT, s) for s in home.get("support") or ()],
                  rejection=rejection and dict(rejection, text=texts.say(texts.REJECTION, rejection["category"])),
                  decline=decline and dict(decline, text=texts.say(texts.DECLINE, decline["category"])),
                  may_answer=offer["status"] == "open" and offer["person_answer"] is None,
                  categories=[(c.value, texts.say(texts.DECLINE, c)) for c in DeclineCategory],
                  form_key=secrets.token_urlsafe(16), values=values.pop("values", {}), **values)


EXPIRED = N_("De uiterste datum van dit aanbod is voorbij; het kan niet meer beantwoord worden.")
ANSWERED = N_("Dit aanbod is al beantwoord of gesloten.")


class Offer(View):
    @guarded
    async def get(self, request: web.Request, offer_id: str) -> web.Response:
        caller, csrf = await person(request, CASE_WORKER)
        notice = {"geaccepteerd": N_("Het aanbod is geaccepteerd."), "afgewezen": N_("Het aanbod is afgewezen.")}
        return await offer_page(request, caller, csrf, offer_id, notice=notice.get(request.query.get("klaar", "")))


class Accept(View):
    @guarded
    async def post(self, request: web.Request, offer_id: str) -> web.StreamResponse:
        caller, csrf, form = await posted(request, "acceptOffer", {"offer_id": offer_id},
                                          (CASE_WORKER,))
        try:
            await run(caller, "acceptOffer", {"offer_id": offer_id}, form_key=form.get("form_key"))
        except OfferExpired:
            return await offer_page(request, caller, csrf, offer_id, 409, error=EXPIRED)
        except Conflict:
            return await offer_page(request, caller, csrf, offer_id, 409, error=ANSWERED)
        return redirect(f"/aanbiedingen/{offer_id}?klaar=geaccepteerd")


class Decline(View):
    @guarded
    async def post(self, request: web.Request, offer_id: str) -> web.StreamResponse:
        caller, csrf, form = await posted(request, "declineOffer", {"offer_id": offer_id},
                                          (CASE_WORKER,))
        try:
            body = forms.parse(cmd.Decline, {"category": form.get("category") or None,
                                             "reason": form.get("reason", "").strip()})
            await run(caller, "declineOffer", {"offer_id": offer_id}, body, form_key=form.get("form_key"))
        except (ValidationError, Invalid) as exc:
            errors = forms.field_errors(exc)
            return await offer_page(request, caller, csrf, offer_id, 400, errors=errors,
                                    values=forms.refilled(form, errors))
        except OfferExpired:
            return await offer_page(request, caller, csrf, offer_id, 409, error=EXPIRED)
        except Conflict:
            return await offer_page(request, caller, csrf, offer_id, 409, error=ANSWERED)
        return redirect(f"/aanbiedingen/{offer_id}?klaar=afgewezen")


app.page("/aanbiedingen/{offer_id}")(Offer)
app.page("/aanbiedingen/{offer_id}/accepteren")(Accept)
app.page("/aanbiedingen/{offer_id}/afwijzen")(Decline)
