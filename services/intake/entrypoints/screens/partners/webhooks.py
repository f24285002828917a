"""``/beheer/webhooks`` (issue 18): an organisation's webhooks, for exactly the people the API lets manage them
(gateway.audience: the "webhooks" tag of domain/accounts.py ROLE_TAGS; every organisation role may). Listed with
status, failures in a row, last delivery and cursor; registered (the signing secret shown once on the answer page;
the form's key makes a reload or a second click register nothing, and the stored answer never holds the secret:
the operation's shown_once), deleted after a confirmation, and replayed from a cursor, which also enables a
disabled webhook. Every read and write through gateway.run."""
from __future__ import annotations

import secrets

from aiohttp import web
from faust.web import View
from pydantic import ValidationError

from services.intake.domain import notification_models as m
from services.intake.domain.errors import Invalid, NotFound
from services.intake.entrypoints.app import app
from services.intake.entrypoints.screens import forms, texts
from services.intake.entrypoints.screens.gateway import audience, guarded, person, posted, run, run_told
from services.intake.entrypoints.screens.i18n import N_, gettext
from services.intake.entrypoints.screens.rendering import render
from services.intake.entrypoints.web_session import redirect
from services.intake.service_layer.common import IdempotencyMismatch
from services.intake.service_layer.webhooks import MAX_WEBHOOKS

PATH = "/beheer/webhooks"
STATUS = {"active": N_("Actief"), "disabled": N_("Uitgeschakeld na herhaalde fouten")}
DONE = {"verwijderd": N_("De webhook is verwijderd: er wordt niets meer naartoe gestuurd."),
        "opnieuw": N_("De webhook is actief. De wijzigingen na het gekozen volgnummer worden opnieuw verstuurd.")}
#: Why a URL was refused (service_layer/webhooks.py, domain/webhook_targets.py), by the start of the API's reason.
URL_REFUSALS = (
    ("must be an https", N_("Het adres moet met https:// beginnen.")),
    ("resolves to", N_("Het adres wijst naar een intern of afgeschermd netwerk. Alleen een openbaar bereikbaar "
                       "https-adres kan.")),
    ("the host does not resolve", N_("De server in dit adres is niet te vinden.")),
    ("must not carry", N_("Zet geen gebruikersnaam of wachtwoord in het adres.")),
    ("must not have a #", N_("Het adres mag geen # met tekst erachter hebben.")),
    ("at most", N_("Uw organisatie heeft al het hoogste aantal webhooks. Verwijder er eerst een.")),
)


def url_errors(exc: ValidationError | Invalid) -> list[forms.FieldError]:
    """The refusal at the URL field in plain Dutch; the URL itself is never repeated (nor refilled)."""
    if isinstance(exc, ValidationError):
        return forms.field_errors(exc)
    reason = exc.errors[0]["reason"] if exc.errors else ""
    said = next((text for start, text in URL_REFUSALS if reason.startswith(start)),
                N_("Dit is geen geldig webadres."))
    return [forms.FieldError("url", texts.say(texts.FIELD, "url"), gettext(said))]


async def webhooks_page(request, caller, csrf, status: int = 200, **values) -> web.Response:
    rows = [dict(h, status_text=texts.say(STATUS, h["status"])) for h in (await run(caller, "listWebhooks"))["items"]]
    values.setdefault("notice", None)
    answered = {"Cache-Control": "no-store"} if values.keys() & {"made", "again"} else None  # not in the cache
    return render("webhooks.html", N_("Webhooks"), status, answered, caller=caller, csrf=csrf, path=PATH,
                  rows=rows, limit=MAX_WEBHOOKS, form_key=secrets.token_urlsafe(16), **values)


async def own_webhook(caller, webhook_id: str) -> dict:
    """The organisation's webhook, else 404 (another organisation's is not revealed), before a field is judged."""
    found = next((h for h in (await run(caller, "listWebhooks"))["items"] if h["webhook_id"] == webhook_id), None)
    if found is None:
        raise NotFound("no such webhook")
    return found


class Webhooks(View):
    @guarded
    async def get(self, request: web.Request) -> web.Response:
        caller, csrf = await person(request, *audience("listWebhooks"))
        return await webhooks_page(request, caller, csrf, notice=DONE.get(request.query.get("klaar", "")))

    @guarded
    async def post(self, request: web.Request) -> web.Response:
        caller, csrf, form = await posted(request, "registerWebhook", audience=audience("registerWebhook"))
        url = form.get("url", "").strip()
        try:
            body = forms.parse(m.RegisterWebhook, {"url": url} if url else {})
            _, made, replayed = await run_told(caller, "registerWebhook", body=body, form_key=form.get("form_key"))
        except IdempotencyMismatch:  # the used form sent again with another address: still no second webhook
            return await webhooks_page(request, caller, csrf, 409, again=True)
        except (ValidationError, Invalid) as exc:
            return await webhooks_page(request, caller, csrf, 400, errors=url_errors(exc))
        if replayed:  # a reload or a second click: the first answer, whose secret was never kept
            return await webhooks_page(request, caller, csrf, again=True)
        return await webhooks_page(request, caller, csrf, 201, made=made)


class DeleteWebhook(View):
    @guarded
    async def get(self, request: web.Request, webhook_id: str) -> web.Response:
        caller, csrf = await person(request, *audience("deleteWebhook"))
        hook = await own_webhook(caller, webhook_id)
        return render("webhook_delete.html", N_("Webhook verwijderen"), caller=caller, csrf=csrf, path=request.path,
                      hook=hook, form_key=secrets.token_urlsafe(16))

    @guarded
    async def post(self, request: web.Request, webhook_id: str) -> web.StreamResponse:
        params = {"webhook_id": webhook_id}
        caller, _, form = await posted(request, "deleteWebhook", params, audience("deleteWebhook"))
        await run(caller, "deleteWebhook", params, form_key=form.get("form_key"))
        return redirect(PATH + "?klaar=verwijderd")


def replay_page(request, caller, csrf, hook: dict, status: int = 200, **values) -> web.Response:
    values.setdefault("values", {})
    return render("webhook_replay.html", N_("Opnieuw versturen"), status, caller=caller, csrf=csrf,
                  path=request.path, hook=hook, form_key=secrets.token_urlsafe(16), **values)


class ReplayWebhook(View):
    @guarded
    async def get(self, request: web.Request, webhook_id: str) -> web.Response:
        caller, csrf = await person(request, *audience("replayWebhook"))
        return replay_page(request, caller, csrf, await own_webhook(caller, webhook_id))

    @guarded
    async def post(self, request: web.Request, webhook_id: str) -> web.StreamResponse:
        params = {"webhook_id": webhook_id}
        caller, csrf, form = await posted(request, "replayWebhook", params, audience("replayWebhook"))
        hook = await own_webhook(caller, webhook_id)
        cursor = form.get("cursor", "").strip()
        try:
            body = forms.parse(m.ReplayWebhook, {"cursor": cursor} if cursor else {})
            await run(caller, "replayWebhook", params, body, form_key=form.get("form_key"))
        except (ValidationError, Invalid) as exc:
            errors = forms.field_errors(exc)
            return replay_page(request, caller, csrf, hook, 400, errors=errors)
        return redirect(PATH + "?klaar=opnieuw")


app.page(PATH)(Webhooks)
app.page(PATH + "/{webhook_id}/verwijderen")(DeleteWebhook)
app.page(PATH + "/{webhook_id}/opnieuw")(ReplayWebhook)
