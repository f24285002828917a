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
