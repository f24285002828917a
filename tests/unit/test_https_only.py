"""Credentials over plain HTTP are refused at every service (issue 14, item 4), before they are used."""
from __future__ import annotations

import asyncio
import json

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from services.kernel import http
from services.kernel.config import Settings


def _answer(path: str, headers: dict[str, str], trust: bool, monkeypatch) -> tuple[int, dict, list[str]]:
    monkeypatch.setattr(http, "settings", lambda: Settings(trust_forwarded_proto=trust))
    seen: list[str] = []

    async def view(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Authorization", ""))  # the token reached the view: it was used
        return web.json_response({"ok": True})

    response = asyncio.run(http.conventions_middleware(make_mocked_request("GET", path, headers=headers), view))
    return response.status, json.loads(response.body), seen


@pytest.mark.parametrize("trust", [False, True])
def test_a_token_over_plain_http_is_refused_before_any_view(trust, monkeypatch):
    status, body, seen = _answer("/v1/reports/realised-places", {"Authorization": "Bearer secret-token"}, trust,
                                 monkeypatch)
    assert (status, body["title"], seen) == (403, "HTTPS required", [])
    assert body["invalid_params"] == [{"name": "Authorization", "reason": "send over HTTPS"}]
    assert "secret-token" not in json.dumps(body)


def test_a_forwarded_https_is_believed_only_from_a_trusted_proxy(monkeypatch):
    forged = {"Authorization": "Bearer t", "X-Forwarded-Proto": "https"}
    assert _answer("/v1/reports/realised-places", forged, False, monkeypatch)[0] == 403
    assert _answer("/v1/reports/realised-places", forged, True, monkeypatch)[:3:2] == (200, ["Bearer t"])


def test_probes_scrapes_and_requests_without_a_token_stay_plain(monkeypatch):
    for path in ("/health/live", "/health/ready", "/metrics"):
        assert _answer(path, {"Authorization": "Bearer scrape"}, False, monkeypatch)[0] == 200, path
    assert _answer("/openapi.json", {}, False, monkeypatch)[0] == 200
