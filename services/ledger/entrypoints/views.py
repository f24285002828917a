"""The ledger's report API: aggregates only, for the ministry, municipalities and administrators."""
from __future__ import annotations

import asyncio

from aiohttp import web
from faust.web import View

from services.ledger.adapters.orm import Org, Token
from services.ledger.entrypoints.app import app, ctx
from services.ledger.service_layer import reports
from services.runtime.config import settings
from services.runtime.health import register_health_and_metrics
from services.runtime.http import HttpProblem, bearer_token, json_ok
from services.runtime.privacy import hash_token

register_health_and_metrics(app, ctx)
REPORT_ROLES = ("ministry", "municipality", "admin")


def _caller(token: str | None) -> Org:
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


@app.page("/v1/reports/realised-places")
class RealisedPlaces(View):
    async def get(self, request: web.Request) -> web.Response:
        org = await asyncio.to_thread(_caller, bearer_token(request))
        municipality = org.municipality if org.role == "municipality" else None
        body = await asyncio.to_thread(reports.realised_places, ctx.uow(), settings().national_target, municipality)
        return json_ok(body)
