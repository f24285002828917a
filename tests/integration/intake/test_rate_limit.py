"""The intake's rate limit over real HTTPS: a burst beyond the limit gets 429 with Retry-After and a problem
body, other callers are unaffected, the platform's endpoints are never limited, and the caller passes again
after the wait.

The intake here is a worker of its own with a small limit (0.2 requests per second, a burst of 5), on a
broker and database of its own: it must not join the package intake's consumer group. The refill is
slow on purpose: a request sent "at once" after a 429 must come before the next token even when the
suite's four processes load the machine (at 0.5 per second one of them arrived 2 s late and passed).
"""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest

from services.system.broker import broker
from services.system.supervisor import client_ssl_context
from tests.integration.intake.conftest import Intake, candidate_body, intake_worker

pytestmark = pytest.mark.integration
RATE, BURST = 0.2, 5


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    env = {"INTAKE_RATE_LIMIT_PER_S": str(RATE), "INTAKE_RATE_LIMIT_BURST": str(BURST)}
    with broker() as bootstrap, \
            intake_worker(tmp_path_factory.mktemp("intake-limited"), bootstrap, "intake_limited", env) as running:
        yield running


def send(intake: Intake, method: str, path: str, token: str | None = None, body=None,
         ) -> tuple[int, dict[str, str], object]:
    """One request; the status, the headers and the parsed body."""
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    req = urllib.request.Request(intake.url + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30, context=client_ssl_context(intake.conf)) as r:
            status, hdrs, raw = r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as exc:
        status, hdrs, raw = exc.code, dict(exc.headers), exc.read()
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw.decode(errors="replace")
    return status, hdrs, parsed


def burst_until_refused(intake: Intake, method: str, path: str, token: str | None, body=None, tries: int = 12):
    """Send until the first 429; the answers before it, the 429, and the seconds it took."""
    answers, start = [], time.monotonic()
    for _ in range(tries):
        answer = send(intake, method, path, token, body)
        if answer[0] == 429:
            return answers, answer, time.monotonic() - start
        answers.append(answer)
    raise AssertionError(f"no 429 after {tries} requests: {[a[0] for a in answers]}")


def assert_limit_headers(headers: dict[str, str]) -> tuple[int, int, int]:
    limit, remaining, reset = (int(headers[h]) for h in
                               ("X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset"))
    assert limit == BURST and 0 <= remaining < BURST and reset >= 0
    return limit, remaining, reset


def assert_problem_429(answer) -> int:
    status, headers, body = answer
    assert status == 429
    assert headers["Content-Type"].startswith("application/problem+json")
    assert body["status"] == 429 and body["title"] == "Too many requests" and body["detail"]
    assert body["type"].endswith("/429")
    retry_after = int(headers["Retry-After"])
    assert 1 <= retry_after <= int(1 / RATE) + 1
    _, remaining, reset = assert_limit_headers(headers)
    assert remaining == 0 and reset >= retry_after
    assert headers["API-Version"]
    return retry_after


def refused_count(intake: Intake, role: str) -> float:
    status, _, text = send(intake, "GET", "/metrics")
    assert status == 200
    for line in text.splitlines():
        if line.startswith("housing_http_requests_rate_limited_total{") and f'role="{role}"' in line:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_a_burst_beyond_the_limit_gets_429_and_passes_again_after_the_wait(limited):
    shelter, corp = limited.org("shelter"), limited.org("corporation")
    refused_before = refused_count(limited, "shelter")
    passed, refused, seconds = burst_until_refused(limited, "GET", "/v1/candidates", shelter.token)
    # The burst, plus what the bucket refilled while it was being sent.
    assert BURST <= len(passed) <= BURST + int(seconds * RATE) + 1
    assert all(status == 200 for status, _, _ in passed)
    remaining = [assert_limit_headers(headers)[1] for _, headers, _ in passed]
    assert remaining[0] == BURST - 1 and remaining == sorted(remaining, reverse=True)
    retry_after = assert_problem_429(refused)
    assert refused_count(limited, "shelter") == refused_before + 1

    # Another organisation has its own bucket.
    status, headers, _ = send(limited, "GET", "/v1/vacancies", corp.token)
    assert status == 200 and int(headers["X-Rate-Limit-Remaining"]) == BURST - 1

    # Refused writes do nothing; retrying at once does not help.
    status, _, _ = send(limited, "POST", "/v1/candidates", shelter.token, candidate_body(bsn="111222333"))
    assert status == 429
    assert limited.query("select count(*) from intake_candidate where shelter = :s", s=shelter.org_id)[0][0] == 0

    time.sleep(retry_after)
    status, headers, body = send(limited, "GET", "/v1/candidates", shelter.token)
    assert status == 200 and body == {"items": []}
    assert int(headers["X-Rate-Limit-Remaining"]) <= 1


def test_every_answer_carries_the_limit_even_errors(limited):
    corp = limited.org("corporation")
    status, headers, body = send(limited, "GET", "/v1/candidates", corp.token)  # a shelter's operation
    assert status == 403 and body["status"] == 403
    assert int(headers["X-Rate-Limit-Remaining"]) == BURST - 1
    status, headers, _ = send(limited, "GET", "/v1/no-such-resource", corp.token)
    assert status == 404 and int(headers["X-Rate-Limit-Remaining"]) == BURST - 2
    status, headers, _ = send(limited, "GET", "/openapi.json", corp.token)
    assert status == 200 and int(headers["X-Rate-Limit-Remaining"]) == BURST - 3


def test_health_and_metrics_are_never_limited(limited):
    for _ in range(3 * BURST):
        for path in ("/health/live", "/health/ready", "/metrics"):
            status, headers, _ = send(limited, "GET", path)
            assert status == 200, path
            assert "X-Rate-Limit-Remaining" not in headers and "Retry-After" not in headers


def test_without_a_valid_token_the_client_address_is_limited_and_organisations_are_not(limited):
    # The only test here that sends without a valid token: the address's bucket is full.
    shelter = limited.org("shelter")
    refused_before = refused_count(limited, "anonymous")
    passed, refused, _ = burst_until_refused(limited, "GET", "/v1/candidates", "not-a-valid-token")
    assert {status for status, _, _ in passed} == {401}
    assert_problem_429(refused)
    # No token at all, from the same address: the same bucket.
    status, _, _ = send(limited, "GET", "/openapi.json")
    assert status == 429
    assert refused_count(limited, "anonymous") == refused_before + 2
    # A valid token from the same address is counted for its organisation.
    status, headers, _ = send(limited, "GET", "/v1/candidates", shelter.token)
    assert status == 200 and int(headers["X-Rate-Limit-Remaining"]) == BURST - 1
