"""housing_consumer_lag_messages: per topic, end offset minus position; topics given up go to 0."""
from __future__ import annotations

import asyncio
from collections import namedtuple

from services.kernel import metrics

TP = namedtuple("TP", "topic partition")


class FakeConsumer:
    def __init__(self, positions: dict[TP, int], ends: dict[TP, int]) -> None:
        self.positions, self.ends = positions, ends

    def assignment(self):
        return set(self.positions)

    def highwater(self, tp):
        return self.ends[tp]

    async def position(self, tp):
        return self.positions[tp]


class FakeApp:
    def __init__(self, consumer: FakeConsumer) -> None:
        self.consumer = consumer


def lag(service: str, topic: str) -> float:
    return metrics.CONSUMER_LAG.labels(service=service, topic=topic)._value.get()


def test_lag_sums_partitions_and_zeroes_topics_no_longer_held():
    a0, a1, b0 = TP("t.a", 0), TP("t.a", 1), TP("t.b", 0)
    app = FakeApp(FakeConsumer({a0: 10, a1: 5, b0: 7}, {a0: 15, a1: 5, b0: 9}))
    asyncio.run(metrics.update_consumer_lag(app, "lagtest"))
    assert (lag("lagtest", "t.a"), lag("lagtest", "t.b")) == (5, 2)
    # A rebalance takes t.b away: this worker must not keep reporting its old lag.
    app.consumer = FakeConsumer({a0: 15}, {a0: 18})
    asyncio.run(metrics.update_consumer_lag(app, "lagtest"))
    assert (lag("lagtest", "t.a"), lag("lagtest", "t.b")) == (3, 0)
