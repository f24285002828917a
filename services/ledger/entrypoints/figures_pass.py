"""The figures with the intake's sign-in (issue 16): POST /v1/figures takes a pass the intake signed for a
signed-in person (contracts/figures_pass.py) and shows that organisation's figures, as the dashboard does
for an API token: the same report (the one disclosure-controlled table), the same scope rules.

The pass is taken once, within its minute, and only with the intake's signature; what the organisation
may see comes from the ledger's own organisation table, never from the pass. The nonces are remembered by
this worker (a pass replayed within its minute at another ledger worker would be taken: run one worker
behind the ingress for people, or share the nonces when scaling out)."""
from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

from aiohttp import web
from faust.web import View

from contracts import figures_pass
from contracts.authenticity import HEADER
from contracts.vocabulary import Role
from services.kernel.config import settings
from services.kernel.signing import Unauthentic, verifier
from services.ledger.adapters.orm import Org
from services.ledger.entrypoints import dashboard
from services.ledger.entrypoints.app import app, ctx
from services.ledger.service_layer import reports

REPORT_ROLES = (Role.MINISTRY, Role.MUNICIPALITY, Role.ADMIN)
POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
          "frame-ancestors 'none'; base-uri 'none'")
_used: dict[str, float] = {}


def _first_use(nonce: str) -> bool:
    now = time.monotonic()
    for old in [n for n, until in _used.items() if until < now]:
        del _used[old]
    if nonce in _used:
        return False
    _used[nonce] = now + figures_pass.LIFETIME_S + 5
    return True


def _page(status: int, lang: str, title: str, body: str) -> web.Response:
    html = (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"><title>{title}</title></head><body><main>'
            f"<h1>{title}</h1>{body}</main></body></html>")
    return web.Response(text=html, status=status, content_type="text/html",
                        headers={"Content-Security-Policy": POLICY, "Cache-Control": "no-store"})


def _figures(org_id: str) -> dict | None:
    with ctx.uow() as uow:
        org = uow.session.get(Org, org_id)
        if org is None or org.role not in REPORT_ROLES or (org.role == Role.MUNICIPALITY and not org.municipality):
            return None
        municipality = org.municipality if org.role == Role.MUNICIPALITY else None
    return reports.realised_places(ctx.uow(), settings().national_target, municipality, True, None, municipality)


class FiguresWithPass(View):
    async def post(self, request: web.Request) -> web.Response:
        form = await request.post()
        try:
            value, header = figures_pass.decode(str(form.get(figures_pass.FIELD, "")))
            if verifier().signer_of(figures_pass.PURPOSE, None, value, {HEADER: header}) != "intake":
                raise Unauthentic("not signed by the intake")
            claims = figures_pass.claims(value)
        except (ValueError, Unauthentic):
            return _page(403, "nl", "Geen toegang", "<p>Deze toegang is niet geldig. Open de cijfers opnieuw "
                                                    "vanuit housing-match.</p>")
        if figures_pass.expired(claims, datetime.now(UTC)) or not _first_use(claims.nonce):
            return _page(403, claims.language, "Verlopen", "<p>Deze toegang is verlopen of al gebruikt. Open de "
                                                           "cijfers opnieuw vanuit housing-match.</p>")
        report = await asyncio.to_thread(_figures, claims.org_id)
        if report is None:
            return _page(403, claims.language, "Geen toegang", "<p>Deze cijfers zijn niet voor uw organisatie.</p>")
        if form.get("format") == "csv":  # issue 17: the ministry's download, the same report as CSV
            return web.Response(text=reports.to_csv(report, claims.language), content_type="text/csv", headers={
                "Content-Disposition": 'attachment; filename="gerealiseerde-plaatsen.csv"', "Cache-Control": "no-store"})
        title = "Gerealiseerde plaatsen" if claims.language == "nl" else "Realised places"
        return _page(200, claims.language, title, dashboard.fragment(report, claims.language))


app.page("/v1/figures")(FiguresWithPass)
