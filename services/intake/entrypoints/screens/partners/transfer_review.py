"""The transfer point's review of proposals (issue 17 item 3, on issue 20's operations): with review on in the
region's policy, a round's proposals wait here, overdue ones first and flagged; the officer approves one (the
offer goes out) or sets it aside, each time with a reason the shelter and the corporation read."""
from __future__ import annotations

import secrets

from aiohttp import web
from faust.web import View
from pydantic import ValidationError

from services.intake.domain import regional_models as m
from services.intake.domain.errors import Conflict, Invalid, NotFound
from services.intake.entrypoints.app import app
from services.intake.entrypoints.screens import forms
from services.intake.entrypoints.screens.gateway import guarded, person, posted, run
from services.intake.entrypoints.screens.i18n import N_
from services.intake.entrypoints.screens.partners import TRANSFER_OFFICER, decision_wording
from services.intake.entrypoints.screens.rendering import render
from services.intake.entrypoints.web_session import redirect

#: The two decisions of the form's buttons (name "besluit"): operation and what the list then says.
DECISIONS = {"goedkeuren": ("approveProposal", N_("Goedgekeurd: het aanbod gaat uit.")),
             "opzijzetten": ("setAsideProposal", N_("Opzijgezet: deze kandidaat en woning worden niet opnieuw "
                                                     "voorgesteld."))}
STATUS = {"waiting": N_("wacht op beoordeling"), "approved": N_("goedgekeurd"), "set_aside": N_("opzijgezet"),
          "withdrawn": N_("vervallen")}
DECIDED = N_("Dit voorstel is al beoordeeld of vervallen.")
CHOOSE = N_("Kies goedkeuren of opzij zetten.")


async def proposals(caller) -> list[dict]:
    return (await run(caller, "listProposals"))["items"]


class Proposals(View):
    @guarded
    async def get(self, request: web.Request) -> web.Response:
        caller, csrf = await person(request, TRANSFER_OFFICER)
        items = await proposals(caller)
        waiting = sorted((p for p in items if p["status"] == "waiting"),
                         key=lambda p: (not p["overdue"], p["review_due"]))
        done = [dict(p, status_text=STATUS[p["status"]]) for p in items if p["status"] != "waiting"]
        notice = dict(DECISIONS).get(request.query.get("klaar", ""), (None, None))[1]
        return render("transfer_proposals.html", N_("Voorstellen ter beoordeling"), caller=caller, csrf=csrf,
                      path=request.path, waiting=waiting, done=done, notice=notice,
                      overdue=sum(p["overdue"] for p in waiting))


async def decision_page(request, caller, csrf, offer_id: str, status: int = 200, **values) -> web.Response:
    found = next((p for p in await proposals(caller) if p["offer_id"] == offer_id), None)
    if found is None:
        raise NotFound("no such proposal in the region")
    return render("transfer_proposal.html", N_("Voorstel beoordelen"), status, caller=caller, csrf=csrf,
                  path=request.path, p=found, status_text=STATUS[found["status"]],
                  form_key=secrets.token_urlsafe(16), **values)


class ProposalDecision(View):
    @guarded
    async def get(self, request: web.Request, proposal_id: str) -> web.Response:
        caller, csrf = await person(request, TRANSFER_OFFICER)
        return await decision_page(request, caller, csrf, proposal_id)

    @guarded
    async def post(self, request: web.Request, proposal_id: str) -> web.StreamResponse:
        offer_id = proposal_id  # a proposal is an offer not yet made: the API names it by its offer id
        params = {"offer_id": offer_id}
        # Both decisions have the same roles: the person is authorised before the form is read.
        caller, csrf, form = await posted(request, "approveProposal", params, (TRANSFER_OFFICER,))
        choice = form.get("besluit", "")
        if choice not in DECISIONS:  # never a default: a decision is the officer's own
            return await decision_page(request, caller, csrf, offer_id, 400, error=CHOOSE)
        try:
            body = forms.parse(m.Decision, {"reason": form.get("reason", "").strip()})
            await run(caller, DECISIONS[choice][0], params, body, form_key=form.get("form_key"))
        except (ValidationError, Invalid) as exc:
            return await decision_page(request, caller, csrf, offer_id, 400,
                                       errors=decision_wording.field_errors(exc, ("reason",)))
        except Conflict:
            return await decision_page(request, caller, csrf, offer_id, 409, error=DECIDED)
        return redirect(f"/transferpunt/voorstellen?klaar={choice}")


app.page("/transferpunt/voorstellen")(Proposals)
app.page("/transferpunt/voorstellen/{proposal_id}")(ProposalDecision)
