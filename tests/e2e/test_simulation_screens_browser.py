"""The policy officer's simulation screens in a real browser on the real stack (Debian's chromium through Selenium;
broker, the three services, PostgreSQL and the simulation worker), with the keyboard only: from the menu to
"Simulaties", the form sent with a wrong number (named at the top and at its field), then a small what-if job
(30 more places with the region's corporation, 10 days, one seed) followed with "Vernieuwen" until its report's
tables are there; a second job stopped at once (after its confirmation page) stays stopped although the worker runs
it: checked once the intake has processed that job's finished event. axe-core scans each of these pages in Dutch
and in English (0 violations)."""
from __future__ import annotations

from datetime import date

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import create_engine, text

from services.system.demo import create_organisations
from services.system.scenario import Org, Scenario
from services.system.supervisor import client_ssl_context
from services.system.partner_client import PartnerClient
from services.system.simulation_worker.job import event_id
from tests.e2e.screens_browser import axe_violations, chromium, type_into
from tests.e2e.test_partner_screens_browser import SESSION, be, keyboard_enter, press_on
from tests.e2e.test_screens_browser import signed_in_http
from tests.support import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
STACK_SIMULATION = True


@pytest.fixture(scope="module")
def world(stack):
    sc = Scenario(period=str(date.today().year), today=date.today())
    sc.orgs = [Org("Gemeente Vijfhoek", "municipality", municipality="GM4501", region="R45", central=True),
               Org("Woonstichting Vijf", "corporation", region="R45")]
    create_organisations(stack.conf, sc)
    base, tls = stack.url("intake"), client_ssl_context(stack.conf)
    api = PartnerClient(base, sc.orgs[0].token, tls)
    session = signed_in_http(base, tls, api, "beleid@vijfhoek.example.nl", "policy_officer").cookies[SESSION]
    return {"base": base, "sessions": {"policy_officer": session}, "corporation": sc.orgs[1].org_id, "api": api,
            "database_url": stack.conf.database_url}


@pytest.fixture(scope="module")
def browser():
    with chromium() as driver:
        yield driver


def scan(d, found: dict, name: str) -> None:
    """axe-core on the page shown (a GET), in Dutch and then in English (the page asked again), back in Dutch."""
    page = d.current_url
    origin = "/".join(page.split("/", 3)[:3])
    for language in ("nl", "en"):
        d.get(f"{origin}/taal/{language}")
        d.get(page)
        if violations := axe_violations(d):
            found[f"{language} {name}"] = violations
    d.get(f"{origin}/taal/nl")
    d.get(page)


def processed(engine, event: str) -> bool:
    """Whether the intake has consumed the event (its inbox, written in the transaction that handled it)."""
    with engine.connect() as db:
        return db.execute(text("select count(*) from intake_processed_event where event_id = :e"),
                          {"e": event}).scalar_one() == 1


def test_a_policy_officer_runs_a_what_if_with_the_keyboard_and_reads_its_tables(world, browser):
    d, found = browser, {}
    be(d, world, "policy_officer", "/gemeente/afspraken")
    press_on(d, css='nav a[href="/simulaties"]')
    assert d.find_element(By.TAG_NAME, "h1").text == "Simulaties: wat als?"
    assert "nog geen simulaties" in d.find_element(By.ID, "simulaties").text
    scan(d, found, "list (empty)")
    press_on(d, "nieuwe-simulatie")
    scan(d, found, "form")
    for language in ("en", "nl"):  # a posted page cannot be asked again: sent once in each language
        d.get(f"{world['base']}/taal/{language}")
        d.get(f"{world['base']}/simulaties/nieuw")
        type_into(d, "days", "tien")
        type_into(d, "seeds", "1")
        type_into(d, "agreement_extra_places", "30")
        press_on(d, "simulatie-starten")
        if violations := axe_violations(d):
            found[f"{language} form with an error"] = violations
    summary = d.find_element(By.ID, "fouten").text
    assert "Aantal dagen: Vul een heel getal in." in summary and "tien" not in d.page_source
    assert d.find_element(By.ID, "days").get_attribute("aria-invalid") == "true"
    assert d.find_element(By.CSS_SELECTOR, '#fouten a[href="#days"]')  # the summary links to the field
    type_into(d, "days", "10")
    type_into(d, "name", "Dertig meer")
    press_on(d, "simulatie-starten")
    assert "/simulaties/sim-" in d.current_url
    assert d.find_element(By.ID, "status").text in ("In de wachtrij", "Bezig", "Klaar")
    assert "30 extra plaatsen in de afspraak met elke corporatie" in d.find_element(By.ID, "varianten").text

    def finished() -> bool:
        if d.find_element(By.ID, "status").text == "Klaar":
            return True
        keyboard_enter(d, d.find_element(By.ID, "vernieuwen"))
        return False
    wait_until(finished, timeout=150, every=0.5)
    scan(d, found, "job (done)")
    first = d.find_element(By.ID, "uitkomst-1")
    assert "Zoals nu" in first.find_element(By.TAG_NAME, "caption").text
    assert "Dertig meer" in d.find_element(By.ID, "uitkomst-2").find_element(By.TAG_NAME, "caption").text
    everyone = first.find_element(By.XPATH, ".//tbody/tr[1]")
    assert everyone.find_element(By.TAG_NAME, "th").text == "Iedereen"
    assert everyone.find_elements(By.TAG_NAME, "td")[0].text.strip().isdigit()  # people placed, one seed
    press_on(d, css='a[href="/simulaties"]')
    assert d.find_element(By.CSS_SELECTOR, "#simulaties tbody tr td").text == "Klaar"
    scan(d, found, "list")

    # A job stopped before it ends stays stopped: the worker runs it anyway, and once the intake has processed its
    # finished event (the worker's event ids follow from the job's id) that result has come and gone unheard.
    press_on(d, "nieuwe-simulatie")
    type_into(d, "days", "120")  # the four strategies over 120 days: seconds, long enough to be stopped running
    type_into(d, "seeds", "1")
    press_on(d, "simulatie-starten")
    stopped = d.current_url.split("?")[0]
    press_on(d, "stoppen")
    assert "kan niet ongedaan worden gemaakt" in d.find_element(By.TAG_NAME, "main").text
    assert d.current_url == f"{stopped}/stoppen"  # a page of its own: nothing is stopped yet
    scan(d, found, "stop (confirmation)")
    press_on(d, "ja-stoppen")
    assert d.find_element(By.ID, "status").text == "Gestopt" and "gestopt" in d.find_element(By.TAG_NAME, "main").text
    scan(d, found, "job (stopped)")
    finished = str(event_id(stopped.rsplit("/", 1)[1], "finished"))
    engine = create_engine(world["database_url"])
    try:
        wait_until(lambda: processed(engine, finished), timeout=150, every=0.5)
    finally:
        engine.dispose()
    d.get(stopped)
    assert d.find_element(By.ID, "status").text == "Gestopt" and not d.find_elements(By.ID, "uitkomst-1")
    assert not found, found
