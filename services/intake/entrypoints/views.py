"""The intake's HTTP API (faust web views): translate requests, dispatch to handlers, answer."""
from __future__ import annotations

import asyncio
import hashlib
import json

from aiohttp import web
from faust.web import View
from sqlmodel import select

from services.intake.adapters.orm import IdempotencyRecord
from services.intake.domain import commands as cmd
from services.intake.domain.errors import IntakeError
from services.intake.entrypoints.app import app, ctx
from services.intake.service_layer import handlers as h
from services.intake.service_layer.organisations import Caller, authenticate
from services.runtime.config import settings
from services.runtime.health import register_health_and_metrics
from services.runtime.http import HttpProblem, bearer_token, json_ok, parse_body

register_health_and_metrics(app, ctx)


async def caller_of(request: web.Request) -> Caller:
    return await _call(authenticate, ctx.uow(), bearer_token(request))


async def _call(fn, *args):
    try:
        result = await asyncio.to_thread(fn, *args)
    except IntakeError as exc:
        raise HttpProblem(exc.status, exc.title, exc.detail,
                          [{"name": e["field"], "reason": e["reason"]} for e in exc.errors]) from None
    ctx.relay.wake.set()
    return result


def _require_https_for_bsn(request: web.Request, body) -> None:
    if getattr(body, "bsn", None) is not None and not (request.secure or _forwarded_https(request)):
        raise HttpProblem(400, "HTTPS required", "a BSN is accepted only over HTTPS",
                          [{"name": "bsn", "reason": "send over HTTPS"}])


def _forwarded_https(request: web.Request) -> bool:
    return settings().trust_forwarded_proto and request.headers.get("X-Forwarded-Proto") == "https"


async def idempotent(request: web.Request, caller: Caller, run) -> web.Response:
    """Replays the first answer for a repeated Idempotency-Key; a different body under the same key is an error."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        status, body = await run()
        return json_ok(body, status)
    if not (1 <= len(key) <= 200):
        raise HttpProblem(400, "Invalid input", "bad Idempotency-Key",
                          [{"name": "Idempotency-Key", "reason": "1 to 200 characters"}])
    digest = hashlib.sha256(request.method.encode() + request.rel_url.path.encode() + await request.read()).hexdigest()

    def lookup():
        with ctx.uow() as uow:
            row = uow.session.exec(select(IdempotencyRecord).where(IdempotencyRecord.org_id == caller.org_id,
                                                                   IdempotencyRecord.key == key)).first()
            return None if row is None else (row.request_hash, row.status, row.body)

    found = await asyncio.to_thread(lookup)
    if found:
        if found[0] != digest:
            raise HttpProblem(422, "Idempotency-Key reused", "this key was used for a different request")
        return json_ok(found[2], found[1], headers={"Idempotent-Replayed": "true"})
    status, body = await run()

    def store():
        with ctx.uow() as uow:
            uow.session.add(IdempotencyRecord(org_id=caller.org_id, key=key, request_hash=digest, status=status,
                                              body=json.loads(json.dumps(body, default=str))))
            uow.commit()

    await asyncio.to_thread(store)
    return json_ok(body, status)


@app.page("/v1/person-references")
class PersonReferences(View):
    async def post(self, request: web.Request) -> web.Response:
        caller = await caller_of(request)
        if caller.role not in ("shelter", "corporation", "municipality"):
            raise HttpProblem(403, "Not allowed for this role", "person references are for partners that submit")
        body = await parse_body(request, cmd.PersonReferenceRequest)
        _require_https_for_bsn(request, body)
        ref = await _call(h.person_ref_for, body.bsn, settings().pseudonym_secret)
        return json_ok({"person_ref": ref})


@app.page("/v1/candidates")
class Candidates(View):
    async def get(self, request: web.Request) -> web.Response:
        caller = await caller_of(request)
        status = request.query.get("status")
        return json_ok({"items": await _call(h.list_candidates, ctx.uow(), caller, status)})

    async def post(self, request: web.Request) -> web.Response:
        caller = await caller_of(request)
        body = await parse_body(request, cmd.SubmitCandidate)
        _require_https_for_bsn(request, body)

        async def run():
            return await _call(h.submit_candidate, ctx.uow(), caller, body, settings().pseudonym_secret)
        return await idempotent(request, caller, run)


@app.page("/v1/candidates/{candidate_id}")
class CandidateDetail(View):
    async def get(self, request: web.Request, candidate_id: str) -> web.Response:
        caller = await caller_of(request)
        return json_ok(await _call(h.get_candidate, ctx.uow(), caller, candidate_id))

    async def put(self, request: web.Request, candidate_id: str) -> web.Response:
        caller = await caller_of(request)
        body = await parse_body(request, cmd.UpdateCandidate)
        return json_ok(await _call(h.update_candidate, ctx.uow(), caller, candidate_id, body))


@app.page("/v1/candidates/{candidate_id}/withdrawal")
class CandidateWithdrawal(View):
    async def post(self, request: web.Request, candidate_id: str) -> web.Response:
        caller = await caller_of(request)
        body = await parse_body(request, cmd.WithReason)
        return json_ok(await _call(h.withdraw_candidate, ctx.uow(), caller, candidate_id, body))


@app.page("/v1/vacancies")
class Vacancies(View):
    async def get(self, request: web.Request) -> web.Response:
        caller = await caller_of(request)
        return json_ok({"items": await _call(h.list_vacancies, ctx.uow(), caller)})

    async def post(self, request: web.Request) -> web.Response:
        caller = await caller_of(request)
        body = await parse_body(request, cmd.PublishVacancy)

        async def run():
            return await _call(h.publish_vacancy, ctx.uow(), caller, body)
        return await idempotent(request, caller, run)


@app.page("/v1/vacancies/{vacancy_id}/withdrawal")
class VacancyWithdrawal(View):
    async def post(self, request: web.Request, vacancy_id: str) -> web.Response:
        caller = await caller_of(request)
        body = await parse_body(request, cmd.WithReason)
        return json_ok(await _call(h.withdraw_vacancy, ctx.uow(), caller, vacancy_id, body))


@app.page("/v1/agreements")
class Agreements(View):
    async def post(self, request: web.Request) -> web.Response:
        caller = await caller_of(request)
        body = await parse_body(request, cmd.RegisterAgreement)
        return json_ok(await _call(h.register_agreement, ctx.uow(), caller, body), 201)


@app.page("/v1/neighbourhood-limits")
class NeighbourhoodLimits(View):
    async def post(self, request: web.Request) -> web.Response:
        caller = await caller_of(request)
        body = await parse_body(request, cmd.SetNeighbourhoodLimit)
        return json_ok(await _call(h.set_neighbourhood_limit, ctx.uow(), caller, body), 201)


@app.page("/v1/offers")
class Offers(View):
    async def get(self, request: web.Request) -> web.Response:
        caller = await caller_of(request)
        return json_ok({"items": await _call(h.list_offers, ctx.uow(), caller, request.query.get("status"))})


def _answer_view(answer: str, needs_reason: bool):
    class Answer(View):
        async def post(self, request: web.Request, offer_id: str) -> web.Response:
            caller = await caller_of(request)
            reason = None
            if needs_reason:
                reason = (await parse_body(request, cmd.WithReason)).reason
            return json_ok(await _call(h.answer_offer, ctx.uow(), caller, offer_id, answer, reason))
    Answer.__name__ = f"Offer{answer.title()}"
    return Answer


for _answer, _needs_reason in (("confirmation", False), ("rejection", True), ("acceptance", False),
                               ("decline", True)):
    app.page(f"/v1/offers/{{offer_id}}/{_answer}")(_answer_view(_answer, _needs_reason))


@app.page("/v1/changes")
class Changes(View):
    async def get(self, request: web.Request) -> web.Response:
        caller = await caller_of(request)
        try:
            after = int(request.query.get("cursor", "0"))
            limit = min(500, max(1, int(request.query.get("limit", "100"))))
        except ValueError:
            raise HttpProblem(400, "Invalid input", "bad paging parameters",
                              [{"name": "cursor", "reason": "an integer"}]) from None
        return json_ok(await _call(h.changes, ctx.uow(), caller, after, limit))
