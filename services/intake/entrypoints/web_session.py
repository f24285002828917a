"""The browser side of sessions (issue 15): cookies, CSRF checks and the HTML answers of the sign-in pages.

The session cookie carries only a random id (the row is in the database), with the ``__Host-`` prefix,
HttpOnly, Secure and SameSite=Lax. Forms before sign-in carry a double-submit token (a cookie and the same
value in the form); forms and API writes of a signed-in person carry the session's own CSRF token.
"""
from __future__ import annotations

import hmac
import secrets

from aiohttp import web

from services.intake.entrypoints.screens.rendering import render

#: The sign-in pages (HTML for people, not the partner API: not in /openapi.json, see API.md).
SIGN_IN_PAGES = frozenset({"/aanmelden", "/aanmelden/code", "/account", "/afmelden", "/afmelden/overal",
                           "/inschrijven", "/inschrijven/bevestigen", "/oidc/{key}/aanmelden", "/oidc/{key}/terug"})
SESSION_COOKIE = "__Host-hm_session"
FORM_COOKIE = "__Host-hm_form"
CSRF_HEADER = "X-CSRF-Token"


def page(template: str, title: str, status: int = 200, headers: dict[str, str] | None = None,
         **values) -> web.Response:
    """A page in the screens' shell (issue 16): the language, the layout and the content security policy."""
    return render(template, title, status, headers, **values)


def set_cookie(response: web.StreamResponse, name: str, value: str) -> None:
    # No Max-Age: the cookie ends with the browser; the server ends the session on its own clocks.
    response.set_cookie(name, value, path="/", secure=True, httponly=True, samesite="Lax")


def clear_cookie(response: web.StreamResponse, name: str) -> None:
    response.del_cookie(name, path="/", secure=True, httponly=True, samesite="Lax")


def form_token(request: web.Request) -> str:
    """The double-submit token of a form shown before sign-in (the cookie's, or a new one)."""
    return request.cookies.get(FORM_COOKIE) or secrets.token_urlsafe(32)


def same(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(expected.encode(), given.encode())


def redirect(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})
