"""The ledger's figures with the same sign-in (issue 16): ``/cijfers`` gives a signed-in person whose
organisation reads the ledger's reports a short-lived pass (contracts/figures_pass.py), signed with the
intake's own key, and a button that posts it to the ledger, which shows the organisation's figures.

Only the municipality's policy officer, the ministry's analyst and the system administrator get one: the
ledger's report roles (municipality, ministry, admin). The ledger decides what the organisation sees."""
from __future__ import annotations

import functools
import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from aiohttp import web
from faust.web import View

from contracts import figures_pass
from services.intake.entrypoints.app import app
from services.intake.entrypoints.screens import i18n
from services.intake.entrypoints.screens.gateway import guarded, person
from services.intake.entrypoints.screens.i18n import N_
from services.intake.entrypoints.screens.rendering import PAGE_POLICY, render
from services.kernel.config import settings
from services.kernel.signing import signer_for

#: The person roles whose organisations read the ledger's reports.
FIGURES_ROLES = ("policy_officer", "analyst", "system_admin")


@functools.cache
def _signer():
    return signer_for("intake")


def ledger_url() -> str:
    conf = settings()
    return (conf.ledger_public_url or f"https://127.0.0.1:{conf.ledger_https_port}").rstrip("/")


def issue(user_id: str, org_id: str, language: str, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    claims = figures_pass.FiguresPass(user_id=user_id, org_id=org_id, language=language,
                                      nonce=secrets.token_urlsafe(24),
                                      expires_at=now + timedelta(seconds=figures_pass.LIFETIME_S))
    value = claims.model_dump_json().encode()
    [(_, header)] = _signer().headers(figures_pass.PURPOSE, None, value)
    return figures_pass.encode(value, header)


class Figures(View):
    @guarded
    async def get(self, request: web.Request) -> web.Response:
        caller, csrf = await person(request, *FIGURES_ROLES)
        target = ledger_url()
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(target))
        # This one form may post to the ledger (the page's policy otherwise allows only this site).
        policy = PAGE_POLICY.replace("form-action 'self'", f"form-action 'self' {origin}")
        return render("figures.html", N_("Cijfers"), caller=caller, csrf=csrf, path=request.path,
                      action=f"{target}/v1/figures", field=figures_pass.FIELD,
                      figures_pass=issue(caller.user_id, caller.org_id, i18n.current.get()),
                      csv_pass=issue(caller.user_id, caller.org_id, i18n.current.get()),  # a pass is good once
                      headers={"Content-Security-Policy": policy})


app.page("/cijfers")(Figures)
