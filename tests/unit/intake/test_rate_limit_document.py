"""The OpenAPI document tells the truth about the rate limit: every operation can answer 429 with
Retry-After, and every answer carries the X-Rate-Limit-* headers."""
from __future__ import annotations

from services.intake.entrypoints.openapi import build_openapi
from services.intake.service_layer.operations import OPERATIONS
from services.kernel.config import Settings

LIMIT_HEADERS = {"X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset"}


def test_every_operation_documents_429_and_the_limit_headers_on_every_response():
    doc = build_openapi()
    operations = [(path, method, entry) for path, ops in doc["paths"].items() for method, entry in ops.items()]
    assert len(operations) == len(OPERATIONS) + 1  # and getOpenApi
    for path, method, entry in operations:
        responses = entry["responses"]
        assert "429" in responses, (method, path)
        too_many = responses["429"]
        assert "application/problem+json" in too_many["content"]
        assert too_many["headers"]["Retry-After"]["required"] is True
        for code, response in responses.items():
            assert LIMIT_HEADERS <= set(response["headers"]), (method, path, code)
            assert all(response["headers"][h]["required"] for h in LIMIT_HEADERS)
            if code != "429":
                assert "Retry-After" not in response["headers"]


def test_default_limits_are_generous_and_configurable(monkeypatch):
    monkeypatch.delenv("INTAKE_RATE_LIMIT_PER_S", raising=False)
    monkeypatch.delenv("INTAKE_RATE_LIMIT_BURST", raising=False)
    conf = Settings()
    assert conf.intake_rate_limit_per_s >= 10 and conf.intake_rate_limit_burst >= 100
    monkeypatch.setenv("INTAKE_RATE_LIMIT_PER_S", "0.5")
    monkeypatch.setenv("INTAKE_RATE_LIMIT_BURST", "5")
    conf = Settings()
    assert (conf.intake_rate_limit_per_s, conf.intake_rate_limit_burst) == (0.5, 5)
