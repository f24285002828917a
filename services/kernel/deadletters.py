"""Dead letters: a message a service cannot process, kept with its reason on the dead-letter topic.

A letter must always fit on the topic, or the message it stands for would be lost: a message too
large to copy (DEAD_LETTER_INLINE_BYTES) is kept by reference (topic, partition, offset) and digest.
If even that cannot be sent, the consumer stops at the message's offset (``dead_letter_or_stop``)
rather than go past it.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
from datetime import UTC, datetime

import faust
from pydantic import ValidationError

from contracts.deadletter import DeadLetter
from contracts.topics import DEAD_LETTER
from services.kernel import metrics
from services.kernel.config import settings
from services.kernel.privacy import mask_bsn_like, mask_bsn_like_text, safe_field_name
from services.kernel.stalls import STALLS

log = logging.getLogger(__name__)

#: Header a replayed message carries: the dead letter's partition and offset, so a replay is done once.
REPLAYED_FROM = "hm-replayed-from"


def describe_validation_error(exc: ValidationError) -> str:
    """Field paths and rules only: a submitted value is never echoed."""
    parts = []
    for err in exc.errors(include_input=False, include_url=False, include_context=False)[:20]:
        # A path can hold a key the producer invented (an unknown field): mask and cap it.
        path = ".".join(safe_field_name(p) for p in err["loc"]) or "(message)"
        parts.append(f"{path}: {err['msg']}")
    return "; ".join(parts)


def message_headers(message) -> dict[str, bytes]:
    """A faust message's headers as a dict (faust gives a list of pairs or a mapping)."""
    raw = message.headers or []
    items = raw.items() if hasattr(raw, "items") else raw
    return {str(k): (v if isinstance(v, bytes) else str(v).encode()) for k, v in items if v is not None}


def masked_digest(value: bytes) -> str:
    """The digest a letter records: of the masked bytes, so it says nothing about a BSN in them."""
    return hashlib.sha256(mask_bsn_like(value)).hexdigest()


def _event_id(value: bytes) -> str | None:
    try:
        body = json.loads(value)
    except (ValueError, UnicodeDecodeError):
        return None
    found = (body.get("event_id") or body.get("command_id")) if isinstance(body, dict) else None
    return mask_bsn_like_text(found)[:100] if isinstance(found, str) else None


def make_letter(service: str, reason: str, message) -> DeadLetter:
    value, key, headers = message.value or b"", message.key, message_headers(message)
    size = len(value) + len(key or b"") + sum(len(k) + len(v) for k, v in headers.items())
    # settings: 256 KiB by default; with base64 a letter then stays far under the message limit
    inline = size <= settings().dead_letter_inline_bytes
    return DeadLetter(
        service=service, reason=mask_bsn_like_text(reason)[:2000], topic=message.topic,
        partition=message.partition, offset=message.offset, payload="inline" if inline else "reference",
        value_bytes=len(value), value_sha256=masked_digest(value), event_id=_event_id(value),
        key_b64=base64.b64encode(mask_bsn_like(key)).decode() if key and (inline or len(key) <= 1024) else None,
        value_b64=base64.b64encode(mask_bsn_like(value)).decode() if inline else None,
        headers={k: base64.b64encode(mask_bsn_like(v)).decode() for k, v in headers.items()} if inline else {},
        rejected_at=datetime.now(UTC),
    )


async def send_dead_letter(app: faust.App, service: str, reason: str, message) -> str:
    """Put the message on the dead-letter topic (acknowledged by the broker); returns the letter's
    ``partition:offset``, the coordinates `housing-match dlq replay --letter` takes."""
    letter = make_letter(service, reason, message)
    sent = await app.producer.send_and_wait(DEAD_LETTER, base64.b64decode(letter.key_b64) if letter.key_b64 else None,
                                            letter.model_dump_json().encode(),
                                            partition=None, timestamp=None, headers=None)
    metrics.DEAD_LETTERED.labels(service=service).inc()
    at = f"{sent.partition}:{sent.offset}"
    log.warning("dead-lettered %s[%d]@%d as %s (%s): %s", message.topic, message.partition, message.offset, at,
                letter.payload, reason)
    return at


async def dead_letter_or_stop(app: faust.App, service: str, consumer: str, reason: str, message) -> str:
    """Dead-letter the message; while that fails, stay at this message: the consumer is stopped (not
    ready, ``housing_stopped_consumers`` = 1, an alert) and tries again with back-off until the letter is
    on the topic. The caller acknowledges the message only after this returns, so no offset past it is
    ever committed, and a restart finds the message again."""
    failures = 0
    while True:
        try:
            at = await send_dead_letter(app, service, reason, message)
        except Exception as exc:  # noqa: BLE001 - any refusal: stop here, never skip the message
            failures += 1
            where = f"{message.topic}[{message.partition}]@{message.offset}"
            STALLS.stop(service, consumer, f"stopped at {where}: could not dead-letter ({type(exc).__name__})")
            await asyncio.sleep(min(30.0, 0.5 * 2 ** min(failures, 6)))
            continue
        if failures:
            STALLS.resume(service, consumer)
        return at
