from __future__ import annotations

from services.kernel.privacy import is_valid_bsn, mask_bsn_like, mask_bsn_like_text, pseudonymise
from services.system.scenario import make_bsn


def test_eleven_proof():
    assert is_valid_bsn("111222333")
    assert is_valid_bsn("123456782")
    assert not is_valid_bsn("123456789")
    assert not is_valid_bsn("12345678")
    assert not is_valid_bsn("12345678a")
    assert not is_valid_bsn("000000000")


def test_generated_bsns_pass_the_eleven_proof():
    import random
    rng = random.Random(1)
    assert all(is_valid_bsn(make_bsn(rng)) for _ in range(200))


def test_pseudonym_is_keyed_and_stable():
    a = pseudonymise("111222333", "k1")
    assert a == pseudonymise("111222333", "k1")
    assert a != pseudonymise("111222333", "k2")
    assert "111222333" not in a and len(a) == 64


def test_masking_hits_nine_digit_runs_only():
    assert mask_bsn_like(b'{"bsn":"111222333","n":1234567890}') == b'{"bsn":"*********","n":1234567890}'
    assert mask_bsn_like_text("person 111222333.") == "person *********."


# One person, one number: look-alike digits (issue 14, item 1). The same BSN in other digit scripts.
LOOK_ALIKES = {
    "full-width": "１２３４５６７８２",
    "Arabic-Indic": "١٢٣٤٥٦٧٨٢",
    "Devanagari": "१२३४५६७८२",
    "mathematical": "𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟐",
}


def test_look_alike_digits_are_no_bsn_but_are_recognised_everywhere_one_must_not_be():
    from urllib.parse import quote

    from services.kernel.privacy import ascii_digits, contains_bsn
    for script, bsn in LOOK_ALIKES.items():
        assert ascii_digits(bsn) == "123456782", script
        assert not is_valid_bsn(bsn), script  # refused as a BSN: it would give the person a second reference
        assert contains_bsn(f"/v1/candidates/{quote(bsn)}"), script  # … and refused in a URI
        assert mask_bsn_like_text(f"reason {bsn}.") == "reason *********.", script
        assert mask_bsn_like(f'{{"reason":"{bsn}"}}'.encode()) == b'{"reason":"*********"}', script
    # Padding and (double) percent-encoding do not hide one either; longer runs are not one.
    assert contains_bsn("/v1/candidates/%20123456782") and contains_bsn("/v1/x?q=%2520123456782")
    assert not contains_bsn("/v1/vacancies/0363010000012345") and not contains_bsn("/v1/x/%2F")
    assert mask_bsn_like(b"\xff\xfe 111222333") == b"\xff\xfe *********"  # bytes that are no UTF-8 pass


def test_codes_and_bsns_take_ascii_digits_only():
    import pytest
    from pydantic import TypeAdapter, ValidationError

    from contracts.types import BagId, MunicipalityCode, NeighbourhoodCode, Period, RegionCode
    from services.intake.domain.commands import PersonReferenceRequest
    for kind, ok, look_alike in ((MunicipalityCode, "GM0363", "GM０３６３"), (RegionCode, "R07", "R٠٧"),
                                 (NeighbourhoodCode, "BU03630001", "BU०३६३०००१"), (Period, "2026", "20２6"),
                                 (BagId, "0363010000012345", "０363010000012345")):
        assert TypeAdapter(kind).validate_python(ok) == ok
        with pytest.raises(ValidationError):
            TypeAdapter(kind).validate_python(look_alike)
    with pytest.raises(ValidationError) as refused:
        PersonReferenceRequest.model_validate({"bsn": LOOK_ALIKES["full-width"]})
    assert refused.value.errors()[0]["loc"] == ("bsn",)


def test_bsn_like_numbers_in_any_writing_but_not_longer_numbers():
    from services.kernel.privacy import bsn_like
    for text in ("123456782", "BSN 123 456 782.", "1234.56.782", "12-345-6782", "x123456782y", "U111.222.333",
                 *LOOK_ALIKES.values(), "１２３ ４５６ ７８２"):
        assert bsn_like(text), text
    for text in ("0363010000012345", "06-12345678", "2026-12-02", "123456789", "1234  56782", "moved away",
                 "12345678", "1234567820", "123 456-782", "declined on 1-5-2025 9.11", "rep-2025-01-01-2",
                 "a123456782", "3f2c1d7e-1234-5678-9abc-123456782def"):
        assert not bsn_like(text), text


def test_a_uri_holds_a_bsn_in_any_form_padding_or_encoding():
    from services.kernel.privacy import uri_holds_bsn

    full_width = "".join(f"%{b:02X}" for b in "１２３４５６７８２".encode())
    for uri in ("/v1/candidates/123456782", "/v1/candidates/%20123456782", "/v1/candidates/%2520123456782",
                f"/v1/candidates/{full_width}", "/v1/candidates/%zz111222333", "/v1/candidates/111-222-333",
                "/v1/candidates/%31%31%31%2E222.333", "/v1/candidates?q=111+222+333"):
        assert uri_holds_bsn(uri), uri
    for uri in ("/v1/offers/off-3a123456782f", "/v1/reports?asOf=2026-01-31&municipality=GM0363",
                "/v1/units/0363010000000001", "/v1/candidates/cand-0123456789ab", "/v1/candidates/123456789"):
        assert not uri_holds_bsn(uri), uri
