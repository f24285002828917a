"""The sign-in pages (issue 15): minimal server-rendered Dutch forms, no script. The screens issue builds on them.

/inschrijven      enrolment with the one-time code (enrol_pages.py)
/aanmelden        e-mail address and password, then /aanmelden/code: the second factor
/account          who is signed in; sign out here or everywhere
/oidc/…           sign-in at the organisation's own OpenID provider (oidc_pages.py)
"""
from __future__ import annotations

import asyncio

from aiohttp import web
from faust.web import View

from services.intake.domain import accounts as rules
from services.intake.domain.errors import IntakeError
from services.intake.entrypoints.app import app, ctx
from services.intake.entrypoints.screens.i18n import gettext
from services.intake.entrypoints.web_session import (
    FORM_COOKIE, SESSION_COOKIE, clear_cookie, form_token, page, redirect, same, set_cookie,
)
from services.intake.service_layer import sessions, signin
from services.intake.service_layer.unit_of_work import Idempotency, IntakeUnitOfWork
from services.kernel.config import settings

EXPIRED_FORM = "Dit formulier is verlopen of niet van deze site. Laad de pagina opnieuw."
WRONG = "Onjuist e-mailadres, wachtwoord of code."


def make_uow(idem: Idempotency | None = None) -> IntakeUnitOfWork:
    return IntakeUnitOfWork(ctx.engine, idem)


def refusal(exc: IntakeError) -> tuple[str, int, dict[str, str]]:
    """What a page says for a refused step, in Dutch, with its status and headers."""
    if isinstance(exc, signin.Throttled):
        return (gettext("Te veel mislukte pogingen. Probeer het over %(n)d seconden opnieuw.") % {"n": exc.retry_after_s}, 429,
                {"Retry-After": str(exc.retry_after_s)})
    if exc.status == 400:
        return gettext("Controleer de invoer: ") + "; ".join(e["reason"] for e in exc.errors), 400, {}
    return WRONG if exc.status == 401 else "Dit kan niet.", exc.status, {}


async def form_of(request: web.Request) -> dict[str, str]:
    data = await request.post()
    return {k: v for k, v in data.items() if isinstance(v, str)}


def with_form_cookie(request: web.Request, response: web.Response, token: str) -> web.Response:
    if request.cookies.get(FORM_COOKIE) != token:
        set_cookie(response, FORM_COOKIE, token)
    return response


def issuer_keys() -> list[str]:
    return sorted(settings().oidc_issuers)


def sign_in_page(request: web.Request) -> web.Response:
    """The sign-in form (also what ``/`` shows a visitor who is not signed in)."""
    token = form_token(request)
    return with_form_cookie(request, page("signin.html", "Aanmelden", csrf=token, issuers=issuer_keys(),
                                          path=request.path), token)


class SignIn(View):
    async def get(self, request: web.Request) -> web.Response:
        return sign_in_page(request)

    async def post(self, request: web.Request) -> web.Response:
        form = await form_of(request)
        token = form_token(request)
        if not same(request.cookies.get(FORM_COOKIE), form.get("csrf_token")):
            return page("message.html", "Aanmelden", 403, error=EXPIRED_FORM, message=None)
        try:
            user_id = await asyncio.to_thread(signin.check_password, make_uow(), form.get("email", ""),
                                              form.get("password", ""))
        except IntakeError as exc:
            await asyncio.sleep(rules.FAILURE_DELAY_S)
            error, status, headers = refusal(exc)
            return page("signin.html", "Aanmelden", status, headers, csrf=token, issuers=issuer_keys(), error=error)
        sid, _ = await asyncio.to_thread(sessions.start, make_uow(), sessions.SECOND_FACTOR, user_id)
        response = redirect("/aanmelden/code")
        set_cookie(response, SESSION_COOKIE, sid)
        return response


class SecondFactor(View):
    async def get(self, request: web.Request) -> web.Response:
        try:
            row = await asyncio.to_thread(sessions.pending, make_uow(), request.cookies.get(SESSION_COOKIE),
                                          sessions.SECOND_FACTOR)
        except IntakeError:
            return redirect("/aanmelden")
        return page("second_factor.html", "Tweede stap", csrf=row.csrf_token)

    async def post(self, request: web.Request) -> web.Response:
        form = await form_of(request)
        sid = request.cookies.get(SESSION_COOKIE)
        try:
            row = await asyncio.to_thread(sessions.pending, make_uow(), sid, sessions.SECOND_FACTOR)
        except IntakeError:
            return page("message.html", "Tweede stap", 401, error="De aanmelding is verlopen.", message=None)
        if not same(row.csrf_token, form.get("csrf_token")):
            return page("message.html", "Tweede stap", 403, error=EXPIRED_FORM, message=None)
        try:
            await asyncio.to_thread(signin.check_second_factor, make_uow(), row.user_id, form.get("code", ""))
        except IntakeError as exc:
            await asyncio.sleep(rules.FAILURE_DELAY_S)
            error, status, headers = refusal(exc)
            return page("second_factor.html", "Tweede stap", status, headers, csrf=row.csrf_token, error=error)
        new_sid, _ = await asyncio.to_thread(sessions.sign_in, make_uow(), sid, row.user_id, "password")
        response = redirect("/account")
        set_cookie(response, SESSION_COOKIE, new_sid)
        return response


async def signed_in(request: web.Request):
    """(caller, csrf token) of the request's session, or None."""
    sid = request.cookies.get(SESSION_COOKIE)
    if not sid:
        return None
    try:
        return await asyncio.to_thread(sessions.authenticate, make_uow(), sid)
    except IntakeError:
        return None


class Account(View):
    async def get(self, request: web.Request) -> web.Response:
        known = await signed_in(request)
        if known is None:
            return redirect("/aanmelden")
        caller, csrf = known
        return page("account.html", "Uw account", caller=caller, csrf=csrf, path=request.path)


def _sign_out_view(everywhere: bool) -> type[View]:
    async def post(self, request: web.Request) -> web.Response:
        form = await form_of(request)
        known = await signed_in(request)
        if known is None:
            return redirect("/aanmelden")
        if not same(known[1], form.get("csrf_token")):
            return page("message.html", "Afmelden", 403, error=EXPIRED_FORM, message=None)
        await asyncio.to_thread(sessions.sign_out, make_uow(), request.cookies[SESSION_COOKIE], everywhere)
        response = page("message.html", "Afgemeld", message="U bent afgemeld op al uw apparaten." if everywhere
                        else "U bent afgemeld.")
        clear_cookie(response, SESSION_COOKIE)
        return response

    return type("SignOutEverywhere" if everywhere else "SignOut", (View,), {"post": post})


app.page("/aanmelden")(SignIn)
app.page("/aanmelden/code")(SecondFactor)
app.page("/account")(Account)
app.page("/afmelden")(_sign_out_view(False))
app.page("/afmelden/overal")(_sign_out_view(True))
