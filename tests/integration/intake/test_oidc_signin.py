"""Sign-in at an organisation's own OpenID provider (issue 15), against a real one started here (npm
oidc-provider, tests/oidc/provider.mjs) and an intake whose OIDC_ISSUERS binds it to one organisation."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from urllib.parse import urljoin

import pytest

from services.intake.service_layer.organisations import create_organisation
from services.intake.service_layer.unit_of_work import IntakeUnitOfWork
from services.system.broker import free_port
from tests.integration.intake.conftest import Org, intake_worker
from tests.integration.intake.people import Browser
from services.system.partner_client import PartnerClient
from services.system.supervisor import client_ssl_context

pytestmark = pytest.mark.integration
ROOT = Path(__file__).parents[3]
PROVIDER = ROOT / "tests" / "oidc" / "provider.mjs"
ORG_ID, OTHER_ID = "oidc-shelter", "oidc-other-shelter"
USERS = {"bob-at-idp": "bob@oidc-shelter.example.nl", "eve-at-idp": "eve@other.example.nl"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory, intake_bootstrap):
    if not (ROOT / ".tools" / "node_modules" / "oidc-provider").exists():
        pytest.fail("oidc-provider is missing: run scripts/install-tools.sh")
    port = free_port()
    issuers = {"test": {"issuer": f"http://127.0.0.1:{port}", "client_id": "housing-match",
                        "client_secret": "a-test-secret-of-some-length", "org_id": ORG_ID}}
    with intake_worker(tmp_path_factory.mktemp("oidc"), intake_bootstrap, "oidc",
                       env={"OIDC_ISSUERS": json.dumps(issuers)}) as intake:
        env = {**os.environ, "PORT": str(port), "OIDC_CLIENT_ID": "housing-match",
               "OIDC_CLIENT_SECRET": "a-test-secret-of-some-length",
               "OIDC_REDIRECT_URIS": f"{intake.url}/oidc/test/terug", "OIDC_TEST_USERS": json.dumps(USERS)}
        node = subprocess.Popen(["node", str(PROVIDER)], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                text=True)
        try:
            assert node.stdout.readline().startswith("ready"), "the OpenID provider did not start"
            orgs = {}
            for org_id in (ORG_ID, OTHER_ID):
                _, token = create_organisation(IntakeUnitOfWork(intake.engine), org_id, "shelter", org_id=org_id)
                orgs[org_id] = Org(org_id, token, "shelter", PartnerClient(intake.url, token,
                                                                           client_ssl_context(intake.conf)))
            yield intake, orgs
        finally:
            node.terminate()
            node.wait(10)


def oidc_sign_in(intake, login: str):
    """Start at the intake, type `login` at the provider's own login form, come back: the intake's last answer."""
    browser = Browser(intake)
    r = browser.get("/oidc/test/aanmelden")
    assert r.status_code == 303
    url = r.headers["Location"]
    for _ in range(10):
        if url.startswith(intake.url):
            return browser, browser.http.get(url)
        r = browser.http.get(url)
        if r.status_code == 200 and 'name="login"' in r.text:  # the provider's login form
            action = r.text.split('action="', 1)[1].split('"', 1)[0]
            r = browser.http.post(urljoin(url, action), data={"prompt": "login", "login": login, "password": "x"})
        assert r.status_code in (302, 303), (r.status_code, r.text[:300])
        url = urljoin(url, r.headers["Location"])
    raise AssertionError("never came back to the intake")


def test_a_known_subject_signs_in_as_the_right_user_and_organisation(stack):
    intake, orgs = stack
    made = orgs[ORG_ID].api.call("POST", "/v1/users", {"email": "alice@oidc-shelter.example.nl",
                                                        "role": "case_worker", "oidc_subject": "alice-at-idp"})
    browser, back = oidc_sign_in(intake, "alice-at-idp")
    assert back.status_code == 303 and back.headers["Location"] == "/account"
    account = browser.get("/account").text
    assert made["user_id"] in account and ORG_ID in account and "case_worker" in account
    assert browser.get("/v1/candidates").status_code == 200
    actors = intake.query("select actor from intake_audit where action = 'signin.oidc'")
    assert (f"user:{made['user_id']}",) in actors


def test_a_person_is_found_by_email_once_and_bound_to_the_subject(stack):
    intake, orgs = stack
    made = orgs[ORG_ID].api.call("POST", "/v1/users", {"email": USERS["bob-at-idp"], "role": "org_admin"})
    browser, back = oidc_sign_in(intake, "bob-at-idp")
    assert back.headers.get("Location") == "/account"
    assert intake.query("select oidc_subject from intake_user where user_id = :u", u=made["user_id"]) == \
        [("bob-at-idp",)]


def test_an_unknown_subject_and_another_organisations_person_are_refused(stack):
    intake, orgs = stack
    browser, back = oidc_sign_in(intake, "mallory-at-idp")
    assert back.status_code == 403 and "geen account" in back.text
    assert browser.get("/v1/candidates").status_code == 401
    assert browser.get("/account").status_code == 303
    # eve has an account, but in an organisation this issuer is not bound to: no account is made either.
    orgs[OTHER_ID].api.call("POST", "/v1/users", {"email": USERS["eve-at-idp"], "role": "case_worker"})
    browser, back = oidc_sign_in(intake, "eve-at-idp")
    assert back.status_code == 403 and browser.get("/v1/candidates").status_code == 401
    assert intake.query("select count(*) from intake_user where oidc_subject in ('mallory-at-idp', 'eve-at-idp')") \
        == [(0,)]


def test_a_disabled_person_cannot_sign_in_at_the_provider(stack):
    intake, orgs = stack
    made = orgs[ORG_ID].api.call("POST", "/v1/users", {"email": "carol@oidc-shelter.example.nl",
                                                        "role": "case_worker", "oidc_subject": "carol-at-idp"})
    browser, _ = oidc_sign_in(intake, "carol-at-idp")
    assert browser.get("/v1/candidates").status_code == 200
    orgs[ORG_ID].api.call("POST", f"/v1/users/{made['user_id']}/disabling")
    assert browser.get("/v1/candidates").status_code == 401
    again, back = oidc_sign_in(intake, "carol-at-idp")
    assert back.status_code == 403 and again.get("/v1/candidates").status_code == 401


def test_an_answer_that_does_not_belong_to_the_browsers_sign_in_is_refused(stack):
    intake, _ = stack
    browser = Browser(intake)
    browser.get("/oidc/test/aanmelden")
    assert browser.get("/oidc/test/terug?code=forged&state=forged").status_code == 403
    assert Browser(intake).get("/oidc/test/terug?code=x&state=y").status_code == 401
    assert browser.get("/oidc/nosuch/aanmelden").status_code == 404
