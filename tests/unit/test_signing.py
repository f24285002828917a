"""Authentic internal events: what a consumer takes is signed by a service that may make it on that topic."""
from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import SecretStr

from contracts import events as ev
from contracts import topics
from services.kernel import signing
from services.kernel.config import Settings
from services.kernel.consumer import decode
from services.kernel.signing import HEADER, Signer, Unauthentic, Verifier

AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SPECS = {t.name: t for t in topics.ALL_TOPICS}
KEYS = {s: signing.development_key(s) for s in ("intake", "matcher")}
VERIFIER = Verifier({s: k.public_key() for s, k in KEYS.items()})


@dataclass
class Message:
    topic: str
    key: bytes
    value: bytes
    headers: list = field(default_factory=list)


def placement() -> ev.PlacementConfirmed:
    return ev.PlacementConfirmed(
        occurred_at=AT, producer="matcher", placement_id="p1", offer_id="o1", candidate_id="c1", person_ref="a" * 64,
        unit_id="u1", corporation="corp-1", municipality="GM0363", region="R01", unit_kind="regular",
        move_in_date=date(2026, 3, 2))


def signed(event: ev.Event, service: str, key=None, topic: str | None = None) -> Message:
    spec = topics.topic_for(event)
    topic = topic or spec.name
    k, value = spec.key_of(event), ev.encode_event(event)
    return Message(topic, k, value, Signer(service, key or KEYS[service]).headers(topic, k, value))


def test_a_signed_event_from_its_producer_is_taken():
    event = placement()
    assert decode(signed(event, "matcher"), SPECS, VERIFIER) == event


def test_an_unsigned_message_is_refused():
    m = signed(placement(), "matcher")
    assert decode(Message(m.topic, m.key, m.value), SPECS, VERIFIER) == f"unsigned message (no {HEADER} header)"


def test_a_changed_value_key_or_topic_breaks_the_signature():
    m = signed(placement(), "matcher")
    tampered = [Message(m.topic, m.key, m.value.replace(b'"GM0363"', b'"GM0599"'), m.headers),
                Message(m.topic, b"b" * 64, m.value, m.headers),
                Message(topics.PLACEMENT_TOTALS.name, m.key, m.value, m.headers)]
    for message in tampered:
        assert decode(message, SPECS, VERIFIER) == "signature does not verify as matcher's"


def test_an_event_signed_by_a_service_that_does_not_make_it_is_refused():
    """The intake's key is genuine, but the intake does not confirm placements."""
    assert decode(signed(placement(), "intake"), SPECS, VERIFIER) == \
        "intake may not produce PlacementConfirmed on housing.placements.v1"
    # nor may the matcher put its event on a topic where nobody makes it
    moved = signed(placement(), "matcher", topic=topics.ORGANISATIONS.name)
    assert decode(moved, SPECS, VERIFIER) == "matcher may not produce PlacementConfirmed on housing.organisations.v1"


def test_a_wrong_key_or_an_unknown_service_is_refused_without_echoing_it():
    stranger = Ed25519PrivateKey.generate()
    assert decode(signed(placement(), "matcher", key=stranger), SPECS, VERIFIER) == \
        "signature does not verify as matcher's"
    m = signed(placement(), "matcher")
    m.headers = Signer("Mallory-123456782", stranger).headers(m.topic, m.key, m.value)
    assert decode(m, SPECS, VERIFIER) == "signed by an unknown service"


@pytest.mark.parametrize("header", [b"v1 matcher", b"v1 matcher !!!", b"\xff", b"v2 matcher AAAA", b""])
def test_a_malformed_header_is_refused(header):
    m = signed(placement(), "matcher")
    m.headers = [(HEADER, header)]
    reason = decode(m, SPECS, VERIFIER)
    assert reason.startswith(("malformed", f"{HEADER} of an unknown version")), reason


def test_the_configured_keys_replace_the_development_keys():
    private = Ed25519PrivateKey.generate()
    raw = signing.new_key_pair("intake").splitlines()
    conf = Settings(**{line.split("=", 1)[0].lower(): line.split("=", 1)[1] for line in raw})
    signer = signing.signer_for("intake", conf)
    verifier = signing.verifier(conf)
    message = signed(ev.VacancyWithdrawn(occurred_at=AT, producer="c", unit_id="u1", corporation="c", region="R01",
                                         reason="let"), "intake",
                     key=signer._key)
    assert decode(message, SPECS, verifier).unit_id == "u1"
    assert decode(message, SPECS, VERIFIER) == "signature does not verify as intake's"  # not the development key
    # A private key that does not belong to the service's public key would have every event dead-lettered.
    wrong = base64.b64encode(private.private_bytes_raw()).decode()
    with pytest.raises(ValueError, match="INTAKE_SIGNING_KEY does not match INTAKE_VERIFY_KEY"):
        signing.signer_for("intake", conf.model_copy(update={"intake_signing_key": SecretStr(wrong)}))
    with pytest.raises(ValueError, match="MATCHER_VERIFY_KEY must be 32 bytes"):
        signing.verifier(Settings(matcher_verify_key="bm90IGEga2V5"))


def test_every_service_that_publishes_has_key_settings():
    assert signing.SIGNING_SERVICES == ("intake", "matcher", "simulation")
    for service in signing.SIGNING_SERVICES:
        assert {f"{service}_signing_key", f"{service}_verify_key"} <= set(Settings.model_fields)


def test_trusted_tools_sign_as_the_events_producer():
    topic, key, value, headers = signing.signed_message(placement())
    assert VERIFIER.signer_of(topic, key, value, dict(headers)) == "matcher"
    topic, key, value, headers = signing.signed_message(placement(), as_service="intake")
    with pytest.raises(Unauthentic):
        signing.may_produce(SPECS[topic], VERIFIER.signer_of(topic, key, value, dict(headers)), placement())


def test_the_header_has_the_documented_form():
    """contracts/authenticity.py describes it to readers of the topics (the AsyncAPI document)."""
    import re

    from contracts.authenticity import HEADER_PATTERN
    _, _, _, headers = signing.signed_message(placement())
    assert [name for name, _ in headers] == [HEADER]
    assert re.fullmatch(HEADER_PATTERN, headers[0][1].decode())
