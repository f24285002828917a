"""One sign-in for the ledger's figures (issue 16): the pass a signed-in person carries from the intake's
screens to the ledger.

The intake, where people sign in, issues a short-lived pass: who (user and organisation), for how long,
a one-time nonce, the page's language. It signs it with its own Ed25519 event key (services/kernel/signing.py,
the key it signs its events with), over the purpose below instead of a topic, so no event signature can be
replayed as a pass, nor a pass as an event. The ledger, which knows every service's public key, takes the
pass only if the intake signed it, it has not expired and its nonce is new, and then decides itself what the
organisation may see (its own organisation table, the one disclosure-controlled report). The browser
carries the pass in a form POST (never in a URL, which logs and Referer headers keep).
"""
from __future__ import annotations

import base64
import binascii
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

#: Signed in place of a topic name.
PURPOSE = "ledger.figures-pass.v1"
#: How long a pass is good for: a click away.
LIFETIME_S = 60
#: The form field that carries the pass.
FIELD = "pass"


class FiguresPass(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    user_id: str = Field(max_length=80)
    org_id: str = Field(max_length=80)
    expires_at: AwareDatetime
    nonce: str = Field(min_length=16, max_length=64)
    language: str = Field(pattern=r"^(nl|en)$")


def encode(value: bytes, signature_header: bytes) -> str:
    """The pass as one form value: the claims and the signature header, each base64url."""
    return ".".join(base64.urlsafe_b64encode(part).decode().rstrip("=") for part in (value, signature_header))


def decode(text: str) -> tuple[bytes, bytes]:
    """(claims, signature header) of a pass; ValueError when it is not one."""
    try:
        value, header = (base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)) for p in text.split("."))
        return value, header
    except (ValueError, binascii.Error):
        raise ValueError("not a figures pass") from None


def claims(value: bytes) -> FiguresPass:
    try:
        return FiguresPass.model_validate_json(value)
    except ValidationError:
        raise ValueError("not a figures pass") from None


def expired(figures_pass: FiguresPass, now: datetime) -> bool:
    return now >= figures_pass.expires_at
