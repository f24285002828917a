"""Pure rules of the boundary: BSN checks and masking, strict models, signatures, the OpenAPI document."""
from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from contracts.inbound import InboundCommand, key_id, sign, signed_headers, signing_key
from services.intake.domain import commands as cmd
from services.intake.domain import rules
from services.intake.entrypoints.openapi import build_openapi
from services.intake.service_layer.operations import OPERATIONS
from services.kernel.http import HttpProblem, validate_json
from services.kernel.privacy import (
    contains_bsn, is_valid_bsn, mask_bsn_like, mask_bsn_like_text, pseudonymise, safe_field_name,
)


def test_bsn_11_proef_and_pseudonym():
    assert is_valid_bsn("111222333") and is_valid_bsn("123456782")
    assert not is_valid_bsn("123456789") and not is_valid_bsn("000000000") and not is_valid_bsn("12345678")
    ref = pseudonymise("111222333", "s")
    assert len(ref) == 64 and ref == pseudonymise("111222333", "s") != pseudonymise("111222333", "t")


def test_masking_hides_bsn_like_digits_but_keeps_hex_references_replayable():
    assert mask_bsn_like(b'{"bsn":"111222333"}') == b'{"bsn":"*********"}'
    assert mask_bsn_like_text("bsn 111222333.") == "bsn *********."
    ref = "ab123456789cd" + "e" * 51
    assert mask_bsn_like(ref.encode()) == ref.encode()  # nine digits inside a hex reference stay
    assert mask_bsn_like(b"1234567890") == b"1234567890"  # ten digits are no BSN
    assert contains_bsn("/v1/candidates/111222333") and not contains_bsn("/v1/candidates/123456789")


def test_error_paths_never_carry_invented_keys():
    assert safe_field_name("household_size") == "household_size" and safe_field_name(3) == "3"
    assert safe_field_name("Jan Jansen") == "(unnamed field)" and safe_field_name("bsn_111222333") == "bsn_*********"
    assert safe_field_name("kk\n") == "(unnamed field)"  # a trailing newline is not part of a field name


def strict(model, body):
    return validate_json(json.dumps(body).encode(), model, context=rules.context_at(datetime.now(UTC)))


def test_strict_bodies_reject_coercion_unknown_fields_bad_codes_and_dates():
    good = {"region": "R01", "household_size": 1, "shelter_entry_date": "2026-01-05", "bsn": "111222333"}
    assert strict(cmd.SubmitCandidate, good).household_size == 1
    for bad, field in [({**good, "household_size": "1"}, "household_size"), ({**good, "x": 1}, "x"),
                       ({**good, "region": "R1"}, "region"), ({**good, "shelter_entry_date": "0226-01-05"},
                                                                "shelter_entry_date"),
                       ({**good, "excluded_neighbourhoods": ["BU123"]}, "excluded_neighbourhoods.0")]:
        with pytest.raises(HttpProblem) as exc:
            strict(cmd.SubmitCandidate, bad)
        assert exc.value.status == 400 and field in [e["name"] for e in exc.value.errors]
        assert "0226" not in json.dumps(exc.value.errors) and "BU123" not in json.dumps(exc.value.errors)
    with pytest.raises(HttpProblem) as exc:
        strict(cmd.SubmitCandidate, {**good, "person_ref": "a" * 64})
    assert "exactly one" in exc.value.errors[0]["reason"]


@pytest.mark.parametrize("kind,extra,ok", [
    ("regular", {}, True), ("flex", {}, False), ("flex", {"available_until": "2036-01-01"}, True),
    ("shared", {"places": 1}, False), ("shared", {"places": 3}, True), ("housing_first", {}, True),
    ("transformation", {}, True), ("new_build", {}, True),
    ("regular", {"municipality": "GM363"}, False), ("regular", {"neighbourhood": "BU0363000"}, False),
])
def test_every_kind_of_vacancy(kind, extra, ok):
    body = {"unit_id": "U-1", "municipality": "GM0363", "region": "R07", "neighbourhood": "BU03630001", "kind": kind,
            "rooms": 2, "available_from": "2026-03-01", **extra}
    if ok:
        assert strict(cmd.PublishVacancy, body).kind == kind
    else:
        with pytest.raises(HttpProblem):
            strict(cmd.PublishVacancy, body)


def test_inbound_signature_and_envelope():
    token = "hm_token"
    value = json.dumps({"command_id": "5f8d2b1e-4a86-4b8e-9d1c-0a1b2c3d4e5f", "org_id": "org-1",
                        "command": "offer.accept", "target": "off-1", "body": {},
                        "sent_at": datetime.now(UTC).isoformat()}).encode()
    headers = dict(signed_headers(token, value))
    assert headers["hm-key-id"] == key_id(token).encode()
    assert headers["hm-signature"] == sign(signing_key(token), value).encode()
    assert sign(signing_key("other"), value) != sign(signing_key(token), value)
    assert InboundCommand.model_validate_json(value).command == "offer.accept"
    with pytest.raises(ValidationError):
        InboundCommand.model_validate_json(value.replace(b"offer.accept", b"offer.steal"))


def test_openapi_document_covers_every_operation_with_problem_errors_and_version_header():
    doc = build_openapi()
    assert doc["openapi"] == "3.1.0" and doc["servers"][0]["url"].endswith("/v1")
    ops = {(m, p) for p, item in doc["paths"].items() for m in item}
    assert {(op.method.lower(), op.path) for op in OPERATIONS} <= ops
    for path, item in doc["paths"].items():
        assert "bsn" not in path.lower()
        for op in item.values():
            for code, resp in op["responses"].items():
                assert "API-Version" in resp["headers"]
                if int(code) >= 400:
                    assert list(resp["content"]) == ["application/problem+json"]
    assert doc["components"]["schemas"]["SubmitCandidate"]["additionalProperties"] is False
