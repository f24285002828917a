"""How a person signed in at the intake reads the ledger's figures (issue 17): the intake asks the ledger on
behalf of the person's organisation with a short-lived assertion that it signs with its own Ed25519 key
(the key of its events, services/kernel/signing.py), so the ledger needs no session store and no second
copy of any figure: it answers exactly what the organisation's API token would get, disclosure-controlled.

Two headers: ``hm-on-behalf-of: <base64url of the claims>`` and ``hm-signature: v1 intake <signature>`` over
``signed_bytes("intake", DOMAIN, None, claims)`` (contracts/authenticity.py). The claims (JSON) name the
organisation, the person (as the audit names them), the exact path and query asked, and when; the ledger
takes them only for that path and query, within MAX_AGE_S, and only from the intake.
"""
from __future__ import annotations

import base64
import json
from datetime import datetime

HEADER = "hm-on-behalf-of"
#: The signature's domain, in place of a topic: an event's signature can never pass as an assertion.
DOMAIN = "delegation/ledger-reports/v1"
SIGNER = "intake"
MAX_AGE_S = 60


def encode_claims(org_id: str, actor: str, target: str, issued_at: datetime) -> bytes:
    return json.dumps({"org_id": org_id, "actor": actor, "target": target, "iat": int(issued_at.timestamp())},
                      sort_keys=True, separators=(",", ":")).encode()


def header_value(claims: bytes) -> str:
    return base64.urlsafe_b64encode(claims).decode()


def decode_claims(value: str) -> dict:
    """The claims of a header value; ValueError when it is not one."""
    claims = json.loads(base64.urlsafe_b64decode(value.encode("ascii")))
    if not isinstance(claims, dict) or set(claims) != {"org_id", "actor", "target", "iat"}:
        raise ValueError("not delegation claims")
    return claims
