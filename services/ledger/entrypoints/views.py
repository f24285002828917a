"""The ledger's report API: aggregates only, for the ministry, municipalities and administrators.

One resource, three representations (content negotiation on Accept): JSON, CSV and the HTML
fragment the dashboard shows. ``asOf`` (and, for compatibility, ``as_of``) asks for the figures
as the ledger knew them at the end of a past day, by event time.
"""
from __future__ import annotations

import asyncio
import re
import secrets
from datetime import date

from aiohttp import web
from faust.web import View

from contracts.vocabulary import Role
from services.kernel.config import settings
from services.kernel.health import register_health_and_metrics
from services.kernel.http import HttpProblem, bearer_token, json_ok
from services.ledger.adapters.orm import Org, Token
from services.ledger.entrypoints import dashboard, openapi
from services.ledger.entrypoints.app import app, ctx
from services.ledger.service_layer import reports

register_health_and_metrics(app, ctx)
REPORT_ROLES = (Role.MINISTRY, Role.MUNICIPALITY, Role.ADMIN)
_MUNICIPALITY = re.compile(r"^GM[0-9]{4}$")


def _caller(token: str | None) -> Org:
    from services.kernel.privacy import hash_token
    if not token:
        raise HttpProblem(401, "Not authenticated", "send an API token as 'Authorization: Bearer <token>'")
    with ctx.uow() as uow:
        tok = uow.session.get(Token, hash_token(token))
        org = tok and not tok.revoked and uow.session.get(Org, tok.org_id)
        if not org:
            raise HttpProblem(401, "Not authenticated", "unknown or revoked token")
        if org.role not in REPORT_ROLES:
            raise HttpProblem(403, "Not allowed for this role", "reports are for the ministry, municipalities "
                                                                "and administrators")
        return org


def _as_of(request: web.Request) -> date | None:
    raw = request.query.get("asOf") or request.query.get("as_of")
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise HttpProblem(400, "Invalid input", "asOf must be a date (YYYY-MM-DD)",
                          [{"name": "asOf", "reason": "expected a date YYYY-MM-DD"}]) from None


def _scope(request: web.Request, org: Org) -> str | None:
    wanted = request.query.get("municipality")
    if wanted and not _MUNICIPALITY.match(wanted):
        raise HttpProblem(400, "Invalid input", "municipality must be a CBS code like GM0363",
                          [{"name": "municipality", "reason": "expected GM followed by four digits"}])
    if org.role == "municipality":
        if wanted and wanted != org.municipality:
            raise HttpProblem(403, "Not allowed for this municipality", "a municipality sees only its own figures")
        if not org.municipality:
            raise HttpProblem(403, "Not allowed", "this municipality organisation has no municipality code")
        return org.municipality
    return wanted


def _language(request: web.Request) -> str:
    """Dutch unless the caller asks for English (``?lang=en`` or an Accept-Language that starts with en)."""
    wanted = request.query.get("lang") or request.headers.get("Accept-Language", "nl")
    return "en" if wanted.strip().lower().startswith("en") else "nl"


def _media_type(request: web.Request) -> str:
    accept = request.headers.get("Accept", "application/json")
    for part in accept.split(","):
        mt = part.split(";", 1)[0].strip().lower()
        if mt in ("application/json", "text/csv", "text/html"):
            return mt
        if mt in ("*/*", "application/*", ""):
            return "application/json"
    raise HttpProblem(406, "Not acceptable", "this resource is available as application/json, text/csv "
                                             "and text/html")


@app.page("/v1/reports/realised-places")
class RealisedPlaces(View):
    async def get(self, request: web.Request) -> web.Response:
        org = await asyncio.to_thread(_caller, bearer_token(request))
        as_of, municipality, media = _as_of(request), _scope(request, org), _media_type(request)
        party = org.municipality if org.role == Role.MUNICIPALITY else None  # its own agreements: exact counters
        body = await asyncio.to_thread(reports.realised_places, ctx.uow(), settings().national_target,
                                       municipality, True, as_of, party)
        lang = _language(request)
        if media == "text/csv":
            return web.Response(text=reports.to_csv(body, lang), content_type="text/csv",
                                headers={"Content-Disposition": 'attachment; filename="realised-places.csv"'})
        if media == "text/html":
            return web.Response(text=dashboard.fragment(body, lang), content_type="text/html")
        return json_ok(body)


@app.page("/v1/dashboard")
class Dashboard(View):
    async def get(self, request: web.Request) -> web.Response:
        nonce = secrets.token_urlsafe(16)
        return web.Response(text=dashboard.shell(nonce), content_type="text/html", headers={
            "Content-Security-Policy": f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}' "
                                       "'unsafe-inline'; connect-src 'self'; img-src 'self' data:; "
                                       "frame-ancestors 'none'"})


@app.page("/openapi.json")
class OpenApiRoot(View):
    async def get(self, request: web.Request) -> web.Response:
        return json_ok(openapi.document())


@app.page("/v1/openapi.json")
class OpenApiVersioned(View):
    async def get(self, request: web.Request) -> web.Response:
        return json_ok(openapi.document())


from services.ledger.entrypoints import figures_pass  # noqa: E402,F401 - issue 16: the figures with the intake's sign-in
