"""Many homes at once (issue 17, item 1): a CSV upload. Every row goes through the same operation as the
form and the API (publishVacancy), keyed by the row itself: the valid rows are imported exactly once (a
second upload of the same file imports nothing twice), each invalid row is reported with its line number
and reasons, never its values, and nothing of it is imported."""
from __future__ import annotations

import secrets

from aiohttp import web
from faust.web import View
from pydantic import ValidationError

from services.intake.domain import commands as cmd
from services.intake.domain.errors import IntakeError, Invalid
from services.intake.entrypoints.app import app
from services.intake.entrypoints.screens import forms, texts
from services.intake.entrypoints.screens.gateway import guarded, person, posted, run, run_told
from services.intake.entrypoints.screens.i18n import N_
from services.intake.entrypoints.screens.partners import ALLOCATION_OFFICER
from services.intake.entrypoints.screens.partners.vacancy_rows import COLUMNS, NotACsv, read_rows, row_key, vacancy_data
from services.intake.entrypoints.screens.rendering import render

TITLE = N_("Woningen uploaden (CSV)")
FILE_PROBLEMS = {"not_utf8": N_("Het bestand is geen tekst in UTF-8. Sla het op als CSV (UTF-8)."),
                 "no_header": N_("De eerste regel moet de kolomnamen geven, met ten minste unit_id."),
                 "too_many": N_("Het bestand heeft te veel regels; upload ten hoogste 2000 woningen per keer."),
                 "missing": N_("Kies een CSV-bestand.")}
OUTCOME = {201: N_("nieuw gepubliceerd"), 200: N_("bijgewerkt (de woning was al gepubliceerd)"),
           "replayed": N_("al geïmporteerd: niets gedaan")}


def page(request, caller, csrf, status: int = 200, **values) -> web.Response:
    return render("homes_upload.html", TITLE, status, caller=caller, csrf=csrf, path=request.path,
                  form_key=secrets.token_urlsafe(16), columns=COLUMNS, **values)


async def import_row(caller, line: int, row: dict[str, str]) -> dict:
    data = vacancy_data(row)
    try:
        body = forms.parse(cmd.PublishVacancy, data)
        status, answer, replayed = await run_told(caller, "publishVacancy", body=body, form_key=row_key(data))
    except (ValidationError, Invalid) as exc:
        return {"line": line, "ok": False, "errors": [f"{e.label}: {e.reason}" for e in forms.field_errors(exc)]}
    except IntakeError:
        return {"line": line, "ok": False, "errors": [texts.say(texts.ERROR, "other")]}
    outcome = texts.say(OUTCOME, "replayed" if replayed else status)
    return {"line": line, "ok": True, "id": answer["vacancy_id"], "outcome": outcome, "new": status == 201 and not replayed}


class UploadHomes(View):
    @guarded
    async def get(self, request: web.Request) -> web.Response:
        caller, csrf = await person(request, ALLOCATION_OFFICER)
        await run(caller, "listVacancies")
        return page(request, caller, csrf)

    @guarded
    async def post(self, request: web.Request) -> web.Response:
        caller, csrf, _ = await posted(request, "publishVacancy", audience=(ALLOCATION_OFFICER,))
        upload = (await request.post()).get("file")
        try:
            if upload is None or isinstance(upload, str):
                raise NotACsv("missing")
            rows = read_rows(upload.file.read())
        except NotACsv as problem:
            errors = [forms.FieldError("file", texts.say(texts.FIELD, "file"), texts.say(FILE_PROBLEMS, str(problem)))]
            return page(request, caller, csrf, 400, errors=errors)
        results = [await import_row(caller, line, row) for line, row in rows]
        bad = [r for r in results if not r["ok"]]
        return page(request, caller, csrf, results=results, bad=bad,
                    imported=sum(1 for r in results if r.get("new")),
                    unchanged=sum(1 for r in results if r["ok"] and not r.get("new")))


app.page("/corporatie/woningen/upload")(UploadHomes)
