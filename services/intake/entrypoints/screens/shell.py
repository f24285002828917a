"""The shell every screen shares (issue 16): the language of each request, the stylesheets, the front
door at ``/``, the accessibility statement and the language choice; and who is signed in."""
from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp import web
from faust.web import View

from services.intake.entrypoints.app import app
from services.intake.entrypoints.screens import i18n
from services.intake.entrypoints.screens.rendering import render
# The sign-in pages' session reading and unit of work serve the screens too: one way to know who is signed in.
from services.intake.entrypoints.signin_pages import make_uow, sign_in_page, signed_in
from services.intake.entrypoints.web_session import SESSION_COOKIE, redirect, set_cookie
from services.intake.service_layer import preferences

STATIC = Path(__file__).parent / "static"
#: The files /static/ serves (nothing else is looked up on disk), with their media type.
STATIC_FILES = {"nlds.css": "text/css", "screens.css": "text/css", "LICENSE-utrecht.md": "text/markdown"}
#: Where each role of person starts after signing in (the next issue adds the other roles' screens).
HOME = {"case_worker": "/kandidaten", "allocation_officer": "/corporatie/woningen",
        "policy_officer": "/cijfers", "transfer_officer": "/transferpunt", "analyst": "/cijfers",
        "system_admin": "/beheer/organisaties", "org_admin": "/beheer/gebruikers"}


@web.middleware
async def language(request: web.Request, handler):
    """Every request speaks the person's chosen language, else the browser's, else Dutch. A signed-in person's
    choice is kept with their account; a browser without the language cookie learns it once from there."""
    chosen, learnt = request.cookies.get(i18n.LANGUAGE_COOKIE), None
    sid = request.cookies.get(SESSION_COOKIE)
    if chosen is None and sid and not request.path.startswith(("/v1/", "/static/", "/health/", "/metrics")):
        chosen = learnt = await asyncio.to_thread(preferences.language_of_session, make_uow(), sid)
    i18n.current.set(i18n.choose(chosen, request.headers.get("Accept-Language")))
    response = await handler(request)
    if learnt:
        set_cookie(response, i18n.LANGUAGE_COOKIE, learnt)
    return response


app.web.web_app.middlewares.append(language)


class Static(View):
    async def get(self, request: web.Request, name: str) -> web.StreamResponse:
        if name not in STATIC_FILES:
            raise web.HTTPNotFound()
        response = web.Response(body=(STATIC / name).read_bytes(), content_type=STATIC_FILES[name],
                                charset="utf-8", headers={"Cache-Control": "public, max-age=86400"})
        response.enable_compression()  # no secret in a stylesheet, so compression gives nothing away
        return response


class Front(View):
    """``/``: the sign-in page for a visitor, the own start screen for a signed-in person."""

    async def get(self, request: web.Request) -> web.StreamResponse:
        known = await signed_in(request)
        if known is not None:
            return redirect(HOME.get(known[0].user_role or "", "/account"))
        return sign_in_page(request)


class AccessibilityStatement(View):
    async def get(self, request: web.Request) -> web.Response:
        known = await signed_in(request)
        return render("accessibility.html", "Toegankelijkheidsverklaring", caller=known and known[0],
                      path=request.path)


class ChooseLanguage(View):
    """A link, not a form: choosing a language changes nothing but the cookie of this browser."""

    async def get(self, request: web.Request, code: str) -> web.StreamResponse:
        back = request.query.get("terug", "/")
        if not back.startswith("/") or back.startswith("//") or "\\" in back:
            back = "/"  # only a path of this site: no open redirect
        response = redirect(back)
        if code in i18n.LANGUAGES:
            set_cookie(response, i18n.LANGUAGE_COOKIE, code)
            known = await signed_in(request)
            if known is not None:  # the choice follows the person to another browser
                await asyncio.to_thread(preferences.choose_language, make_uow(), known[0].user_id, code)
        return response


app.page("/static/{name}")(Static)
app.page("/")(Front)
app.page("/toegankelijkheid")(AccessibilityStatement)
app.page("/taal/{code}")(ChooseLanguage)
