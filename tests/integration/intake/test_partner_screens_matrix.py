"""The authorisation matrix of issue 17's screens: every screen x every person role (in the organisation its
role fits) x the own and another organisation's ids, and a visitor, as plain HTTP with a session cookie. A
screen of paths.PARTNER_PAGES that the matrix does not name fails the test (screens/README.md, step 5)."""
from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from contracts import events as ev
from contracts.inbound import key_id
from services.intake.entrypoints.screens.paths import PARTNER_PAGES
from services.system.scenario import make_bsn
from tests.integration.intake.conftest import vacancy_body
from tests.integration.intake.people import check_matrix, person
from tests.support import wait_until

pytestmark = pytest.mark.integration
ROLES = {"allocation_officer": "corporation", "policy_officer": "municipality", "transfer_officer": "transfer_point",
         "analyst": "ministry", "system_admin": "admin", "org_admin": "corporation", "case_worker": "shelter"}
ADMINS = ("org_admin", "system_admin")
#: (method, path, {role: answer} for the roles it is for (every other role: 403; None: a write not made here,
#: see test_partner_screens.py), (another organisation's person, answer) for a screen with an id).
SCREENS = [
    ("GET", "/corporatie/woningen", {"allocation_officer": 200}, None),
    ("GET", "/corporatie/woningen/nieuw", {"allocation_officer": 200}, None),
    ("POST", "/corporatie/woningen/nieuw", {"allocation_officer": 400}, None),
    ("GET", "/corporatie/woningen/upload", {"allocation_officer": 200}, None),
    ("POST", "/corporatie/woningen/upload", {"allocation_officer": 400}, None),
    ("GET", "/corporatie/woningen/{vacancy_id}/intrekken", {"allocation_officer": 200}, ("other_corporation", 404)),
    ("POST", "/corporatie/woningen/{vacancy_id}/intrekken", {"allocation_officer": None}, ("other_corporation", 404)),
    ("GET", "/corporatie/aanbiedingen", {"allocation_officer": 200}, None),
    ("GET", "/corporatie/aanbiedingen/{offer_id}", {"allocation_officer": 200}, ("other_corporation", 404)),
    ("POST", "/corporatie/aanbiedingen/{offer_id}/bevestigen", {"allocation_officer": None}, ("other_corporation", 404)),
    ("POST", "/corporatie/aanbiedingen/{offer_id}/afwijzen", {"allocation_officer": None}, ("other_corporation", 404)),
    ("GET", "/corporatie/afspraken", {"allocation_officer": 200}, None),
    ("GET", "/gemeente/afspraken", {"policy_officer": 200}, None),
    ("POST", "/gemeente/afspraken", {"policy_officer": 400}, None),
    ("GET", "/gemeente/wijken", {"policy_officer": 200}, None),
    ("POST", "/gemeente/wijken", {"policy_officer": 400}, None),
    ("GET", "/gemeente/organisaties", {"policy_officer": 200}, None),
    ("GET", "/transferpunt", {"transfer_officer": 200}, None),
    ("GET", "/transferpunt/aanbiedingen", {"transfer_officer": 200}, None),
    ("GET", "/transferpunt/voorstellen", {"transfer_officer": 200}, None),
    ("GET", "/transferpunt/voorstellen/{proposal_id}", {"transfer_officer": 200}, ("other_transfer_officer", 404)),
    ("POST", "/transferpunt/voorstellen/{proposal_id}", {"transfer_officer": None},
     ("other_transfer_officer", 404)),
    ("GET", "/transferpunt/koppelen", {"transfer_officer": 200}, None),
    ("POST", "/transferpunt/koppelen", {"transfer_officer": 400}, None),
    ("GET", "/transferpunt/vasthouden", {"transfer_officer": 200}, None),
    ("POST", "/transferpunt/vasthouden", {"transfer_officer": 400}, None),
    ("GET", "/transferpunt/kandidaten/{candidate_id}/parkering", {"transfer_officer": 200},
     ("other_transfer_officer", 404)),
    ("POST", "/transferpunt/kandidaten/{candidate_id}/parkering", {"transfer_officer": 409},
     ("other_transfer_officer", 404)),
    ("GET", "/gemeente/beleid", {"policy_officer": 200}, None),
    ("POST", "/gemeente/beleid", {"policy_officer": 400}, None),
    ("GET", "/beheer/organisaties", {"system_admin": 200}, None),
    ("POST", "/beheer/organisaties", {"system_admin": 400}, None),
    ("GET", "/beheer/organisaties/{organisation}/tokens", {"system_admin": 200}, None),
    ("POST", "/beheer/organisaties/{organisation}/tokens", {"system_admin": None}, None),
    ("POST", "/beheer/organisaties/{organisation}/tokens/{key_id}/intrekken", {"system_admin": None}, None),
    ("GET", "/beheer/gebruikers", {"org_admin": 200, "system_admin": 200}, None),
    ("POST", "/beheer/gebruikers/{user_id}/herstellen", {"org_admin": None, "system_admin": 404},
     ("other_org_admin", 404)),
    ("GET", "/beheer/audit", {"system_admin": 200}, None),
]
FORM = {"reason": "test", "category": "other", "form_key": "matrix-partner-key", "max_places": "veel",
        "max_placements": "veel", "rooms": "veel"}


def test_the_matrix_covers_every_screen_of_issue_17():
    assert {path for _, path, _, _ in SCREENS} == PARTNER_PAGES
    assert set(ROLES) | {"transfer_officer"} >= {r for _, _, allowed, _ in SCREENS for r in allowed}


@pytest.fixture(scope="module")
def world(intake):
    corp, other_corp = intake.org("corporation", region="R07"), intake.org("corporation", region="R07")
    shelter = intake.org("shelter")
    corp.api.call("POST", "/v1/vacancies", vacancy_body("PM-1"))
    made = shelter.api.call("POST", "/v1/candidates", {"region": "R07", "household_size": 1,
                                                       "shelter_entry_date": "2026-01-05",
                                                       "bsn": make_bsn(random.Random(1717))})
    offer_id = intake.offer(shelter, made["candidate_id"], corp, "PM-1")
    proposal_id = propose(intake, shelter, made["candidate_id"], corp, "PM-1")
    waiting = shelter.api.call("POST", "/v1/candidates", {"region": "R07", "household_size": 1,
                                                          "shelter_entry_date": "2026-01-06",
                                                          "bsn": make_bsn(random.Random(1718))})
    people = {}
    for user_role, org_role in ROLES.items():
        org = {"corporation": corp, "shelter": shelter}.get(org_role) or intake.org(
            org_role, region="R07" if org_role == "transfer_point" else None)
        people[user_role] = person(intake, org, user_role)
    people["other_corporation"] = person(intake, other_corp, "allocation_officer")
    people["other_org_admin"] = person(intake, other_corp, "org_admin")
    people["other_transfer_officer"] = person(intake, intake.org("transfer_point", region="R08"), "transfer_officer")
    target = person(intake, corp, "allocation_officer")
    ids = {"vacancy_id": "PM-1", "offer_id": offer_id, "organisation": corp.org_id, "key_id": key_id(corp.token),
           "user_id": target.user_id, "proposal_id": proposal_id, "candidate_id": waiting["candidate_id"]}
    return {"ids": ids, "people": people}


def propose(intake, shelter, candidate_id: str, corp, vacancy_id: str) -> str:
    """Act as the matcher of a region under review: a proposal waiting for the transfer point."""
    offer_id, now = f"prop-{uuid.uuid4().hex[:12]}", datetime.now(UTC)
    intake.send_event(ev.OfferProposed(producer="matcher", occurred_at=now, offer_id=offer_id, round_id="rnd-p",
                                       candidate_id=candidate_id, shelter=shelter.org_id,
                                       unit_id=f"{corp.org_id}:{vacancy_id}", corporation=corp.org_id, region="R07",
                                       priority=10, explanation={"days": 10}, period=str(now.year),
                                       review_due=now + timedelta(days=2)))
    wait_until(lambda: intake.query("select 1 from intake_proposal where offer_id = :o", o=offer_id), timeout=30)
    return offer_id


@pytest.mark.parametrize("method,template,allowed,stranger", SCREENS)
def test_each_screen_answers_only_the_roles_it_is_for(intake, world, method, template, allowed, stranger):
    path = template.format(**world["ids"])
    check_matrix(intake, world["people"], method, path, FORM, allowed, stranger, ROLES)


def test_nothing_was_changed_by_the_refused_writes(intake, world):
    officer = world["people"]["allocation_officer"]
    page = officer.browser.get(f"/corporatie/aanbiedingen/{world['ids']['offer_id']}").text
    assert 'id="bevestigen"' in page  # still open, unanswered
    assert "PM-1" in officer.browser.get("/corporatie/woningen").text and "Ingetrokken" not in \
        officer.browser.get("/corporatie/woningen").text
    admin = world["people"]["system_admin"]
    tokens = admin.browser.get(f"/beheer/organisaties/{world['ids']['organisation']}/tokens").text
    assert f'id="intrekken-{world["ids"]["key_id"]}"' in tokens  # the token is still active
    review = world["people"]["transfer_officer"].browser.get(f"/transferpunt/voorstellen/{world['ids']['proposal_id']}")
    assert 'id="goedkeuren"' in review.text  # still waiting: the other region's officer decided nothing
