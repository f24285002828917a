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
