"""Registering webhooks over HTTPS with the production default (issue 18): every non-public target refused
with 400 naming `url` (never the value), the secret answered once and stored only encrypted, another
organisation's webhook unseen (404)."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration

REFUSED = ["https://127.0.0.1/hook", "https://localhost:8443/hook", "https://[::1]/hook",
           "https://10.0.0.8/hook", "https://192.168.1.20/hook", "https://169.254.169.254/latest/meta-data",
           "https://[fd00::1]/hook", "https://224.0.0.251/hook", "https://[::ffff:10.0.0.1]/hook",
           "http://9.9.9.9/hook", "https://user:pw@9.9.9.9/hook", "https://no-such-host.invalid/hook"]


def test_non_public_targets_are_refused_and_the_secret_is_shown_once(intake):
    corp, other = intake.org("corporation", region="R43"), intake.org("corporation", region="R43")
    for url in REFUSED:
        status, problem = corp.api.request("POST", "/v1/webhooks", {"url": url})
        assert status == 400, (url, status, problem)
        assert problem["invalid_params"][0]["name"] == "url" and url not in repr(problem), url
    made = corp.api.call("POST", "/v1/webhooks", {"url": "https://9.9.9.9/housing-match"})  # no DNS here
    assert made["secret"].startswith("whsec_") and made["status"] == "active" and made["failures"] == 0
    listed = corp.api.call("GET", "/v1/webhooks")["items"]
    assert [h["webhook_id"] for h in listed] == [made["webhook_id"]] and "secret" not in listed[0]
    (stored,) = intake.query("select secret from intake_webhook where webhook_id = :w", w=made["webhook_id"])
    assert made["secret"] not in stored[0] and made["secret"][6:] not in stored[0]  # encrypted
    assert other.api.call("GET", "/v1/webhooks")["items"] == []
    assert other.api.request("DELETE", f"/v1/webhooks/{made['webhook_id']}")[0] == 404
    assert other.api.request("POST", f"/v1/webhooks/{made['webhook_id']}/replay", {"cursor": 0})[0] == 404
    assert corp.api.call("DELETE", f"/v1/webhooks/{made['webhook_id']}")["status"] == "deleted"
    assert corp.api.call("GET", "/v1/webhooks")["items"] == []


def test_a_retry_with_the_same_idempotency_key_registers_nothing_and_answers_without_the_secret(intake):
    corp = intake.org("corporation", region="R43")
    key = {"Idempotency-Key": "register-hook-once-1"}
    first_status, first = corp.api.request("POST", "/v1/webhooks", {"url": "https://9.9.9.9/once"}, headers=key)
    assert first_status == 201 and first["secret"].startswith("whsec_")
    assert "Idempotent-Replayed" not in corp.api.last_headers
    again_status, again = corp.api.request("POST", "/v1/webhooks", {"url": "https://9.9.9.9/once"}, headers=key)
    assert again_status == 201 and again == {**first, "secret": None}
    assert corp.api.last_headers["Idempotent-Replayed"] == "true"
    assert corp.api.last_headers["Idempotent-Withheld"] == "secret"
    assert [h["webhook_id"] for h in corp.api.call("GET", "/v1/webhooks")["items"]] == [first["webhook_id"]]
    kept = intake.query("select cast(body as text) from intake_idempotency where org_id = :o", o=corp.org_id)
    assert len(kept) == 1 and first["webhook_id"] in kept[0][0] and first["secret"] not in kept[0][0]
    other_status, _ = corp.api.request("POST", "/v1/webhooks", {"url": "https://9.9.9.9/other"}, headers=key)
    assert other_status == 422  # the same key for another address: refused, nothing registered
    assert len(corp.api.call("GET", "/v1/webhooks")["items"]) == 1
