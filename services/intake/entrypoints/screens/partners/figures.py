"""The ledger's figures on the screens (issue 17, items 2 and 4): the municipality's progress and its
region, and the ministry's national dashboard with per-region and per-strategy tables, months, sources and
their overlap, and the CSV. The ledger owns every number and its disclosure control: the intake asks it on
behalf of the signed-in person's organisation (contracts/delegation.py) and shows the ledger's own HTML
(and passes its CSV through), computing nothing. A page of figures without the ledger says so."""
from __future__ import annotations

import functools
from datetime import UTC, datetime

import aiohttp
from aiohttp import web
from faust.web import View

from contracts import delegation
from services.intake.entrypoints.app import app
from services.intake.entrypoints.screens import i18n
from services.intake.entrypoints.screens.gateway import guarded, person
from services.intake.entrypoints.screens.i18n import N_
from services.intake.entrypoints.screens.partners import ANALYST, POLICY_OFFICER
from services.intake.entrypoints.screens.rendering import render
from services.kernel.config import settings
from services.kernel.signing import signer_for

REPORT = "/v1/reports/realised-places"
#: The ledger protects a report within its time budget (12 s): wait a little longer than that.
TIMEOUT = aiohttp.ClientTimeout(total=30)


@functools.cache
def intake_signer():
    return signer_for(delegation.SIGNER)


def ledger_url() -> str:
    return (settings().ledger_url or f"http://127.0.0.1:{settings().ledger_port}").rstrip("/")


async def from_ledger(caller, accept: str, language: str) -> tuple[int, str, str | None]:
    """(status, body, the body's language) of the report as the caller's organisation may read it."""
    target = f"{REPORT}?lang={language}"
    claims = delegation.encode_claims(caller.org_id, caller.actor, target, datetime.now(UTC))
    headers = {delegation.HEADER: delegation.header_value(claims), "Accept": accept, "Accept-Language": language}
    headers.update({k: v.decode() for k, v in intake_signer().headers(delegation.DOMAIN, None, claims)})
    try:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
            async with session.get(ledger_url() + target, headers=headers) as answer:
                return answer.status, await answer.text(), answer.headers.get("Content-Language")
    except (aiohttp.ClientError, TimeoutError):
        return 503, "", None


async def figures_page(request, caller, csrf, title: str, csv: str | None) -> web.Response:
    language = i18n.current.get()
    status, body, spoken = await from_ledger(caller, "text/html", language)
    return render("figures.html", title, caller=caller, csrf=csrf, path=request.path, csv=csv,
                  figures=body if status == 200 else None, figures_lang=spoken or "en")


class MunicipalityFigures(View):
    @guarded
    async def get(self, request: web.Request) -> web.Response:
        caller, csrf = await person(request, POLICY_OFFICER)
        return await figures_page(request, caller, csrf, N_("Voortgang en cijfers van de regio"), None)


class NationalDashboard(View):
    @guarded
    async def get(self, request: web.Request) -> web.Response:
        caller, csrf = await person(request, ANALYST)
        return await figures_page(request, caller, csrf, N_("Landelijk overzicht gerealiseerde plaatsen"),
                                  "/ministerie/cijfers.csv")


class NationalCsv(View):
    @guarded
    async def get(self, request: web.Request) -> web.StreamResponse:
        caller, _ = await person(request, ANALYST)
        status, body, _ = await from_ledger(caller, "text/csv", i18n.current.get())
        if status != 200:
            return render("problem.html", N_("Cijfers niet beschikbaar"), 503,
                          error=N_("De cijfers zijn nu niet beschikbaar. Probeer het later opnieuw."))
        return web.Response(text=body, content_type="text/csv", charset="utf-8",
                            headers={"Content-Disposition": 'attachment; filename="gerealiseerde-plaatsen.csv"'})


app.page("/gemeente/cijfers")(MunicipalityFigures)
app.page("/ministerie")(NationalDashboard)
app.page("/ministerie/cijfers.csv")(NationalCsv)
