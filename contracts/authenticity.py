"""How an internal event proves which service published it: the wire format of its signature.

Every event on a product topic carries the header ``hm-signature: v1 <service> <signature>``: the
publishing service's Ed25519 signature (base64) over :func:`signed_bytes`. Consumers take an event
only if the signature verifies with that service's public key and the service makes that event on
that topic (``contracts.topics``); the keys are configuration (services/kernel/signing.py).
"""
from __future__ import annotations

import struct

HEADER = "hm-signature"
VERSION = "v1"
#: The header's value: version, service, base64 of the 64-byte Ed25519 signature.
HEADER_PATTERN = r"^v1 [a-z]+ [A-Za-z0-9+/]{86}==$"


def signed_bytes(service: str, topic: str, key: bytes | None, value: bytes) -> bytes:
    """What is signed: the version, the service, the topic, the key and the value, each length-prefixed
    (4 bytes, big-endian) so no two different messages sign the same bytes."""
    parts = [VERSION.encode(), service.encode(), topic.encode(), key or b"", value]
    return b"".join(struct.pack(">I", len(p)) + p for p in parts)
