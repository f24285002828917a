"""How a screen runs an operation: as the signed-in person, through the service layer's dispatcher
(service_layer/dispatch.py), the same road as the HTTP API: the same role checks, validation, idempotent
writes and audit. A screen never reads a table itself."""
from __future__ import annotations

import asyncio
import hashlib
import json
from typing import Any

from aiohttp import web

from contracts.vocabulary import UserRole
from services.intake.domain import accounts as account_rules
from services.intake.domain.errors import Forbidden, IntakeError
from services.intake.entrypoints.app import ctx
from services.intake.entrypoints.signin_pages import make_uow, signed_in
from services.intake.entrypoints.web_session import redirect, same
from services.intake.service_layer import dispatch
from services.intake.service_layer.common import IdempotencyMismatch
from services.intake.service_layer.operation_types import Call, Operation
from services.intake.service_layer.operations import OPERATIONS
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import Idempotency
from services.kernel.config import settings

BY_ID: dict[str, Operation] = {op.operation_id: op for op in OPERATIONS}
#: The channel the audit names for what people do on the screens.
CHANNEL = "web"


class NotSignedIn(Exception):
    """The screen needs a signed-in person: the visitor is sent to the front door."""


class FormExpired(Exception):
    """A form posted without the session's CSRF token (or with another's)."""


def audience(operation: str) -> tuple[str, ...]:
    """The person roles the API lets run the operation (its tag in domain/accounts.py ROLE_TAGS): a screen for
    exactly those people, by the one rule, not a second list."""
    tag = BY_ID[operation].tag
    return tuple(role.value for role in UserRole if account_rules.may_use(role, tag))


async def person(request: web.Request, *audience: str) -> tuple[Caller, str]:
    """The signed-in person, if the screen is for their role (``audience``: the person roles it was made for;
    what they may see on it is still the operations' to decide)."""
    known = await signed_in(request)
    if known is None:
        raise NotSignedIn()
    if audience and known[0].user_role not in audience:
        raise Forbidden("this screen is not for the person's role")
    return known


async def posted(request: web.Request, operation: Operation | str, params: dict[str, str] | None = None,
                 audience: tuple[str, ...] = ()) -> tuple[Caller, str, dict[str, str]]:
    """The signed-in person and the form they posted for the operation: the CSRF token checked, and the person
    allowed to run it before a field of the form is judged (a refusal never depends on the form's content)."""
    caller, csrf = await person(request, *audience)
    data = await request.post()
    form = {k: v for k, v in data.items() if isinstance(v, str)}
    if not same(csrf, form.get("csrf_token")):
        raise FormExpired()
    op = BY_ID[operation] if isinstance(operation, str) else operation
    await asyncio.to_thread(dispatch.authorise, op, caller, params or {}, make_uow)
    return caller, csrf, form


def form_idempotency(caller: Caller, operation: Operation, params: dict[str, str], body: Any,
                     form_key: str | None) -> Idempotency | None:
    """A form carries a one-time key: posting it twice (a double click, a reload) changes nothing twice."""
    if not operation.write or not form_key or not (8 <= len(form_key) <= 100):
        return None
    shown = body.model_dump(mode="json") if body is not None else None
    digest = hashlib.sha256(json.dumps([operation.operation_id, params, shown], sort_keys=True,
                                       default=str).encode()).hexdigest()
    return Idempotency(caller.org_id, "form:" + form_key, digest)


async def allowed(caller: Caller, operation: str, params: dict[str, str] | None = None) -> None:
    """Refused (403, audited) unless the person may run the operation: for a page that shows its form."""
    await asyncio.to_thread(dispatch.authorise, BY_ID[operation], caller, params or {}, make_uow)


async def run(caller: Caller, operation: Operation | str, params: dict[str, str] | None = None, body: Any = None,
              query: Any = None, form_key: str | None = None) -> Any:
    """The operation's answer (as the API gives it) for the person; an IntakeError when refused."""
    return (await run_told(caller, operation, params, body, query, form_key))[1]


async def run_told(caller: Caller, operation: Operation | str, params: dict[str, str] | None = None,
                   body: Any = None, query: Any = None, form_key: str | None = None) -> tuple[int, Any, bool]:
    """(status, answer, replayed): as ``run``, and whether the form key's first answer came back (nothing done)."""
    op = BY_ID[operation] if isinstance(operation, str) else operation
    params = params or {}
    await asyncio.to_thread(dispatch.authorise, op, caller, params, make_uow)
    dispatch.check_path(params)
    if query is None and op.query is not None:
        query = op.query()
    call = Call(caller=caller, make_uow=lambda idem=None: make_uow(idem), secret=settings().pseudonym_secret,
                body=body, params=params, query=query,
                idem=form_idempotency(caller, op, params, body, form_key), channel=CHANNEL)
    told = await asyncio.to_thread(dispatch.execute, op, call)
    if op.write:
        ctx.relay.wake.set()
    return told


def answer_refusal(exc: Exception) -> web.StreamResponse | None:
    """The page for a refusal that is not about a field: sign-in, expired form, not allowed, not found."""
    from services.intake.entrypoints.screens.i18n import N_
    from services.intake.entrypoints.screens.rendering import render
    if isinstance(exc, NotSignedIn):
        return redirect("/")
    if isinstance(exc, FormExpired):
        return render("problem.html", N_("Formulier verlopen"), 403,
                      error=N_("Dit formulier is verlopen of niet van deze site. Laad de pagina opnieuw."))
    if isinstance(exc, IdempotencyMismatch):  # back to a sent form, changed and sent again: nothing is done twice
        return render("problem.html", N_("Formulier al verstuurd"), 409,
                      error=N_("Dit formulier is al verstuurd, met andere gegevens dan nu. Er is niets gewijzigd. "
                               "Open de pagina opnieuw om nog iets in te voeren."))
    if isinstance(exc, IntakeError) and exc.status == 403:
        return render("problem.html", N_("Geen toegang"), 403, error=N_("Deze pagina is niet voor uw rol."))
    if isinstance(exc, IntakeError) and exc.status == 404:
        return render("problem.html", N_("Niet gevonden"), 404,
                      error=N_("Deze pagina bestaat niet, of hoort niet bij uw organisatie."))
    return None


def guarded(handler):
    """A screen's handler, with the refusals every screen answers the same way (answer_refusal)."""
    async def wrapper(self, request: web.Request, **params: str) -> web.StreamResponse:
        try:
            return await handler(self, request, **params)
        except (NotSignedIn, FormExpired, IntakeError) as exc:
            response = answer_refusal(exc)
            if response is None:
                raise
            return response

    wrapper.__name__ = handler.__name__
    return wrapper
