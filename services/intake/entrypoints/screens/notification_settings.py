"""``/instellingen/meldingen``: a signed-in person's own e-mail notifications (issue 18), for every role the
API gives the settings to: how often (at once, a daily digest, never) and in which language. Read and written
through getNotificationSettings / setNotificationSettings, as the API does; the form's key makes a double post
change nothing twice."""
from __future__ import annotations

import secrets

from aiohttp import web
from faust.web import View
from pydantic import ValidationError

from services.intake.domain import notification_models as m
from services.intake.domain.errors import Invalid
from services.intake.entrypoints.app import app
from services.intake.entrypoints.screens import forms
from services.intake.entrypoints.screens.gateway import audience, guarded, person, posted, run
from services.intake.entrypoints.screens.i18n import N_, gettext
from services.intake.entrypoints.screens.rendering import render
from services.intake.entrypoints.web_session import redirect
from services.kernel.config import settings

PATH = "/instellingen/meldingen"
FREQUENCY = {"immediate": N_("Direct (één e-mail per wijziging)"), "daily": N_("Dagelijks overzicht (om %(hour)s uur)"),
             "off": N_("Uit (geen e-mail)")}
LANGUAGE = {"nl": "Nederlands", "en": "English"}  # each in its own language, as a language choice is shown
# (the digest's hour is NOTIFY_DIGEST_HOUR, Amsterdam time)


def settings_page(request, caller, csrf, current: dict, status: int = 200, **values) -> web.Response:
    return render("notification_settings.html", N_("E-mailmeldingen"), status, caller=caller, csrf=csrf,
                  path=request.path, current=current, form_key=secrets.token_urlsafe(16),
                  frequencies=[(k, gettext(v) % {"hour": settings().notify_digest_hour}) for k, v in FREQUENCY.items()],
                  languages=list(LANGUAGE.items()),
                  **values)


class NotificationSettings(View):
    @guarded
    async def get(self, request: web.Request) -> web.Response:
        caller, csrf = await person(request, *audience("getNotificationSettings"))
        current = await run(caller, "getNotificationSettings")
        notice = N_("Opgeslagen. Volgende meldingen krijgt u zo.") if request.query.get("klaar") else None
        return settings_page(request, caller, csrf, current, notice=notice)

    @guarded
    async def post(self, request: web.Request) -> web.StreamResponse:
        caller, csrf, form = await posted(request, "setNotificationSettings",
                                          audience=audience("setNotificationSettings"))
        given = {k: form[k] for k in ("frequency", "language") if form.get(k)}
        try:
            body = forms.parse(m.NotificationSettings, {"frequency": None, "language": None, **given})
            await run(caller, "setNotificationSettings", body=body, form_key=form.get("form_key"))
        except (ValidationError, Invalid) as exc:
            errors = forms.field_errors(exc)
            current = await run(caller, "getNotificationSettings")
            kept = {k: v for k, v in given.items() if k not in {e.field for e in errors}}
            return settings_page(request, caller, csrf, {**current, **kept}, 400, errors=errors)
        return redirect(PATH + "?klaar=1")


app.page(PATH)(NotificationSettings)
