"""The policy officer's "what if?" simulations (issue 21's jobs on issue 17's screens): ``/simulaties`` lists the
municipality's own jobs, newest first; ``/simulaties/nieuw`` starts one from a few plain-Dutch changes
(simulation_form.py) through ``startSimulation``, the API's own operation (validation, idempotency by the form's
key, audit); ``/simulaties/{job_id}`` shows its progress (a "Vernieuwen" link: no script, and no automatic
refresh, which WCAG 2.2.1 advises against) and, when done, the report's tables (simulation_report.py);
``/simulaties/{job_id}/stoppen`` asks to confirm, then cancels a job that has not ended (``cancelSimulation``)."""
from __future__ import annotations

import secrets

from aiohttp import web
from faust.web import View
from pydantic import ValidationError

from services.intake.domain import simulation_models as m
from services.intake.domain.errors import Conflict, Forbidden, Invalid
from services.intake.entrypoints.app import app
from services.intake.entrypoints.screens import forms, i18n, texts
from services.intake.entrypoints.screens.gateway import allowed, guarded, person, posted, run
from services.intake.entrypoints.screens.i18n import N_
from services.intake.entrypoints.screens.partners import POLICY_OFFICER
from services.intake.entrypoints.screens.partners import simulation_form as sf
from services.intake.entrypoints.screens.partners import simulation_report as sr
from services.intake.entrypoints.screens.partners.municipality import region_organisations
from services.intake.entrypoints.screens.rendering import render
from services.intake.entrypoints.web_session import redirect

STATUS = {"queued": N_("In de wachtrij"), "running": N_("Bezig"), "done": N_("Klaar"), "failed": N_("Mislukt"),
          "cancelled": N_("Gestopt")}
UNDER_WAY = ("queued", "running")
STOPPED = N_("De simulatie is gestopt. Wat de simulatie nog zou opleveren, wordt niet bewaard.")
#: Why a job failed, by the start of the worker's reason (services/system/simulation_worker): never its text.
FAILED = {"source": N_("Van uw regio is nog geen geschiedenis vastgelegd om na te spelen."),
          "variants": N_("Een wijziging kon niet worden doorgerekend; pas de wijzigingen aan via de API.")}
FAILED_OTHERWISE = N_("De simulatie stopte door een fout. Start hem opnieuw of vraag de beheerders.")
NO_REGION = N_("Uw gemeente heeft geen regio; vraag de beheerder die vast te leggen.")
ELSEWHERE = N_("De simulatie kon niet worden gestart. Controleer het formulier.")


def shown(job: dict) -> dict:
    return {**job, "status_text": texts.say(STATUS, job["status"]), "source_text": texts.say(sf.SOURCE, job["source"])}


def failure(reason: str | None) -> str | None:
    if reason is None:
        return None
    head = reason.split(":", 1)[0].split("[", 1)[0].split(".", 1)[0]
    return i18n.gettext(FAILED.get(head, FAILED_OTHERWISE))


class Simulations(View):
    @guarded
    async def get(self, request: web.Request) -> web.Response:
        caller, csrf = await person(request, POLICY_OFFICER)
        jobs = [shown(j) for j in (await run(caller, "listSimulations"))["items"]]
        return render("simulations.html", N_("Simulaties: wat als?"), caller=caller, csrf=csrf, path=request.path,
                      jobs=jobs)


async def form_page(request, caller, csrf, status: int = 200, **values) -> web.Response:
    corporations = [(o["org_id"], o["name"]) for o in await region_organisations(caller) if o["role"] == "corporation"]
    values.setdefault("values", {"source": "synthetic", "days": "365", "seeds": "3"})
    return render("simulation_form.html", N_("Een simulatie starten"), status, caller=caller, csrf=csrf,
                  path=request.path, corporations=corporations, strategies=list(sf.STRATEGY.items()),
                  sources=list(sf.SOURCE.items()), form_key=secrets.token_urlsafe(16), **values)


class NewSimulation(View):
    @guarded
    async def get(self, request: web.Request) -> web.Response:
        caller, csrf = await person(request, POLICY_OFFICER)
        await allowed(caller, "startSimulation")
        return await form_page(request, caller, csrf)

    @guarded
    async def post(self, request: web.Request) -> web.StreamResponse:
        caller, csrf, form = await posted(request, "startSimulation", audience=(POLICY_OFFICER,))
        try:
            body = forms.parse(m.StartSimulation, sf.request_data(form, caller.municipality))
            job = await run(caller, "startSimulation", body=body, form_key=form.get("form_key"))
        except (ValidationError, Invalid) as exc:
            errors, elsewhere = sf.field_errors(exc) if isinstance(exc, ValidationError) else ([], True)
            kept = {k: v for k, v in form.items() if k in sf.ORDER and k not in {e.field for e in errors}}
            return await form_page(request, caller, csrf, 400, errors=errors, values=kept,
                                   error=ELSEWHERE if elsewhere and not errors else None)
        except (Conflict, Forbidden):  # no region on record (the form never names another region)
            return await form_page(request, caller, csrf, 409, error=NO_REGION)
        return redirect(f"/simulaties/{job['job_id']}")


class Simulation(View):
    @guarded
    async def get(self, request: web.Request, job_id: str) -> web.Response:
        caller, csrf = await person(request, POLICY_OFFICER)
        job = shown(await run(caller, "getSimulation", {"job_id": job_id}))
        names = {o["org_id"]: o["name"] for o in await region_organisations(caller)}
        variants = [{"name": sf.variant_name(v.get("name", "")), "changes": sf.described(v, names)}
                    for v in job["variants"]]
        stopped = request.query.get("gestopt") and job["status"] == "cancelled"
        return render("simulation.html", N_("Simulatie"), caller=caller, csrf=csrf, path=request.path, job=job,
                      variants=variants, notice=STOPPED if stopped else None,
                      failed=failure(job["reason"]) if job["status"] == "failed" else None,
                      tables=sr.variant_tables(job["report"], i18n.current.get()), columns=sr.headers(),
                      protected=sr.protected(job["report"]))


class StopSimulation(View):
    @guarded
    async def get(self, request: web.Request, job_id: str) -> web.StreamResponse:
        """The confirmation, a page of its own (no script): stopping cannot be undone."""
        caller, csrf = await person(request, POLICY_OFFICER)
        job = shown(await run(caller, "getSimulation", {"job_id": job_id}))
        if job["status"] not in UNDER_WAY:  # it ended meanwhile: its page says how
            return redirect(f"/simulaties/{job_id}")
        return render("simulation_stop.html", N_("Simulatie stoppen"), caller=caller, csrf=csrf, path=request.path,
                      job=job, form_key=secrets.token_urlsafe(16))

    @guarded
    async def post(self, request: web.Request, job_id: str) -> web.StreamResponse:
        params = {"job_id": job_id}
        caller, _, form = await posted(request, "cancelSimulation", params, (POLICY_OFFICER,))
        try:
            await run(caller, "cancelSimulation", params, form_key=form.get("form_key"))
        except Conflict:  # it ended meanwhile: its page says how
            return redirect(f"/simulaties/{job_id}")
        return redirect(f"/simulaties/{job_id}?gestopt=1")


app.page("/simulaties")(Simulations)
app.page("/simulaties/nieuw")(NewSimulation)
app.page("/simulaties/{job_id}")(Simulation)
app.page("/simulaties/{job_id}/stoppen")(StopSimulation)
