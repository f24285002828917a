"""Issue 11, item 6: the intake's validation rules, each refusing with the field it is about and no value.

Rules about today get the date from the validation context, as the boundary passes it."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from services.intake.domain import commands as cmd
from services.intake.domain import rules
from services.intake.domain.errors import ChangedResubmission
from services.intake.service_layer import candidates
from services.intake.service_layer.organisations import Caller
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
from services.kernel.http import HttpProblem, validate_json

TODAY = date(2026, 12, 3)
CANDIDATE = {"region": "R01", "household_size": 1, "shelter_entry_date": "2026-01-05", "person_ref": "ab" * 32}
REPORT = {"report_id": "r-1", "person_ref": "ab" * 32, "municipality": "GM0363", "region": "R07",
          "bag_id": "0363010000000001", "unit_kind": "flex", "move_in_date": "2026-12-01"}
ENDING = {"person_ref": "ab" * 32, "bag_id": "0363010000000001", "end_date": "2026-12-01", "reason": "moved on"}
VACANCY = {"unit_id": "U-1", "municipality": "GM0363", "region": "R07", "neighbourhood": "BU03630001",
           "kind": "regular", "rooms": 2, "available_from": "2026-03-01"}


def check(model, body, today: date = TODAY):
    return validate_json(json.dumps(body).encode(), model, context={rules.TODAY: today})


def refused_fields(model, body, today: date = TODAY) -> list[str]:
    with pytest.raises(HttpProblem) as exc:
        check(model, body, today)
    assert exc.value.status == 400
    assert "(body)" not in [e["name"] for e in exc.value.errors]  # every error names its field
    return [e["name"] for e in exc.value.errors]


@pytest.mark.parametrize("model", [cmd.SubmitCandidate, cmd.UpdateCandidate])
@pytest.mark.parametrize("size,children,ok", [(1, 0, True), (1, 1, False), (1, 2, False), (2, 1, True),
                                              (2, 5, False), (3, 2, True), (3, 3, False)])
def test_a_household_has_at_least_one_adult(model, size, children, ok):
    body = {**CANDIDATE, "household_size": size, "children": children}
    if model is cmd.UpdateCandidate:
        del body["person_ref"]
    if ok:
        assert check(model, body).children == children
    else:
        assert refused_fields(model, body) == ["children"]


@pytest.mark.parametrize("model,maximum", [(cmd.RegisterAgreement, "max_places"),
                                           (cmd.SetNeighbourhoodLimit, "max_placements")])
def test_used_cannot_exceed_the_maximum(model, maximum):
    body = {"period": "2026", maximum: 2, "used": 2,
            **({"corporation": "corp-1"} if model is cmd.RegisterAgreement else {"neighbourhood": "BU03630001"})}
    assert check(model, body).used == 2
    assert refused_fields(model, {**body, "used": 9}) == ["used"]


@pytest.mark.parametrize("model,body,field", [
    (cmd.SubmitCandidate, CANDIDATE, "shelter_entry_date"),
    (cmd.EndPlacement, ENDING, "end_date"),
])
def test_a_date_of_the_past_cannot_lie_in_the_future(model, body, field):
    assert check(model, {**body, field: TODAY.isoformat()})
    assert refused_fields(model, {**body, field: (TODAY + timedelta(days=1)).isoformat()}) == [field]


def test_a_move_in_may_be_planned_at_most_31_days_ahead():
    assert check(cmd.ReportPlacement, {**REPORT, "move_in_date": (TODAY + timedelta(days=31)).isoformat()})
    for ahead in (32, 365 * 70):
        body = {**REPORT, "move_in_date": (TODAY + timedelta(days=ahead)).isoformat()}
        assert refused_fields(cmd.ReportPlacement, body) == ["move_in_date"]


def test_today_is_the_date_in_amsterdam():
    # 23:30 UTC on New Year's Eve is already 1 January in Amsterdam (and 22:30 UTC in summer is past midnight).
    assert rules.local_date(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == date(2027, 1, 1)
    assert rules.local_date(datetime(2026, 7, 1, 22, 30, tzinfo=UTC)) == date(2026, 7, 2)
    assert rules.local_date(datetime(2026, 7, 1, 21, 30, tzinfo=UTC)) == date(2026, 7, 1)
    new_years_day = {**CANDIDATE, "shelter_entry_date": "2027-01-01"}
    assert validate_json(json.dumps(new_years_day).encode(), cmd.SubmitCandidate,
                         context=rules.context_at(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)))


def test_a_boundary_that_forgets_the_date_fails_loudly():
    with pytest.raises(RuntimeError, match="request's date"):
        cmd.SubmitCandidate.model_validate(CANDIDATE)


@pytest.mark.parametrize("model,body,fields", [
    (cmd.SubmitCandidate, {**CANDIDATE, "bsn": "111222333"}, ["bsn", "person_ref"]),
    (cmd.SubmitCandidate, {k: v for k, v in CANDIDATE.items() if k != "person_ref"}, ["bsn", "person_ref"]),
    (cmd.ReportPlacement, {**REPORT, "bsn": "111222333"}, ["bsn", "person_ref"]),
    (cmd.ReportPlacement, {k: v for k, v in REPORT.items() if k != "bag_id"}, ["bag_id"]),
    (cmd.ReportPlacement, {**{k: v for k, v in REPORT.items() if k != "bag_id"}, "unit_id": "U-1"}, ["corporation"]),
    (cmd.EndPlacement, {**{k: v for k, v in ENDING.items() if k != "bag_id"}, "corporation": "c"}, ["unit_id"]),
    (cmd.PublishVacancy, {**VACANCY, "kind": "flex"}, ["available_until"]),
    (cmd.PublishVacancy, {**VACANCY, "available_until": "2026-02-01"}, ["available_until"]),
    (cmd.PublishVacancy, {**VACANCY, "kind": "shared", "places": 1}, ["places"]),
])
def test_every_cross_field_error_names_its_field_and_no_value(model, body, fields):
    assert refused_fields(model, body) == fields
    with pytest.raises(HttpProblem) as exc:
        check(model, body)
    assert "111222333" not in json.dumps(exc.value.errors) and "2026-02-01" not in json.dumps(exc.value.errors)


def test_several_rules_broken_at_once_are_all_named():
    body = {**CANDIDATE, "children": 3, "shelter_entry_date": "2027-01-01", "bsn": "111222333"}
    assert sorted(refused_fields(cmd.SubmitCandidate, body)) == ["bsn", "children", "person_ref",
                                                                 "shelter_entry_date"]


SHELTER = Caller("shelter-a", "shelter", None, None)


def submit(engine, **profile):
    body = check(cmd.SubmitCandidate, {**CANDIDATE, **profile})
    return candidates.submit_candidate(IntakeUnitOfWork(engine), SHELTER, body, "secret")


def test_a_resubmission_with_changed_data_points_to_the_update(engine):
    status, first = submit(engine, household_size=2, children=1)
    assert status == 201
    assert submit(engine, household_size=2, children=1) == (200, first)  # identical: the same candidate
    with pytest.raises(ChangedResubmission) as exc:
        submit(engine, household_size=3, children=1, wheelchair=True)
    update = f"PUT /v1/candidates/{first['candidate_id']}"
    assert exc.value.status == 409 and update in exc.value.detail
    assert [e["field"] for e in exc.value.errors] == ["household_size", "wheelchair"]
    assert all(update in e["reason"] for e in exc.value.errors)
    assert submit(engine, household_size=2, children=1)[1]["household_size"] == 2  # nothing was changed


def test_a_field_added_since_a_profile_was_stored_compares_by_its_default():
    stored = {"region": "R01", "household_size": 1, "shelter_entry_date": "2026-01-05"}  # no children, no youth
    body = check(cmd.SubmitCandidate, CANDIDATE)
    profile = candidates.ev.CandidateProfile.model_validate(body.model_dump(exclude={"bsn", "person_ref"}))
    assert candidates.changed_fields(stored, profile) == []
    assert candidates.changed_fields(stored, profile.model_copy(update={"youth": True})) == ["youth"]
