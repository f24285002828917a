"""The case worker's screens in a real browser on the real stack (issue 16, items 5 and 6): Debian's chromium
driven by Selenium over the broker, the three services and PostgreSQL.

A case worker enrols a second factor, signs in, submits a candidate, sees the offer after the corporation
confirms it over the API, accepts it and sees the place in the timeline; another shelter's case worker sees
none of it. Then axe-core scans every screen in Dutch and in English, signed in as each role that sees it:
0 violations; every page reflows at 320 px and starts with its skip link."""
from __future__ import annotations

import random
import re

import httpx
import pyotp
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from services.system.demo import create_organisations
from services.system.scenario import Org, Scenario, make_bsn
from services.system.supervisor import client_ssl_context
from tests.e2e.region import one_region
from tests.e2e.screens_browser import axe_violations, chromium, enter, next_code, overflows_at, press, type_into
from tests.support import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
PASSWORD = "correct horse battery staple"
#: Every screen and who sees it: (path or a name filled in by the test, the roles signed in to scan it).
PAGES = [("/", ["visitor"]), ("/aanmelden", ["visitor"]), ("/inschrijven", ["visitor"]),
         ("/toegankelijkheid", ["visitor", "case_worker"]), ("/account", ["case_worker", "allocation_officer"]),
         ("/kandidaten", ["case_worker"]), ("/kandidaten/nieuw", ["case_worker"]),
         ("form-with-errors", ["case_worker"]), ("/kandidaten/{candidate_id}", ["case_worker"]),
         ("/kandidaten/{candidate_id}/wijzigen", ["case_worker"]),
         ("/kandidaten/{candidate_id}/intrekken", ["case_worker"]), ("/aanbiedingen/{offer_id}", ["case_worker"]),
         ("/meldingen", ["case_worker"]), ("/instellingen/meldingen", ["case_worker", "allocation_officer"]),
         ("/kandidaten", ["allocation_officer"])]  # the last: the 403 page


def new_account(api, email: str, role: str) -> str:
    return api.call("POST", "/v1/users", {"email": email, "role": role})["enrolment_code"]


def enrol_in_browser(driver, base: str, code: str) -> str:
    driver.get(base + "/inschrijven")
    type_into(driver, "enrolment_code", code)
    type_into(driver, "password", PASSWORD)
    type_into(driver, "password_again", PASSWORD)
    enter(driver, driver.find_element(By.ID, "password_again"))
    secret = driver.find_element(By.ID, "totp-secret").text
    type_into(driver, "code", pyotp.TOTP(secret).now())
    enter(driver, driver.find_element(By.ID, "code"))
    assert len(driver.find_elements(By.CSS_SELECTOR, "#herstelcodes li")) == 10
    return secret


def sign_in_in_browser(driver, base: str, email: str, secret: str) -> None:
    driver.get(base + "/")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "nl"
    type_into(driver, "email", email)
    type_into(driver, "password", PASSWORD)
    enter(driver, driver.find_element(By.ID, "password"))
    type_into(driver, "code", next_code(secret))
    enter(driver, driver.find_element(By.ID, "code"))
    assert driver.current_url.endswith("/account"), driver.current_url


def signed_in_http(base: str, tls, api, email: str, role: str) -> httpx.Client:
    """A person enrolled and signed in over plain HTTP (for the roles the flow does not drive)."""
    from tests.integration.intake.people import hidden
    code = new_account(api, email, role)
    http = httpx.Client(base_url=base, verify=tls, timeout=30)
    token = lambda page: hidden(http.get(page).text, "csrf_token")  # noqa: E731
    page = http.post("/inschrijven", data={"csrf_token": token("/inschrijven"), "enrolment_code": code,
                                           "password": PASSWORD, "password_again": PASSWORD}).text
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    http.post("/inschrijven/bevestigen", data={"csrf_token": hidden(page, "csrf_token"), "enrolment_code": code,
                                               "code": pyotp.TOTP(secret).now()})
    http.post("/aanmelden", data={"csrf_token": token("/aanmelden"), "email": email, "password": PASSWORD})
    done = http.post("/aanmelden/code", data={"csrf_token": token("/aanmelden/code"), "code": next_code(secret)})
    assert done.status_code == 303, done.text
    return http


@pytest.fixture(scope="module")
def world(stack):
    region = one_region(stack, "Scherm", "GM0888", "R08", max_places=3)
    other = Scenario(period="2026", today=None)
    other.orgs = [Org("Opvang Elders", "shelter", region="R08", institution_type="shelter")]
    create_organisations(stack.conf, other)
    base, tls = stack.url("intake"), client_ssl_context(stack.conf)
    from services.system.partner_client import PartnerClient
    return {"region": region, "base": base, "tls": tls,
            "other_shelter": PartnerClient(base, other.orgs[0].token, tls), "ids": {}}


@pytest.fixture(scope="module")
def browser():
    with chromium() as driver:
        yield driver


def test_a_case_worker_enrols_submits_and_accepts_an_offer_another_shelter_sees_none_of_it(world, browser):
    region, base, d = world["region"], world["base"], browser
    email = "casemanager@opvang-scherm.example.nl"
    secret = enrol_in_browser(d, base, new_account(region.api["shelter"], email, "case_worker"))
    sign_in_in_browser(d, base, email, secret)
    # The skip link is the first stop of the keyboard.
    d.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    skip = d.switch_to.active_element
    assert skip.get_attribute("href").endswith("#inhoud") and skip.is_displayed()
    assert d.execute_script("return getComputedStyle(arguments[0]).outlineStyle", skip) != "none"  # visible focus
    enter(d, d.find_element(By.LINK_TEXT, "Mijn kandidaten"))
    enter(d, d.find_element(By.LINK_TEXT, "Kandidaat aanmelden"))
    bsn = make_bsn(random.Random("screens-browser"))
    for field, value in (("bsn", bsn), ("region", "R08"), ("household_size", "1")):
        type_into(d, field, value)
    d.find_element(By.ID, "shelter_entry_date").send_keys("2026-01-05")
    press(d, css="form button[type=submit]")
    assert "/kandidaten/cand-" in d.current_url, d.page_source[:2000]
    candidate_id = re.search(r"/kandidaten/(cand-[0-9a-f]+)", d.current_url).group(1)
    assert bsn not in d.page_source and "●●●●●●●●●" in d.page_source
    world["ids"]["candidate_id"] = candidate_id
    # The corporation publishes a home; the matcher offers it; the corporation confirms over the API.
    region.vacancy("SCHERM-1")
    corp = region.api["corporation"]
    offer = wait_until(lambda: corp.call("GET", "/v1/offers?status=open")["items"], timeout=60)[0]
    corp.call("POST", f"/v1/offers/{offer['offer_id']}/confirmation", {})
    world["ids"]["offer_id"] = offer["offer_id"]
    d.get(base + "/kandidaten")
    enter(d, d.find_element(By.LINK_TEXT, "SCHERM-1"))
    assert "bevestigd" in d.find_element(By.ID, "aanbod").text
    press(d, "accepteren")
    assert "Het aanbod is geaccepteerd." in d.page_source

    def placed() -> bool:
        d.get(f"{base}/kandidaten/{candidate_id}")
        return "Geplaatst" in d.find_element(By.ID, "tijdlijn").text
    wait_until(placed, timeout=60)
    assert "Gehuisvest" in d.find_element(By.ID, "status").text
    # Another shelter's case worker sees none of it.
    stranger = signed_in_http(base, world["tls"], world["other_shelter"], "elders@opvang.example.nl",
                              "case_worker")
    assert candidate_id not in stranger.get("/kandidaten").text
    assert stranger.get(f"/kandidaten/{candidate_id}").status_code == 404
    assert stranger.get(f"/aanbiedingen/{offer['offer_id']}").status_code == 404
    assert "SCHERM-1" not in stranger.get("/meldingen").text


def test_every_screen_has_no_axe_violation_in_both_languages_and_reflows_at_320px(world, browser):
    if "offer_id" not in world["ids"]:
        pytest.skip("needs the flow's candidate and offer")
    d, base = browser, world["base"]
    officer = signed_in_http(base, world["tls"], world["region"].api["corporation"], "verhuur@ws.example.nl",
                             "allocation_officer")
    sessions = {"case_worker": d.get_cookie("__Host-hm_session")["value"],
                "allocation_officer": officer.cookies["__Host-hm_session"]}
    d.get("data:text/html,<html><body><img src='x.png'><a href='#'></a></body></html>")
    assert {"image-alt", "html-has-lang"} <= {v["id"] for v in axe_violations(d)}  # the scan does find faults
    found, scanned = {}, 0
    for role in ("visitor", "case_worker", "allocation_officer"):
        d.get(base + "/toegankelijkheid")
        d.delete_all_cookies()
        if role != "visitor":
            d.add_cookie({"name": "__Host-hm_session", "value": sessions[role], "path": "/", "secure": True})
        for language in ("nl", "en"):
            d.get(f"{base}/taal/{language}")
            for page, roles in PAGES:
                if role not in roles:
                    continue
                if page == "form-with-errors":
                    d.get(base + "/kandidaten/nieuw")
                    type_into(d, "household_size", "veel")
                    press(d, css="form button[type=submit]")
                else:
                    d.get(base + page.format(**world["ids"]))
                assert d.find_element(By.TAG_NAME, "html").get_attribute("lang") == language
                assert d.title and d.find_elements(By.CSS_SELECTOR, "a.utrecht-skip-link[href='#inhoud']")
                violations = axe_violations(d)
                d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                  {"width": 320, "height": 800, "deviceScaleFactor": 1, "mobile": False})
                overflow = overflows_at(d)
                d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
                scanned += 1
                if violations or overflow > 0:
                    found[f"{role} {language} {page}"] = {"axe": violations, "overflow_px": overflow}
    assert scanned >= 30 and not found, found


def test_one_sign_in_opens_the_ledgers_figures_with_a_signed_pass(world, stack):
    region, base = world["region"], world["base"]
    officer = signed_in_http(base, world["tls"], region.api["municipality"], "beleid@gemeente.example.nl",
                             "policy_officer")
    assert officer.get("/").headers["Location"] == "/cijfers"
    ledger = httpx.Client(base_url=stack.url("ledger"), timeout=30)

    def a_pass() -> str:
        page = officer.get("/cijfers")
        assert page.status_code == 200 and "form-action 'self' https://" in page.headers["Content-Security-Policy"]
        return re.search(r'name="pass" value="([^"]+)"', page.text).group(1)

    def opened() -> httpx.Response | None:
        answer = ledger.post("/v1/figures", data={"pass": a_pass()})
        return answer if answer.status_code == 200 else None  # the ledger learns the organisation from a topic
    figures = wait_until(opened, timeout=60)
    assert 'lang="nl"' in figures.text and "GM0888" in figures.text
    used = a_pass()
    assert ledger.post("/v1/figures", data={"pass": used}).status_code == 200
    assert ledger.post("/v1/figures", data={"pass": used}).status_code == 403  # once only
    claims, signature = used.split(".")
    forged = claims[:-4] + ("AAAA" if claims[-4:] != "AAAA" else "BBBB") + "." + signature
    assert ledger.post("/v1/figures", data={"pass": forged}).status_code == 403
    case_worker = signed_in_http(base, world["tls"], region.api["shelter"], "cw2@opvang.example.nl", "case_worker")
    assert case_worker.get("/cijfers").status_code == 403
