"""One vocabulary (contracts/vocabulary.py): the services and the API documents use the same words."""
from __future__ import annotations

from typing import get_args

from contracts.vocabulary import STILL_MATCHABLE, CandidateStatus, OfferStatus, Role, VacancyStatus
from services.intake.domain import responses
from services.intake.service_layer import common, organisations
from services.matcher.service_layer import common as matcher


def test_intake_and_matcher_mean_the_same_by_a_submission_still_matched():
    assert common.ACTIVE == matcher.MATCHABLE == STILL_MATCHABLE == ("waiting", "offered")


def test_the_api_document_offers_exactly_the_vocabulary():
    assert set(get_args(responses.CandidateStatus)) == {s.value for s in CandidateStatus}
    assert set(get_args(responses.OfferStatus)) == {s.value for s in OfferStatus}
    assert set(get_args(responses.VacancyStatus)) == {s.value for s in VacancyStatus}
    assert set(organisations.ROLES) == {r.value for r in Role}
    assert Role.MONITOR.value not in organisations.CONTRACT_ROLES
