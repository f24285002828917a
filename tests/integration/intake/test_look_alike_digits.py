"""One way to write a number (issue 14, item 1): look-alike digits are refused at the HTTP door, by field,
without echoing the value, and a BSN in a URI is refused in any digit form, padded or percent-encoded."""
from __future__ import annotations

import json
from datetime import date
from urllib.parse import quote

import pytest

from tests.integration.intake.conftest import candidate_body, vacancy_body

pytestmark = pytest.mark.integration
FULL_WIDTH_BSN = "１２３４５６７８２"  # 123456782 in full-width digits


def _refused(answer, field: str, *planted: str) -> None:
    status, problem = answer
    assert status == 400, problem
    assert field in {p["name"] for p in problem["invalid_params"]}, problem
    text = json.dumps(problem, ensure_ascii=False) + json.dumps(problem)
    assert not any(p in text for p in planted)


def test_look_alike_digits_are_refused_by_field_without_echo(intake):
    shelter, corp = intake.org("shelter"), intake.org("corporation")
    _refused(shelter.api.request("POST", "/v1/candidates", candidate_body(bsn=FULL_WIDTH_BSN)), "bsn",
             FULL_WIDTH_BSN, "123456782")
    _refused(shelter.api.request("POST", "/v1/person-references", {"bsn": FULL_WIDTH_BSN}), "bsn", FULL_WIDTH_BSN)
    _refused(shelter.api.request("POST", "/v1/candidates", candidate_body(region="R٠٧", bsn="111222333")),
             "region", "R٠٧")
    _refused(corp.api.request("POST", "/v1/vacancies", vacancy_body("LA-1", municipality="GM０３６３")),
             "municipality", "GM０３６３")
    assert shelter.api.call("GET", "/v1/candidates")["items"] == []  # nothing of it was kept


def test_a_bsn_in_a_uri_is_refused_in_any_form(intake):
    shelter = intake.org("shelter")
    for path in (f"/v1/candidates/{quote(FULL_WIDTH_BSN)}", "/v1/candidates/%20123456782",
                 "/v1/candidates/%2520123456782", "/v1/candidates/123456782"):
        status, problem = shelter.api.request("GET", path)
        assert (status, problem["title"]) == (400, "Personal number in URI"), path
