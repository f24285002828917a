"""The webhook signature: the Standard Webhooks scheme (standardwebhooks.com), so partners can check it
with that project's libraries (Python, TypeScript, Go, Java, .NET, ...) or these twenty lines.

Headers of every delivery:

* ``webhook-id``: the notification's id; the same on every retry and on a repeat after a crash,
  so a receiver de-duplicates on it;
* ``webhook-timestamp``: Unix seconds when this attempt was signed; a receiver refuses one more
  than five minutes from its own clock (against replays);
* ``webhook-signature``: ``v1,`` + base64(HMAC-SHA256(key, f"{id}.{timestamp}.{body}")), where
  the key is the base64 text after ``whsec_`` of the secret shown once at registration.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
TOLERANCE_S = 300


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(PREFIX))
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def signed_headers(secret: str, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": signature(secret, msg_id, timestamp, body)}


def verify(secret: str, headers: dict[str, str], body: bytes, now: int) -> bool:
    """What a receiver does: a fresh timestamp and one matching signature (the header may list several)."""
    try:
        timestamp = int(headers["webhook-timestamp"])
        expected = signature(secret, headers["webhook-id"], timestamp, body)
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > TOLERANCE_S:
        return False
    return any(hmac.compare_digest(expected, given) for given in headers.get("webhook-signature", "").split())
