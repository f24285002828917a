"""Issue 11, item 6, over HTTPS and the inbound topic on the real broker and PostgreSQL: each validation rule
refuses its case with a 400 naming the field (never the value, never ``(body)``), nothing of a refused request
is kept, and a changed resubmission answers 409 pointing to the update."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from contracts import topics
from services.intake.domain.rules import local_date
from tests.integration.intake.conftest import candidate_body, inbound_message, vacancy_body, wait_for

pytestmark = pytest.mark.integration


def today():
    """The intake's today: the date in Amsterdam (ahead of UTC, so UTC's date can still be yesterday there)."""
    return local_date(datetime.now(UTC))


def days(n: int) -> str:
    return (today() + timedelta(days=n)).isoformat()


def refused(answer, *fields: str, planted: str | None = None) -> dict:
    status, problem = answer
    assert status == 400, problem
    names = sorted(p["name"] for p in problem["invalid_params"])
    assert names == sorted(fields), problem
    assert planted is None or planted not in json.dumps(problem)
    return problem


def test_a_household_has_at_least_one_adult(intake):
    shelter = intake.org("shelter")
    refused(shelter.api.request("POST", "/v1/candidates", candidate_body(bsn="111222333", household_size=1,
                                                                         children=2)), "children")
    refused(shelter.api.request("POST", "/v1/candidates", candidate_body(bsn="111222333", household_size=2,
                                                                         children=5)), "children")
    assert shelter.api.call("GET", "/v1/candidates")["items"] == []
    cand = shelter.api.call("POST", "/v1/candidates", candidate_body(bsn="111222333", household_size=2,
                                                                     children=1))["candidate_id"]
    refused(shelter.api.request("PUT", f"/v1/candidates/{cand}", candidate_body(household_size=2, children=2)),
            "children")
    assert shelter.api.call("GET", f"/v1/candidates/{cand}")["children"] == 1


def test_used_cannot_exceed_the_maximum(intake):
    muni, corp = intake.org("municipality"), intake.org("corporation")
    agreement = {"corporation": corp.org_id, "period": "2026", "max_places": 2}
    refused(muni.api.request("POST", "/v1/agreements", {**agreement, "used": 9}), "used")
    hood = f"BU{muni.municipality[2:]}0001"
    limit = {"neighbourhood": hood, "period": "2026", "max_placements": 2}
    refused(muni.api.request("POST", "/v1/neighbourhood-limits", {**limit, "used": 3}), "used")
    assert muni.api.call("GET", "/v1/agreements")["items"] == []
    assert muni.api.call("POST", "/v1/agreements", {**agreement, "used": 2})["used"] == 2
    assert muni.api.call("POST", "/v1/neighbourhood-limits", {**limit, "used": 2})["used"] == 2


def test_dates_of_the_past_cannot_lie_in_the_future_and_a_move_in_at_most_31_days_ahead(intake):
    shelter, muni = intake.org("shelter"), intake.org("municipality")
    refused(shelter.api.request("POST", "/v1/candidates", candidate_body(bsn="111222333",
                                                                         shelter_entry_date=days(1))),
            "shelter_entry_date", planted=days(1))
    assert shelter.api.call("POST", "/v1/candidates", candidate_body(bsn="111222333", shelter_entry_date=days(0)))
    bag = f"{muni.municipality[2:]}010000000009"
    report = {"report_id": "far", "person_ref": "c" * 64, "municipality": muni.municipality, "region": "R07",
              "bag_id": bag, "unit_kind": "flex"}
    refused(muni.api.request("POST", "/v1/placement-reports", {**report, "move_in_date": "2099-06-01"}),
            "move_in_date", planted="2099")
    refused(muni.api.request("POST", "/v1/placement-reports", {**report, "move_in_date": days(32)}), "move_in_date")
    assert muni.api.call("GET", "/v1/placement-reports")["items"] == []
    planned = muni.api.call("POST", "/v1/placement-reports", {**report, "report_id": "planned",
                                                              "move_in_date": days(31)})
    assert planned["move_in_date"] == days(31)
    ending = {"person_ref": "c" * 64, "bag_id": bag, "reason": "moved on"}
    refused(muni.api.request("POST", "/v1/placement-endings", {**ending, "end_date": days(1)}), "end_date")
    assert muni.api.call("POST", "/v1/placement-endings", {**ending, "end_date": days(0)}, ok=(202,))["accepted"]


def test_a_changed_resubmission_answers_409_pointing_to_the_update(intake):
    shelter = intake.org("shelter")
    body = candidate_body(bsn="123456782", household_size=2, children=1)
    first = shelter.api.call("POST", "/v1/candidates", body)
    status, again = shelter.api.request("POST", "/v1/candidates", body)
    assert (status, again["candidate_id"]) == (200, first["candidate_id"])
    status, problem = shelter.api.request("POST", "/v1/candidates", {**body, "household_size": 3, "wheelchair": True})
    update = f"PUT /v1/candidates/{first['candidate_id']}"
    assert status == 409 and update in problem["detail"], problem
    assert [p["name"] for p in problem["invalid_params"]] == ["household_size", "wheelchair"]
    assert "123456782" not in json.dumps(problem)
    assert shelter.api.call("GET", f"/v1/candidates/{first['candidate_id']}")["household_size"] == 2
    changed = {k: v for k, v in body.items() if k != "bsn"} | {"household_size": 3, "wheelchair": True}
    assert shelter.api.call("PUT", f"/v1/candidates/{first['candidate_id']}", changed)["household_size"] == 3
    assert len(shelter.api.call("GET", "/v1/candidates")["items"]) == 1


def test_cross_field_errors_name_their_fields(intake):
    shelter, corp = intake.org("shelter"), intake.org("corporation")
    refused(shelter.api.request("POST", "/v1/candidates", candidate_body(bsn="111222333", person_ref="a" * 64)),
            "bsn", "person_ref", planted="111222333")
    refused(shelter.api.request("POST", "/v1/candidates", candidate_body()), "bsn", "person_ref")
    refused(corp.api.request("POST", "/v1/vacancies", vacancy_body("S-1", kind="shared", places=1)), "places")
    refused(corp.api.request("POST", "/v1/vacancies", vacancy_body("F-1", kind="flex")), "available_until")
    muni = intake.org("municipality")
    report = {"report_id": "r-x", "person_ref": "c" * 64, "municipality": muni.municipality, "region": "R07",
              "unit_id": "U-1", "unit_kind": "flex", "move_in_date": days(0)}
    refused(muni.api.request("POST", "/v1/placement-reports", report), "corporation")


def _rejections(org) -> list[str]:
    return [c["data"]["reason"] for c in org.api.call("GET", "/v1/changes")["items"] if c["kind"] == "command.rejected"]


def test_the_same_rules_hold_on_the_inbound_topic(intake):
    shelter, muni = intake.org("shelter"), intake.org("municipality")
    ref = shelter.api.call("POST", "/v1/person-references", {"bsn": "111222333"})["person_ref"]
    person = candidate_body(person_ref=ref, household_size=2, children=1)
    report = {"report_id": "far", "person_ref": "c" * 64, "municipality": muni.municipality, "region": "R07",
              "bag_id": f"{muni.municipality[2:]}010000000009", "unit_kind": "flex", "move_in_date": "2099-06-01"}
    intake.produce(topics.INBOUND, [
        inbound_message(shelter, "candidate.submit", {**person, "children": 2}),
        inbound_message(shelter, "candidate.submit", {**person, "shelter_entry_date": days(1)}),
        inbound_message(muni, "placement.report", report),
        inbound_message(muni, "agreement.register", {"corporation": "corp-x", "period": "2026", "max_places": 2,
                                                     "used": 9}),
    ])
    shelter_refusals = wait_for(lambda: (r := _rejections(shelter)) and len(r) == 2 and r)
    assert "body: children: " in shelter_refusals[0] and "body: shelter_entry_date: " in shelter_refusals[1]
    muni_refusals = wait_for(lambda: (r := _rejections(muni)) and len(r) == 2 and r)
    assert sorted(r.split(": ")[1] for r in muni_refusals) == ["move_in_date", "used"]
    assert "2099" not in json.dumps(muni_refusals)
    assert shelter.api.call("GET", "/v1/candidates")["items"] == []
    # a changed resubmission: 409 with the pointer to the update, as over HTTP
    cand = shelter.api.call("POST", "/v1/candidates", person)["candidate_id"]
    intake.produce(topics.INBOUND, [inbound_message(shelter, "candidate.submit", {**person, "household_size": 3})])
    refusal = wait_for(lambda: (r := _rejections(shelter)) and len(r) == 3 and r[2])
    assert refusal.startswith("409 ") and f"PUT /v1/candidates/{cand}" in refusal
