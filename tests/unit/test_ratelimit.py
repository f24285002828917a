"""The token bucket behind the intake's rate limit, on a fake clock."""
from __future__ import annotations

import pytest

from services.kernel.http import rate_limit_headers, too_many_requests
from services.kernel.ratelimit import Decision, TokenBucketLimiter


class Clock:
    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def test_a_burst_passes_then_the_next_request_is_refused_with_retry_after():
    clock = Clock()
    limiter = TokenBucketLimiter(rate=2.0, burst=5, clock=clock)
    decisions = [limiter.take("org:a") for _ in range(5)]
    assert all(d.allowed for d in decisions)
    assert [d.remaining for d in decisions] == [4, 3, 2, 1, 0]
    assert all(d.limit == 5 for d in decisions)
    # 5 tokens missing at 2 per second: full again after 2.5 s, rounded up
    assert decisions[-1].reset_s == 3
    refused = limiter.take("org:a")
    assert not refused.allowed and refused.remaining == 0
    assert refused.retry_after_s == 1  # one token at 2 per second: 0.5 s, never less than 1 s
    assert refused.report


def test_refused_requests_take_no_token_and_waiting_retry_after_gets_through():
    clock = Clock()
    limiter = TokenBucketLimiter(rate=0.5, burst=2, clock=clock)
    limiter.take("k"), limiter.take("k")
    first = limiter.take("k")
    assert not first.allowed and first.retry_after_s == 2 and first.report
    clock.advance(1.0)  # half a token: still refused, and retrying did not push the wait out
    again = limiter.take("k")
    assert not again.allowed and again.retry_after_s == 1 and not again.report
    clock.advance(1.0)
    assert limiter.take("k").allowed
    assert not limiter.take("k").allowed


def test_sustained_rate_refills_but_never_beyond_the_burst():
    clock = Clock()
    limiter = TokenBucketLimiter(rate=10.0, burst=3, clock=clock)
    for _ in range(3):
        assert limiter.take("k").allowed
    allowed = 0
    for _ in range(100):  # 5 s of a request every 0.05 s, with the burst spent
        clock.advance(0.05)
        allowed += limiter.take("k").allowed
    assert allowed == 50  # 20 attempts per second against 10 refilled: half pass
    clock.advance(3600)
    assert limiter.take("k").remaining == 2  # an idle hour refills to the burst only


def test_sustained_rate_refuses_the_excess():
    clock = Clock()
    limiter = TokenBucketLimiter(rate=10.0, burst=3, clock=clock)
    allowed = 0
    for _ in range(200):  # 10 s at 20 requests per second
        clock.advance(0.05)
        allowed += limiter.take("k").allowed
    assert 100 <= allowed <= 103  # 10 per second plus at most the burst


def test_refusals_are_reported_once_per_interval_even_when_some_requests_pass_in_between():
    clock = Clock()
    limiter = TokenBucketLimiter(rate=1.0, burst=1, clock=clock, report_every_s=60.0)
    reports = 0
    for _ in range(120):  # two requests a second for a minute: one passes, one is refused, every second
        for _ in range(2):
            reports += limiter.take("k").report
        clock.advance(1.0)
    assert reports == 2  # at the start and 60 s later, not 120 times
    limiter.report_every_s = 1e9
    clock.advance(5.0)  # the bucket refilled: forgotten, so a new episode is reported at once
    limiter.take("other")
    assert limiter.take("k").allowed
    assert limiter.take("k").report


def test_keys_have_their_own_buckets():
    clock = Clock()
    limiter = TokenBucketLimiter(rate=1.0, burst=2, clock=clock)
    limiter.take("org:a"), limiter.take("org:a")
    assert not limiter.take("org:a").allowed
    other = limiter.take("org:b")
    assert other.allowed and other.remaining == 1


def test_reset_counts_down_to_a_full_bucket():
    clock = Clock()
    limiter = TokenBucketLimiter(rate=1.0, burst=10, clock=clock)
    for _ in range(10):
        limiter.take("k")
    clock.advance(4.0)
    d = limiter.take("k")  # 4 tokens back, one taken: 3 left, 7 missing
    assert (d.remaining, d.reset_s) == (3, 7)
    clock.advance(7.0)
    d = limiter.take("k")
    assert (d.remaining, d.reset_s) == (9, 1)


def test_full_buckets_are_forgotten_and_the_table_is_bounded():
    clock = Clock()
    limiter = TokenBucketLimiter(rate=100.0, burst=2, clock=clock, max_keys=50)
    for i in range(1000):
        limiter.take(f"address:10.0.{i // 256}.{i % 256}")
    assert len(limiter) == 50
    clock.advance(1.0)  # everything refilled: each request drops old full buckets
    for _ in range(30):
        limiter.take("org:a")
    assert len(limiter) <= 2


def test_an_evicted_key_only_gets_a_fresh_burst():
    clock = Clock()
    limiter = TokenBucketLimiter(rate=0.001, burst=1, clock=clock, max_keys=2)
    assert limiter.take("a").allowed
    assert not limiter.take("a").allowed
    limiter.take("b"), limiter.take("c")  # pushes "a" out
    assert limiter.take("a").allowed


@pytest.mark.parametrize("rate, burst", [(0, 1), (-1, 1), (1, 0)])
def test_nonsense_limits_are_refused(rate, burst):
    with pytest.raises(ValueError):
        TokenBucketLimiter(rate=rate, burst=burst)


def test_http_headers_and_problem():
    d = Decision(False, limit=5, remaining=0, reset_s=3, retry_after_s=2, report=True)
    assert rate_limit_headers(d) == {"X-Rate-Limit-Limit": "5", "X-Rate-Limit-Remaining": "0",
                                     "X-Rate-Limit-Reset": "3"}
    problem = too_many_requests(d)
    assert problem.status == 429 and problem.headers["Retry-After"] == "2"
    assert problem.headers["X-Rate-Limit-Remaining"] == "0"
