"""The corporation's homes (issue 17, item 1): our vacancies with their status and, for a free one, why it
has no offer in plain Dutch; publish one with a form; withdraw one with a reason."""
from __future__ import annotations

import secrets

from aiohttp import web
from faust.web import View
from pydantic import ValidationError

from contracts.types import Support, UnitKind
from services.intake.domain import commands as cmd
from services.intake.domain.errors import Conflict, Invalid
from services.intake.entrypoints.app import app
from services.intake.entrypoints.screens import forms, texts
from services.intake.entrypoints.screens.gateway import guarded, person, posted, run
from services.intake.entrypoints.screens.i18n import N_
from services.intake.entrypoints.screens.partners import ALLOCATION_OFFICER, wording
from services.intake.entrypoints.screens.partners.vacancy_rows import COLUMNS, vacancy_data
from services.intake.entrypoints.screens.rendering import render
from services.intake.entrypoints.web_session import redirect

NOTICES = {"gepubliceerd": N_("De woning is gepubliceerd. De volgende matchronde zoekt een kandidaat."),
           "ingetrokken": N_("De woning is ingetrokken.")}


def form_page(template: str, title: str, caller, csrf, request, status: int = 200, **values) -> web.Response:
    values.setdefault("values", {})
    return render(template, title, status, caller=caller, csrf=csrf, path=request.path,
                  form_key=secrets.token_urlsafe(16), **values)


def choices() -> dict:
    return {"kinds": [(k.value, texts.say(texts.UNIT_KIND, k)) for k in UnitKind],
            "supports": [(s.value, texts.say(texts.SUPPORT, s)) for s in Support]}


class Homes(View):
    @guarded
    async def get(self, request: web.Request) -> web.Response:
        caller, csrf = await person(request, ALLOCATION_OFFICER)
        items = (await run(caller, "listVacancies"))["items"]
        rows = [{"id": v["vacancy_id"], "status": texts.say(wording.VACANCY_STATUS, v["status"]),
                 "kind": texts.say(texts.UNIT_KIND, v["kind"]), "where": f'{v["municipality"]}, {v["neighbourhood"]}',
                 "from": v["available_from"], "why": wording.why_no_offer(v),
                 "may_withdraw": v["status"] in ("open", "offered")} for v in items]
        return render("homes.html", N_("Onze woningen"), caller=caller, csrf=csrf, path=request.path, rows=rows,
                      notice=NOTICES.get(request.query.get("klaar", "")))


class NewHome(View):
    TITLE = N_("Woning publiceren")

    @guarded
    async def get(self, request: web.Request) -> web.Response:
        caller, csrf = await person(request, ALLOCATION_OFFICER)
        await run(caller, "listVacancies")  # the same check as publishing: may this person's role do it?
        return form_page("home_form.html", self.TITLE, caller, csrf, request, values={"region": caller.region or ""},
                         **choices())

    @guarded
    async def post(self, request: web.Request) -> web.StreamResponse:
        caller, csrf, form = await posted(request, "publishVacancy", audience=(ALLOCATION_OFFICER,))
        try:
            body = forms.parse(cmd.PublishVacancy, vacancy_data(form))
            await run(caller, "publishVacancy", body=body, form_key=form.get("form_key"))
        except (ValidationError, Invalid) as exc:
            errors = forms.field_errors(exc)
            wrong = {e.field for e in errors}
            kept = {k: v for k, v in form.items() if k in COLUMNS and k not in wrong}
            return form_page("home_form.html", self.TITLE, caller, csrf, request, 400, errors=errors, values=kept,
                             **choices())
        return redirect("/corporatie/woningen?klaar=gepubliceerd")


class WithdrawHome(View):
    TITLE = N_("Woning intrekken")

    @guarded
    async def get(self, request: web.Request, vacancy_id: str) -> web.Response:
        caller, csrf = await person(request, ALLOCATION_OFFICER)
        await run(caller, "getVacancy", {"vacancy_id": vacancy_id})
        return form_page("home_withdraw.html", self.TITLE, caller, csrf, request, vacancy_id=vacancy_id)

    @guarded
    async def post(self, request: web.Request, vacancy_id: str) -> web.StreamResponse:
        params = {"vacancy_id": vacancy_id}
        caller, csrf, form = await posted(request, "withdrawVacancy", params, (ALLOCATION_OFFICER,))
        try:
            body = forms.parse(cmd.WithReason, {"reason": form.get("reason", "").strip()})
            await run(caller, "withdrawVacancy", params, body, form_key=form.get("form_key"))
        except (ValidationError, Invalid) as exc:
            errors = forms.field_errors(exc)
            return form_page("home_withdraw.html", self.TITLE, caller, csrf, request, 400, vacancy_id=vacancy_id,
                             errors=errors)
        except Conflict:
            return form_page("home_withdraw.html", self.TITLE, caller, csrf, request, 409, vacancy_id=vacancy_id,
                             error=N_("Deze woning is al verhuurd of ingetrokken."))
        return redirect("/corporatie/woningen?klaar=ingetrokken")


app.page("/corporatie/woningen")(Homes)
app.page("/corporatie/woningen/nieuw")(NewHome)
app.page("/corporatie/woningen/{vacancy_id}/intrekken")(WithdrawHome)
