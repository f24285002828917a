"""A small HTTP client for the product's APIs, as a partner's integration would use them."""
from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
import uuid
from typing import Any


class ApiError(Exception):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"HTTP {status}: {body}")
        self.status, self.body = status, body


class PartnerClient:
    def __init__(self, base_url: str, token: str | None, ssl_context: ssl.SSLContext | None = None) -> None:
        self.base, self.token, self.ssl = base_url.rstrip("/"), token, ssl_context
        self.last_headers: dict[str, str] = {}  # of the last answer (a new resource's Location, say)

    def request(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
                idempotent: bool = False) -> tuple[int, Any]:
        hdrs = {"Accept": "application/json", **(headers or {})}
        if self.token:
            hdrs["Authorization"] = f"Bearer {self.token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        if idempotent:
            hdrs.setdefault("Idempotency-Key", str(uuid.uuid4()))
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(req, timeout=30, context=self.ssl) as r:
                self.last_headers = dict(r.headers)
                raw = r.read()
                return r.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as exc:
            self.last_headers = dict(exc.headers)
            raw = exc.read()
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = raw.decode(errors="replace")
            return exc.code, parsed

    def call(self, method: str, path: str, body: Any = None, ok: tuple[int, ...] = (200, 201), **kw) -> Any:
        status, parsed = self.request(method, path, body, **kw)
        if status not in ok:
            raise ApiError(status, parsed)
        return parsed
