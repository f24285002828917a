"""HTTP conventions shared by every API of the product (NL GOV API Design Rules).

Problem details (RFC 9457) for every error, an API-Version header on every
response, the security headers the rules name, the rate-limit headers and 429 of
an API that limits its callers, and request bodies parsed into strict models
whose errors name the field but never echo a submitted value.
"""
from __future__ import annotations

import json
import logging
import ssl
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from services.kernel.config import settings
from services.kernel.privacy import safe_field_name, uri_holds_bsn
from services.kernel.ratelimit import Decision

log = logging.getLogger(__name__)

API_VERSION = "1.0.0"
PROBLEM = "application/problem+json"
#: JSON request bodies larger than this are refused (413); aiohttp's client_max_size caps everything else.
MAX_JSON_BODY = 64 * 1024
CORS_ALLOW_METHODS = "GET, POST, PUT"
CORS_ALLOW_HEADERS = "Authorization, Content-Type, Idempotency-Key"
CORS_EXPOSE_HEADERS = ("API-Version, Idempotent-Replayed, Idempotent-Withheld, Location, Retry-After, "
                       "X-Rate-Limit-Limit, X-Rate-Limit-Remaining, X-Rate-Limit-Reset")
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Strict-Transport-Security": "max-age=31536000",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
#: The platform's endpoints (probes and scrapes): served over plain HTTP inside the cluster, without a token.
PLATFORM_PATHS = frozenset({"/health/live", "/health/ready", "/metrics"})
M = TypeVar("M", bound=BaseModel)
#: An API that limits request rates sets this on its aiohttp application: an async function of the request
#: that returns the caller's Decision (its headers go on the answer, whatever the answer is), raises
#: HttpProblem 429 (too_many_requests) when the caller is over its limit, or returns None (not limited).
RATE_LIMIT = web.AppKey("rate_limit", object)


class HttpProblem(Exception):
    def __init__(self, status: int, title: str, detail: str, errors: list[dict[str, str]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail, self.errors = status, title, detail, errors or []
        self.headers = headers or {}


def problem(status: int, title: str, detail: str, errors: list[dict[str, str]] | None = None,
            instance: str | None = None, headers: dict[str, str] | None = None) -> web.Response:
    body: dict[str, Any] = {"type": f"https://housing-match.nl/problems/{status}", "title": title,
                            "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    if errors:
        body["invalid_params"] = errors
    return web.Response(body=json.dumps(body).encode(), status=status, content_type=PROBLEM, headers=headers)


def rate_limit_headers(decision: Decision) -> dict[str, str]:
    """The NL GOV rate-limit headers (API Design Rules extension, API-45): for a token bucket, Limit is its size
    (the most requests at once), Remaining what may be sent now, Reset the seconds until it is full again."""
    return {"X-Rate-Limit-Limit": str(decision.limit), "X-Rate-Limit-Remaining": str(decision.remaining),
            "X-Rate-Limit-Reset": str(decision.reset_s)}


def too_many_requests(decision: Decision) -> HttpProblem:
    """429 as a problem, with Retry-After (RFC 9110: delay in seconds) and the rate-limit headers."""
    return HttpProblem(429, "Too many requests",
                       f"this caller has sent more requests than its rate limit allows; retry after "
                       f"{decision.retry_after_s} s",
                       headers={"Retry-After": str(decision.retry_after_s), **rate_limit_headers(decision)})


def _safe_name(part: Any) -> str:
    # A field path can hold a key the caller sent (an unknown field): only field-like names are shown.
    return safe_field_name(part)


def field_errors(exc: ValidationError, root: str = "(body)") -> list[dict[str, str]]:
    """One entry per field: its path and the rule it broke. The submitted value is never included."""
    out = []
    for err in exc.errors(include_input=False, include_url=False, include_context=False)[:50]:
        path = ".".join(_safe_name(p) for p in err["loc"]) or root
        reason = err["msg"] if err["type"] != "json_invalid" else "not valid JSON"
        out.append({"name": path, "reason": reason})
    return out


def validate_json(raw: bytes, model: type[M], root: str = "(body)", context: dict[str, Any] | None = None) -> M:
    """Strict JSON validation: no type coercion ("3" is not 3), unknown fields rejected by the models.

    ``context`` reaches the model's validators (e.g. the request's date for rules about today)."""
    try:
        return model.model_validate_json(raw, strict=True, context=context)
    except ValidationError as exc:
        errors = field_errors(exc, root)
        if any(e["reason"] == "not valid JSON" for e in errors):
            raise HttpProblem(400, "Invalid JSON", "the body is not valid JSON", errors[:1]) from None
        raise HttpProblem(400, "Invalid input", "one or more fields are invalid", errors) from None


async def read_json_body(request: web.Request, max_bytes: int = MAX_JSON_BODY) -> bytes:
    if request.content_type != "application/json":
        raise HttpProblem(415, "Unsupported media type", "send the body as application/json")
    if request.content_length is not None and request.content_length > max_bytes:
        raise HttpProblem(413, "Body too large", f"the request body exceeds {max_bytes} bytes")
    raw = await request.read()  # aiohttp enforces client_max_size (413) here
    if len(raw) > max_bytes:
        raise HttpProblem(413, "Body too large", f"the request body exceeds {max_bytes} bytes")
    return raw


def json_ok(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(body=json.dumps(data, default=json_default).encode(), status=status,
                        content_type="application/json", headers=headers)


def json_default(value: Any) -> Any:
    """json.dumps's fallback: datetimes as ISO 8601 with their offset (naive ones are UTC), the rest as text."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    return str(value)


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def arrived_over_https(request: web.Request) -> bool:
    """TLS to this listener, or to a TLS-terminating proxy in front that says so (``X-Forwarded-Proto: https``),
    believed only when TRUST_FORWARDED_PROTO is set: anyone can send that header."""
    return request.secure or (settings().trust_forwarded_proto and request.headers.get("X-Forwarded-Proto") == "https")


def refuse_credentials_in_the_clear(request: web.Request) -> None:
    """A token sent over plain HTTP can be read on the way: it is refused before it is looked up or used,
    at every service, so no API answers a request it authenticated over plain HTTP (probes and scrapes aside)."""
    if "Authorization" in request.headers and request.path not in PLATFORM_PATHS and not arrived_over_https(request):
        raise HttpProblem(403, "HTTPS required", "an API token is accepted over HTTPS only; a token that was sent "
                                                 "over plain HTTP may have been read on the way and should be revoked",
                          [{"name": "Authorization", "reason": "send over HTTPS"}])


def cors_origins() -> frozenset[str]:
    """Browser origins allowed to call the APIs (CORS_ALLOWED_ORIGINS, comma-separated); none by default."""
    return frozenset(o.strip() for o in settings().cors_allowed_origins.split(",") if o.strip())


def _cors_headers(request: web.Request) -> dict[str, str]:
    origin = request.headers.get("Origin")
    if not origin or origin not in cors_origins():
        return {}
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin",
            "Access-Control-Expose-Headers": CORS_EXPOSE_HEADERS}


async def _handle(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                  ) -> web.StreamResponse:
    if request.method == "OPTIONS" and request.headers.get("Access-Control-Request-Method"):
        # CORS preflight: answered here, for the configured origins only.
        cors = _cors_headers(request)
        if not cors:
            raise HttpProblem(403, "Origin not allowed", "this origin may not call the API from a browser")
        return web.Response(status=204, headers={**cors, "Access-Control-Allow-Methods": CORS_ALLOW_METHODS,
                                                 "Access-Control-Allow-Headers": CORS_ALLOW_HEADERS,
                                                 "Access-Control-Max-Age": "600"})
    # A BSN never belongs in a URI (it would end up in proxy and access logs): refuse it outright, in any
    # digit script, grouping or percent-encoding (raw_path is the path and query as sent, still encoded).
    if uri_holds_bsn(request.raw_path):
        raise HttpProblem(400, "Personal number in URI", "a URI must not contain a BSN; send it in a body over HTTPS")
    return await handler(request)


@web.middleware
async def conventions_middleware(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                                 ) -> web.StreamResponse:
    limited = None
    try:
        refuse_credentials_in_the_clear(request)  # before the rate limit, which looks the token up
        limit = request.config_dict.get(RATE_LIMIT)
        if limit is not None:
            limited = await limit(request)
        response = await _handle(request, handler)
    except HttpProblem as exc:
        response = problem(exc.status, exc.title, exc.detail, exc.errors, headers=exc.headers)
    except web.HTTPRequestEntityTooLarge:
        response = problem(413, "Body too large", "the request body exceeds the size limit")
    except web.HTTPMethodNotAllowed as exc:
        response = problem(405, "Method not allowed", "this method is not supported on this resource",
                           headers={"Allow": ", ".join(sorted(m for m in exc.allowed_methods if m != "HEAD"))})
    except web.HTTPNotFound:
        response = problem(404, "Not found", "no such resource")
    except web.HTTPException as exc:
        response = problem(exc.status, exc.reason or "Error", exc.reason or "error")
    except Exception:  # noqa: BLE001 - never leak a stack trace or a submitted value
        log.exception("unhandled error on %s", request.method)
        response = problem(500, "Internal error", "the server could not handle the request")
    response.headers["API-Version"] = API_VERSION
    if limited is not None:
        for k, v in rate_limit_headers(limited).items():
            response.headers.setdefault(k, v)
    for k, v in SECURITY_HEADERS.items():
        response.headers.setdefault(k, v)
    for k, v in _cors_headers(request).items():
        response.headers.setdefault(k, v)
    return response


def tls_context(data_dir: Path, cert: str | None, key: str | None) -> tuple[ssl.SSLContext, Path]:
    """A server TLS context: the configured certificate, or a self-signed one for localhost."""
    if not (cert and key):
        cert_path, key_path = ensure_dev_certificate(data_dir)
        cert, key = str(cert_path), str(key_path)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert, key)
    return ctx, Path(cert)


def ensure_dev_certificate(data_dir: Path) -> tuple[Path, Path]:
    """The self-signed localhost certificate of a development stack, made once.

    Several intake workers start at once: an exclusive lock file lets exactly one of them make it,
    so every worker serves the certificate that clients find on disk.
    """
    import fcntl

    tls_dir = data_dir / "tls"
    tls_dir.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = tls_dir / "localhost.crt", tls_dir / "localhost.key"
    with open(tls_dir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (cert_path.exists() and key_path.exists()):
            _self_signed(cert_path, key_path)
    return cert_path, key_path


def _self_signed(cert_path: Path, key_path: Path) -> None:
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    cert_path.parent.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
