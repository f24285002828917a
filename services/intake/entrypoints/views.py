"""The intake's HTTP API (faust web views), registered from api.OPERATIONS.

Per request: authenticate, check the role, parse path, query and body strictly,
then run the operation's service function in a thread. Writes run once per
Idempotency-Key, with the stored answer in the write's own transaction.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import defaultdict

from aiohttp import web
from faust.web import View
from pydantic import ValidationError

from services.intake.domain import rules
from services.intake.domain.errors import IntakeError
from services.intake.entrypoints.app import app, ctx
from services.intake.entrypoints.openapi import build_openapi
from services.intake.entrypoints.signin_pages import make_uow  # one unit-of-work factory for API and pages
from services.intake.entrypoints.web_session import CSRF_HEADER, SESSION_COOKIE, same
from services.intake.service_layer import common, dispatch, sessions
from services.intake.service_layer.operation_types import API_PREFIX, Call, NoBody, Operation
from services.intake.service_layer.operations import OPERATIONS
from services.intake.service_layer.organisations import Caller, authenticate
from services.intake.service_layer.unit_of_work import Idempotency
from services.kernel.config import settings
from services.kernel.health import register_health_and_metrics
from services.kernel.http import (
    RATE_LIMIT,
    HttpProblem,
    arrived_over_https,
    bearer_token,
    field_errors,
    json_ok,
    read_json_body,
    too_many_requests,
    validate_json,
)
from services.kernel.metrics import RATE_LIMITED
from services.kernel.ratelimit import Decision, TokenBucketLimiter

log = logging.getLogger(__name__)
register_health_and_metrics(app, ctx)


def as_problem(exc: IntakeError) -> HttpProblem:
    return HttpProblem(exc.status, exc.title, exc.detail, [{"name": e["field"], "reason": e["reason"]}
                                                           for e in exc.errors])


async def caller_of(request: web.Request) -> Caller:
    """The authenticated caller, looked up once per request (the rate limit needs it before the view):
    an API token, or else a signed-in person's session cookie (whose CSRF token the request keeps)."""
    if CALLER not in request:
        token, sid = bearer_token(request), request.cookies.get(SESSION_COOKIE)
        try:
            if token or not sid:
                request[CALLER] = await asyncio.to_thread(authenticate, make_uow(), token)
            else:
                request[CALLER], request[SESSION_CSRF] = await asyncio.to_thread(sessions.authenticate,
                                                                                  make_uow(), sid)
        except IntakeError as exc:
            request[CALLER] = exc
    known = request[CALLER]
    if isinstance(known, IntakeError):
        raise as_problem(known) from None
    return known


# --- rate limits: a token bucket per organisation (or client address) in this worker -----------

CALLER = "housing_match.caller"
SESSION_CSRF = "housing_match.session_csrf"
#: The platform's endpoints: probes and scrapes must never be refused.
NOT_LIMITED = frozenset({"/health/live", "/health/ready", "/metrics"})
_conf = settings()
limiter = TokenBucketLimiter(_conf.intake_rate_limit_per_s, _conf.intake_rate_limit_burst)


async def rate_limit(request: web.Request) -> Decision | None:
    """Count the request against its caller's bucket: the organisation of a valid token, else the client address."""
    if request.path in NOT_LIMITED:
        return None
    key, role = f"address:{request.remote}", "anonymous"
    if bearer_token(request):
        try:
            caller = await caller_of(request)
            key, role = f"org:{caller.org_id}", caller.role
        except HttpProblem:
            pass  # an unknown or revoked token: limited by address; the view answers 401
        except Exception:  # noqa: BLE001 - e.g. the database is down: limited by address; the view answers 500
            pass
    decision = limiter.take(key)
    if not decision.allowed:
        RATE_LIMITED.labels(service="intake", role=role).inc()
        if decision.report:  # at most once a minute per caller; the counter has every refusal
            log.warning("rate limit: refusing requests of %s (role %s); retry after %d s",
                        key if role != "anonymous" else "an unauthenticated client", role, decision.retry_after_s)
        raise too_many_requests(decision)
    return decision


app.web.web_app[RATE_LIMIT] = rate_limit


def _parse_query(request: web.Request, op: Operation):
    if op.query is None:
        if request.query:
            raise HttpProblem(400, "Invalid input", "this operation takes no query parameters",
                              [{"name": "(query)", "reason": "no parameters expected"}])
        return None
    values = {}
    for name in request.query:
        if len(request.query.getall(name)) > 1:
            raise HttpProblem(400, "Invalid input", "a query parameter was repeated",
                              [{"name": name[:64], "reason": "give each parameter once"}])
        values[name] = request.query[name]
    try:
        return op.query.model_validate(values)
    except ValidationError as exc:
        raise HttpProblem(400, "Invalid input", "one or more query parameters are invalid",
                          field_errors(exc, "(query)")) from None


def _check_path(op: Operation, params: dict[str, str]) -> None:
    try:
        dispatch.check_path(params)
    except IntakeError as exc:
        raise as_problem(exc) from None


def _idempotency(request: web.Request, op: Operation, caller: Caller, raw: bytes) -> Idempotency | None:
    key = request.headers.get("Idempotency-Key")
    if key is None or not op.idempotent:
        return None
    if not (1 <= len(key) <= 200) or not all(0x21 <= ord(ch) <= 0x7E for ch in key):
        raise HttpProblem(400, "Invalid input", "bad Idempotency-Key",
                          [{"name": "Idempotency-Key", "reason": "1 to 200 visible ASCII characters"}])
    digest = hashlib.sha256(request.method.encode() + b" " + request.rel_url.path.encode() + b"\n" + raw).hexdigest()
    return Idempotency(caller.org_id, "http:" + key, digest)


async def handle(request: web.Request, op: Operation, params: dict[str, str]) -> web.Response:
    caller = await caller_of(request)
    try:
        await asyncio.to_thread(dispatch.authorise, op, caller, params, make_uow)
    except IntakeError as exc:
        raise as_problem(exc) from None
    if caller.user_id is not None and request.method not in ("GET", "HEAD") and \
            not same(request.get(SESSION_CSRF), request.headers.get(CSRF_HEADER)):
        # A cookie alone never makes a change (the session's CSRF token comes in a header a foreign page cannot set).
        raise HttpProblem(403, "CSRF token missing", "a signed-in person's change needs the session's "
                                                     "CSRF token", [{"name": CSRF_HEADER, "reason": "required"}])
    _check_path(op, params)
    query = _parse_query(request, op)
    raw = b""
    body = None
    if op.request is not None:
        raw = await read_json_body(request)
        # Rules about today judge by the date the request arrived, in Amsterdam.
        body = validate_json(raw, op.request, context=rules.context_at(common.now()))
        if getattr(body, "bsn", None) is not None and not arrived_over_https(request):
            raise HttpProblem(400, "HTTPS required", "a BSN is accepted only over HTTPS",
                              [{"name": "bsn", "reason": "send over HTTPS"}])
    else:
        raw = await request.read()
        if raw.strip() not in (b"", b"{}"):
            if request.content_type != "application/json":
                raise HttpProblem(415, "Unsupported media type", "send no body, or {} as application/json")
            validate_json(raw, NoBody)
    idem = _idempotency(request, op, caller, raw)
    call = Call(caller=caller, make_uow=make_uow, secret=settings().pseudonym_secret, body=body, params=params,
                query=query, idem=idem)
    try:
        status, payload, replayed = await asyncio.to_thread(dispatch.execute, op, call)
    except IntakeError as exc:
        raise as_problem(exc) from None
    if op.write:
        ctx.relay.wake.set()
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    if replayed and op.shown_once:  # the stored answer never held them: say so, not only by a null
        headers["Idempotent-Withheld"] = ", ".join(op.shown_once)
    if (location := op.location_of(payload)) is not None:
        headers["Location"] = location
    return json_ok(payload, status, headers=headers or None)


def _view_for(path: str, ops: dict[str, Operation]) -> type[View]:
    allow = ", ".join(sorted(ops))

    async def dispatch(self, request: web.Request, **params: str) -> web.Response:
        op = ops.get("GET" if request.method == "HEAD" else request.method)
        if op is None:
            raise HttpProblem(405, "Method not allowed", "this method is not supported on this resource",
                              headers={"Allow": allow})
        return await handle(request, op, params)

    methods = {m.lower(): dispatch for m in ops}
    if "GET" not in ops:
        methods["head"] = dispatch
    name = "".join(part.title() for part in path.replace("-", "/").replace("{", "").replace("}", "").split("/"))
    return type(f"{name}View", (View,), methods)


def register(app_) -> None:
    by_path: dict[str, dict[str, Operation]] = defaultdict(dict)
    for op in OPERATIONS:
        by_path[op.full_path][op.method] = op
    for path, ops in by_path.items():
        app_.page(path)(_view_for(path, ops))


register(app)


class OpenApi(View):
    async def get(self, request: web.Request) -> web.Response:
        return json_ok(build_openapi(f"https://{request.host}{API_PREFIX}"))


app.page("/openapi.json")(OpenApi)
app.page(API_PREFIX + "/openapi.json")(OpenApi)


# The sign-in pages (issue 15) register themselves on the same app.
from services.intake.entrypoints import enrol_pages, oidc_pages, signin_pages  # noqa: E402,F401
# The screens for people (issue 16).
from services.intake.entrypoints.screens import register as screens  # noqa: E402,F401
