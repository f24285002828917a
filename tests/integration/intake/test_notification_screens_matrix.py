"""Issue 18's screens: the authorisation matrix (every screen x every person role in an organisation its role
fits x the own and another organisation's webhook, and a visitor) and what the screens do against the real
intake: a person's settings kept, a webhook registered with its secret shown once (the same form posted again
registers nothing and keeps no secret), a refused URL named at its field without repeating it, a replay from a
cursor, a delete. The roles that may manage webhooks are the API's (domain/accounts.py ROLE_TAGS), asked here of
the rule itself, so the screen and the API cannot drift apart."""
from __future__ import annotations

import re

import pytest

from contracts.vocabulary import UserRole
from services.intake.domain.accounts import may_use
from services.intake.entrypoints.screens.paths import NOTIFICATION_PAGES
from tests.integration.intake.people import check_matrix, hidden, person

pytestmark = pytest.mark.integration
ROLES = {"case_worker": "shelter", "allocation_officer": "corporation", "policy_officer": "municipality",
         "transfer_officer": "transfer_point", "support_coordinator": "support_provider", "analyst": "ministry",
         "org_admin": "corporation", "system_admin": "admin"}
EVERYONE = {role: 200 for role in ROLES}
#: (method, path, {role: answer} (every other role: 403; None: a write made by the flow below), (another
#: organisation's administrator, answer) for a screen of one webhook).
SCREENS = [
    ("GET", "/instellingen/meldingen", EVERYONE, None),
    ("POST", "/instellingen/meldingen", {role: 400 for role in ROLES}, None),
    ("GET", "/beheer/webhooks", {"org_admin": 200, "system_admin": 200}, None),
    ("POST", "/beheer/webhooks", {"org_admin": 400, "system_admin": 400}, None),
    # The system administrator manages the admin organisation's webhooks, not the corporation's.
    ("GET", "/beheer/webhooks/{webhook_id}/verwijderen", {"org_admin": 200, "system_admin": 404}, ("other_admin", 404)),
    ("POST", "/beheer/webhooks/{webhook_id}/verwijderen", {"org_admin": None, "system_admin": 404},
     ("other_admin", 404)),
    ("GET", "/beheer/webhooks/{webhook_id}/opnieuw", {"org_admin": 200, "system_admin": 404}, ("other_admin", 404)),
    ("POST", "/beheer/webhooks/{webhook_id}/opnieuw", {"org_admin": 400, "system_admin": 404}, ("other_admin", 404)),
]
#: A form that would change something if it were taken: each field refused (never echoed back).
FORM = {"frequency": "nooit", "language": "nl", "url": "http://9.9.9.9/geheim-pad", "cursor": "veel",
        "form_key": "matrix-notify-key"}


def test_the_matrix_covers_every_screen_and_the_webhook_screens_follow_the_apis_rule():
    assert {path for _, path, _, _ in SCREENS} == NOTIFICATION_PAGES
    assert set(ROLES) == {r.value for r in UserRole}
    managers = {role for role in ROLES if may_use(role, "webhooks")}
    assert {r for r, want in SCREENS[2][2].items() if want == 200} == managers == {"org_admin", "system_admin"}


@pytest.fixture(scope="module")
def world(intake):
    corp, other_corp = intake.org("corporation", region="R44"), intake.org("corporation", region="R44")
    orgs = {"corporation": corp}
    people = {role: person(intake, orgs.get(org_role) or intake.org(org_role, region="R44"), role)
              for role, org_role in ROLES.items()}
    people["other_admin"] = person(intake, other_corp, "org_admin")
    hook = corp.api.call("POST", "/v1/webhooks", {"url": "https://9.9.9.9/housing-match"})  # no DNS: a public address
    return {"ids": {"webhook_id": hook["webhook_id"]}, "people": people, "corp": corp}


@pytest.mark.parametrize("method,template,allowed,stranger", SCREENS)
def test_each_screen_answers_only_the_roles_it_is_for(intake, world, method, template, allowed, stranger):
    path = template.format(**world["ids"])
    answers = check_matrix(intake, world["people"], method, path, FORM, allowed, stranger, ROLES)
    assert not any("geheim-pad" in a.text for a in answers.values())  # a refused URL is never repeated


def test_nothing_was_changed_by_the_refused_writes(world):
    admin = world["people"]["org_admin"]
    assert [h["status"] for h in world["corp"].api.call("GET", "/v1/webhooks")["items"]] == ["active"]
    assert admin.call("GET", "/v1/notification-settings") == {"language": "nl", "frequency": "immediate"}
    assert world["people"]["other_admin"].call("GET", "/v1/webhooks")["items"] == []


def post(p, path: str, form_path: str, **fields):
    page = p.browser.get(form_path).text
    key = re.search(r'name="form_key" value="([^"]+)"', page)
    return p.browser.http.post(path, data={"csrf_token": hidden(page, "csrf_token"),
                                           **({"form_key": key.group(1)} if key else {}), **fields})


def test_a_person_keeps_a_daily_digest_in_english(world):
    worker = world["people"]["case_worker"]
    done = post(worker, "/instellingen/meldingen", "/instellingen/meldingen", frequency="daily", language="en")
    assert done.status_code == 303 and done.headers["Location"] == "/instellingen/meldingen?klaar=1"
    assert worker.call("GET", "/v1/notification-settings") == {"language": "en", "frequency": "daily"}
    page = worker.browser.get("/instellingen/meldingen?klaar=1").text
    assert '<option value="daily" selected>' in page and '<option value="en" lang="en" selected>' in page
    assert "Opgeslagen" in page and 'href="/instellingen/meldingen" aria-current="page"' in page
    assert 'href="/instellingen/meldingen" id="instellen"' in worker.browser.get("/meldingen").text  # from the feed


def test_an_administrator_registers_replays_and_deletes_a_webhook_and_sees_the_secret_once(intake, world):
    admin = world["people"]["org_admin"]
    refused = post(admin, "/beheer/webhooks", "/beheer/webhooks", url="https://10.0.0.8/intern-pad")
    assert refused.status_code == 400 and "intern-pad" not in refused.text
    assert 'aria-invalid="true"' in refused.text and "intern of afgeschermd netwerk" in refused.text
    page = admin.browser.get("/beheer/webhooks").text
    form = {"csrf_token": hidden(page, "csrf_token"), "form_key": hidden(page, "form_key"),
            "url": "https://9.9.9.9/tweede"}
    made = admin.browser.http.post("/beheer/webhooks", data=form)
    assert made.status_code == 201 and made.headers["Cache-Control"] == "no-store"
    secret = re.search(r'<code id="geheim">(whsec_[^<]+)</code>', made.text).group(1)
    again = admin.browser.http.post("/beheer/webhooks", data=form)  # a reload ("resend the form?"), a second click
    assert again.status_code == 200 and again.headers["Cache-Control"] == "no-store"
    assert "al een webhook geregistreerd" in again.text and 'id="al-geregistreerd"' in again.text
    assert "whsec_" not in again.text and "https://9.9.9.9/tweede" in again.text  # the list below, no secret
    listed = admin.browser.get("/beheer/webhooks").text
    assert "https://9.9.9.9/tweede" in listed and secret not in listed and "whsec_" not in listed
    (new_id,) = [h["webhook_id"] for h in admin.call("GET", "/v1/webhooks")["items"]
                 if h["url"].endswith("/tweede")]  # one webhook, not two
    kept = intake.query("select cast(body as text) from intake_idempotency where key = :k",
                        k="form:" + form["form_key"])
    assert len(kept) == 1 and new_id in kept[0][0] and secret not in kept[0][0]  # the answer kept, not its secret
    other = admin.browser.http.post("/beheer/webhooks", data={**form, "url": "https://9.9.9.9/derde"})
    assert other.status_code == 409 and 'id="al-geregistreerd"' in other.text and "derde" not in other.text
    replay = f"/beheer/webhooks/{new_id}/opnieuw"
    assert post(admin, replay, replay, cursor="-1").status_code == 400
    assert post(admin, replay, replay, cursor="0").headers["Location"] == "/beheer/webhooks?klaar=opnieuw"
    assert {h["webhook_id"]: h["cursor"] for h in admin.call("GET", "/v1/webhooks")["items"]}[new_id] == 0
    delete = f"/beheer/webhooks/{new_id}/verwijderen"
    assert "Ja, verwijderen" in admin.browser.get(delete).text
    assert post(admin, delete, delete).headers["Location"] == "/beheer/webhooks?klaar=verwijderd"
    assert new_id not in admin.browser.get("/beheer/webhooks").text
    assert admin.browser.get(delete).status_code == 404
