"""Consumers that cannot go on: each stops where it is and says so (not ready, a metric, an alert).

A consumer never skips a message it could neither apply nor dead-letter, and never applies an
event while its database is gone. While it waits, this registry holds why; the readiness probe
answers 503 with the reason and ``housing_stopped_consumers`` is 1 (alert HousingConsumerStopped).
"""
from __future__ import annotations

import logging

from services.kernel import metrics

log = logging.getLogger(__name__)


class Stalls:
    def __init__(self) -> None:
        self._why: dict[tuple[str, str], str] = {}

    def stop(self, service: str, consumer: str, why: str) -> None:
        if self._why.get((service, consumer)) != why:
            log.error("consumer %s of %s: %s", consumer, service, why)
        self._why[(service, consumer)] = why
        metrics.CONSUMER_STOPPED.labels(service=service, consumer=consumer).set(1)

    def resume(self, service: str, consumer: str) -> None:
        if self._why.pop((service, consumer), None) is not None:
            log.warning("consumer %s of %s goes on", consumer, service)
        metrics.CONSUMER_STOPPED.labels(service=service, consumer=consumer).set(0)

    def reasons(self) -> list[str]:
        return [f"{consumer}: {why}" for (_, consumer), why in sorted(self._why.items())]


#: One registry per worker process (a worker runs one service).
STALLS = Stalls()
