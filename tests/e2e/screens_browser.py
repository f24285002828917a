"""A real browser for the screens' tests (issue 16): Debian's chromium, headless, through Debian's
chromedriver (Selenium), with axe-core (npm, in .tools/) injected for the accessibility scans. One
browser per test module."""
from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pyotp
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait

AXE = Path(__file__).resolve().parents[2] / ".tools/node_modules/axe-core/axe.min.js"
#: WCAG 2.1 A and AA (and the rules axe counts as best practice are left out: they are not the law).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@contextlib.contextmanager
def chromium(width: int = 1280, height: int = 900) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={width},{height}", "--lang=nl"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"intl.accept_languages": "nl-NL,nl"})  # a Dutch office PC
    options.accept_insecure_certs = True  # the stack's self-signed localhost certificate
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    driver.implicitly_wait(5)
    try:
        yield driver
    finally:
        driver.quit()


def type_into(driver, field_id: str, text: str) -> None:
    field = driver.find_element(By.ID, field_id)
    field.clear()
    field.send_keys(text)


def press(driver, element_id: str | None = None, css: str | None = None) -> None:
    """Submit with the keyboard: Enter on the button, as a keyboard user does; then wait for the next page."""
    button = driver.find_element(By.ID, element_id) if element_id else driver.find_element(By.CSS_SELECTOR, css)
    enter(driver, button)


def enter(driver, element) -> None:
    """Enter on a link, button or field, and wait until the browser shows the next page: a mark left on this
    page's window is gone (a new document has a new window), and the new one has loaded. (Waiting for an
    element to go stale races with chromedriver, which may then answer "node does not belong to the
    document".)"""
    driver.execute_script("window.hmLeaving = true")
    element.send_keys(Keys.ENTER)
    # A poll that lands mid-navigation may fail; the next one decides.
    WebDriverWait(driver, 30, ignored_exceptions=(WebDriverException,)).until(lambda d: d.execute_script(
        "return window.hmLeaving === undefined && document.readyState === 'complete'"))


def axe_violations(driver) -> list[dict]:
    """axe-core's WCAG 2.1 AA violations on the page now shown (injected by WebDriver: the page's own policy
    forbids every script, so nothing of axe stays behind)."""
    driver.execute_script(AXE.read_text())
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(AXE_TAGS)}}}}})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))"
        ".catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));")
    return result


def overflows_at(driver, width: int = 320) -> int:
    """How far the page scrolls sideways at this viewport width (0: it reflows)."""
    return driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")


def next_code(secret: str) -> str:
    """The authenticator's next code (the current one may have been used at enrolment)."""
    return pyotp.TOTP(secret).at(time.time() + 30)
