"""The acceptance model calibrated from recorded answers: the data where there are many, the defaults where few."""
from __future__ import annotations

import pytest

from services.system.simulation.acceptance import AcceptanceModel
from services.system.simulation.calibration import STRENGTH, RecordedOffer, calibrate

DEFAULT = AcceptanceModel()


def offers(n, kind="regular", groups=(), status="placed", corp=True, person=True, category=None):
    return [RecordedOffer(kind, frozenset(groups), status, corp, person, category)] * n


def test_without_recorded_answers_the_model_is_the_default():
    assert calibrate([]) == DEFAULT
    # offers still open or withdrawn tell nothing about answers
    assert calibrate(offers(50, status="made", corp=False, person=False) + offers(9, status="withdrawn")) == DEFAULT


def test_many_answers_outweigh_the_prior_and_a_thin_cell_stays_near_the_default():
    model = calibrate(offers(400, "regular") + offers(100, "regular", status="declined", corp=True, person=False)
                      + offers(2, "shared", status="declined", corp=True, person=False))
    # regular: 400 yes of 500 -> (400 + 20 * 0.85) / (500 + 20)
    assert model.accept["regular"] == pytest.approx((400 + STRENGTH * 0.85) / (500 + STRENGTH))
    # shared: 2 declines only -> pulled toward 0.55, not to 0
    assert model.accept["shared"] == pytest.approx(STRENGTH * 0.55 / (2 + STRENGTH))
    assert 0.45 < model.accept["shared"] < 0.55
    assert model.accept["flex"] == DEFAULT.accept["flex"]  # no data: the default


def test_a_group_that_declines_more_gets_a_lower_factor():
    recorded = (offers(300, "regular") + offers(60, "regular", status="declined", person=False)
                + offers(50, "regular", ["youth"]) + offers(50, "regular", ["youth"], status="declined", person=False))
    model = calibrate(recorded)
    assert model.factors["youth"] < DEFAULT.factors["youth"]
    # the fitted model roughly reproduces the youth's rate of 50%
    assert model.probability("regular", {"youth"}) == pytest.approx(0.5, abs=0.06)
    assert model.factors["family"] == pytest.approx(DEFAULT.factors["family"])  # no families: the default


def test_silence_confirmation_and_decline_categories():
    recorded = (offers(80) + offers(20, status="expired", corp=False, person=False)
                + offers(10, status="rejected", corp=False, person=True)
                + offers(30, status="declined", person=False, category="found_other_home")
                + offers(10, status="declined", person=False, category="not a category"))
    model = calibrate(recorded)
    assert model.silent == pytest.approx((20 + STRENGTH * 0.04) / (150 + STRENGTH))
    # confirmed: 80 placed + 40 declined with the corporation's yes; rejected 10
    assert model.confirm == pytest.approx((120 + STRENGTH * 0.95) / (130 + STRENGTH))
    cats = model.decline_categories
    assert cats["found_other_home"] == pytest.approx((30 + STRENGTH * 0.10) / (40 + STRENGTH))
    assert cats["other"] == pytest.approx((10 + STRENGTH * 0.40) / (40 + STRENGTH))  # unknown -> other
    assert sum(cats.values()) == pytest.approx(1.0)
