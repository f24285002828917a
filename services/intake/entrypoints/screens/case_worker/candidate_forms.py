"""Submit, update and withdraw a candidate: plain forms (POST, the session's CSRF token, a one-time form
key for idempotency, then a redirect). The BSN is asked once, over HTTPS, and never shown again."""
from __future__ import annotations

import re
import secrets

from aiohttp import web
from faust.web import View
from pydantic import ValidationError

from contracts.types import Support
from services.intake.domain import commands as cmd
from services.intake.domain.errors import ChangedResubmission, Conflict, Invalid
from services.intake.entrypoints.app import app
from services.intake.entrypoints.screens.i18n import N_
from services.intake.entrypoints.screens import forms, texts
from services.intake.entrypoints.screens.case_worker import CASE_WORKER
from services.intake.entrypoints.screens.gateway import allowed, guarded, person, posted, run
from services.intake.entrypoints.screens.rendering import render
from services.intake.entrypoints.web_session import redirect
from services.kernel.http import arrived_over_https


def form_page(template: str, title: str, caller, csrf, request: web.Request, status: int = 200, **values):
    values.setdefault("values", {})
    return render(template, title, status, caller=caller, csrf=csrf, path=request.path,
                  form_key=secrets.token_urlsafe(16), supports=[(s.value, texts.say(texts.SUPPORT, s))
                                                                for s in Support], **values)


def shown_profile(candidate: dict) -> dict[str, str]:
    """A stored profile as the update form shows it."""
    values = {k: str(candidate.get(k) or "") for k in forms.PROFILE_FIELDS}
    for name in forms.CHECKBOXES:
        values[name] = "ja" if candidate.get(name) else ""
    for name in forms.LISTS:
        values[name] = ", ".join(candidate.get(name) or ())
    values["children"] = str(candidate.get("children", 0))
    return values


class NewCandidate(View):
    TITLE = N_("Kandidaat aanmelden")

    @guarded
    async def get(self, request: web.Request) -> web.Response:
        caller, csrf = await person(request, CASE_WORKER)
        await allowed(caller, "submitCandidate")
        return form_page("candidate_form.html", self.TITLE, caller, csrf, request, action=request.path, new=True)

    @guarded
    async def post(self, request: web.Request) -> web.StreamResponse:
        caller, csrf, form = await posted(request, "submitCandidate", audience=(CASE_WORKER,))
        again = {"action": request.path, "new": True, "values": forms.refilled(form)}
        if not arrived_over_https(request):
            errors = [forms.FieldError("bsn", texts.say(texts.FIELD, "bsn"), texts.say(texts.ERROR, "other"))]
            return form_page("candidate_form.html", self.TITLE, caller, csrf, request, 400, errors=errors, **again)
        try:
            body = forms.parse(cmd.SubmitCandidate, forms.profile_data(form, with_bsn=True))
            made = await run(caller, "submitCandidate", body=body, form_key=form.get("form_key"))
        except (ValidationError, Invalid) as exc:
            errors = forms.field_errors(exc)
            return form_page("candidate_form.html", self.TITLE, caller, csrf, request, 400, errors=errors,
                             **{**again, "values": forms.refilled(form, errors)})
        except ChangedResubmission as exc:
            known = re.search(r"cand-[0-9a-f]+", exc.detail)
            return form_page("candidate_form.html", self.TITLE, caller, csrf, request, 409, **again,
                             error=N_("Deze persoon is al uw kandidaat, met andere gegevens. Er is niets veranderd; "
                                      "wijzig de gegevens op de pagina van de kandidaat."),
                             existing=known.group(0) if known else None)
        return redirect(f"/kandidaten/{made['candidate_id']}?klaar=aangemeld")


class EditCandidate(View):
    TITLE = N_("Gegevens wijzigen")

    @guarded
    async def get(self, request: web.Request, candidate_id: str) -> web.Response:
        caller, csrf = await person(request, CASE_WORKER)
        candidate = await run(caller, "getCandidate", {"candidate_id": candidate_id})
        return form_page("candidate_form.html", self.TITLE, caller, csrf, request, action=request.path, new=False,
                         values=shown_profile(candidate), candidate_id=candidate_id)

    @guarded
    async def post(self, request: web.Request, candidate_id: str) -> web.StreamResponse:
        caller, csrf, form = await posted(request, "updateCandidate", {"candidate_id": candidate_id},
                                          (CASE_WORKER,))
        again = {"action": request.path, "new": False, "values": forms.refilled(form), "candidate_id": candidate_id}
        try:
            body = forms.parse(cmd.UpdateCandidate, forms.profile_data(form, with_bsn=False))
            await run(caller, "updateCandidate", {"candidate_id": candidate_id}, body, form_key=form.get("form_key"))
        except (ValidationError, Invalid) as exc:
            errors = forms.field_errors(exc)
            return form_page("candidate_form.html", self.TITLE, caller, csrf, request, 400, errors=errors,
                             **{**again, "values": forms.refilled(form, errors)})
        except Conflict:
            return form_page("candidate_form.html", self.TITLE, caller, csrf, request, 409, **again,
                             error=N_("Deze kandidaat is gehuisvest of ingetrokken; de gegevens kunnen niet meer "
                                      "veranderen."))
        return redirect(f"/kandidaten/{candidate_id}?klaar=gewijzigd")


class WithdrawCandidate(View):
    TITLE = N_("Kandidaat intrekken")

    @guarded
    async def get(self, request: web.Request, candidate_id: str) -> web.Response:
        caller, csrf = await person(request, CASE_WORKER)
        await run(caller, "getCandidate", {"candidate_id": candidate_id})
        return form_page("withdraw.html", self.TITLE, caller, csrf, request, candidate_id=candidate_id)

    @guarded
    async def post(self, request: web.Request, candidate_id: str) -> web.StreamResponse:
        caller, csrf, form = await posted(request, "withdrawCandidate", {"candidate_id": candidate_id},
                                          (CASE_WORKER,))
        try:
            body = forms.parse(cmd.WithReason, {"reason": form.get("reason", "").strip()})
            await run(caller, "withdrawCandidate", {"candidate_id": candidate_id}, body,
                      form_key=form.get("form_key"))
        except (ValidationError, Invalid) as exc:
            errors = forms.field_errors(exc)
            return form_page("withdraw.html", self.TITLE, caller, csrf, request, 400, candidate_id=candidate_id,
                             errors=errors, values=forms.refilled(form, errors))
        except Conflict:
            return form_page("withdraw.html", self.TITLE, caller, csrf, request, 409, candidate_id=candidate_id,
                             error=N_("Deze kandidaat is al gehuisvest of ingetrokken."))
        return redirect(f"/kandidaten/{candidate_id}?klaar=ingetrokken")


app.page("/kandidaten/nieuw")(NewCandidate)
app.page("/kandidaten/{candidate_id}/wijzigen")(EditCandidate)
app.page("/kandidaten/{candidate_id}/intrekken")(WithdrawCandidate)
