"""The topics' retention: the bound on how long an erased person's reference stays in a topic's log."""
from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

from contracts.topics import DEAD_LETTER, all_topic_names
from services.kernel.config import Settings
from services.system.retention import DAY_MS, align_existing, topic_configs


def test_every_topic_expires_within_a_month_and_dead_letters_last_longest():
    conf = Settings(topic_retention_days=14, dead_letter_retention_days=28)
    for name, _ in all_topic_names():
        configs = topic_configs(name, conf)
        retention, segment = int(configs["retention.ms"]), int(configs["segment.ms"])
        # Kafka deletes closed segments only: the worst case is retention plus one segment.
        assert retention + segment <= 30 * DAY_MS, name
        assert retention == (28 if name == DEAD_LETTER else 14) * DAY_MS, name
        assert configs["max.message.bytes"] == str(conf.max_message_bytes)


def test_a_retention_of_a_month_or_more_is_refused():
    for field in ("topic_retention_days", "dead_letter_retention_days"):
        try:
            Settings(**{field: 30})
        except ValueError as e:
            assert field in str(e)
        else:
            raise AssertionError(f"{field}=30 accepted")


class _RefusingAdmin:
    """A fake of the admin port: refuses one topic's AlterConfigs as a broker without the right would."""

    def __init__(self) -> None:
        self.asked: list = []

    async def alter_configs(self, resources):
        self.asked = resources
        return [SimpleNamespace(resources=[(29 if r.name == "housing.offers.v1" else 0, None, 2, r.name)
                                           for r in resources])]


def test_existing_topics_are_aligned_and_a_refusal_is_logged_not_fatal(caplog):
    admin, conf = _RefusingAdmin(), Settings(topic_retention_days=7)
    with caplog.at_level(logging.WARNING, logger="services.system.retention"):
        asyncio.run(align_existing(admin, ["housing.offers.v1", DEAD_LETTER], conf))
    assert [r.configs["retention.ms"] for r in admin.asked] == [str(7 * DAY_MS), str(28 * DAY_MS)]
    assert [r.getMessage() for r in caplog.records] == [
        "topic housing.offers.v1 keeps its retention: the broker refused AlterConfigs (error 29)"]
