"""HTTP conventions shared by every API of the product (NL GOV API Design Rules).

Problem details (RFC 9457) for every error, an API-Version header on every
response, the security headers the rules name, and request bodies parsed into
strict models whose errors name the field but never echo a submitted value.
"""
from __future__ import annotations

import json
import ssl
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

API_VERSION = "1.0.0"
PROBLEM = "application/problem+json"
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Strict-Transport-Security": "max-age=31536000",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
M = TypeVar("M", bound=BaseModel)


class HttpProblem(Exception):
    def __init__(self, status: int, title: str, detail: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail, self.errors = status, title, detail, errors or []


def problem(status: int, title: str, detail: str, errors: list[dict[str, str]] | None = None,
            instance: str | None = None) -> web.Response:
    body: dict[str, Any] = {"type": f"https://housing-match.nl/problems/{status}", "title": title,
                            "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    if errors:
        body["invalid_params"] = errors
    return web.Response(body=json.dumps(body).encode(), status=status, content_type=PROBLEM)


def field_errors(exc: ValidationError) -> list[dict[str, str]]:
    out = []
    for err in exc.errors(include_input=False, include_url=False, include_context=False)[:50]:
        path = ".".join(str(p) for p in err["loc"]) or "(body)"
        out.append({"name": path, "reason": err["msg"]})
    return out


async def parse_body(request: web.Request, model: type[M]) -> M:
    if request.content_type not in ("application/json", ""):
        raise HttpProblem(415, "Unsupported media type", "send the body as application/json")
    raw = await request.read()  # aiohttp enforces client_max_size (413) here
    try:
        data = json.loads(raw or b"null")
    except ValueError:
        raise HttpProblem(400, "Invalid JSON", "the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise HttpProblem(400, "Invalid input", "the body must be a JSON object",
                          [{"name": "(body)", "reason": "expected an object"}])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise HttpProblem(400, "Invalid input", "one or more fields are invalid", field_errors(exc)) from None


def json_ok(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(body=json.dumps(data, default=_default).encode(), status=status,
                        content_type="application/json", headers=headers)


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    return str(value)


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


@web.middleware
async def conventions_middleware(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                                 ) -> web.StreamResponse:
    try:
        response = await handler(request)
    except HttpProblem as exc:
        response = problem(exc.status, exc.title, exc.detail, exc.errors)
    except web.HTTPRequestEntityTooLarge:
        response = problem(413, "Body too large", "the request body exceeds the size limit")
    except web.HTTPMethodNotAllowed:
        response = problem(405, "Method not allowed", "this method is not supported on this resource")
    except web.HTTPNotFound:
        response = problem(404, "Not found", "no such resource")
    except web.HTTPException as exc:
        response = problem(exc.status, exc.reason or "Error", exc.reason or "error")
    except Exception:  # noqa: BLE001 - never leak a stack trace or a submitted value
        import logging
        logging.getLogger(__name__).exception("unhandled error on %s %s", request.method, request.rel_url.path)
        response = problem(500, "Internal error", "the server could not handle the request")
    response.headers["API-Version"] = API_VERSION
    for k, v in SECURITY_HEADERS.items():
        response.headers.setdefault(k, v)
    return response


def tls_context(data_dir: Path, cert: str | None, key: str | None) -> tuple[ssl.SSLContext, Path]:
    """A server TLS context: the configured certificate, or a self-signed one for localhost."""
    if not (cert and key):
        cert_path, key_path = data_dir / "tls" / "localhost.crt", data_dir / "tls" / "localhost.key"
        if not cert_path.exists():
            _self_signed(cert_path, key_path)
        cert, key = str(cert_path), str(key_path)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert, key)
    return ctx, Path(cert)


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
