"""Authentic internal events: each service signs what it publishes, every consumer checks who signed.

Ed25519: a service holds only its own private key and every service knows all the public keys, so
a service that is broken into can still not sign as another (with one shared HMAC key every
consumer could). The signature covers the topic, the key and the value, so a signed event cannot be
moved to another topic or key or changed; the header names the signer, and the consumer checks
that this service may produce the event on that topic (contracts.topics, ``producers``).

The wire format (header ``hm-signature: v1 <service> <base64 signature>``) is a contract:
contracts/authenticity.py. Without configuration every service uses
a development key derived from its name (public, like PSEUDONYM_SECRET's development value): the
demo and the tests run on a fresh clone; a production sets real keys (deploy/README.md).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from contracts.authenticity import HEADER, VERSION, signed_bytes
from contracts.events import Event, encode_event
from contracts.topics import ALL_TOPICS, TopicSpec, topic_for
from services.kernel.config import Settings, settings

#: The services that publish events and so hold a signing key (the ledger publishes none); each has
#: ``<service>_signing_key`` and ``<service>_verify_key`` settings.
SIGNING_SERVICES = tuple(sorted({str(s) for t in ALL_TOPICS for s in t.producers}))


class Unauthentic(ValueError):
    """A message whose signature is missing or wrong; the text is a reason safe to log (no value)."""


def development_key(service: str) -> Ed25519PrivateKey:
    """The key a service signs with when none is configured: public knowledge, for development only."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(f"housing-match dev signing key {service}".encode())
                                                .digest())


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _decode_key(text: str, variable: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ValueError(f"{variable} must be 32 bytes in base64 (python -m services.kernel.signing makes one)")
    return raw


class Signer:
    """Signs the messages of one service."""

    def __init__(self, service: str, private_key: Ed25519PrivateKey) -> None:
        self.service, self._key = service, private_key

    def headers(self, topic: str, key: bytes | None, value: bytes) -> list[tuple[str, bytes]]:
        signature = self._key.sign(signed_bytes(self.service, topic, key, value))
        return [(HEADER, f"{VERSION} {self.service} {base64.b64encode(signature).decode()}".encode())]


class Verifier:
    """Tells which service signed a message, or why it cannot tell (``Unauthentic``)."""

    def __init__(self, public_keys: Mapping[str, Ed25519PublicKey]) -> None:
        self.public_keys = dict(public_keys)

    def signer_of(self, topic: str, key: bytes | None, value: bytes | None, headers: Mapping[str, bytes]) -> str:
        header = headers.get(HEADER)
        if header is None:
            raise Unauthentic(f"unsigned message (no {HEADER} header)")
        try:
            version, service, signature = header.decode("ascii").split(" ")
            signature_bytes = base64.b64decode(signature, validate=True)
        except (UnicodeDecodeError, ValueError, binascii.Error):
            raise Unauthentic(f"malformed {HEADER} header") from None
        if version != VERSION:
            raise Unauthentic(f"{HEADER} of an unknown version")
        public = self.public_keys.get(service)
        if public is None:  # the name is the sender's: not repeated
            raise Unauthentic("signed by an unknown service")
        try:
            public.verify(signature_bytes, signed_bytes(service, topic, key, value or b""))
        except InvalidSignature:
            raise Unauthentic(f"signature does not verify as {service}'s") from None
        return service


def may_produce(spec: TopicSpec, service: str, event: Event) -> None:
    """Refuses a genuine signature on an event its signer does not make on that topic: a broken-into
    matcher cannot announce organisations and tokens (the producers are declared per topic)."""
    if service not in {str(s) for s in spec.made_by(type(event))}:
        raise Unauthentic(f"{service} may not produce {event.event_type} on {spec.name}")


def signer_for(service: str, conf: Settings | None = None) -> Signer:
    """This service's signer, from ``<SERVICE>_SIGNING_KEY`` (or its development key); refuses a key that
    does not match the service's ``<SERVICE>_VERIFY_KEY``, or everything it sends would be dead-lettered."""
    conf = conf or settings()
    configured = getattr(conf, f"{service}_signing_key", None)
    variable = f"{service.upper()}_SIGNING_KEY"
    private = (Ed25519PrivateKey.from_private_bytes(_decode_key(configured.get_secret_value(), variable))
               if configured else development_key(service))
    if raw_public(private.public_key()) != raw_public(public_keys(conf)[service]):
        raise ValueError(f"{variable} does not match {service.upper()}_VERIFY_KEY")
    return Signer(service, private)


def public_keys(conf: Settings | None = None) -> dict[str, Ed25519PublicKey]:
    """Every signing service's public key: ``<SERVICE>_VERIFY_KEY``, or its development key's."""
    conf = conf or settings()
    keys = {}
    for service in SIGNING_SERVICES:
        configured = getattr(conf, f"{service}_verify_key")
        keys[service] = (Ed25519PublicKey.from_public_bytes(_decode_key(configured, f"{service.upper()}_VERIFY_KEY"))
                         if configured else development_key(service).public_key())
    return keys


def verifier(conf: Settings | None = None) -> Verifier:
    return Verifier(public_keys(conf))


@lru_cache
def _signer(service: str) -> Signer:
    return signer_for(service)


def signed_message(event: Event, as_service: str | None = None) -> tuple[str, bytes, bytes, list[tuple[str, bytes]]]:
    """Topic, key, value and headers of ``event``, signed as ``as_service`` (default: the service that
    makes it on its topic) with the configured key: for trusted tools that publish as a service."""
    spec = topic_for(event)
    key, value = spec.key_of(event), encode_event(event)
    service = as_service or str(spec.made_by(type(event))[0])
    return spec.name, key, value, _signer(service).headers(spec.name, key, value)


def new_key_pair(service: str) -> str:
    """Environment lines with a fresh key pair for ``service``."""
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return (f"{service.upper()}_SIGNING_KEY={base64.b64encode(raw).decode()}\n"
            f"{service.upper()}_VERIFY_KEY={base64.b64encode(raw_public(private.public_key())).decode()}")


if __name__ == "__main__":  # python -m services.kernel.signing: a key pair per signing service
    print("\n".join(new_key_pair(s) for s in SIGNING_SERVICES))
