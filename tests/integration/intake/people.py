"""People in the intake tests (issue 15): a browser (an HTTPS client with a cookie jar, no script) that
enrols at the real sign-in pages and then calls the API with its session cookie and CSRF token."""
from __future__ import annotations

import html
import itertools
import re
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import pyotp

from services.system.supervisor import client_ssl_context

_n = itertools.count(1)
PASSWORD = "correct horse battery staple"


def hidden(page: str, name: str) -> str:
    m = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert m, f"no {name} on the page"
    return html.unescape(m.group(1))


def ask(p, method: str, path: str, form: dict[str, str]):
    """A person asks a screen as a browser would: a GET, or a POST of ``form`` with the session's CSRF token
    (the authorisation matrices: the answer depends on who asks, not on the form)."""
    if method == "GET":
        return p.browser.get(path)
    csrf = hidden(p.browser.get("/account").text, "csrf_token")
    return p.browser.http.post(path, data={**form, "csrf_token": csrf})


def check_matrix(intake, people: dict, method: str, path: str, form: dict[str, str], allowed: dict,
                 stranger: tuple[str, int] | None = None, roles=None, default: int = 403) -> dict:
    """One screen's authorisation matrix: each of ``roles`` (keys of ``people``; all when not given) gets
    ``allowed[key]`` (``default`` when not named; ``None``: not asked), ``stranger`` = (key, status) asks once
    more, and a visitor who is not signed in is sent to the sign-in page. Returns the answers, for a test's own
    further checks."""
    asked = {who: want for who in (roles or people) if (want := allowed.get(who, default)) is not None}
    answers = {who: ask(people[who], method, path, form) for who in asked}
    assert {who: a.status_code for who, a in answers.items()} == asked
    if stranger:
        who, want = stranger
        assert ask(people[who], method, path, form).status_code == want
    visitor = Browser(intake)
    answer = visitor.get(path) if method == "GET" else visitor.http.post(path, data=form)
    assert answer.status_code == 303 and answer.headers["Location"] == "/"
    return answers


class Browser:
    def __init__(self, intake) -> None:
        self.http = httpx.Client(base_url=intake.url, verify=client_ssl_context(intake.conf), follow_redirects=False,
                                 timeout=30)

    def get(self, path: str) -> httpx.Response:
        return self.http.get(path)

    def submit(self, path: str, form_path: str | None = None, **fields: str) -> httpx.Response:
        """Post a form as the browser does: with the CSRF token the page showed (form_path: the page's path)."""
        if "csrf_token" not in fields:
            fields["csrf_token"] = hidden(self.get(form_path or path).text, "csrf_token")
        return self.http.post(path, data=fields)


@dataclass
class Person:
    """A signed-in person: ``api`` answers like PartnerClient.request, with the session cookie and CSRF header."""

    browser: Browser
    email: str
    user_id: str
    org_id: str
    role: str  # the organisation's role
    user_role: str
    secret: str = ""
    csrf: str = ""
    recovery: list[str] = field(default_factory=list)

    def request(self, method: str, path: str, body: Any = None, csrf: bool = True) -> tuple[int, Any]:
        headers = {"Accept": "application/json", **({"X-CSRF-Token": self.csrf} if csrf else {})}
        r = self.browser.http.request(method, path, json=body, headers=headers)
        try:
            return r.status_code, r.json()
        except ValueError:
            return r.status_code, r.text

    @property
    def api(self) -> Person:
        return self  # the matrix calls caller.api.request(...)

    def call(self, method: str, path: str, body: Any = None) -> Any:
        status, parsed = self.request(method, path, body)
        assert status in (200, 201), (status, parsed)
        return parsed

    @property
    def org_role(self) -> str:
        return self.role


def create_account(org, user_role: str) -> tuple[str, str, str]:
    """(user id, e-mail address, enrolment code) of a new account of the organisation, made with its token."""
    email = f"p{next(_n)}.{user_role}@{org.org_id}.example.nl"
    made = org.api.call("POST", "/v1/users", {"email": email, "role": user_role})
    return made["user_id"], email, made["enrolment_code"]


def enrol(browser: Browser, code: str) -> tuple[str, list[str]]:
    """Choose a password and enrol the authenticator; returns (TOTP secret, recovery codes)."""
    page = browser.submit("/inschrijven", enrolment_code=code, password=PASSWORD, password_again=PASSWORD)
    assert page.status_code == 200, page.text
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.text).group(1)
    done = browser.submit("/inschrijven/bevestigen", csrf_token=hidden(page.text, "csrf_token"),
                          enrolment_code=code, code=pyotp.TOTP(secret).now())
    assert done.status_code == 200, done.text
    return secret, [html.unescape(c) for c in re.findall(r"<li><code>([^<]+)</code></li>", done.text)]


def next_code(secret: str) -> str:
    """The authenticator's next code (accepted for clock drift): the current one was used at enrolment, and a
    code works only once."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def sign_in(browser: Browser, email: str, second: str) -> httpx.Response:
    """Password, then the second factor; answers the last step's response."""
    first = browser.submit("/aanmelden", email=email, password=PASSWORD)
    assert first.status_code == 303 and first.headers["Location"] == "/aanmelden/code", first.text
    return browser.submit("/aanmelden/code", code=second)


def person(intake, org, user_role: str) -> Person:
    """A new person of the organisation, enrolled and signed in."""
    user_id, email, code = create_account(org, user_role)
    browser = Browser(intake)
    secret, recovery = enrol(browser, code)
    done = sign_in(browser, email, next_code(secret))
    assert done.status_code == 303 and done.headers["Location"] == "/account", done.text
    csrf = hidden(browser.get("/account").text, "csrf_token")
    return Person(browser, email, user_id, org.org_id, org.role, user_role, secret, csrf, recovery)
