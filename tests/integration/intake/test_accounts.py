"""Personal accounts against the real intake (issue 15): enrolment with a second factor, sign-in, throttling,
sessions that end, CSRF, and the audit naming the person."""
from __future__ import annotations

import random
import time

import pyotp
import pytest

from services.intake.domain import accounts as rules
from services.system.scenario import make_bsn
from tests.integration.intake.conftest import candidate_body
from tests.integration.intake.people import (
    PASSWORD, Browser, create_account, enrol, hidden, next_code, person, sign_in,
)

pytestmark = pytest.mark.integration


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_a_person_enrols_a_second_factor_signs_in_and_is_audited_by_name(intake):
    shelter, admin = intake.org("shelter"), intake.org("admin")
    p = person(intake, shelter, "case_worker")
    assert len(p.recovery) == 10
    account = p.browser.get("/account").text
    assert p.user_id in account and shelter.org_id in account and "case_worker" in account
    cookie = p.browser.http.cookies.jar
    session = next(c for c in cookie if c.name == "__Host-hm_session")
    assert session.secure and session.has_nonstandard_attr("HttpOnly")
    made = p.call("POST", "/v1/candidates", candidate_body(bsn="123456782"))
    assert p.call("GET", f"/v1/candidates/{made['candidate_id']}")["candidate_id"] == made["candidate_id"]
    entries = admin.api.call("GET", f"/v1/audit-entries?organisation={shelter.org_id}&limit=500")["items"]
    by_person = {(e["action"], e["actor"]) for e in entries}
    assert ("candidate.submit", f"user:{p.user_id}") in by_person
    assert ("getCandidate", f"user:{p.user_id}") in by_person
    assert ("signin.password", f"user:{p.user_id}") in by_person
    assert any(action == "user.create" and actor.startswith("token:") for action, actor in by_person)
    assert all(e["actor"] for e in entries)
    # an authenticator code signs in once, and only once (RFC 6238 5.2); so does a recovery code
    assert sign_in(Browser(intake), p.email, next_code(p.secret)).status_code == 401
    other = Browser(intake)
    assert sign_in(other, p.email, p.recovery[0]).headers.get("Location") == "/account"
    assert sign_in(Browser(intake), p.email, p.recovery[0]).status_code == 401


def test_a_wrong_code_is_refused_and_throttled(intake):
    shelter = intake.org("shelter")
    user_id, email, code = create_account(shelter, "case_worker")
    browser = Browser(intake)
    secret, _ = enrol(browser, code)
    first = browser.submit("/aanmelden", email=email, password=PASSWORD)
    assert first.status_code == 303
    statuses = []
    started = time.monotonic()
    for _ in range(rules.FREE_ATTEMPTS + 1):
        statuses.append(browser.submit("/aanmelden/code", code=wrong(pyotp.TOTP(secret).now())).status_code)
    assert statuses[:rules.FREE_ATTEMPTS] == [401] * rules.FREE_ATTEMPTS and statuses[-1] == 429
    assert time.monotonic() - started >= (rules.FREE_ATTEMPTS + 1) * rules.FAILURE_DELAY_S  # each refusal waits
    # While locked, even the right code and the right password are refused.
    locked = browser.submit("/aanmelden/code", code=pyotp.TOTP(secret).now())
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert "Te veel mislukte pogingen" in locked.text
    assert Browser(intake).submit("/aanmelden", email=email, password=PASSWORD).status_code == 429
    assert "__Host-hm_session" not in locked.headers.get("Set-Cookie", "")
    # A wrong password for an unknown address is refused the same way as a wrong one for a known address.
    assert Browser(intake).submit("/aanmelden", email="nobody@example.nl", password=PASSWORD).status_code == 401


def test_sign_in_gives_a_fresh_session_id_and_a_pending_one_opens_nothing(intake):
    shelter = intake.org("shelter")
    user_id, email, code = create_account(shelter, "case_worker")
    browser = Browser(intake)
    secret, _ = enrol(browser, code)
    browser.submit("/aanmelden", email=email, password=PASSWORD)
    pending = browser.http.cookies["__Host-hm_session"]
    assert browser.get("/v1/candidates").status_code == 401  # password alone is not a sign-in
    done = browser.submit("/aanmelden/code", code=next_code(secret))
    assert done.status_code == 303
    assert browser.http.cookies["__Host-hm_session"] != pending
    stale = Browser(intake)
    stale.http.cookies.set("__Host-hm_session", pending, domain=browser.http.cookies.jar.__iter__().__next__().domain)
    assert stale.get("/v1/candidates").status_code == 401


def test_a_disabled_persons_next_request_is_refused(intake):
    shelter = intake.org("shelter")
    p = person(intake, shelter, "case_worker")
    admin = person(intake, shelter, "org_admin")
    assert p.request("GET", "/v1/candidates")[0] == 200
    assert admin.request("GET", "/v1/candidates")[0] == 403  # an administrator reads no client's data
    assert admin.call("POST", f"/v1/users/{p.user_id}/disabling")["status"] == "disabled"
    assert p.request("GET", "/v1/candidates")[0] == 401
    assert p.browser.get("/account").status_code == 303
    assert Browser(intake).submit("/aanmelden", email=p.email, password=PASSWORD).status_code == 401


def test_forms_and_api_writes_without_the_csrf_token_are_refused(intake):
    shelter = intake.org("shelter")
    p = person(intake, shelter, "case_worker")
    before = intake.query("select count(*) from intake_candidate")[0][0]
    status, body = p.request("POST", "/v1/candidates", candidate_body(bsn="123456782"), csrf=False)
    assert status == 403 and body["invalid_params"][0]["name"] == "X-CSRF-Token"
    assert intake.query("select count(*) from intake_candidate")[0][0] == before
    assert p.browser.http.post("/afmelden", data={}).status_code == 403
    assert p.browser.http.post("/afmelden", data={"csrf_token": "forged"}).status_code == 403
    assert p.request("GET", "/v1/candidates")[0] == 200  # still signed in
    fresh = Browser(intake)
    page = fresh.get("/aanmelden").text
    assert fresh.http.post("/aanmelden", data={"email": p.email, "password": PASSWORD}).status_code == 403
    outsider = Browser(intake)  # a token from a page, without the form cookie that goes with it
    assert outsider.http.post("/aanmelden", data={"csrf_token": hidden(page, "csrf_token"), "email": p.email,
                                                  "password": PASSWORD}).status_code == 403


def test_sign_out_here_and_everywhere(intake):
    shelter = intake.org("shelter")
    p = person(intake, shelter, "case_worker")
    second = Browser(intake)
    assert sign_in(second, p.email, p.recovery[0]).status_code == 303
    third = Browser(intake)
    assert sign_in(third, p.email, p.recovery[1]).status_code == 303
    out = second.submit("/afmelden", "/account")
    assert out.status_code == 200 and "afgemeld" in out.text
    assert second.get("/v1/candidates").status_code == 401
    assert p.request("GET", "/v1/candidates")[0] == 200 and third.get("/v1/candidates").status_code == 200
    assert p.browser.submit("/afmelden/overal", "/account").status_code == 200
    assert p.request("GET", "/v1/candidates")[0] == 401 and third.get("/v1/candidates").status_code == 401


def test_an_organisation_manages_only_its_own_people(intake):
    shelter, other = intake.org("shelter"), intake.org("shelter")
    admin = person(intake, shelter, "org_admin")
    made = admin.call("POST", "/v1/users", {"email": "nieuw@example.nl", "role": "case_worker"})
    assert made["status"] == "invited" and made["enrolment_code"].startswith("enr_")
    assert admin.request("POST", "/v1/users", {"email": "x@example.nl", "role": "allocation_officer"})[0] == 400
    assert admin.request("POST", "/v1/users", {"email": "y@example.nl", "role": "system_admin"})[0] in (400, 403)
    assert other.api.request("POST", f"/v1/users/{made['user_id']}/disabling")[0] == 404
    assert other.api.request("POST", f"/v1/users/{made['user_id']}/password-reset")[0] == 404
    assert made["user_id"] not in repr(other.api.call("GET", "/v1/users"))
    reset = admin.call("POST", f"/v1/users/{admin.user_id}/password-reset")
    assert reset["enrolment_code"] != made["enrolment_code"]
    assert admin.request("GET", "/v1/users")[0] == 401  # a reset ends the person's sessions


def test_the_transfer_point_sees_its_own_region_only_pseudonymously(intake):
    here, there = intake.org("shelter", region="R05"), intake.org("shelter", region="R06")
    bsn = make_bsn(random.Random())  # a person no other test submitted: a linked submission is not shown twice
    mine = here.api.call("POST", "/v1/candidates", candidate_body(region="R05", bsn=bsn, household_size=3,
                                                                  children=2, medical_urgency=True))
    theirs = there.api.call("POST", "/v1/candidates", candidate_body(region="R06", bsn=make_bsn(random.Random())))
    tp = intake.org("transfer_point", region="R05")
    officer = person(intake, tp, "transfer_officer")
    items = officer.call("GET", "/v1/transfer-point/candidates")["items"]
    ids = {i["candidate_id"] for i in items}
    assert mine["candidate_id"] in ids and theirs["candidate_id"] not in ids
    assert {i["region"] for i in items} == {"R05"}
    row = next(i for i in items if i["candidate_id"] == mine["candidate_id"])
    assert set(row) == {"candidate_id", "shelter", "region", "household_size", "children", "support",
                        "days_waiting", "urgency", "exit_date", "parked_until", "expired_offers", "declined_offers"}
    assert row["shelter"] == here.org_id and row["days_waiting"] == 40 and row["urgency"]["medical_urgency"]
    assert "person_ref" not in repr(items) and bsn not in repr(items)
    assert tp.api.call("GET", "/v1/transfer-point/candidates")["items"] == items  # its token sees the same
    assert here.api.request("GET", "/v1/transfer-point/candidates")[0] == 403
    reads = intake.query("select actor, record from intake_audit where action = 'transferPoint.read' "
                         "and org_id = :o", o=tp.org_id)
    assert (f"user:{officer.user_id}", mine["candidate_id"]) in reads
    assert not any(r[1] == theirs["candidate_id"] for r in reads)
