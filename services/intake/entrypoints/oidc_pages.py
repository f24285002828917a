"""Sign-in at the organisation's own OpenID provider (issue 15): /oidc/{key}/aanmelden sends the browser
there, /oidc/{key}/terug takes it back, checks the answer and signs the matched person in with a fresh
session. The flow's state, nonce and PKCE verifier wait in a pending server-side session."""
from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from faust.web import View

from services.intake.domain.errors import IntakeError
from services.intake.entrypoints.app import app
from services.intake.entrypoints.signin_pages import make_uow
from services.intake.entrypoints.web_session import SESSION_COOKIE, page, redirect, same, set_cookie
from services.intake.service_layer import oidc_signin, sessions

log = logging.getLogger(__name__)
TITLE = "Aanmelden bij uw organisatie"


def redirect_uri(request: web.Request, key: str) -> str:
    return f"https://{request.host}/oidc/{key}/terug"


class OidcStart(View):
    async def get(self, request: web.Request, key: str) -> web.Response:
        try:
            iss = oidc_signin.issuer(key)
            url, flow = await asyncio.to_thread(oidc_signin.authorization_url, iss, redirect_uri(request, key))
        except IntakeError:
            return page("message.html", TITLE, 404, error="Deze aanmeldmogelijkheid bestaat niet.", message=None)
        sid, _ = await asyncio.to_thread(sessions.start, make_uow(), sessions.OIDC, None, flow)
        response = redirect(url)
        set_cookie(response, SESSION_COOKIE, sid)
        return response


class OidcReturn(View):
    async def get(self, request: web.Request, key: str) -> web.Response:
        sid = request.cookies.get(SESSION_COOKIE)
        try:
            flow = (await asyncio.to_thread(sessions.pending, make_uow(), sid, sessions.OIDC)).data
            iss = oidc_signin.issuer(key)
        except IntakeError:
            return page("message.html", TITLE, 401, error="De aanmelding is verlopen; begin opnieuw.", message=None)
        # The state ties this answer to the browser that started the flow (no login CSRF).
        if flow.get("issuer_key") != key or not same(flow.get("state"), request.query.get("state")) \
                or "code" not in request.query:
            return page("message.html", TITLE, 403, error="Dit antwoord hoort niet bij uw aanmelding.", message=None)
        try:
            claims = await asyncio.to_thread(oidc_signin.verified_claims, iss, flow, redirect_uri(request, key),
                                             request.query["code"])
            user_id = await asyncio.to_thread(oidc_signin.match_user, make_uow(), iss, claims)
        except IntakeError as exc:
            log.info("OpenID sign-in refused at issuer %s: %s", key, exc.detail)
            return page("message.html", TITLE, 403, error="U hebt geen account bij deze organisatie, of het is "
                                                          "uitgeschakeld. Vraag uw beheerder.", message=None)
        new_sid, _ = await asyncio.to_thread(sessions.sign_in, make_uow(), sid, user_id, "oidc")
        response = redirect("/account")
        set_cookie(response, SESSION_COOKIE, new_sid)
        return response


app.page("/oidc/{key}/aanmelden")(OidcStart)
app.page("/oidc/{key}/terug")(OidcReturn)
