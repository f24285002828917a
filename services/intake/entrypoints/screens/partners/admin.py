"""The administrators (issue 17, item 5): every organisation; an organisation's people and a reset of a
person's password and second factor (the organisation's own administrator too); API tokens issued and
revoked (a revoked token is refused at once); the audit searched by organisation, person, record and time.
A new token or enrolment code is shown once and never stored in clear: the token's and the organisation's forms
have a key (a reload issues nothing) whose stored answer never holds the token (the operation's shown_once)."""
from __future__ import annotations

import secrets
from datetime import datetime, time

from aiohttp import web
from faust.web import View
from pydantic import ValidationError

from services.intake.domain.errors import Invalid
from services.intake.entrypoints.app import app
from services.intake.entrypoints.screens import forms, texts
from services.intake.entrypoints.screens.gateway import guarded, person, posted, run, run_told
from services.intake.entrypoints.screens.i18n import N_
from services.intake.entrypoints.screens.partners import ORG_ADMIN, SYSTEM_ADMIN, wording
from services.intake.entrypoints.screens.rendering import AMSTERDAM, render
from services.intake.entrypoints.web_session import redirect
from services.intake.service_layer import administration as admin

AUDIT_FILTERS = ("organisation", "actor", "record", "since", "until", "before")


async def organisations_page(request, caller, csrf, status: int = 200, **values) -> web.Response:
    rows = [dict(o, role_text=texts.say(wording.ROLE, o["role"]))
            for o in (await run(caller, admin.ALL_ORGANISATIONS))["items"]]
    values.setdefault("values", {})
    answered = {"Cache-Control": "no-store"} if values.keys() & {"issued", "again"} else None  # not in the cache
    return render("admin_organisations.html", N_("Organisaties"), status, answered, caller=caller, csrf=csrf,
                  path=request.path, rows=rows, roles=[(k, texts.say(wording.ROLE, k)) for k in wording.ROLE],
                  form_key=secrets.token_urlsafe(16), **values)


class Organisations(View):
    @guarded
    async def get(self, request: web.Request) -> web.Response:
        caller, csrf = await person(request, SYSTEM_ADMIN)
        return await organisations_page(request, caller, csrf)

    @guarded
    async def post(self, request: web.Request) -> web.Response:
        caller, csrf, form = await posted(request, admin.CREATE_ORGANISATION, audience=(SYSTEM_ADMIN,))
        given = {k: form.get(k, "").strip() for k in ("name", "role", "municipality", "region", "institution_type")}
        try:
            body = forms.parse(admin.NewOrganisation, {**{k: v for k, v in given.items() if v},
                                                       "central": form.get("central") == "ja"})
            # the form key: a reload or a second click registers nothing (the stored answer keeps no token)
            _, made, replayed = await run_told(caller, admin.CREATE_ORGANISATION, body=body,
                                               form_key=form.get("form_key"))
        except (ValidationError, Invalid) as exc:
            errors = forms.field_errors(exc)
            kept = {k: v for k, v in given.items() if k not in {e.field for e in errors}}
            return await organisations_page(request, caller, csrf, 400, errors=errors, values=kept)
        if replayed:
            return await organisations_page(request, caller, csrf, again=made)
        return await organisations_page(request, caller, csrf, 201, issued=made)


async def tokens_page(request, caller, csrf, organisation: str, **values) -> web.Response:
    found = await run(caller, admin.LIST_TOKENS, {"organisation": organisation})
    answered = {"Cache-Control": "no-store"} if values.keys() & {"issued", "again"} else None  # not in the cache
    status = 201 if "issued" in values else 200
    return render("admin_tokens.html", N_("API-tokens"), status, answered, caller=caller, csrf=csrf,
                  path=request.path, organisation=organisation, rows=found["items"],
                  form_key=secrets.token_urlsafe(16), **values)


class Tokens(View):
    @guarded
    async def get(self, request: web.Request, organisation: str) -> web.Response:
        caller, csrf = await person(request, SYSTEM_ADMIN)
        notice = N_("Het token is ingetrokken: elke volgende vraag met dit token wordt geweigerd.") \
            if request.query.get("klaar") else None
        return await tokens_page(request, caller, csrf, organisation, notice=notice)

    @guarded
    async def post(self, request: web.Request, organisation: str) -> web.Response:
        params = {"organisation": organisation}
        caller, csrf, form = await posted(request, admin.ISSUE_TOKEN, params, (SYSTEM_ADMIN,))
        _, issued, replayed = await run_told(caller, admin.ISSUE_TOKEN, params, form_key=form.get("form_key"))
        if replayed:  # a reload or a second click: the first answer, whose token was never kept
            return await tokens_page(request, caller, csrf, organisation, again=True)
        return await tokens_page(request, caller, csrf, organisation, issued=issued)


class RevokeToken(View):
    @guarded
    async def post(self, request: web.Request, organisation: str, key_id: str) -> web.StreamResponse:
        params = {"organisation": organisation, "key_id": key_id}
        caller, _, form = await posted(request, admin.REVOKE_TOKEN, params, (SYSTEM_ADMIN,))
        await run(caller, admin.REVOKE_TOKEN, params, form_key=form.get("form_key"))
        return redirect(f"/beheer/organisaties/{organisation}/tokens?klaar=1")


async def users_page(request, caller, csrf, **values) -> web.Response:
    rows = [dict(u, role_text=texts.say(wording.USER_ROLE, u["role"]),
                 status_text=texts.say(wording.USER_STATUS, u["status"])) for u in (await run(caller, "listUsers"))["items"]]
    return render("admin_users.html", N_("Mensen van uw organisatie"), caller=caller, csrf=csrf, path=request.path,
                  rows=rows, **values)


class Users(View):
    @guarded
    async def get(self, request: web.Request) -> web.Response:
        caller, csrf = await person(request, ORG_ADMIN, SYSTEM_ADMIN)
        return await users_page(request, caller, csrf)


class ResetUser(View):
    @guarded
    async def post(self, request: web.Request, user_id: str) -> web.Response:
        params = {"user_id": user_id}
        caller, csrf, _ = await posted(request, "resetUserPassword", params, (ORG_ADMIN, SYSTEM_ADMIN))
        reset = await run(caller, "resetUserPassword", params)
        return await users_page(request, caller, csrf, reset=reset)


def audit_query(query) -> tuple[admin.AuditSearch, list]:
    """The search form's fields as the operation's query; a field that is not valid is named, not used."""
    given = {k: query.get(k, "").strip() for k in AUDIT_FILTERS if query.get(k, "").strip()}
    for name, at in (("since", time.min), ("until", time.max)):
        if name in given and len(given[name]) == 10:  # a day: from its start, until its end (Amsterdam)
            try:
                given[name] = datetime.combine(datetime.fromisoformat(given[name]).date(), at, AMSTERDAM).isoformat()
            except ValueError:
                pass
    try:
        return admin.AuditSearch.model_validate(given), []
    except ValidationError as exc:
        errors = forms.field_errors(exc)
        wrong = {e.field for e in errors}
        return admin.AuditSearch.model_validate({k: v for k, v in given.items() if k not in wrong}), errors


class AuditLog(View):
    @guarded
    async def get(self, request: web.Request) -> web.Response:
        caller, csrf = await person(request, SYSTEM_ADMIN)
        query, errors = audit_query(request.query)
        found = await run(caller, admin.SEARCH_AUDIT, query=query)
        values = {k: request.query.get(k, "") for k in AUDIT_FILTERS if k not in {e.field for e in errors}}
        older = dict(values, before=str(found["next_cursor"])) if found["next_cursor"] else None
        return render("admin_audit.html", N_("Auditlog"), caller=caller, csrf=csrf, path=request.path,
                      rows=found["items"], values=values, errors=errors, older=older)


app.page("/beheer/organisaties")(Organisations)
app.page("/beheer/organisaties/{organisation}/tokens")(Tokens)
app.page("/beheer/organisaties/{organisation}/tokens/{key_id}/intrekken")(RevokeToken)
app.page("/beheer/gebruikers")(Users)
app.page("/beheer/gebruikers/{user_id}/herstellen")(ResetUser)
app.page("/beheer/audit")(AuditLog)
