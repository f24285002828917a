"""What a streaming partner puts on housing.inbound.v1: one signed command per message.

The body is the same JSON as the matching HTTP request (same models, same validation,
same authorisation); ``target`` is the id the HTTP path would carry. A BSN never travels
on a topic: a partner first obtains the person reference over HTTPS
(POST /v1/person-references) and sends only that.

Proof of producer: header ``hm-signature`` = hex HMAC-SHA256 over the raw message value,
keyed with the organisation's signing key (derived from its API token, see
:func:`signing_key`), and header ``hm-key-id`` = the first 16 hex characters of the
token's SHA-256 (which token signed). The message key is the organisation id.
"""
from __future__ import annotations

import hashlib
import hmac
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.types import AwareDatetime, Identifier

SIGNATURE_HEADER = "hm-signature"
KEY_ID_HEADER = "hm-key-id"

COMMANDS = (
    "candidate.submit", "candidate.update", "candidate.withdraw",
    "vacancy.publish", "vacancy.withdraw",
    "agreement.register", "neighbourhood-limit.set",
    "offer.confirm", "offer.reject", "offer.accept", "offer.decline",
    "placement.report", "placement.retract", "placement.end", "placement-totals.report",
)


class InboundCommand(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    command_id: uuid.UUID = Field(description="The partner's id of this command: a resend with the same id "
                                              "returns the first result and makes no second event")
    org_id: Identifier = Field(description="The sending organisation; must equal the message key and the signer")
    command: Literal[COMMANDS]  # type: ignore[valid-type]
    target: Identifier | None = Field(default=None, description="candidate, vacancy, offer or report id")
    body: dict[str, Any] = Field(default_factory=dict)
    sent_at: AwareDatetime


def signing_key(token: str) -> bytes:
    """The key a partner signs inbound messages with: derived from its API token, never sent anywhere."""
    return hmac.new(token.encode(), b"housing-match/inbound/v1", hashlib.sha256).digest()


def key_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def sign(key: bytes, value: bytes) -> str:
    return hmac.new(key, value, hashlib.sha256).hexdigest()


def signed_headers(token: str, value: bytes) -> list[tuple[str, bytes]]:
    """The headers a partner adds to one inbound message."""
    return [(KEY_ID_HEADER, key_id(token).encode()), (SIGNATURE_HEADER, sign(signing_key(token), value).encode())]
