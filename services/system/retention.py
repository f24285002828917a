"""How long the topics keep what was sent: the last copy of an erased person's reference.

Each service deletes an outbox row once Kafka has it (services.kernel.outbox), and an erasure replaces
the person's reference in every table; the one copy left is in the topics' logs. Those logs are not
rewritten (Kafka has no per-record delete), so they are kept for a bounded time: every product topic
is created with ``retention.ms`` (TOPIC_RETENTION_DAYS) and ``segment.ms`` of one day, since Kafka
deletes only closed segments: an event is gone at most retention + one day after it was sent. The
dead-letter topic keeps its letters longer (DEAD_LETTER_RETENTION_DAYS) for an operator to act on.
Both limits stay within the month GDPR art. 12(3) allows for an erasure.

A topic created before a change of these settings is brought in line at the next start
(AlterConfigs). The embedded tansu broker accepts the settings but enforces no retention: it is
for development and tests (its memory engine forgets everything at a restart anyway).
"""
from __future__ import annotations

import logging

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import IncompatibleBrokerVersion

from contracts.topics import DEAD_LETTER
from services.kernel.config import Settings

log = logging.getLogger(__name__)

DAY_MS = 24 * 3600 * 1000


def topic_configs(topic: str, conf: Settings) -> dict[str, str]:
    """The configuration every product topic is created with and kept at."""
    days = conf.dead_letter_retention_days if topic == DEAD_LETTER else conf.topic_retention_days
    return {"max.message.bytes": str(conf.max_message_bytes), "retention.ms": str(days * DAY_MS),
            "segment.ms": str(DAY_MS)}


async def align_existing(admin: AIOKafkaAdminClient, topics: list[str], conf: Settings) -> None:
    """Bring existing topics to today's settings; a refusal (e.g. no AlterConfigs right) is logged, not fatal:
    the topics keep working, with the retention they had."""
    if not topics:
        return
    resources = [ConfigResource(ConfigResourceType.TOPIC, name, topic_configs(name, conf)) for name in topics]
    try:
        responses = await admin.alter_configs(resources)
    except IncompatibleBrokerVersion:  # tansu does not offer AlterConfigs (nor enforces retention)
        log.info("the broker offers no AlterConfigs: existing topics keep their configuration")
        return
    for response in responses:
        for error_code, _message, _kind, name in response.resources:
            if error_code:
                log.warning("topic %s keeps its retention: the broker refused AlterConfigs (error %s)",
                            name, error_code)
