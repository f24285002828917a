"""Enrolment (issue 15): with the one-time code from `housing-match user create` or POST /v1/users, a person
chooses a password, adds the authenticator app (shown its secret, confirmed by one code) and is shown ten
recovery codes once. Forms carry the double-submit CSRF token of the pages before sign-in."""
from __future__ import annotations

import asyncio

from aiohttp import web
from faust.web import View

from services.intake.domain import accounts as rules
from services.intake.domain.errors import IntakeError
from services.intake.entrypoints.app import app
from services.intake.entrypoints.signin_pages import EXPIRED_FORM, form_of, make_uow, refusal, with_form_cookie
from services.intake.entrypoints.web_session import FORM_COOKIE, form_token, page, same
from services.intake.service_layer import signin


class Enrol(View):
    async def get(self, request: web.Request) -> web.Response:
        token = form_token(request)
        return with_form_cookie(request, page("enrol.html", "Account activeren", csrf=token,
                                              min_password=rules.MIN_PASSWORD), token)

    async def post(self, request: web.Request) -> web.Response:
        form = await form_of(request)
        token = form_token(request)
        if not same(request.cookies.get(FORM_COOKIE), form.get("csrf_token")):
            return page("message.html", "Account activeren", 403, error=EXPIRED_FORM, message=None)
        code = form.get("enrolment_code", "").strip()
        try:
            enrolment = await asyncio.to_thread(signin.choose_password, make_uow(), code, form.get("password", ""),
                                                form.get("password_again", ""))
        except IntakeError as exc:
            await asyncio.sleep(rules.FAILURE_DELAY_S)
            error, status, headers = refusal(exc)
            if status == 401:
                error = "Deze activeringscode is onbekend, al gebruikt of verlopen."
            return page("enrol.html", "Account activeren", status, headers, csrf=token,
                        min_password=rules.MIN_PASSWORD, error=error)
        return page("enrol_second_factor.html", "Tweede stap instellen", csrf=token, secret=enrolment.secret,
                    uri=enrolment.uri, enrolment_code=code)


class ConfirmEnrolment(View):
    async def post(self, request: web.Request) -> web.Response:
        form = await form_of(request)
        if not same(request.cookies.get(FORM_COOKIE), form.get("csrf_token")):
            return page("message.html", "Account activeren", 403, error=EXPIRED_FORM, message=None)
        try:
            codes = await asyncio.to_thread(signin.confirm_second_factor, make_uow(),
                                            form.get("enrolment_code", ""), form.get("code", ""))
        except IntakeError as exc:
            await asyncio.sleep(rules.FAILURE_DELAY_S)
            error, status, headers = refusal(exc)
            return page("message.html", "Account activeren", status, headers, error=error,
                        message="Begin opnieuw met uw activeringscode als de code niet werkte.")
        return page("recovery_codes.html", "Account actief", codes=codes)


app.page("/inschrijven")(Enrol)
app.page("/inschrijven/bevestigen")(ConfirmEnrolment)
