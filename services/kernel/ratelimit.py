"""Per-caller request rate limits: a token bucket per key, pure and driven by an injected clock.

Each key (an organisation, or a client address for requests without a valid token) has a
bucket of ``burst`` tokens that refills at ``rate`` tokens per second. A request takes one
token; with less than one token left it is refused and takes nothing, so a caller that
waits ``retry_after_s`` always gets through again. The state lives in this object only:
one limiter per worker process (the limit a partner meets is per worker, see API.md).

Memory stays bounded: a bucket that has refilled is the same as no bucket, so the least
recently used entries are dropped once they are full again, and beyond ``max_keys``
entries the least recently used are dropped regardless (which only hands those callers
a fresh burst).

Not thread-safe: call it from the event loop only.
"""
from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

#: Guards the floor/ceil of token counts against float rounding (0.9999999996 tokens is 1).
_EPS = 1e-9


@dataclass(frozen=True)
class Decision:
    """The outcome of one request against its caller's bucket, with what the caller may know of it."""

    allowed: bool
    limit: int  # the burst: the most requests a caller can make at once
    remaining: int  # whole requests the caller can make right now
    reset_s: int  # seconds until the bucket is full again (0 = full)
    retry_after_s: int = 0  # when refused: seconds until one request is allowed again (>= 1)
    report: bool = False  # refused, and this key's refusals were not reported in the last ``report_every_s``


class TokenBucketLimiter:
    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 100_000, report_every_s: float = 60.0) -> None:
        if not rate > 0:
            raise ValueError("rate must be > 0 requests per second")
        if burst < 1:
            raise ValueError("burst must be >= 1")
        if max_keys < 1:
            raise ValueError("max_keys must be >= 1")
        self.rate, self.burst, self.clock, self.max_keys = float(rate), int(burst), clock, max_keys
        self.report_every_s = report_every_s
        # key -> [tokens, time of that count, time a refusal was last reported or None]; least recently used first
        self._buckets: OrderedDict[str, list] = OrderedDict()

    def __len__(self) -> int:
        return len(self._buckets)

    def _tokens_at(self, entry: list, now: float) -> float:
        return min(float(self.burst), entry[0] + max(0.0, now - entry[1]) * self.rate)

    def take(self, key: str) -> Decision:
        """Count one request of ``key``; the decision says whether it may proceed."""
        now = self.clock()
        entry = self._buckets.get(key)
        if entry is None:
            entry = self._buckets[key] = [float(self.burst), now, None]
        else:
            self._buckets.move_to_end(key)
        tokens = self._tokens_at(entry, now)
        if tokens + _EPS >= 1.0:
            tokens = max(0.0, tokens - 1.0)
            decision = Decision(True, self.burst, self._whole(tokens), self._seconds(self.burst - tokens))
            entry[0], entry[1] = tokens, now
        else:
            report = entry[2] is None or now - entry[2] >= self.report_every_s
            decision = Decision(False, self.burst, 0, self._seconds(self.burst - tokens),
                                retry_after_s=max(1, self._seconds(1.0 - tokens)), report=report)
            entry[:] = [tokens, now, now if report else entry[2]]
        self._forget(now, keep=key)
        return decision

    def _whole(self, tokens: float) -> int:
        return min(self.burst, math.floor(tokens + _EPS))

    def _seconds(self, missing_tokens: float) -> int:
        return 0 if missing_tokens <= _EPS else math.ceil(missing_tokens / self.rate - _EPS)

    def _forget(self, now: float, keep: str) -> None:
        # Full buckets carry no information: drop them from the old end, a couple per request.
        for _ in range(2):
            oldest = next(iter(self._buckets), None)
            if oldest is None or oldest == keep or self._tokens_at(self._buckets[oldest], now) + _EPS < self.burst:
                break
            del self._buckets[oldest]
        while len(self._buckets) > self.max_keys:
            oldest = next(iter(self._buckets))
            if oldest == keep:
                break
            del self._buckets[oldest]
