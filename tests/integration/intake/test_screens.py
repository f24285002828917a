"""The case worker's screens against the real intake (issue 16): plain HTTP with a session cookie, as a browser
without script: the front door, forms with errors that name fields and never echo a value, the BSN never shown
again, offers answered, notifications, the content security policy and both languages."""
from __future__ import annotations

import random
import re

import pytest

from services.intake.entrypoints.screens.rendering import PAGE_POLICY
from services.system.scenario import make_bsn
from tests.integration.intake.conftest import vacancy_body, wait_for
from tests.integration.intake.people import Browser, hidden, person, sign_in

pytestmark = pytest.mark.integration


def form(page: str) -> dict[str, str]:
    return {"csrf_token": hidden(page, "csrf_token"), "form_key": hidden(page, "form_key")}


def profile(**kw) -> dict[str, str]:
    return {"region": "R07", "household_size": "2", "children": "1", "shelter_entry_date": "2026-01-05",
            "support": "light", **kw}


@pytest.fixture(scope="module")
def worker(intake):
    shelter = intake.org("shelter")
    return person(intake, shelter, "case_worker"), shelter


def test_the_front_door_shows_a_visitor_the_sign_in_page_in_dutch_with_the_statement(intake):
    page = Browser(intake).get("/")
    assert page.status_code == 200 and '<html lang="nl"' in page.text and 'name="password"' in page.text
    assert page.headers["Content-Security-Policy"] == PAGE_POLICY and "script" not in page.text
    assert 'href="/toegankelijkheid"' in page.text and 'href="#inhoud"' in page.text
    statement = Browser(intake).get("/toegankelijkheid")
    assert statement.status_code == 200 and "Nalevingsstatus" in statement.text
    english = Browser(intake).http.get("/", headers={"Accept-Language": "en-GB,en;q=0.9,nl;q=0.5"})
    assert '<html lang="en"' in english.text and "Password" in english.text
    css = Browser(intake).get("/static/nlds.css")
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
    assert Browser(intake).get("/static/../app.py").status_code == 404


def test_a_case_worker_submits_a_candidate_and_the_bsn_is_never_shown_again(intake, worker):
    p, _ = worker
    home = p.browser.get("/")
    assert home.status_code == 303 and home.headers["Location"] == "/kandidaten"
    bsn = make_bsn(random.Random(4242))
    blank = p.browser.get("/kandidaten/nieuw").text
    wrong = p.browser.http.post("/kandidaten/nieuw", data={**form(blank), **profile(household_size="veel",
                                                                                    bsn="123456789")})
    assert wrong.status_code == 400
    assert 'href="#household_size"' in wrong.text and "Aantal personen in het huishouden: Vul een heel getal in" \
        in wrong.text and 'aria-invalid="true"' in wrong.text
    assert "veel" not in wrong.text and "123456789" not in wrong.text  # no value echoed, the BSN never refilled
    not_a_bsn = p.browser.http.post("/kandidaten/nieuw", data={**form(blank), **profile(bsn="123456789")})
    assert not_a_bsn.status_code == 400 and 'href="#bsn"' in not_a_bsn.text and "elfproef" in not_a_bsn.text
    assert "123456789" not in not_a_bsn.text and 'value="2026-01-05"' in not_a_bsn.text
    made = p.browser.http.post("/kandidaten/nieuw", data={**form(blank), **profile(bsn=bsn)})
    assert made.status_code == 303, made.text
    page = p.browser.get(made.headers["Location"])
    assert page.status_code == 200 and bsn not in page.text and "●●●●●●●●●" in page.text
    assert "niet bewaard" in page.text
    again = p.browser.http.post("/kandidaten/nieuw", data={**form(blank), **profile(bsn=bsn)})
    assert again.headers["Location"] == made.headers["Location"]  # the same form twice: one candidate
    listed = p.browser.get("/kandidaten").text
    cid = made.headers["Location"].split("/")[2].split("?")[0]
    assert cid in listed and "Wacht op een woning" in listed and bsn not in listed
    edit = p.browser.get(f"/kandidaten/{cid}/wijzigen").text
    assert 'name="bsn"' not in edit and 'value="2026-01-05"' in edit
    changed = p.browser.http.post(f"/kandidaten/{cid}/wijzigen", data={**form(edit), **profile(children="3")})
    assert changed.status_code == 400 and 'href="#children"' in changed.text
    changed = p.browser.http.post(f"/kandidaten/{cid}/wijzigen", data={**form(edit), **profile(wheelchair="ja")})
    assert changed.status_code == 303
    assert "rolstoeltoegankelijke ingang" in p.browser.get("/kandidaten").text


def test_the_case_worker_answers_an_offer_and_reads_it_in_the_timeline_and_notifications(intake, worker):
    p, shelter = worker
    corp = intake.org("corporation")
    corp.api.call("POST", "/v1/vacancies", vacancy_body("S-1", rent=612.5,
                                                        address={"street": "Kade", "number": "3", "postcode":
                                                                 "1011AB", "town": "Amsterdam"}))
    made = p.call("POST", "/v1/candidates", {"region": "R07", "household_size": 1,
                                             "shelter_entry_date": "2026-02-01", "bsn": make_bsn(random.Random(4343))})
    offer_id = intake.offer(shelter, made["candidate_id"], corp, "S-1")
    page = p.browser.get(f"/aanbiedingen/{offer_id}").text
    assert "Kade 3" in page and "612.50" in page and "Uiterste datum" in page
    declined = p.browser.http.post(f"/aanbiedingen/{offer_id}/afwijzen",
                                   data={"csrf_token": hidden(page, "csrf_token"), "form_key": "k" * 12,
                                         "category": "unsafe_neighbourhood", "reason": ""})
    assert declined.status_code == 400 and 'href="#reason"' in declined.text
    no_token = p.browser.http.post(f"/aanbiedingen/{offer_id}/accepteren", data={"form_key": "x" * 12})
    assert no_token.status_code == 403
    accepted = p.browser.http.post(f"/aanbiedingen/{offer_id}/accepteren",
                                   data={"csrf_token": hidden(page, "csrf_token"), "form_key": "a" * 12})
    assert accepted.status_code == 303
    after = p.browser.get(accepted.headers["Location"]).text
    assert "geaccepteerd" in after and 'id="accepteren"' not in after
    timeline = p.browser.get(f"/kandidaten/{made['candidate_id']}").text
    assert "S-1" in timeline and f"/aanbiedingen/{offer_id}" in timeline
    notes = p.browser.get("/meldingen").text
    assert "Er is een woning aangeboden" in notes and f"/aanbiedingen/{offer_id}" in notes


def test_withdraw_with_a_reason_and_the_language_choice(intake, worker):
    p, _ = worker
    made = p.call("POST", "/v1/candidates", {"region": "R07", "household_size": 1,
                                             "shelter_entry_date": "2026-02-01", "bsn": make_bsn(random.Random(4444))})
    cid = made["candidate_id"]
    page = p.browser.get(f"/kandidaten/{cid}/intrekken").text
    empty = p.browser.http.post(f"/kandidaten/{cid}/intrekken", data={**form(page), "reason": ""})
    assert empty.status_code == 400 and "Reden" in empty.text
    done = p.browser.http.post(f"/kandidaten/{cid}/intrekken", data={**form(page), "reason": "verhuisd"})
    assert done.status_code == 303 and "Ingetrokken" in p.browser.get(done.headers["Location"]).text
    chosen = p.browser.get("/taal/en?terug=/meldingen")
    assert chosen.headers["Location"] == "/meldingen"
    assert '<html lang="en"' in p.browser.get("/meldingen").text
    assert p.browser.get("/taal/en?terug=//evil.example").headers["Location"] == "/"
    # The choice is kept with the account: another browser of the same person speaks English too.
    elsewhere = Browser(intake)
    assert sign_in(elsewhere, p.email, p.recovery[0]).status_code == 303
    assert '<html lang="en"' in elsewhere.get("/kandidaten").text
    assert "__Host-hm_lang" in elsewhere.http.cookies
    p.browser.get("/taal/nl")
    assert re.search(r'<html lang="nl"', p.browser.get("/kandidaten").text)
