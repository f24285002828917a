#!/usr/bin/env python3
"""Screenshots of the main screens for the README (issue 16), taken by Debian's chromium, headless.

Start `housing-match demo --stay` first; it prints the address, e-mail, password and TOTP key used here:
  .venv/bin/python scripts/screenshots.py https://127.0.0.1:8081 EMAIL PASSWORD TOTP_KEY
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pyotp
from selenium.webdriver.common.by import By

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.e2e.screens_browser import chromium, enter, type_into  # noqa: E402

DOCS = Path(__file__).resolve().parent.parent / "docs"


def shoot(driver, name: str) -> None:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1100, min(max(height, 700), 1600))
    driver.save_screenshot(str(DOCS / f"screen-{name}.png"))
    print(DOCS / f"screen-{name}.png")


def main(base: str, email: str, password: str, secret: str) -> None:
    with chromium(1100, 900) as d:
        d.get(base + "/")
        shoot(d, "sign-in")
        type_into(d, "email", email)
        type_into(d, "password", password)
        enter(d, d.find_element(By.ID, "password"))
        time.sleep(max(0.0, 30 - time.time() % 30) + 1)  # the enrolment used this period's code
        type_into(d, "code", pyotp.TOTP(secret).now())
        enter(d, d.find_element(By.ID, "code"))
        d.get(base + "/kandidaten")
        shoot(d, "candidates")
        d.find_element(By.CSS_SELECTOR, "#kandidaten tbody a").click()
        shoot(d, "candidate")
        d.get(base + "/meldingen")
        offers = [a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, "#meldingen a")
                  if "/aanbiedingen/" in a.get_attribute("href")]
        if offers:
            d.get(offers[0])
            shoot(d, "offer")
        d.get(base + "/kandidaten/nieuw")
        type_into(d, "bsn", "123456789")
        type_into(d, "region", "R01")
        type_into(d, "household_size", "2")
        type_into(d, "children", "2")
        type_into(d, "shelter_entry_date", "2026-01-05")
        enter(d, d.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
        shoot(d, "form-errors")
        d.get(base + "/meldingen")
        shoot(d, "notifications")


if __name__ == "__main__":
    main(*sys.argv[1:5])
