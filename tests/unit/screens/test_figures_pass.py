"""The figures pass (issue 16): what the intake signs, the ledger checks (contracts/figures_pass.py)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from contracts import figures_pass
from contracts.authenticity import HEADER
from services.intake.entrypoints.screens.figures import issue
from services.kernel.signing import Unauthentic, signer_for, verifier


def check(text: str) -> figures_pass.FiguresPass:
    value, header = figures_pass.decode(text)
    assert verifier().signer_of(figures_pass.PURPOSE, None, value, {HEADER: header}) == "intake"
    return figures_pass.claims(value)


def test_a_pass_round_trips_and_expires_within_a_minute():
    now = datetime.now(UTC)
    claims = check(issue("usr-1", "gemeente-1", "en", now))
    assert (claims.user_id, claims.org_id, claims.language) == ("usr-1", "gemeente-1", "en")
    assert not figures_pass.expired(claims, now + timedelta(seconds=59))
    assert figures_pass.expired(claims, now + timedelta(seconds=60))
    assert check(issue("usr-1", "gemeente-1", "nl")).nonce != claims.nonce


def test_an_event_signature_or_another_signer_is_no_pass():
    value = figures_pass.FiguresPass(user_id="u", org_id="o", language="nl", nonce="n" * 16,
                                     expires_at=datetime.now(UTC) + timedelta(seconds=60)).model_dump_json().encode()
    [(_, as_event)] = signer_for("intake").headers("housing.offers.v1", None, value)
    with pytest.raises(Unauthentic):
        check(figures_pass.encode(value, as_event))
    [(_, by_matcher)] = signer_for("matcher").headers(figures_pass.PURPOSE, None, value)
    with pytest.raises(AssertionError):
        check(figures_pass.encode(value, by_matcher))
    with pytest.raises(ValueError):
        figures_pass.decode("not-a-pass")
