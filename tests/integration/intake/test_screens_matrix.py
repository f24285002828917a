"""The screens' authorisation matrix (issue 16): every case worker screen × every person role × the own and
another organisation's ids, as plain HTTP requests with a session cookie. A screen the matrix does not name
fails the test: a new screen comes with its row (see services/intake/entrypoints/screens/README.md)."""
from __future__ import annotations

import random

import pytest

from services.intake.entrypoints.screens.paths import CASE_WORKER_PAGES
from services.system.scenario import make_bsn
from tests.integration.intake.conftest import vacancy_body
from tests.integration.intake.people import Browser, check_matrix, person

pytestmark = pytest.mark.integration

#: (method, path) of every case worker screen; {candidate_id} and {offer_id} are filled per case.
SCREENS = [("GET", "/kandidaten"), ("GET", "/kandidaten/nieuw"), ("POST", "/kandidaten/nieuw"),
           ("GET", "/kandidaten/{candidate_id}"), ("GET", "/kandidaten/{candidate_id}/wijzigen"),
           ("POST", "/kandidaten/{candidate_id}/wijzigen"), ("GET", "/kandidaten/{candidate_id}/intrekken"),
           ("POST", "/kandidaten/{candidate_id}/intrekken"), ("GET", "/aanbiedingen/{offer_id}"),
           ("POST", "/aanbiedingen/{offer_id}/accepteren"), ("POST", "/aanbiedingen/{offer_id}/afwijzen"),
           ("GET", "/meldingen")]
#: Every person role but the case worker's, in the organisation whose role it fits.
OTHER_ROLES = [("shelter", "org_admin"), ("corporation", "allocation_officer"),
               ("municipality", "policy_officer"), ("ministry", "analyst"), ("admin", "system_admin")]
#: Posting a form that would change something if allowed: it must not (another organisation's ids, wrong role).
FORM = {"region": "R07", "household_size": "1", "children": "0", "shelter_entry_date": "2026-01-05",
        "support": "none", "reason": "test", "category": "other", "bsn": "", "form_key": "matrix-key-1"}


def test_the_matrix_covers_every_case_worker_screen():
    assert {path for _, path in SCREENS} == CASE_WORKER_PAGES


@pytest.fixture(scope="module")
def world(intake):
    own, other = intake.org("shelter"), intake.org("shelter")
    corp = intake.org("corporation")
    corp.api.call("POST", "/v1/vacancies", vacancy_body("M-1"))
    owner = person(intake, own, "case_worker")
    made = owner.call("POST", "/v1/candidates", {"region": "R07", "household_size": 1,
                                                 "shelter_entry_date": "2026-01-05",
                                                 "bsn": make_bsn(random.Random(77))})
    offer_id = intake.offer(own, made["candidate_id"], corp, "M-1")
    people = {"stranger": person(intake, other, "case_worker")}
    for org_role, user_role in OTHER_ROLES:
        org = own if org_role == "shelter" else intake.org(org_role)
        people[user_role] = person(intake, org, user_role)
    return {"ids": {"candidate_id": made["candidate_id"], "offer_id": offer_id}, "owner": owner,
            "people": people}


@pytest.mark.parametrize("method,template", SCREENS)
def test_only_the_own_case_worker_reaches_a_screen(intake, world, method, template):
    path = template.format(**world["ids"])
    per_record = "{" in template
    # Another shelter's case worker may use the screen, but never sees or changes another's record.
    stranger = 404 if per_record else (400 if method == "POST" else 200)
    check_matrix(intake, world["people"], method, path, FORM, {"stranger": stranger})
    if method == "GET":
        own = world["owner"].browser.get(path)
        assert own.status_code == 200 and own.headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_nothing_of_the_record_changed(intake, world):
    page = world["owner"].browser.get(f"/kandidaten/{world['ids']['candidate_id']}").text
    assert "Heeft een aanbod" in page or "Wacht op een woning" in page
    offer = world["owner"].browser.get(f"/aanbiedingen/{world['ids']['offer_id']}").text
    assert 'id="accepteren"' in offer  # still open, unanswered


def test_only_the_ledgers_report_roles_get_a_figures_pass(intake, world):
    answers = {who: p.browser.get("/cijfers").status_code for who, p in world["people"].items()}
    assert answers == {"stranger": 403, "org_admin": 403, "allocation_officer": 403, "policy_officer": 200,
                       "analyst": 200, "system_admin": 200}
    assert Browser(intake).get("/cijfers").headers["Location"] == "/"
