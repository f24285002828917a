"""Personal numbers at the boundary (issue 14). One way to write a number: look-alike digits are refused at
the HTTP door, by field, without echoing the value, and a BSN in a URI is refused in any digit form, padded
or percent-encoded. No personal number in free text or partner-chosen ids, on either door."""
from __future__ import annotations

import json
from datetime import date
from urllib.parse import quote

import pytest

from contracts import topics
from tests.integration.intake.conftest import candidate_body, inbound_message, vacancy_body, wait_for

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


PLANTED = ("123 456 782", "１２３４５６７８２", "111.222.333")


def test_a_bsn_in_free_text_or_a_partner_chosen_id_is_refused_by_field(intake):
    shelter, corp, muni = intake.org("shelter"), intake.org("corporation"), intake.org("municipality")
    cand = shelter.api.call("POST", "/v1/candidates", candidate_body(bsn="111222333"))["candidate_id"]
    for bsn in PLANTED:
        _refused(shelter.api.request("POST", f"/v1/candidates/{cand}/withdrawal", {"reason": f"BSN {bsn}"}),
                 "reason", bsn)
        _refused(corp.api.request("POST", "/v1/vacancies", vacancy_body(f"U{bsn.replace(' ', '')}")), "unit_id", bsn)
        report = {"report_id": f"r-{bsn.replace(' ', '-')}", "bsn": "123456782", "municipality": muni.municipality,
                  "region": "R07", "bag_id": "0363010000000009", "unit_kind": "flex",
                  "move_in_date": date.today().isoformat()}
        _refused(muni.api.request("POST", "/v1/placement-reports", report), "report_id", bsn)
    assert [c["status"] for c in shelter.api.call("GET", "/v1/candidates")["items"]] == ["waiting"]
    assert corp.api.call("GET", "/v1/vacancies")["items"] == []


def test_a_bsn_in_an_inbound_commands_free_text_is_refused_too(intake):
    shelter = intake.org("shelter")
    cand = shelter.api.call("POST", "/v1/candidates", candidate_body(bsn="123456782"))["candidate_id"]
    intake.produce(topics.INBOUND, [inbound_message(shelter, "candidate.withdraw", {"reason": "BSN 111 222 333"},
                                                    target=cand)])
    refused = wait_for(lambda: [c["data"] for c in shelter.api.call("GET", "/v1/changes")["items"]
                                if c["kind"] == "command.rejected"])
    assert "body: reason: " in refused[0]["reason"] and "111" not in refused[0]["reason"]
    assert shelter.api.call("GET", f"/v1/candidates/{cand}")["status"] == "waiting"


def test_a_malformed_request_is_answered_as_a_problem_that_quotes_nothing(intake):
    """aiohttp's own 400 quoted the raw request bytes in text/plain and logged them with a traceback."""
    from services.system.supervisor import client_ssl_context
    from tests.support import BSN_FORMS, MALFORMED_WITH_BSN, raw_exchange

    tls = client_ssl_context(intake.conf)
    for request in MALFORMED_WITH_BSN:
        answer = raw_exchange(intake.url, request, tls)
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.") and b" 400 " in head.split(b"\r\n")[0], answer[:200]
        assert b"Content-Type: application/problem+json" in head and b"API-Version: " in head, head
        assert json.loads(body)["status"] == 400
        assert not any(form in answer for form in BSN_FORMS), answer
    for path in ("/v1/candidates/%zz111222333", "/v1/candidates/111-222-333", "/v1/candidates?q=111+222+333"):
        answer = raw_exchange(intake.url, f"GET {path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".encode(), tls)
        assert b" 400 " in answer.split(b"\r\n")[0] and b"Personal number in URI" in answer, path
    log = (intake.stack.log_dir / "intake-0.log").read_bytes()
    assert b"could not be read" in log  # the refusals were logged, by kind only
    assert not any(form in log for form in BSN_FORMS)
